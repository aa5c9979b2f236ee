"""The curation console in a real browser (Debian's Chromium, driven by
Playwright for Python), against a real server on a fresh database that
tests/api/console.rs started with the plainly fake fixtures.

Usage: console_test.py BASE_URL OUT_DIR, with CONSOLE_TOKENS (JSON: admin,
reviewer, curator_a, curator_b) in the environment. One browser launch;
each person is a browser context of their own (their own sessionStorage).

Scenarios (issue 13): 1. a curator adds a clinician with an affiliation
and a volume fact, a reviewer sees the diff and approves (with the mouse),
and the same again with the keyboard only (5); 2. two curators edit one
centre, the second gets the conflict view and re-applies; 3. a 20-row
CSV with 2 bad rows: exactly those 2 errors in the preview, 18 proposals,
approved as a batch; 4. accounts: a token shown once, signing in with it,
a revoked token refused with a clear message; 5. axe-core on every page
(no serious or critical violation); 6. screenshots of each screen at 1280
and 360 px in OUT_DIR.

Prints one JSON object (what the Rust test checks through the API) and
exits non-zero on the first failed expectation, or at the end when axe
found violations or the page logged an error (a CSP refusal included).
"""

import csv
import io
import json
import os
import re
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

BASE = sys.argv[1].rstrip("/")
OUT = Path(sys.argv[2])
TOKENS = json.loads(os.environ["CONSOLE_TOKENS"])
HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

expect.set_options(timeout=15_000)

violations = []  # axe findings, serious or critical, per screen
page_errors = []  # console errors and uncaught exceptions
shots = []
scanned = []
result = {}


def console_url(route=""):
    return f"{BASE}/curate/#{route}"


def watch(page, who):
    def on_console(msg):
        if msg.type == "error":
            text = msg.text
            # A 4xx the console asked for on purpose is logged by Chromium as
            # a failed resource load; the console shows those itself.
            if "Failed to load resource" in text:
                return
            page_errors.append(f"{who}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: page_errors.append(f"{who}: uncaught {e}"))


def scan(page, name):
    """axe-core on the page as it is; serious and critical findings kept."""
    found = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    scanned.append(name)
    for v in found:
        if v["impact"] in ("serious", "critical"):
            violations.append({"screen": name, **v})


def screen(page, name):
    """Scans the screen and saves it at 1280 and 360 px wide."""
    page.wait_for_selector('main[aria-busy="false"]')
    page.wait_for_load_state("networkidle")
    scan(page, name)
    # A JavaScript value printed as text ("null", "[object ...]") is a bug.
    stray = page.evaluate(
        """() => {
            const out = [];
            const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) {
                const t = walk.currentNode.textContent.trim();
                if (t === 'null' || t === 'undefined' || t.includes('[object ') || t === 'NaN') out.push(t);
            }
            return out;
        }"""
    )
    if stray:
        violations.append({"screen": name, "id": "stray-text", "impact": "serious",
                           "help": f"JavaScript values shown as text: {stray[:5]}", "nodes": []})
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        # At 360 px nothing may scroll sideways but tables in their wrapper.
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 1:
            violations.append({"screen": name, "id": "horizontal-scroll", "impact": "serious",
                               "help": f"the page scrolls sideways by {overflow}px at {width}px",
                               "nodes": []})
        path = OUT / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path.name)
    page.set_viewport_size({"width": 1280, "height": 900})


def new_person(browser, who):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    watch(page, who)
    return context, page


def sign_in(page, token, name):
    page.goto(console_url("/signin"))
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#who-name")).to_have_text(name)


def field(page, path):
    return page.locator(f'[data-field="{path}"]')


def h1(page):
    return page.locator("main h1")


def approve_in_ui(page, proposal_id):
    page.goto(console_url(f"/proposal/{proposal_id}"))
    expect(page.locator("table.diff")).to_be_visible()
    page.locator("#approve").click()
    expect(page.locator("#proposal-status")).to_have_text("approved")


def proposal_id_of(page):
    expect(h1(page)).to_contain_text("Proposal #")
    return int(re.search(r"#(\d+)", h1(page).inner_text()).group(1))


# ---------------------------------------------------------------- keyboard


def tab_to(page, selector, limit=400):
    """Presses Tab until the focused element matches `selector` (once the
    page has finished loading: main is aria-busy while it renders)."""
    page.wait_for_selector('main[aria-busy="false"]')
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def key_fill(page, selector, text):
    tab_to(page, selector)
    page.keyboard.type(text)


def key_activate(page, selector):
    tab_to(page, selector)
    page.keyboard.press("Enter")


# --------------------------------------------------------------- scenarios


def scenario_1_mouse(curator, reviewer):
    """A clinician with an affiliation and a volume fact, with the mouse."""
    page = curator
    page.goto(console_url("/listings"))
    screen(page, "listings-empty-search")
    page.get_by_label("Words").fill("houston")
    page.get_by_role("button", name="Search").click()
    page.locator('a[href="#/centre/fake-houston"]').click()
    expect(h1(page)).to_contain_text("Houston")
    screen(page, "centre")
    page.get_by_role("link", name="Add a clinician here").click()
    expect(h1(page)).to_have_text("Propose a new clinician")
    field(page, "entity.name").fill("Dr Test Kilo (fake)")
    expect(field(page, "entity.id")).to_have_value("dr-test-kilo-fake")
    expect(field(page, "entity.affiliations.0.centre_id")).to_have_value("fake-houston")
    field(page, "sources.0.url").fill("https://example.org/fake-team-page")
    # A reason that is too short: the server's 422 appears next to it.
    field(page, "reason").fill("short")
    page.get_by_role("button", name="Send proposal").click()
    expect(page.locator('[data-field="reason"] + .field-error')).to_contain_text("10 to 2000")
    screen(page, "new-clinician-422")
    field(page, "reason").fill("Named on the fake centre's team page as a sarcoma oncologist.")
    page.get_by_role("button", name="Send proposal").click()
    clinician_proposal = proposal_id_of(page)
    screen(page, "proposal-curator")

    approve_in_ui_with_diff(reviewer, clinician_proposal, "Dr Test Kilo (fake)", "proposal-reviewer")

    page.goto(console_url("/clinician/dr-test-kilo-fake"))
    page.get_by_role("link", name="Add a fact").click()
    expect(h1(page)).to_have_text("Propose a fact")
    field(page, "entity.metric").select_option("sarcoma_patients_seen_per_year")
    field(page, "entity.value").fill("150")
    field(page, "entity.as_of").fill("2025-06-30")
    field(page, "sources.0.url").fill("https://example.org/fake-annual-report")
    field(page, "reason").fill("The fake annual report states 150 sarcoma patients a year.")
    screen(page, "new-fact")
    page.get_by_role("button", name="Send proposal").click()
    fact_proposal = proposal_id_of(page)
    approve_in_ui_with_diff(reviewer, fact_proposal, "150", None)
    page.goto(console_url("/clinician/dr-test-kilo-fake"))
    expect(page.locator("#facts-h")).to_have_text("Facts (1)")
    screen(page, "clinician")
    result["mouse_clinician"] = "dr-test-kilo-fake"


def approve_in_ui_with_diff(page, proposal_id, expected_in_diff, shot):
    page.goto(console_url(f"/proposal/{proposal_id}"))
    diff = page.locator("table.diff")
    expect(diff).to_contain_text(expected_in_diff)
    expect(diff).to_contain_text("example.org")  # the sources are in the diff
    if shot:
        screen(page, shot)
    page.locator("#approve").click()
    expect(page.locator("#proposal-status")).to_have_text("approved")


def scenario_1_keyboard(browser):
    """The same as a keyboard-only user: Tab, typing, Enter."""
    ctx_c, cur = new_person(browser, "keyboard curator")
    ctx_r, rev = new_person(browser, "keyboard reviewer")
    for page, token in ((cur, TOKENS["curator_a"]), (rev, TOKENS["reviewer"])):
        page.goto(console_url("/signin"))
        key_fill(page, 'input[name="token"]', token)
        page.keyboard.press("Enter")
        expect(page.locator("#who-name")).to_be_visible()

    key_activate(cur, '#nav a[href="#/listings"]')
    key_fill(cur, 'input[name="q"]', "austin")
    cur.keyboard.press("Enter")
    key_activate(cur, 'a[href="#/centre/fake-austin"]')
    expect(h1(cur)).to_contain_text("Austin")
    key_activate(cur, 'a[href^="#/new/clinician"]')
    expect(h1(cur)).to_have_text("Propose a new clinician")
    key_fill(cur, '[data-field="entity.name"]', "Dr Test Lima (fake)")
    key_fill(cur, '[data-field="sources.0.url"]', "https://example.org/fake-lima-page")
    key_fill(cur, '[data-field="reason"]', "Named on the fake Austin centre's team page.")
    key_activate(cur, 'form.editor button[type="submit"]')
    pid = proposal_id_of(cur)

    reviewer_approves_by_keyboard(rev, pid)

    cur.goto(console_url("/clinician/dr-test-lima-fake"))
    expect(h1(cur)).to_have_text("Dr Test Lima (fake)")
    key_activate(cur, 'a[href^="#/new/fact"]')
    expect(h1(cur)).to_have_text("Propose a fact")
    key_fill(cur, '[data-field="entity.value"]', "160")
    tab_to(cur, '[data-field="entity.as_of"]')
    cur.keyboard.type("06302025")  # en-US date field: month, day, year
    expect(field(cur, "entity.as_of")).to_have_value("2025-06-30")
    key_fill(cur, '[data-field="sources.0.url"]', "https://example.org/fake-lima-report")
    key_fill(cur, '[data-field="reason"]', "The fake report states 160 sarcoma patients a year.")
    key_activate(cur, 'form.editor button[type="submit"]')
    fid = proposal_id_of(cur)
    reviewer_approves_by_keyboard(rev, fid)
    result["keyboard_clinician"] = "dr-test-lima-fake"
    ctx_c.close()
    ctx_r.close()


def reviewer_approves_by_keyboard(rev, pid):
    key_activate(rev, '#nav a[href="#/proposals"]')
    expect(h1(rev)).to_have_text("Proposals")
    key_activate(rev, f'a[href="#/proposal/{pid}"]')
    expect(rev.locator("table.diff")).to_be_visible()
    key_activate(rev, "#approve")
    expect(rev.locator("#proposal-status")).to_have_text("approved")


def scenario_2_conflict(browser, reviewer):
    ctx_a, a = new_person(browser, "curator A")
    ctx_b, b = new_person(browser, "curator B")
    sign_in(a, TOKENS["curator_a"], "Curator A (fake)")
    sign_in(b, TOKENS["curator_b"], "Curator B (fake)")
    for page in (a, b):
        page.goto(console_url("/edit/centre/fake-dallas"))
        expect(h1(page)).to_contain_text("Edit")
    screen(a, "edit-centre")
    field(a, "entity.phone").fill("+1 555 0100")
    field(a, "sources.0.url").fill("https://example.org/fake-dallas-contact")
    field(a, "reason").fill("The fake contact page gives this telephone number.")
    a.get_by_role("button", name="Send proposed change").click()
    approve_in_ui(reviewer, proposal_id_of(a))

    field(b, "entity.institution").fill("Fake Dallas Health System")
    field(b, "sources.0.url").fill("https://example.org/fake-dallas-about")
    field(b, "reason").fill("The fake about page names the parent institution.")
    b.get_by_role("button", name="Send proposed change").click()
    conflict = b.locator("#conflict")
    expect(conflict).to_contain_text("Someone changed this listing meanwhile")
    expect(conflict.locator("table.diff")).to_contain_text("+1 555 0100")
    expect(conflict.locator("table.diff")).to_contain_text("Fake Dallas Health System")
    screen(b, "conflict")
    b.get_by_role("button", name="Re-apply my edit to the new version").click()
    expect(field(b, "entity.phone")).to_have_value("+1 555 0100")
    expect(field(b, "entity.institution")).to_have_value("Fake Dallas Health System")
    expect(field(b, "reason")).to_have_value("The fake about page names the parent institution.")
    b.get_by_role("button", name="Send proposed change").click()
    pid = proposal_id_of(b)
    approve_in_ui(reviewer, pid)
    result["conflict_reapplied"] = pid
    ctx_a.close()
    ctx_b.close()


def import_csv():
    """20 clinicians at the fake Boston centre; lines 6 and 13 are bad."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["name", "discipline", "centre_id", "affiliation_role", "source_url", "source_citation", "reason"])
    for i in range(1, 21):
        discipline = "surgical_oncology" if i % 2 else "medical_oncology"
        url = f"https://example.org/fake-boston-team#{i}"
        if i == 5:
            discipline = "astrology"  # not a Discipline code
        if i == 12:
            url = ""  # no source at all
        w.writerow([f"Dr Test Import {i:02d} (fake)", discipline, "fake-boston", "member", url, "",
                    "Listed on the fake Boston centre's team page."])
    return out.getvalue()


def scenario_3_import(curator, reviewer):
    page = curator
    page.goto(console_url("/import"))
    page.get_by_label("What the file holds").select_option("clinician")
    screen(page, "import")
    page.get_by_label("CSV file").set_input_files(files=[{
        "name": "clinicians.csv", "mimeType": "text/csv", "buffer": import_csv().encode()}])
    expect(page.locator("#import-summary")).to_have_text(
        "20 rows: 18 ready, 2 with errors (rows with errors are not sent).")
    bad = page.locator("#preview-table tr.bad")
    expect(bad).to_have_count(2)
    expect(bad.nth(0)).to_contain_text("“astrology” is not a Discipline code")
    expect(bad.nth(0).locator("td").first).to_have_text("6")
    expect(bad.nth(1)).to_contain_text("source_url or source_citation: required")
    expect(bad.nth(1).locator("td").first).to_have_text("13")
    expect(page.locator(".row-errors li")).to_have_count(2)
    screen(page, "import-preview")
    page.get_by_role("button", name="Create 18 proposals").click()
    expect(page.locator("#import-count")).to_have_text(
        "Done: 18 proposals created, 0 refused by the server.", timeout=60_000)
    expect(page.locator("#import-results li.ok")).to_have_count(18)
    screen(page, "import-done")

    rev = reviewer
    rev.goto(console_url("/proposals?tab=review"))
    expect(rev.locator('input[id^="pick-"]')).to_have_count(18)
    screen(rev, "proposals-review")
    rev.get_by_role("button", name="Select all others’ proposals").click()
    rev.get_by_role("button", name="Approve selected").click()
    expect(rev.locator("#batch-heading")).to_have_text("18 of 18 approved", timeout=60_000)
    expect(rev.locator("#batch-rows li.ok")).to_have_count(18)
    expect(rev.locator("table.proposals .status-approved")).to_have_count(18)
    screen(rev, "batch-approved")
    result["imported"] = 18


def scenario_4_accounts(browser, admin):
    page = admin
    page.goto(console_url("/accounts"))
    expect(h1(page)).to_have_text("Accounts")
    page.get_by_label("Display name").fill("Volunteer Test (fake)")
    page.get_by_label("Role").select_option("curator")
    page.get_by_role("button", name="Create account").click()
    token_box = page.locator("#new-token")
    expect(token_box).to_be_visible()
    token = token_box.input_value()
    assert token.startswith("sdt_"), token
    screen(page, "accounts-token-once")
    # Shown once: the list, read again, has no trace of the secret.
    page.goto(console_url("/listings"))
    page.goto(console_url("/accounts"))
    card = page.locator('li[data-account]', has_text="Volunteer Test (fake)")
    expect(card).to_be_visible()
    assert token not in page.content(), "the token is shown again"
    screen(page, "accounts")

    ctx, vol = new_person(browser, "new volunteer")
    sign_in(vol, token, "Volunteer Test (fake)")
    expect(vol.locator("#who-role")).to_have_text("curator")
    expect(vol.locator('#nav a[href="#/accounts"]')).to_be_hidden()

    card.get_by_role("button", name=re.compile("^Revoke token")).click()
    expect(page.locator('li[data-account]', has_text="Volunteer Test (fake)")).to_contain_text("revoked")
    # The volunteer's next call is refused: signed out, told why.
    vol.goto(console_url("/proposals"))
    expect(vol.locator("main h1")).to_have_text("Sign in")
    expect(vol.locator(".notice")).to_contain_text("revoked")
    expect(vol.locator("#who-name")).to_have_count(0)
    vol.get_by_label("API token").fill(token)
    vol.get_by_role("button", name="Sign in").click()
    expect(vol.locator(".problem")).to_contain_text("not accepted")
    expect(vol.locator(".problem")).to_contain_text("revoked")
    screen(vol, "signin-refused")
    result["revoked_refused"] = True
    ctx.close()


def listing_tools(reviewer, curator):
    """Reports, verification and revert from a listing's page."""
    reviewer.goto(console_url("/queue"))
    expect(h1(reviewer)).to_have_text("Work queue")
    screen(reviewer, "queue")
    # A member of the public reports a problem (public API, no account).
    sent = reviewer.request.post(
        f"{BASE}/v1/centres/fake-dallas/reports",
        data=json.dumps({"category": "wrong_contact_details",
                         "details": "The fictional telephone number is out of date."}),
        headers={"Content-Type": "application/json"})
    assert sent.status == 202, sent.text()
    reviewer.goto(console_url("/centre/fake-dallas"))
    expect(reviewer.locator("#reports-h")).to_have_text("Open reports (1)")
    expect(reviewer.locator("#reports-h + ul")).to_contain_text("out of date")
    reviewer.locator("summary", has_text="Record that you confirmed").click()
    verify = reviewer.locator('section[aria-labelledby="verify-h"]')
    verify.get_by_label("Source URL", exact=True).fill("https://example.org/fake-dallas-confirmed")
    verify.get_by_label("Note", exact=True).fill("Fictional check of the fake contact page.")
    screen(reviewer, "centre-reviewer")
    reviewer.get_by_role("button", name="Record verification").click()
    expect(reviewer.locator(".facts")).to_contain_text("Verified")
    reviewer.get_by_label("What was done").fill("Telephone number corrected in revision 2.")
    reviewer.get_by_role("button", name="Resolve").click()
    expect(reviewer.locator("#reports-h")).to_have_text("Open reports (0)")

    curator.goto(console_url("/centre/fake-dallas"))
    curator.locator("summary", has_text="Revert to revision 2").click()
    revert = curator.locator("form", has=curator.get_by_role("button", name="Propose reverting to revision 2"))
    revert.get_by_label("Why restore revision 2?").fill("The parent institution was a fake guess; restore revision 2.")
    # The console asks for a source with every proposal.
    revert.get_by_role("button", name="Propose reverting to revision 2").click()
    expect(revert.locator(".field-error")).to_have_text("a source is needed")
    revert.get_by_label(re.compile("^Source URL")).fill("https://example.org/fake-dallas-about-page")
    revert.get_by_role("button", name="Propose reverting to revision 2").click()
    expect(h1(curator)).to_contain_text("revert centre")
    pid = proposal_id_of(curator)
    screen(curator, "proposal-revert")
    reviewer.goto(console_url(f"/proposal/{pid}"))
    reviewer.locator("#approve").click()
    expect(reviewer.locator("#proposal-status")).to_have_text("approved")
    curator.goto(console_url("/proposals?tab=mine&status=approved"))
    expect(h1(curator)).to_have_text("Proposals")
    screen(curator, "proposals-mine")
    result["reverted"] = pid


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    assert AXE.exists(), f"{AXE} is missing: run bash .ci/test (npm ci in tests/browser)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        ctx_s, signin = new_person(browser, "signed out")
        signin.goto(console_url("/signin"))
        expect(h1(signin)).to_have_text("Sign in")
        screen(signin, "signin")
        ctx_s.close()

        ctx_cur, curator = new_person(browser, "curator A")
        ctx_rev, reviewer = new_person(browser, "reviewer")
        ctx_adm, admin = new_person(browser, "admin")
        sign_in(curator, TOKENS["curator_a"], "Curator A (fake)")
        sign_in(reviewer, TOKENS["reviewer"], "Reviewer (fake)")
        sign_in(admin, TOKENS["admin"], "Admin (fake)")

        scenario_1_mouse(curator, reviewer)
        scenario_1_keyboard(browser)
        scenario_2_conflict(browser, reviewer)
        scenario_3_import(curator, reviewer)
        scenario_4_accounts(browser, admin)
        listing_tools(reviewer, curator)

        # Signing out forgets the token: nothing left in the tab's storage.
        curator.get_by_role("button", name="Sign out").click()
        expect(h1(curator)).to_have_text("Sign in")
        left = curator.evaluate("() => [sessionStorage.length, localStorage.length, document.cookie]")
        assert left == [0, 0, ""], f"signing out left {left}"
        browser.close()

    result.update(screens=sorted(set(scanned)), shots=shots, violations=violations, page_errors=page_errors)
    print(json.dumps(result))
    if violations or page_errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
