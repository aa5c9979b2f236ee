#!/usr/bin/env python3
"""Write-path measurements against two running nodes over one database
(bench/writes.sh starts them). Standard library only.

    python3 bench/writes.py --port A --peer-port B --curator TOKEN --reviewer TOKEN \
        --approvals 200 --bulk 1000

1. Single approvals: propose an update to a centre (notes), then approve it;
   the approve request is timed (p50, p99, max). After each, the peer node
   is polled until it shows the change: convergence time (p50, p99, max).
2. Bulk: BULK proposals (updates to distinct centres) approved with one
   `POST /v1/curation/proposals/approve`, once in mode `each` (a
   transaction per proposal) and once in mode `all` (one transaction for
   all), each on its own BULK centres; the requests are timed.
3. --writer-only SECONDS: one propose+approve per second for SECONDS
   (reads are measured meanwhile by wrk, from the shell script).

Every change is synthetic (a note on a synthetic centre).
"""
import argparse
import http.client
import json
import statistics
import sys
import time


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method, path, body=None, token=None, etag=None):
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if etag:
            headers["If-Match"] = etag
        self.conn.request(method, path, body=data, headers=headers)
        res = self.conn.getresponse()
        payload = res.read()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, payload


def propose_note(c, curator, centre, note):
    status, hdrs, payload = c.request("GET", f"/v1/curation/centres/{centre}", token=curator)
    assert status == 200, payload
    entity = json.loads(payload)["entity"]
    entity["notes"] = note
    body = {
        "kind": "centre", "action": "update", "id": centre, "entity": entity,
        "reason": "Benchmark: a synthetic note to measure approvals",
        "sources": [{"url": "https://example.org/benchmark-change", "citation": None, "retrieved": "2026-11-01"}],
    }
    status, hdrs, payload = c.request("POST", "/v1/curation/proposals", body, curator, hdrs["etag"])
    assert status == 201, payload
    return json.loads(payload)["id"], hdrs["etag"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def centres(c, n, offset):
    return [f"synthetic-centre-{i:06d}" for i in range(offset, offset + n)]


def singles(args, a, b):
    approve_times, converge_times = [], []
    for n, centre in enumerate(centres(a, args.approvals, 0)):
        note = f"Benchmark approval {n} at {time.time():.6f} (synthetic)"
        pid, etag = propose_note(a, args.curator, centre, note)
        start = time.monotonic()
        status, _, payload = a.request("POST", f"/v1/curation/proposals/{pid}/approve", token=args.reviewer, etag=etag)
        approved = time.monotonic()
        assert status == 200, payload
        approve_times.append(approved - start)
        while True:
            status, _, payload = b.request("GET", f"/v1/centres/{centre}")
            if status == 200 and json.loads(payload)["notes"] == note:
                break
            if time.monotonic() - approved > 30:
                sys.exit(f"the peer never showed approval {n}")
            time.sleep(0.002)
        converge_times.append(time.monotonic() - approved)
    return approve_times, converge_times


def bulk(args, a, mode, offset):
    picks = []
    for n, centre in enumerate(centres(a, args.bulk, offset)):
        pid, etag = propose_note(a, args.curator, centre, f"Benchmark bulk {mode} {n} (synthetic)")
        picks.append({"id": pid, "etag": etag})
    start = time.monotonic()
    status, _, payload = a.request("POST", "/v1/curation/proposals/approve",
                                   {"mode": mode, "proposals": picks}, args.reviewer)
    took = time.monotonic() - start
    assert status == 200, payload[:500]
    out = json.loads(payload)
    assert out["approved"] == len(picks), out["results"][:3]
    return took


def writer(args, a):
    end = time.monotonic() + args.writer_only
    n = 0
    while time.monotonic() < end:
        tick = time.monotonic()
        centre = f"synthetic-centre-{(args.approvals + 2 * args.bulk + n) % 10000:06d}"
        pid, etag = propose_note(a, args.curator, centre, f"Benchmark writer {n} {time.time()} (synthetic)")
        status, _, payload = a.request("POST", f"/v1/curation/proposals/{pid}/approve", token=args.reviewer, etag=etag)
        assert status == 200, payload
        n += 1
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    print(f"writer: {n} approvals, one per second")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--peer-port", type=int)
    ap.add_argument("--curator", required=True)
    ap.add_argument("--reviewer", required=True)
    ap.add_argument("--approvals", type=int, default=200)
    ap.add_argument("--bulk", type=int, default=1000)
    ap.add_argument("--writer-only", type=float)
    args = ap.parse_args()
    a = Client(args.port)
    if args.writer_only:
        writer(args, a)
        return
    b = Client(args.peer_port)
    approve_times, converge_times = singles(args, a, b)
    print(f"single approvals ({len(approve_times)}): p50 {ms(pct(approve_times, 50))}, "
          f"p99 {ms(pct(approve_times, 99))}, max {ms(max(approve_times))}, mean {ms(statistics.mean(approve_times))}")
    print(f"second node shows the change after: p50 {ms(pct(converge_times, 50))}, "
          f"p99 {ms(pct(converge_times, 99))}, max {ms(max(converge_times))}")
    if args.bulk:
        for i, mode in enumerate(["each", "all"]):
            took = bulk(args, a, mode, args.approvals + i * args.bulk)
            print(f"bulk approval of {args.bulk} proposals in one request, mode {mode}: {took:.2f} s")


if __name__ == "__main__":
    main()
