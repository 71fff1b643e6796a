#!/usr/bin/env python3
"""Results of scripts/bench.sh -> bench/results/size-N.json -> BENCHMARKS.md and bench/scaling.svg.

    report.py collect --raw RUN/size-N --out bench/results/size-N.json
    report.py render --results bench/results --md BENCHMARKS.md --svg bench/scaling.svg [--planned "1000 10000 50000"]

`collect` turns one size's raw files (hyperfine JSON, `/usr/bin/time -v` output, cellbook's
summary lines, edit-latency JSON, key=value metadata) into one JSON record. `render` rewrites
BENCHMARKS.md from every record, keeping its "## Profile notes" section as it is. stdlib only.
"""
from __future__ import annotations

import argparse
import glob
import html
import json
import os
import re
import statistics
import sys

TOOL_ORDER = ["cellbook", "cellbook-nosearch", "hugo", "mdbook"]
LABEL = {"cellbook": "cellbook", "cellbook-nosearch": "cellbook, `[search] enabled = false`",
         "hugo": "Hugo", "mdbook": "mdBook"}
# Edit-latency series: file suffix -> label.
EDIT_SERIES = {"cellbook-idle": "cellbook, server idle before each edit",
               "cellbook-rapid": "cellbook, edits 1 s apart",
               "cellbook": "cellbook", "hugo": "Hugo, edits 1 s apart"}
NOTES_HEADING = "## Profile notes"
NOTES_PLACEHOLDER = ("_Left for the lead: where the time goes (profiles, flame graphs), what was "
                     "changed, and the before/after numbers._\n")


def read_kv(path: str) -> dict:
    out = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                line = line.rstrip("\n")
                if "=" in line:
                    k, v = line.split("=", 1)
                    out[k.strip()] = v
    return out


def read_text(path: str) -> str | None:
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.read().strip()


DUR = re.compile(r"([0-9.]+)(ns|µs|us|ms|s)\b")
UNIT = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
SUMMARY = re.compile(r"built (\d+) pages.*\((\d+) files\).* in ([0-9.]+(?:ns|µs|us|ms|s)) \(search index ([0-9.]+(?:ns|µs|us|ms|s))[^)]*\)")


def seconds(text: str) -> float:
    m = DUR.fullmatch(text)
    if not m:
        raise ValueError(text)
    return float(m.group(1)) * UNIT[m.group(2)]


def summaries(path: str) -> list[dict]:
    out = []
    if os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                m = SUMMARY.search(line)
                if m:
                    out.append({"pages": int(m.group(1)), "files": int(m.group(2)),
                                "total_s": seconds(m.group(3)), "search_s": seconds(m.group(4))})
    return out


def max_rss_mib(path: str) -> float | None:
    text = read_text(path)
    if not text:
        return None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return int(m.group(1)) / 1024 if m else None


def cpu_percent(path: str) -> int | None:
    text = read_text(path)
    m = re.search(r"Percent of CPU this job got: (\d+)%", text or "")
    return int(m.group(1)) if m else None


def merge_runs(raw: str, out: str) -> None:
    """Joins the one-run hyperfine files of the alternating rounds (hf-ROUND-I.json) into one
    file shaped like hyperfine's own export, one result per tool with every run's time."""
    times: dict[str, list[float]] = {}
    names = sorted(f for f in os.listdir(raw) if f.startswith("hf-") and f.endswith(".json"))
    for name in sorted(names, key=lambda f: [int(x) for x in f[3:-5].split("-")]):
        with open(os.path.join(raw, name), encoding="utf-8") as fh:
            for r in json.load(fh).get("results", []):
                times.setdefault(r["command"], []).extend(r.get("times") or [])
    results = []
    for command, ts in times.items():
        results.append({"command": command, "times": ts, "median": statistics.median(ts),
                        "mean": statistics.mean(ts), "stddev": statistics.stdev(ts) if len(ts) > 1 else 0.0,
                        "min": min(ts), "max": max(ts)})
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"results": results}, fh, indent=1)
        fh.write("\n")


def collect(raw: str, out: str) -> None:
    meta = read_kv(os.path.join(raw, "meta.txt"))
    size = int(meta["size"])
    rec = {
        "size": size,
        "date": meta.get("date"),
        "commit": meta.get("commit"),
        "runs": int(meta.get("runs", "0") or 0),
        "load_before": meta.get("load_before"),
        "load_after": meta.get("load_after"),
        "machine": {k[8:]: v for k, v in meta.items() if k.startswith("machine_")},
        "versions": {k[8:]: v for k, v in meta.items() if k.startswith("version_")},
        "tools": {},
        "search": None,
        "edit": {},
    }
    hf = {}
    hf_path = os.path.join(raw, "hyperfine.json")
    if os.path.exists(hf_path):
        with open(hf_path, encoding="utf-8") as fh:
            for r in json.load(fh).get("results", []):
                hf[r["command"]] = r
    for tool in TOOL_ORDER:
        state = read_text(os.path.join(raw, f"state-{tool}.txt"))
        if state is None:
            continue
        t = {"state": state}
        r = hf.get(tool)
        if r:
            times = r.get("times") or []
            t.update({"median_s": r.get("median", statistics.median(times) if times else None),
                      "mean_s": r.get("mean"), "stddev_s": r.get("stddev"), "min_s": r.get("min"),
                      "max_s": r.get("max"), "times_s": times})
        for kind in ("over", "noop"):
            r = hf.get(f"{tool}-{kind}")
            if r and r.get("times"):
                t[kind] = {"median_s": r["median"], "min_s": r["min"], "max_s": r["max"], "times_s": r["times"]}
        t["peak_rss_mib"] = max_rss_mib(os.path.join(raw, f"mem-{tool}.txt"))
        t["cpu_percent"] = cpu_percent(os.path.join(raw, f"mem-{tool}.txt"))
        outkv = read_kv(os.path.join(raw, f"output-{tool}.txt"))
        if outkv:
            t["output_files"] = int(outkv.get("files", 0))
            t["output_mib"] = round(int(outkv.get("bytes", 0)) / 2**20, 1)
        rec["tools"][tool] = t
    runs = summaries(os.path.join(raw, "summary-cellbook.log"))
    if runs:
        total = statistics.median(r["total_s"] for r in runs)
        search = statistics.median(r["search_s"] for r in runs)
        rec["search"] = {"builds": len(runs), "internal_total_s": total, "search_s": search,
                         "share": search / total if total else None,
                         "samples": runs}
    skipped = read_text(os.path.join(raw, "noop-cellbook.txt"))
    if skipped and "noop" in rec["tools"].get("cellbook", {}):
        rec["tools"]["cellbook"]["noop"]["skipped"] = int(skipped)
    for key in EDIT_SERIES:
        path = os.path.join(raw, f"edit-{key}.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                rec["edit"][key] = json.load(fh)
    for tool in ("cellbook", "hugo"):
        note = read_text(os.path.join(raw, f"edit-{tool}.note"))
        if note and not any(k.startswith(tool) for k in rec["edit"]):
            rec["edit"][tool] = {"unavailable": note}
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(rec, fh, indent=1, ensure_ascii=False)
        fh.write("\n")


# ---------------------------------------------------------------- render

def fmt_s(x: float | None) -> str:
    if x is None:
        return "–"
    if x < 1:
        return f"{x * 1000:.0f} ms"
    if x < 100:
        return f"{x:.2f} s"
    return f"{x:.0f} s"


def fmt_n(n: int) -> str:
    return f"{n:,}"


def load_records(results: str) -> list[dict]:
    recs = []
    for path in glob.glob(os.path.join(results, "size-*.json")):
        with open(path, encoding="utf-8") as fh:
            recs.append(json.load(fh))
    return sorted(recs, key=lambda r: r["size"])


def kept_notes(md_path: str) -> str:
    if not os.path.exists(md_path):
        return NOTES_PLACEHOLDER
    with open(md_path, encoding="utf-8") as fh:
        text = fh.read()
    i = text.find("\n" + NOTES_HEADING)
    if i < 0:
        return NOTES_PLACEHOLDER
    body = text[i + 1 + len(NOTES_HEADING):].lstrip("\n")
    return body if body.strip() else NOTES_PLACEHOLDER


# Hand-written sections that a render keeps as they are (besides the profile notes), each after
# the generated section named with it.
KEPT_SECTIONS = {"## Search index size": "## cellbook's search index"}


def kept_section(md_path: str, heading: str) -> list[str]:
    """The lines of the section of BENCHMARKS.md whose heading starts with `heading`, up to the
    next section; none when there is no such section."""
    if not os.path.exists(md_path):
        return []
    with open(md_path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(heading)), None)
    if start is None:
        return []
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start:end]


def size_table(rec: dict) -> list[str]:
    n = rec["size"]
    lines = ["| Tool | New folder: median | Mean ± σ | Min – max | Over the previous output, one page edited | "
             "Second build, nothing changed | Peak RSS | CPU | Pages/s | Output |",
             "|:-----|-------:|---------:|----------:|-------:|-------:|---------:|----:|--------:|-------:|"]
    for tool in TOOL_ORDER:
        t = rec["tools"].get(tool)
        if not t:
            continue
        if t.get("median_s") is None:
            lines.append(f"| {LABEL[tool]} | {t['state']} | | | | | | | | |")
            continue
        rss = f"{t['peak_rss_mib']:.0f} MiB" if t.get("peak_rss_mib") else "–"
        out = (f"{fmt_n(t['output_files'])} files, {t['output_mib']:.0f} MiB"
               if "output_files" in t else "–")
        cpu = f"{t['cpu_percent']}%" if t.get("cpu_percent") is not None else "–"
        lines.append(f"| {LABEL[tool]} | **{fmt_s(t['median_s'])}** | {fmt_s(t['mean_s'])} ± "
                     f"{fmt_s(t['stddev_s'])} | {fmt_s(t['min_s'])} – {fmt_s(t['max_s'])} | "
                     f"{rebuild_cell(t.get('over'))} | {rebuild_cell(t.get('noop'))} | {rss} | {cpu} | "
                     f"{n / t['median_s']:.0f} | {out} |")
    return lines + ratios(rec)


def rebuild_cell(r: dict | None) -> str:
    """The median of a kind of rebuild, and its range."""
    if not r:
        return "–"
    return f"**{fmt_s(r['median_s'])}** ({fmt_s(r['min_s'])} – {fmt_s(r['max_s'])})"


def ratios(rec: dict) -> list[str]:
    """cellbook against Hugo for each way of building, and its second build against its first."""
    cb, hugo = rec["tools"].get("cellbook") or {}, rec["tools"].get("hugo") or {}
    parts = []
    for label, a, b in (("into a new folder", cb.get("median_s"), hugo.get("median_s")),
                        ("over the previous output", (cb.get("over") or {}).get("median_s"),
                         (hugo.get("over") or {}).get("median_s")),
                        ("with nothing changed", (cb.get("noop") or {}).get("median_s"),
                         (hugo.get("noop") or {}).get("median_s"))):
        if a and b:
            parts.append(f"{label} **{a / b:.2f}x**")
    noop, first = (cb.get("noop") or {}).get("median_s"), cb.get("median_s")
    lines = []
    if parts:
        lines += ["", "cellbook's median over Hugo's: " + ", ".join(parts) + "."]
    if noop and first:
        skipped = (cb.get("noop") or {}).get("skipped")
        said = f" ({skipped} of them said \"nothing changed\")" if skipped is not None else ""
        lines += ["", f"cellbook's second build with nothing changed{said} took **{noop / first:.3f}x** "
                      "its clean build into a new folder."]
    return lines


def scaling_rows(recs: list[dict], planned: list[int]) -> list[dict]:
    by_size = {r["size"]: r for r in recs}
    rows = []
    for size in sorted(set(planned) | set(by_size)):
        t = by_size.get(size, {}).get("tools", {}).get("cellbook") or {}
        med, rss = t.get("median_s"), t.get("peak_rss_mib")
        over, noop = (t.get("over") or {}).get("median_s"), (t.get("noop") or {}).get("median_s")
        rows.append({"size": size,
                     "ms_per_page": med * 1000 / size if med else None,
                     "over_ms_per_page": over * 1000 / size if over else None,
                     "noop_ms_per_page": noop * 1000 / size if noop else None,
                     "kib_per_page": rss * 1024 / size if rss else None,
                     "median_s": med, "over_s": over, "noop_s": noop, "rss_mib": rss})
    return rows


PANELS = [
    ("Time per page (median build)", "ms", [
        ("ms_per_page", "new folder", "#3b6ea5"),
        ("over_ms_per_page", "over the output, one page edited", "#7aa6d6"),
        ("noop_ms_per_page", "nothing changed", "#2f8f5b")]),
    ("Peak memory per page", "KiB", [("kib_per_page", "clean build", "#b5562c")]),
]


def svg_chart(rows: list[dict], path: str) -> None:
    """Two bar panels for cellbook across sizes: time per page for each way of building (bars side
    by side), and peak memory per page."""
    w, h, pad, gap = 720, 320, 48, 40
    pw = (w - 2 * pad - gap) / 2
    ph = h - 2 * pad - 50
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
             'font-family="sans-serif" font-size="12">',
             f'<rect width="{w}" height="{h}" fill="#fff"/>',
             f'<text x="{w / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">'
             'cellbook build: cost per page by corpus size</text>']
    for p, (title, unit, series) in enumerate(PANELS):
        x0 = pad + p * (pw + gap)
        y0 = pad + 10
        vals = [r[key] for r in rows for key, _, _ in series if r[key]]
        top = max(vals) * 1.25 if vals else 1.0
        parts.append(f'<text x="{x0 + pw / 2}" y="{y0 - 8}" text-anchor="middle">{html.escape(title)}</text>')
        parts.append(f'<line x1="{x0}" y1="{y0 + ph}" x2="{x0 + pw}" y2="{y0 + ph}" stroke="#333"/>')
        slot = pw / max(1, len(rows))
        bw = slot * 0.7 / len(series)
        for i, r in enumerate(rows):
            cx = x0 + slot * (i + 0.5)
            label = f"{r['size'] // 1000}k" if r["size"] % 1000 == 0 else str(r["size"])
            parts.append(f'<text x="{cx}" y="{y0 + ph + 16}" text-anchor="middle">{label} pages</text>')
            for j, (key, _, colour) in enumerate(series):
                bx = cx - slot * 0.35 + j * bw
                v = r[key]
                if v:
                    bh = max(v / top * ph, 1)
                    text = f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:.0f}"
                    parts.append(f'<rect x="{bx:.1f}" y="{y0 + ph - bh:.1f}" width="{bw:.1f}" height="{bh:.1f}" '
                                 f'fill="{colour}"/>')
                    parts.append(f'<text x="{bx + bw / 2:.1f}" y="{y0 + ph - bh - 4:.1f}" text-anchor="middle" '
                                 f'font-size="{10 if len(series) > 1 else 12}">{text}</text>')
                else:
                    bh = ph * 0.3
                    parts.append(f'<rect x="{bx:.1f}" y="{y0 + ph - bh:.1f}" width="{bw:.1f}" height="{bh:.1f}" '
                                 'fill="none" stroke="#999" stroke-dasharray="4 3"/>')
        for j, (_, name, colour) in enumerate(series):
            ly = y0 + ph + 32 + j * 14
            parts.append(f'<rect x="{x0}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>')
            parts.append(f'<text x="{x0 + 14}" y="{ly}">{html.escape(name)} ({unit})</text>')
    parts.append(f'<text x="{w - pad}" y="{h - 8}" text-anchor="end" fill="#777">dashed: not measured</text>')
    parts.append("</svg>")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(parts) + "\n")


def render(results: str, md_path: str, svg_path: str, planned: list[int]) -> None:
    recs = load_records(results)
    notes = kept_notes(md_path)
    latest = max(recs, key=lambda r: r.get("date") or "") if recs else None
    measured = [r["size"] for r in recs]
    pending = [s for s in planned if s not in measured]
    L: list[str] = ["# Benchmarks", "",
                    "Written by `scripts/bench.sh` (rerun it to refresh; only the *Profile notes* section "
                    "is kept by hand). The corpus is written by `scripts/bench/corpus.py` (seed 42, with "
                    "the vocabularies of `bench/book.toml`): the same articles as a cellbook site "
                    "(`bench/book.toml`, the repository's `templates/` and `static/`), a Hugo site (layouts "
                    "from `bench/hugo/`) and an mdBook. Since 2026-12-06T05:00Z the corpus has the shape of "
                    "the generator the issues' Hugo figures were measured with (about 1,860 words, a dozen "
                    "headings, a table, lists, 1-2 code blocks in four languages, 7-8 links and 3-4 of 60 "
                    "tags an article; 20 sections; some Chinese), and the Hugo site does that generator's "
                    "work (Chroma highlighting, table of contents, breadcrumbs, reading time, pager); "
                    "results dated earlier were measured on lighter corpora, on which Hugo was 3-4 times "
                    "faster. Clean builds: every timed run writes into an "
                    "output folder that does not exist (`hyperfine --prepare` moves the previous one aside; the "
                    "folders set aside are removed when the size is done, because this disk's ext4, which has "
                    "no journal, makes a build that follows a large removal within the minute pay for it per "
                    "file: see the profile notes); the tools of one size are timed in "
                    "alternating rounds (one build of each tool per round, in the same session). Then, for "
                    "cellbook and Hugo, builds over the previous output: each after a sentence was appended "
                    "to one page (every page is rendered again; Hugo overwrites its files in place, cellbook "
                    "writes only the files whose bytes changed), and second builds with nothing changed "
                    "(cellbook checks the fingerprint of its inputs and its output, says \"nothing changed\" "
                    "and stops; Hugo builds again), alternating the same way. cellbook's first build over "
                    "the previous output parses every search document and keeps the parsed pages beside "
                    "the output; the later ones parse only what changed (the rounds' times are all in "
                    "the results' JSON: the first is the slow one). Peak memory: one extra build per tool "
                    "under `/usr/bin/time -v`, which also gives the CPU column (CPU time over wall time of that build: 200% = both cores busy). Pages/s counts the corpus's articles (not the taxonomy and "
                    "section pages each tool adds).", "",
                    "```sh",
                    'bash scripts/bench.sh --sizes "1000 10000" --runs 3 --tools "cellbook hugo"',
                    'bash scripts/bench.sh --sizes "50000" --runs 1 --no-edit --tools "cellbook"   # Hugo needs about 25 GiB at 50k: profile notes',
                    "```", ""]
    if latest:
        m, v = latest["machine"], latest["versions"]
        L += ["## Machine and versions", "",
              f"- Last run: {latest.get('date')} (commit {latest.get('commit')})",
              f"- CPU: {m.get('cpu', '?')}; `nproc` = {m.get('nproc', '?')}; memory: {m.get('mem', '?')}; "
              f"kernel {m.get('kernel', '?')}",
              ]
        for k in ("cellbook", "hugo", "mdbook", "hyperfine", "rustc"):
            if v.get(k):
                L.append(f"- {k}: {v[k]}")
        L.append("")
    L += ["## Sizes", ""]
    L.append("- Measured: " + (", ".join(f"{fmt_n(s)} pages" for s in measured) if measured else "none yet"))
    L.append("- Pending: " + (", ".join(f"{fmt_n(s)} pages" for s in pending) if pending else "none")
             + (" (not run yet: the machine was busy with other builds on its 2 cores, so the numbers "
                "would be noise; run `bash scripts/bench.sh --sizes \"" + " ".join(map(str, pending))
                + "\"` on an idle machine)" if pending else ""))
    L.append("")
    for rec in recs:
        L += [f"## {fmt_n(rec['size'])} pages", "",
              f"{rec.get('date')}, commit {rec.get('commit')}, {rec.get('runs')} runs per tool; "
              f"load average before/after: {rec.get('load_before')} / {rec.get('load_after')}.", ""]
        L += size_table(rec)
        busy = False
        try:
            busy = float((rec.get("load_before") or "0").split()[0]) > 0.5 * float(rec["machine"].get("nproc", 2))
        except ValueError:
            pass
        if busy:
            L += ["", "_The machine was busy when this size ran (load average above half the cores): "
                      "compare tools within this table, not with other runs._"]
        L.append("")
    # search share
    L += ["## cellbook's search index", ""]
    rows = [r for r in recs if r.get("search")]
    if rows:
        L += ["cellbook prints `(search index X)` in its summary line; the build's own total is the "
              "time it prints, the wall clock adds process start and exit. The no-search figure is "
              "the same build with `[search] enabled = false`.", "",
              "| Pages | Build (cellbook's own total, median) | Search index (median) | Share | "
              "Wall clock, search on | Wall clock, search off | Difference |",
              "|------:|------:|------:|------:|------:|------:|------:|"]
        for r in rows:
            s = r["search"]
            on = r["tools"].get("cellbook", {}).get("median_s")
            off = r["tools"].get("cellbook-nosearch", {}).get("median_s")
            diff = f"{fmt_s(on - off)} ({(on - off) / on:.0%})" if on and off else "–"
            L.append(f"| {fmt_n(r['size'])} | {fmt_s(s['internal_total_s'])} | {fmt_s(s['search_s'])} | "
                     f"**{s['share']:.0%}** | {fmt_s(on)} | {fmt_s(off)} | {diff} |")
    else:
        L.append("Not measured yet.")
    L.append("")
    kept = {after: kept_section(md_path, heading) for heading, after in KEPT_SECTIONS.items()}
    L += kept.get("## cellbook's search index", [])
    # edit latency
    L += ["## One-page edit in the dev server", "",
          "A sentence is appended to one article's `.md` file while the server runs; the time is from "
          "the write to the page (fetched over HTTP) containing the sentence; median of the edits. "
          "cellbook: `cellbook serve`, polling `/__cellbook/status` and the page, in two series on one "
          "server: first with the server idle before each edit (no rebuild for 1 s and the background "
          "search re-index of the previous edit finished), then edits 1 s after the previous one showed "
          "up, whatever the search re-index is doing. The page is polled every 2 ms. "
          "Hugo: `hugo server` (defaults: in memory, fast render), polling the page, edits 1 s apart.", "",
          "| Pages | Server | Median | Samples (s) | Write → new status generation | Server's rebuild |",
          "|------:|:-------|-------:|:------------|------:|:------|"]
    any_edit = False
    for r in recs:
        for key, label in EDIT_SERIES.items():
            e = r.get("edit", {}).get(key)
            if not e:
                continue
            any_edit = True
            if "unavailable" in e:
                L.append(f"| {fmt_n(r['size'])} | {label} | {e['unavailable']} | | | |")
                continue
            if key == "cellbook-idle" and e.get("settle_s") and not e.get("idle"):
                # Older results: edits a fixed time apart instead of waiting for an idle server.
                label = f"cellbook, edits {e['settle_s']:.0f} s apart after a full build's time"
            samples = ", ".join(f"{x:.2f}" for x in e.get("samples_s", []))
            rb = e.get("rebuilds") or []
            seen = server = ""
            if rb:
                server = (f"{statistics.median(x['elapsed_ms'] for x in rb):.0f} ms, "
                          f"{statistics.median(x['written'] for x in rb):.0f} file(s) written (medians)")
                seen_vals = [x["seen_after_s"] for x in rb if x.get("seen_after_s") is not None]
                seen = fmt_s(statistics.median(seen_vals)) if seen_vals else ""
            med = f"**{fmt_s(e['median_s'])}**" if e.get("median_s") is not None else "–"
            err = f" ({e['error']})" if e.get("error") else ""
            L.append(f"| {fmt_n(r['size'])} | {label} | {med}{err} | {samples} | {seen} | {server} |")
    if not any_edit:
        L.append("| – | – | not measured yet | | | |")
    L.append("")
    # scaling
    srows = scaling_rows(recs, planned)
    svg_chart(srows, svg_path)
    rel_svg = os.path.relpath(svg_path, os.path.dirname(os.path.abspath(md_path)))
    L += ["## cellbook per page, by size", "",
          f"![cellbook: time and peak memory per page by corpus size]({rel_svg})", "",
          "| Pages | Median build, new folder | ms per page | Over the output, one page edited | "
          "Nothing changed | Peak RSS | KiB per page |",
          "|------:|-------------:|------------:|------:|------:|---------:|-------------:|"]
    for r in srows:
        if r["median_s"] is None:
            L.append(f"| {fmt_n(r['size'])} | pending | | | | | |")
        else:
            L.append(f"| {fmt_n(r['size'])} | {fmt_s(r['median_s'])} | {r['ms_per_page']:.2f} | "
                     f"{fmt_s(r['over_s'])} | {fmt_s(r['noop_s'])} | "
                     f"{r['rss_mib']:.0f} MiB | {r['kib_per_page']:.0f} |")
    L.append("")
    L += [NOTES_HEADING, "", notes.rstrip("\n"), ""]
    with open(md_path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(L))


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--raw", required=True)
    c.add_argument("--out", required=True)
    r = sub.add_parser("render")
    r.add_argument("--results", required=True)
    r.add_argument("--md", required=True)
    r.add_argument("--svg", required=True)
    r.add_argument("--planned", default="1000 10000 50000")
    m = sub.add_parser("merge-runs")
    m.add_argument("--raw", required=True)
    m.add_argument("--out", required=True)
    args = ap.parse_args()
    if args.cmd == "merge-runs":
        merge_runs(args.raw, args.out)
    elif args.cmd == "collect":
        collect(args.raw, args.out)
    else:
        render(args.results, args.md, args.svg, [int(x) for x in args.planned.split()])
    return 0


if __name__ == "__main__":
    sys.exit(main())
