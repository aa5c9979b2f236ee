#!/usr/bin/env python3
"""Soak load for bench/soak.sh: a steady mix of public reads, document
generation and curation writes against one server on 127.0.0.1, for a
fixed time. Standard library only.

Each request class runs in its own thread at its own fixed rate (requests
per second, paced by the clock, never faster: a slow server lowers the
rate rather than piling up requests). Reports per endpoint: count, non-4xx
errors (5xx or no answer), 4xx, p50/p99 latency; and the server's RSS
after the warm-up and at the end (from /proc/PID/status).

Exit status: 0 when there were no errors and RSS grew at most
--max-rss-growth (default 10 %), 1 otherwise.
"""

import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse

DOCUMENT = {
    "patient": {
        "name": "Zoë Müller-Øvergård (synthetic)",
        "email": "synthetic@example.org",
        "address": "1 Example Street\nTestville",
    },
    "diagnosis": {
        "subtype": "leiomyosarcoma",
        "primary_site": "uterus",
        "diagnosed_on": "2026-01-15",
        "grade": "high",
        "size_cm": 8,
        "margins": "microscopic_positive",
        "treatments_so_far": "none",
    },
    "target": {"centre_id": "sarkomzentrum-der-universitat-erlangen"},
    "records": ["pathology_report", "slides_and_blocks"],
}


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = {}
        self.errors = {}
        self.client_errors = {}
        self.samples = []

    def record(self, label, seconds, status):
        with self.lock:
            self.latencies.setdefault(label, []).append(seconds)
            self.errors.setdefault(label, 0)
            self.client_errors.setdefault(label, 0)
            if status is None or status >= 500:
                self.errors[label] += 1
                if len(self.samples) < 20:
                    self.samples.append(f"{label}: {status}")
            elif status >= 400:
                self.client_errors[label] += 1


class Client:
    """One keep-alive connection; reconnects after a failure."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                res = self.conn.getresponse()
                payload = res.read()
                return res.status, dict(res.getheaders()), payload
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                # A keep-alive connection the server closed: retry once on
                # a new one; a second failure is an error.
                if attempt == 1:
                    return None, {}, b""
        return None, {}, b""


def timed(stats, client, label, method, path, body=None, headers=None):
    start = time.monotonic()
    status, hdrs, payload = client.request(method, path, body, headers)
    stats.record(label, time.monotonic() - start, status)
    return status, hdrs, payload


def paced(rate, until, stop, step):
    """Calls step(n) `rate` times a second until `until` (monotonic)."""
    interval = 1.0 / rate
    due = time.monotonic()
    n = 0
    while not stop.is_set():
        now = time.monotonic()
        if now >= until:
            return
        if now < due:
            time.sleep(min(due - now, until - now))
            continue
        step(n)
        n += 1
        due += interval
        # Never catch up in a burst after a stall.
        due = max(due, time.monotonic() - interval)


def reads(port, stats, ids, until, stop, rate):
    client = Client(port)
    paths = [
        ("list centres", "/v1/centres?limit=20"),
        ("list centres by region", "/v1/centres?country=US&limit=20"),
        ("list centres near", "/v1/centres?near=53.48,-2.24&radius_km=500&limit=20"),
        ("search centres", "/v1/centres?q=sarcoma&limit=20"),
        ("list clinicians", "/v1/clinicians?limit=20"),
        ("regions", "/v1/regions"),
        ("fhir organizations", "/fhir/Organization?_count=20"),
        ("fhir practitioners", "/fhir/Practitioner?_count=20"),
    ]

    def step(n):
        if n % 3 == 0:
            centre = ids[n % len(ids)]
            timed(stats, client, "centre detail", "GET", f"/v1/centres/{urllib.parse.quote(centre)}")
        else:
            label, path = paths[n % len(paths)]
            timed(stats, client, label, "GET", path)

    paced(rate, until, stop, step)


def documents(port, stats, until, stop, rate, fmt):
    client = Client(port)
    path = f"/v1/documents/second-opinion?format={fmt}"
    paced(rate, until, stop, lambda n: timed(stats, client, f"document {fmt}", "POST", path, DOCUMENT))


def writes(port, stats, ids, curator, reviewer, until, stop, rate):
    """propose + approve rounds; each replaces (not appends) a centre's
    notes, so the directory's size stays the same over the run."""
    client = Client(port)

    def step(n):
        centre = urllib.parse.quote(ids[n % len(ids)])
        status, hdrs, payload = timed(
            stats, client, "curation read", "GET", f"/v1/curation/centres/{centre}",
            headers={"Authorization": f"Bearer {curator}"},
        )
        if status != 200:
            return
        entity = json.loads(payload)["entity"]
        entity["notes"] = f"Soak test round {n} (synthetic note)"
        proposal = {
            "kind": "centre", "action": "update", "id": entity["id"], "entity": entity,
            "reason": "Soak test: a synthetic change to measure steady-state behaviour",
            "sources": [{"url": "https://example.org/soak-test", "citation": None, "retrieved": "2026-11-01"}],
        }
        status, hdrs, payload = timed(
            stats, client, "curation propose", "POST", "/v1/curation/proposals", proposal,
            headers={"Authorization": f"Bearer {curator}", "If-Match": hdrs.get("ETag", hdrs.get("etag", ""))},
        )
        if status != 201:
            return
        created = json.loads(payload)
        etag = hdrs.get("ETag", hdrs.get("etag", ""))
        timed(
            stats, client, "curation approve", "POST", f"/v1/curation/proposals/{created['id']}/approve",
            headers={"Authorization": f"Bearer {reviewer}", "If-Match": etag},
        )

    paced(rate, until, stop, step)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True, help="the server's process id, for RSS")
    ap.add_argument("--duration", type=float, default=600)
    ap.add_argument("--warmup", type=float, default=None, help="seconds (default: 10 %% of duration, 10 to 60)")
    ap.add_argument("--read-rate", type=float, default=200)
    ap.add_argument("--md-rate", type=float, default=20)
    ap.add_argument("--pdf-rate", type=float, default=2)
    ap.add_argument("--write-rate", type=float, default=2)
    ap.add_argument("--curator", required=True)
    ap.add_argument("--reviewer", required=True)
    ap.add_argument("--max-rss-growth", type=float, default=0.10)
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()

    warmup = args.warmup if args.warmup is not None else min(60, max(10, args.duration * 0.1))
    client = Client(args.port)
    status, _, payload = client.request("GET", "/v1/centres?limit=100")
    if status != 200:
        sys.exit(f"cannot list centres: {status}")
    ids = [c["id"] for c in json.loads(payload)["items"]]
    if not ids:
        sys.exit("no centres to read")

    stats = Stats()
    stop = threading.Event()
    start = time.monotonic()
    until = start + warmup + args.duration
    threads = [
        threading.Thread(target=reads, args=(args.port, stats, ids, until, stop, args.read_rate / 2)),
        threading.Thread(target=reads, args=(args.port, stats, ids[::-1], until, stop, args.read_rate / 2)),
        threading.Thread(target=documents, args=(args.port, stats, until, stop, args.md_rate, "md")),
        threading.Thread(target=documents, args=(args.port, stats, until, stop, args.pdf_rate, "pdf")),
        threading.Thread(target=writes, args=(args.port, stats, ids, args.curator, args.reviewer, until, stop, args.write_rate)),
    ]
    for t in threads:
        t.start()
    try:
        time.sleep(warmup)
        rss_start = rss_kib(args.pid)
        # Measured figures start after the warm-up.
        with stats.lock:
            stats.latencies.clear()
            stats.errors.clear()
            stats.client_errors.clear()
        for t in threads:
            t.join()
    except KeyboardInterrupt:
        stop.set()
        for t in threads:
            t.join()
        raise
    rss_end = rss_kib(args.pid)
    elapsed = time.monotonic() - start - warmup

    rows = []
    for label in sorted(stats.latencies):
        lat = sorted(stats.latencies[label])
        pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
        rows.append({
            "endpoint": label, "requests": len(lat), "per_s": len(lat) / elapsed,
            "errors": stats.errors[label], "4xx": stats.client_errors[label],
            "p50_ms": pick(0.50), "p99_ms": pick(0.99), "max_ms": lat[-1] * 1000,
        })
    errors = sum(r["errors"] for r in rows)
    growth = (rss_end - rss_start) / rss_start
    print(f"measured {elapsed:.0f} s after a {warmup:.0f} s warm-up")
    print("| endpoint | requests | req/s | errors | 4xx | p50 ms | p99 ms | max ms |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['endpoint']} | {r['requests']} | {r['per_s']:.1f} | {r['errors']} | {r['4xx']} "
              f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} |")
    print(f"RSS after warm-up {rss_start / 1024:.1f} MiB, at the end {rss_end / 1024:.1f} MiB "
          f"({growth * 100:+.1f} %; limit {args.max_rss_growth * 100:.0f} %)")
    print(f"errors (5xx or no answer): {errors}")
    for s in stats.samples[:10]:
        print(f"  e.g. {s}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "rss_start_kib": rss_start, "rss_end_kib": rss_end,
                       "errors": errors, "measured_s": elapsed}, f, indent=1)
    ok = errors == 0 and growth <= args.max_rss_growth and all(r["requests"] > 0 for r in rows)
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
