"""The patient site at / in a real browser (Debian's Chromium, driven by
Playwright for Python), against a real server that tests/api/site.rs
started with the plainly fake fixtures. One browser launch, one context.

Usage: site_test.py BASE_URL OUT_DIR MAP_BASE_URL (the same directory on a
server with a map tile server configured)

Scenario (issue 15, item 6): type-ahead on a name; find centres near a
typed city (Dallas) and near the browser's location (granted, set to
Houston); the country picker with its counts; open a centre; prepare a
second-opinion letter as a PDF and in German (or, when the templates offer
no German, the first other language) as a DOCX, keeping both downloads in
OUT_DIR; the form's errors, announced; the site in German. axe-core on
every screen (no serious or critical violation), screenshots at 1280 and
360 px in OUT_DIR.

Prints one JSON object for the Rust test and exits non-zero on the first
failed expectation.
"""

import json
import os
import re
import sys
import zipfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

BASE = sys.argv[1].rstrip("/")
OUT = Path(sys.argv[2])
MAP_BASE = sys.argv[3].rstrip("/")
HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TYPED_NAME = "Zed Testperson (fake)"

expect.set_options(timeout=15_000)

violations = []
page_errors = []
shots = []
scanned = []
result = {}


def watch(page):
    def on_console(msg):
        if msg.type == "error" and "Failed to load resource" not in msg.text:
            page_errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda e: page_errors.append(f"uncaught {e}"))


def screen(page, name):
    """axe-core on the screen as it is, then screenshots at 1280 and 360 px."""
    page.wait_for_selector('main[aria-busy="false"]')
    page.wait_for_load_state("networkidle")
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
    stray = page.evaluate(
        """() => {
            const out = [];
            const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) {
                const t = walk.currentNode.textContent;
                if (/\\b(null|undefined|NaN)\\b|\\[object /.test(t)) out.push(t.trim());
            }
            return out;
        }"""
    )
    if stray:
        violations.append({"screen": name, "id": "stray-text", "impact": "serious",
                           "help": f"JavaScript values shown as text: {stray[:5]}", "nodes": []})
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        if page.locator("#map .map").count():
            page.wait_for_timeout(400)  # the map redraws for the new width
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


def disclaimer_shown(page, name):
    text = page.locator("#disclaimer").inner_text()
    if "medical advice" not in text and "medizinische Beratung" not in text:
        raise AssertionError(f"{name}: no disclaimer: {text!r}")


def download(page, fmt, lang):
    page.locator("#format").select_option(fmt)
    page.locator("#letter-lang").select_option(lang)
    with page.expect_download() as info:
        page.locator("#download").click()
    d = info.value
    path = OUT / f"letter-{lang}.{fmt}"
    d.save_as(str(path))
    expect(page.locator("#letter-status")).to_contain_text(d.suggested_filename)
    return path, d.suggested_filename


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US",
                                      accept_downloads=True)
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        watch(page)

        # The find page, with the type-ahead.
        page.goto(f"{BASE}/")
        expect(page.locator("main h1")).to_have_text("Find a sarcoma centre")
        disclaimer_shown(page, "find")
        screen(page, "find")
        page.locator("#q").press_sequentially("Dal", delay=40)
        expect(page.locator("#suggestions")).to_contain_text("Centres near Dallas")
        expect(page.locator("#status")).to_contain_text("suggestions below")
        screen(page, "find-suggestions")

        # Near a typed city: Dallas first, Houston (362 km) within 500 km.
        page.locator("#near-city").fill("dallas")
        page.locator("#radius").select_option("500")
        page.locator("#near-city-go").click()
        expect(page.locator("#results-summary")).to_contain_text("within 500 km of Dallas")
        names = page.locator("#results h3").all_inner_texts()
        result["near_dallas"] = names
        assert names[:2] == ["Fictional Sarcoma Clinic Dallas", "Fictional Sarcoma Unit Houston"], names
        assert "Zz Fictional Austin Centre" not in names, names  # no coordinates: not "near"
        expect(page.locator("#results li").first).to_contain_text("0 km away")
        # No tile server: no map, not even an empty frame.
        expect(page.locator("#map")).to_be_hidden()
        result["map_without_tiles"] = page.locator("#map *").count()
        screen(page, "results-near-city")

        # A city nobody has heard of: the error is at the field, announced.
        page.locator("#near-city").fill("Atlantis")
        page.locator("#near-city-go").click()
        expect(page.locator("#near-city")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#status")).to_contain_text("Atlantis")

        # Near me: the browser's location (Houston), granted.
        context.grant_permissions(["geolocation"], origin=BASE)
        context.set_geolocation({"latitude": 29.76, "longitude": -95.36})
        page.locator("#near-me").click()
        expect(page.locator("#results-summary")).to_contain_text("your location")
        expect(page.locator("#results h3").first).to_have_text("Fictional Sarcoma Unit Houston")

        # Country and region pickers, with counts.
        page.goto(f"{BASE}/#/")
        expect(page.locator("#country option[value=US]")).to_have_text(re.compile(r"United States.*\(4\)"))
        page.locator("#country").select_option("US")
        expect(page.locator("#region option[value=US-TX]")).to_have_text("Texas (3)")
        page.locator("#region").select_option("US-TX")
        page.locator("#search").click()
        expect(page.locator("#results-summary")).to_have_text("3 centres found.")
        screen(page, "results-region")

        # Open a centre from the results.
        page.get_by_role("link", name="Fictional Sarcoma Unit Houston").click()
        expect(page.locator("main h1")).to_have_text("Fictional Sarcoma Unit Houston")
        expect(page.locator("#verification")).to_have_text("Not yet checked by a volunteer")
        expect(page.locator("#clinicians")).to_contain_text("Dr Alpha Testperson (fictional)")
        expect(page.locator("#sources")).to_contain_text("https://example.org/")
        assessed = page.locator("#assessments")
        expect(assessed.locator("[data-outcome]").first).to_be_visible()
        expect(assessed).to_contain_text("meets")
        expect(assessed).to_contain_text("not enough information yet")
        expect(assessed).to_contain_text("Source of the criteria")
        disclaimer_shown(page, "centre")
        screen(page, "centre")

        # Prepare a second-opinion letter to it.
        page.locator("#prepare-letter").click()
        expect(page.locator("main h1")).to_have_text("Prepare a letter")
        expect(page.locator("#privacy")).to_contain_text("Nothing you type here is stored")
        expect(page.locator("#letter-to")).to_contain_text("Fictional Sarcoma Unit Houston")
        page.locator("#template").select_option("second-opinion")
        screen(page, "letter")

        # Nothing typed: the summary is focused and names the field.
        page.locator("#download").click()
        expect(page.locator("#letter-errors")).to_be_focused()
        expect(page.locator("#letter-errors")).to_contain_text("Name")
        name = page.locator('[data-field="patient.name"]')
        expect(name).to_have_attribute("aria-invalid", "true")
        screen(page, "letter-errors")
        # A bad email comes back from the server (422) and lands at its field.
        page.get_by_label(re.compile(r"^Name")).fill(TYPED_NAME)
        page.locator('[data-field="patient.email"]').fill("not-an-email")
        page.locator("#download").click()
        expect(page.locator('[data-field="patient.email"]')).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#letter-errors")).to_contain_text("email")
        page.locator('[data-field="patient.email"]').fill("")
        page.locator('[data-field="diagnosis.subtype"]').fill("leiomyosarcoma")

        pdf, pdf_name = download(page, "pdf", "en")
        result["pdf"] = {"file": pdf_name, "starts": pdf.read_bytes()[:5].decode("latin-1")}
        assert pdf.read_bytes().startswith(b"%PDF"), pdf.read_bytes()[:20]

        offered = page.locator("#letter-lang option").evaluate_all("os => os.map(o => o.value)")
        result["letter_languages"] = offered
        other = "de" if "de" in offered else next((c for c in offered if c != "en"), "en")
        result["docx_lang"] = other
        docx, docx_name = download(page, "docx", other)
        with zipfile.ZipFile(docx) as z:
            xml = z.read("word/document.xml").decode("utf-8")
        result["docx"] = {"file": docx_name, "has_name": TYPED_NAME in xml,
                          "german_words": all(w in xml for w in ("Zweitmeinung", "Sehr geehrte"))}
        assert TYPED_NAME in xml, "the typed name is not in the DOCX"
        # Nothing typed went into the address or this tab's storage.
        kept = page.evaluate("() => location.href + JSON.stringify(sessionStorage) + JSON.stringify(localStorage)")
        assert "Zed" not in kept, kept

        # The site in German.
        page.locator("#lang").select_option("de")
        expect(page.locator("main h1")).to_have_text("Einen Brief vorbereiten")
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.locator("#translation-note")).to_be_visible()
        disclaimer_shown(page, "letter-de")
        screen(page, "letter-de")
        page.goto(f"{BASE}/#/centre/fake-koln")
        expect(page.locator("main h1")).to_have_text("Fictional Sarkomzentrum Köln")
        # Programme and service codes in German words, not English ones.
        expect(page.locator("main li", has_text="Knochensarkome")).to_have_count(1)
        expect(page.locator("main li", has_text="Sarkom-Tumorkonferenz")).to_have_count(1)
        screen(page, "centre-de")

        # With a tile server: the same search on a map, numbered as the list.
        page.locator("#lang").select_option("en")
        page.goto(f"{MAP_BASE}/#/?near=32.78306,-96.80667&radius=500&place=Dallas")
        expect(page.locator("#map .marker")).to_have_count(2)
        expect(page.locator("#map .map-credit")).to_have_text("Test tiles (fake)")
        page.wait_for_function(
            "() => [...document.querySelectorAll('#map img.tile')].every(i => i.complete && i.naturalWidth > 0)")
        result["map_markers"] = page.locator("#map .marker").count()
        result["map_tiles"] = page.locator("#map img.tile").count()
        expect(page.locator("#results h3").first).to_have_text("1. Fictional Sarcoma Clinic Dallas")
        screen(page, "map")
        # At 360 px too, every marker lies inside the map's frame.
        page.set_viewport_size({"width": 360, "height": 900})
        page.wait_for_timeout(400)
        inside = page.evaluate("""() => {
            const f = document.querySelector('#map .map').getBoundingClientRect();
            return [...document.querySelectorAll('#map .marker')].every(m => {
                const r = m.getBoundingClientRect();
                return r.left >= f.left && r.right <= f.right && r.top >= f.top && r.bottom <= f.bottom;
            });
        }""")
        assert inside, "a marker lies outside the map at 360 px"
        page.set_viewport_size({"width": 1280, "height": 900})

        # An unknown page.
        page.goto(f"{BASE}/#/nowhere")
        page.locator("#lang").select_option("de")
        expect(page.locator("main h1")).to_have_text("Diese Seite gibt es nicht.")
        browser.close()

    result.update(violations=violations, page_errors=page_errors, screens=scanned, shots=shots)
    print(json.dumps(result))
    if violations or page_errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
