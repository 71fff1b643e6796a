#!/usr/bin/env python3
"""One-page edit latency of a running dev server (used by scripts/bench.sh; stdlib only).

    edit_latency.py --page URL --file PATH [--status URL] [--edits 5] [--settle 1] [--idle]
                    [--poll 0.002] [--timeout 120] --out JSON

For each edit: append a sentence with a unique word to PATH in one write and close it (the save;
the clock starts just before the write, so the sample includes the write and the close), then
fetch the page at URL every --poll seconds (2 ms: fine enough for a 50 ms target; one kept-alive
connection, so a poll costs little) until it contains that word. The sample is the time from the
save to the first response that shows the word.

With --status (cellbook's `/__cellbook/status`), once the page showed the word the status is
polled every --poll seconds until the build generation moved: when the server published the build,
which is when open tabs are told to reload ("seen_after_s" of each rebuild; no earlier than the
page sample, as the status is not polled before, to keep the poller light).

Between edits: after the page showed an edit, wait until the generation has not moved for
--settle seconds (edits --settle seconds apart; without --status, just --settle seconds). With
--idle (needs --status), also wait until the server reports no search re-index pending
(`search_pending`), so that each edit finds the server idle.

The file is restored byte for byte at the end, also on failure or SIGTERM.

Writes {"samples_s": [...], "median_s": x, "published_s": [...], "rebuilds": [{"generation",
"elapsed_ms", "written", "ok", "seen_after_s"}...], "settle_s": x, "idle": bool, "poll_s": x,
"error": null|str} to --out. Exit 0 when every edit showed up, 1 otherwise.
"""
from __future__ import annotations

import argparse
import http.client
import json
import signal
import statistics
import sys
import time
import urllib.parse


class Client:
    """GET over one kept-alive HTTP/1.1 connection, reconnecting when the server drops it."""

    def __init__(self, url: str):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.conn: http.client.HTTPConnection | None = None

    def get(self, timeout: float = 5.0) -> bytes | None:
        for _ in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
                self.conn.request("GET", self.target, headers={"Cache-Control": "no-cache"})
                response = self.conn.getresponse()
                body = response.read()
                if response.will_close:
                    self.close()
                return body
            except (http.client.HTTPException, OSError):
                self.close()
        return None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def status(client: Client | None) -> dict | None:
    if client is None:
        return None
    body = client.get()
    if body is None:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def wait_quiet(client: Client | None, settle: float, limit: float, idle: bool) -> dict | None:
    """Waits until the status generation has not moved for `settle` seconds and, with `idle`, no
    search re-index is pending (without a status URL: just `settle` seconds)."""
    if client is None:
        time.sleep(settle)
        return None
    end = time.monotonic() + limit
    last = status(client)
    since = time.monotonic()
    while time.monotonic() < end:
        time.sleep(0.05)
        now = status(client)
        if now is None:
            continue
        if last is None or now.get("generation") != last.get("generation"):
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= settle and not (idle and now.get("search_pending")):
            return now
    raise RuntimeError(f"the server did not go quiet within {limit:.0f} s")


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
    ap.add_argument("--idle", action="store_true",
                    help="before each edit, also wait for the server's search re-index to finish (needs --status)")
    ap.add_argument("--idle-limit", type=float, default=600.0, help="seconds to wait for the server to be idle")
    ap.add_argument("--poll", type=float, default=0.002, help="seconds between page fetches")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    if args.idle and not args.status:
        ap.error("--idle needs --status")

    with open(args.file, "rb") as fh:
        original = fh.read()

    def on_term(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    page = Client(args.page)
    stat = Client(args.status) if args.status else None
    samples: list[float] = []
    published: list[float] = []
    rebuilds: list[dict] = []
    error = None
    try:
        if page.get() is None:
            raise RuntimeError(f"the page {args.page} does not answer before the first edit")
        wait_quiet(stat, args.settle, args.idle_limit, args.idle)
        for i in range(args.edits):
            word = f"cellbookbenchedit{int(time.time() * 1000) % 10**9}x{i}"
            before = status(stat)
            gen0 = before.get("generation", 0) if before else 0
            data = f"\n\nThe benchmark appended this sentence, {word}, to the page.\n".encode()
            with open(args.file, "ab", buffering=0) as fh:
                # The clock starts before the write and the close that make the save: taken after
                # them, it could start late (this process may lose the CPU to the server the
                # moment the file is closed).
                t0 = time.monotonic()
                fh.write(data)
            deadline = t0 + args.timeout
            seen = None
            rebuild = None
            # Until the page shows the word, and (with --status) the generation moved.
            while seen is None or (stat is not None and rebuild is None):
                now = time.monotonic()
                if now > deadline:
                    what = "show the sentence" if seen is None else "publish a new build"
                    raise RuntimeError(f"edit {i + 1}: the server did not {what} within {args.timeout:.0f} s")
                if seen is None:
                    body = page.get()
                    if body is not None and word.encode() in body:
                        seen = time.monotonic()
                        continue
                if stat is not None and seen is not None:
                    st = status(stat)
                    if st and st.get("generation", 0) > gen0:
                        rebuild = {k: st.get(k) for k in ("generation", "ok", "elapsed_ms")}
                        rebuild["written"] = len(st.get("written") or [])
                        # When the poller first saw the new generation, from the save.
                        rebuild["seen_after_s"] = round(time.monotonic() - t0, 4)
                time.sleep(args.poll)
            samples.append(seen - t0)
            if rebuild:
                rebuilds.append(rebuild)
                published.append(rebuild["seen_after_s"])
            print(f"  edit {i + 1}/{args.edits}: {samples[-1] * 1000:.1f} ms"
                  + (f" (server: build {rebuild['elapsed_ms']} ms, {rebuild['written']} files written, status showed"
                     f" the new generation after {rebuild['seen_after_s'] * 1000:.1f} ms)" if rebuild else ""),
                  flush=True)
            wait_quiet(stat, args.settle, args.idle_limit + args.settle, args.idle)
    except (RuntimeError, SystemExit, KeyboardInterrupt) as e:
        error = str(e) or type(e).__name__
    finally:
        with open(args.file, "wb") as fh:
            fh.write(original)

    result = {
        "samples_s": samples,
        "median_s": statistics.median(samples) if samples else None,
        "published_s": published,
        "rebuilds": rebuilds,
        "settle_s": args.settle,
        "idle": args.idle,
        "poll_s": args.poll,
        "error": error,
    }
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(result, fh, indent=1)
    print(f"  median {result['median_s'] * 1000:.1f} ms" if samples else "  no samples", flush=True)
    if error:
        print(f"  edit latency: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
