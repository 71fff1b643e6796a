#!/usr/bin/env python3
"""One-page edit latency of a running dev server (used by scripts/bench.sh; stdlib only).

    edit_latency.py --page URL --file PATH [--status URL] [--edits 5] [--timeout 120] --out JSON

For each edit: append a sentence with a unique word to PATH, start the clock as soon as the write
is closed, then poll until the page at URL contains that word. With --status (cellbook's
`/__cellbook/status`), the status is polled every 10 ms and the page is fetched whenever the
generation moves (and every 250 ms anyway); without it, the page is polled every 25 ms. The file
is restored byte for byte at the end, also on failure or SIGTERM.

Writes {"samples_s": [...], "median_s": x, "rebuilds": [{"generation", "elapsed_ms", "written",
"ok"}...], "error": null|str} to --out. Exit 0 when every edit showed up, 1 otherwise.
"""
from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
import time
import urllib.error
import urllib.request


def fetch(url: str, timeout: float = 5.0) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def status(url: str) -> dict | None:
    body = fetch(url)
    if body is None:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def wait_quiet(status_url: str | None, settle: float, limit: float) -> dict | None:
    """Waits until the status generation has not moved for `settle` seconds (without a status
    URL: just `settle` seconds)."""
    if not status_url:
        time.sleep(settle)
        return None
    end = time.monotonic() + limit
    last = status(status_url)
    since = time.monotonic()
    while time.monotonic() < end:
        time.sleep(0.05)
        now = status(status_url)
        if now is None:
            continue
        if last is None or now.get("generation") != last.get("generation"):
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= settle:
            return now
    return last


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--page", required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--status")
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=120.0, help="per edit, seconds")
    ap.add_argument("--settle", type=float, default=1.0,
                    help="seconds between edits: after the page showed an edit (and, with --status, "
                         "after the generation stopped moving for this long)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    with open(args.file, "rb") as fh:
        original = fh.read()

    def on_term(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    samples: list[float] = []
    rebuilds: list[dict] = []
    error = None
    try:
        base = fetch(args.page)
        if base is None:
            raise RuntimeError(f"the page {args.page} does not answer before the first edit")
        wait_quiet(args.status, args.settle, 60)
        for i in range(args.edits):
            word = f"cellbookbenchedit{int(time.time() * 1000) % 10**9}x{i}"
            before = status(args.status) if args.status else None
            gen0 = before.get("generation", 0) if before else 0
            with open(args.file, "ab") as fh:
                fh.write(f"\n\nThe benchmark appended this sentence, {word}, to the page.\n".encode())
            t0 = time.monotonic()
            deadline = t0 + args.timeout
            last_page_fetch = 0.0
            seen = None
            rebuild = None
            while True:
                now = time.monotonic()
                if now > deadline:
                    raise RuntimeError(f"edit {i + 1}: the page did not show the sentence within {args.timeout:.0f} s")
                fetch_page = False
                if args.status:
                    f0 = time.monotonic()
                    st = status(args.status)
                    # The first build's status lists every file (megabytes at 50k pages): poll it
                    # no more often than 5x its own fetch time, so the poller stays cheap.
                    poll = max(0.01, 5 * (time.monotonic() - f0))
                    if st and st.get("generation", 0) > gen0:
                        gen0 = st["generation"]
                        rebuild = {k: st.get(k) for k in ("generation", "ok", "elapsed_ms")}
                        rebuild["written"] = len(st.get("written") or [])
                        # When the poller first saw the new generation, from the write.
                        rebuild["seen_after_s"] = round(now - t0, 4)
                        fetch_page = True
                    if now - last_page_fetch >= 0.25:
                        fetch_page = True
                else:
                    fetch_page = True
                if fetch_page:
                    last_page_fetch = now
                    body = fetch(args.page)
                    if body is not None and word.encode() in body:
                        seen = time.monotonic()
                        break
                time.sleep(poll if args.status else 0.025)
            samples.append(seen - t0)
            if rebuild:
                rebuilds.append(rebuild)
            print(f"  edit {i + 1}/{args.edits}: {samples[-1]:.3f} s"
                  + (f" (server: build {rebuild['elapsed_ms']} ms, {rebuild['written']} files written, status showed"
                     f" the new generation after {rebuild['seen_after_s']:.3f} s)" if rebuild else ""),
                  flush=True)
            wait_quiet(args.status, args.settle, args.settle + 60)
    except (RuntimeError, SystemExit, KeyboardInterrupt) as e:
        error = str(e) or type(e).__name__
    finally:
        with open(args.file, "wb") as fh:
            fh.write(original)

    result = {
        "samples_s": samples,
        "median_s": statistics.median(samples) if samples else None,
        "rebuilds": rebuilds,
        "settle_s": args.settle,
        "error": error,
    }
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(result, fh, indent=1)
    if error:
        print(f"  edit latency: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
