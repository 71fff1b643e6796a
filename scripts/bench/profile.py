#!/usr/bin/env python3
"""Where a cellbook build spends its CPU time, from a `perf` profile; stdlib only.

    profile.py PERF.DATA [--detail COMPONENT-PREFIX]

(reads `perf script` of a profile recorded with call stacks; --detail also lists the functions
the samples of the components whose name starts with the prefix were in, leaf first)

scripts/bench/profile.sh records one build with `perf record --call-graph dwarf` and calls this.
Every sample is put in one component, by the first rule below that matches its call stack (the
order matters: compression inside the search parse counts as compression). Prints a Markdown
table: component, share of the samples, and CPU seconds (samples over the sampling frequency).
"""
from __future__ import annotations

import collections
import re
import subprocess
import sys

# (component, a pattern any frame of the stack matches). Kernel rules first: a sample in the
# kernel is the system call's cost, whatever part of cellbook made the call.
RULES = [
    ("kernel: create files and folders", r"\[k\]|kernel", r"ext4_create|ext4_mkdir|__ext4_new_inode"),
    ("kernel: write and copy bytes", r"\[k\]|kernel", r"vfs_write|ext4_buffered_write|copy_file_range|do_splice"),
    ("kernel: other (reads, memory, scheduling)", r"\[k\]|kernel", r"."),
    ("search: gzip (fragments, index chunks)", None, r"libdeflate|try_gzip"),
    ("search: HTML parse (pagefind's plain parser, lol_html)", None, r"lol_html|fossick::parser"),
    ("search: words (split, stem, fragment JSON)", None, r"pagefind::fossick"),
    ("search: index build (merge, chunks)", None, r"pagefind::"),
    ("search: make the documents", None, r"cellbook::search::"),
    ("render: safety checks of each page", None, r"cellbook::safety"),
    ("render: templates (Tera, contexts)", None, r"tera::|cellbook::render::"),
    ("Markdown and highlighting", None, r"cellbook::markdown|pulldown_cmark|syntect|cellbook::highlight"),
    ("fingerprint (hash the inputs)", None, r"cellbook::fingerprint"),
    ("load (walk, front matter)", None, r"cellbook::content|cellbook::config|walkdir|yaml"),
    ("site model (sections, links, related)", None, r"cellbook::site"),
    ("write files (cellbook's side)", None, r"cellbook::output"),
    ("other (allocator, threads, runtime)", None, r"."),
]


def samples(perf_data: str):
    """Yields (leaf frame, list of frames) for each sample of `perf script`."""
    out = subprocess.run(
        ["perf", "script", "-i", perf_data, "-F", "ip,sym,dso", "--no-inline"],
        check=True, capture_output=True, text=True, errors="replace",
    ).stdout
    stack: list[str] = []
    for line in out.splitlines() + [""]:
        if line.strip():
            stack.append(line.strip())
        elif stack:
            yield stack
            stack = []


def component(stack: list[str]) -> str:
    leaf_in_kernel = "kernel" in stack[0] or "[k]" in stack[0]
    for name, leaf, pattern in RULES:
        if leaf is not None and not leaf_in_kernel:
            continue
        if leaf is None and leaf_in_kernel:
            continue
        if any(re.search(pattern, frame) for frame in stack):
            return name
    return "other (allocator, threads, runtime)"


def frequency(perf_data: str) -> float:
    header = subprocess.run(["perf", "report", "-i", perf_data, "--header-only"],
                            capture_output=True, text=True).stdout
    m = re.search(r"sample_freq = (\d+)", header) or re.search(r"-F,? ?(\d+)", header)
    return float(m.group(1)) if m else 0.0


def function(frame: str) -> str:
    """The function name of a `perf script` frame line (address, symbol+offset, (dso))."""
    name = frame.split(" ", 1)[1] if " " in frame else frame
    return re.sub(r"\+0x[0-9a-f]+ \(.*\)$| \(.*\)$", "", name)


def main() -> None:
    args = sys.argv[1:]
    detail = None
    if len(args) == 3 and args[1] == "--detail":
        detail = args.pop()
        args.pop()
    if len(args) != 1:
        sys.exit(__doc__)
    counts: collections.Counter[str] = collections.Counter()
    leaves: collections.Counter[str] = collections.Counter()
    for stack in samples(args[0]):
        name = component(stack)
        counts[name] += 1
        if detail and name.startswith(detail):
            leaves[function(stack[0])] += 1
    total = sum(counts.values())
    freq = frequency(sys.argv[1])
    print("| Component | Share of CPU | CPU seconds |")
    print("|:--|--:|--:|")
    order = [name for name, _, _ in RULES]
    for name in sorted(counts, key=lambda n: (-counts[n], order.index(n))):
        secs = f"{counts[name] / freq:.2f}" if freq else "?"
        print(f"| {name} | {100 * counts[name] / total:.1f}% | {secs} |")
    print(f"| all ({total} samples) | 100% | {total / freq:.2f} |" if freq else "| all | 100% | ? |")
    if detail:
        print(f"\nWhere the samples of `{detail}...` were (leaf functions):")
        for name, count in leaves.most_common(25):
            print(f"{100 * count / total:5.1f}%  {name[:140]}")


if __name__ == "__main__":
    main()
