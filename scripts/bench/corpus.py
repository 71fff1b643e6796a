#!/usr/bin/env python3
"""Writes a synthetic corpus of articles for the benchmarks (scripts/bench.sh); Python 3.11+, stdlib only.

    corpus.py --pages N --out DIR --flavor {yaml,hugo,mdbook} [--seed S] [--vocab book.toml]

Every flavor holds the same articles (the same seed gives the same titles, words, headings,
lists, tables, code blocks, tags and links); they differ only in layout and syntax:

  yaml    DIR/content/<section>/<slug>.md with `---` YAML front matter: a cellbook site's content.
          Each section folder has an _index.md; internal links are relative `.md` paths.
  hugo    a Hugo site: the same content/ with Hugo's taxonomies in the front matter, internal
          links as {{< ref "/path.md" >}}, and hugo.toml, layouts/ and static/ from bench/hugo/.
  mdbook  an mdBook: book.toml, src/SUMMARY.md listing every page, the same folders; mdBook has no
          front matter, so the title is the `# heading` and the terms a line of text.

--vocab takes the vocabularies (keys and term ids) from a cellbook book.toml, so that every
article's terms exist in the site that builds it; without it, a small built-in vocabulary is used.
DIR/.bench-manifest.json names a page in the middle of the corpus (`probe_source`, and
`probe_output` in the built site) for the edit-latency measurement.

Article i draws from its own random generator, seeded with (seed, i): its text does not depend
on N, only its link targets do (they are drawn among the N articles).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
HUGO_TEMPLATE = os.path.join(HERE, "..", "..", "bench", "hugo")

# Used without --vocab: (key, term ids, whether a page takes several).
DEFAULT_VOCAB = [
    ("cell_types", ["msc", "neural-stem-cells", "ipsc", "esc", "hsc", "opc"], True),
    ("diseases", ["als", "ms"], True),
    ("evidence", ["preclinical", "case-series", "phase-1", "phase-2", "phase-3", "meta-analysis"], False),
]

# Section folders and their titles; a parent comes before its children.
SECTIONS = [
    ("cells", "Cell types"),
    ("cells/stromal", "Stromal cells"),
    ("cells/neural", "Neural cells"),
    ("conditions", "Conditions"),
    ("trials", "Trials"),
    ("trials/early", "Early trials"),
    ("trials/late", "Late trials"),
    ("mechanisms", "Mechanisms"),
    ("methods", "Methods"),
    ("reviews", "Reviews"),
]

WORDS = (
    "cell graft donor patient trial dose safety outcome motor neuron myelin lesion marker spinal "
    "cord injection infusion culture passage batch release potency survival function scale score "
    "follow-up month year cohort arm placebo sham control randomised blinded open-label phase "
    "endpoint primary secondary analysis signal benefit harm adverse event immune response "
    "inflammation microglia astrocyte oligodendrocyte progenitor stem stromal bone marrow "
    "umbilical adipose autologous allogeneic manufacturing protocol registry review evidence "
    "study report data sample plasma fluid biomarker neurofilament imaging scan relapse "
    "progression disability rating decline slope model mouse rat primate dose-finding exosome "
    "secretome factor growth trophic protection repair remyelination engraftment rejection"
).split()

TAGS = [
    "intrathecal", "intravenous", "intracerebral", "autologous", "allogeneic", "safety", "efficacy",
    "biomarkers", "imaging", "remyelination", "immunomodulation", "manufacturing", "cryopreservation",
    "exosomes", "gene-editing", "organoids", "disease-models", "dose-finding", "randomised",
    "open-label", "sham-control", "long-term-follow-up", "adverse-events", "tumorigenicity",
    "regulation", "ethics", "cost", "registries", "real-world-evidence", "patient-reported-outcomes",
]


def load_vocab(path: str | None) -> list[tuple[str, list[str], bool]]:
    """(key, term ids, multiple) of each vocabulary of a book.toml that has terms."""
    if path is None:
        return DEFAULT_VOCAB
    with open(path, "rb") as f:
        book = tomllib.load(f)
    vocab = [
        (t["key"], [term["id"] for term in t.get("term", [])], bool(t.get("multiple", False)))
        for t in book.get("taxonomy", [])
    ]
    return [v for v in vocab if v[1]]


class Article:
    """One article's metadata; its body is made by `body` from the same generator."""

    def __init__(self, seed: int, i: int, vocab):
        self.rng = random.Random(f"{seed}:{i}")
        rng = self.rng
        words = [rng.choice(WORDS) for _ in range(rng.randint(3, 7))]
        self.title = f"{' '.join(words).capitalize()} ({i})"
        self.slug = f"{'-'.join(words[:4])}-{i}"
        self.section = rng.choice(SECTIONS)[0]
        self.path = f"{self.section}/{self.slug}.md"
        self.description = sentence(rng)
        self.terms = {}
        for key, ids, multiple in vocab:
            self.terms[key] = sorted(rng.sample(ids, rng.randint(1, min(3, len(ids))))) if multiple else rng.choice(ids)
        self.tags = sorted(rng.sample(TAGS, rng.randint(0, 4)))
        self.date = f"20{rng.randint(10, 25):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 7)))


def body(article: Article, articles: list[Article], link) -> str:
    """Markdown of an article: paragraphs under headings, with lists, tables, code and links."""
    rng = article.rng
    parts = [paragraph(rng)]
    for h in range(rng.randint(3, 6)):
        parts.append(f"## {sentence(rng)[:-1][:60]}")
        for _ in range(rng.randint(1, 3)):
            text = paragraph(rng)
            if rng.random() < 0.5:
                target = articles[rng.randrange(len(articles))]
                text += f" See [{target.title}]({link(article, target)})."
            parts.append(text)
        roll = rng.random()
        if roll < 0.25:
            parts.append("\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(3, 6))))
        elif roll < 0.4:
            rows = [f"| {rng.choice(WORDS)} | {rng.randint(1, 500)} | {rng.choice(WORDS)} |" for _ in range(4)]
            parts.append("| Measure | Value | Note |\n|---|---:|---|\n" + "\n".join(rows))
        elif roll < 0.5:
            code = f"def dose(weight_kg):\n    return weight_kg * {rng.randint(1, 9)}e6  # cells"
            parts.append(f"```python\n{code}\n```")
        if rng.random() < 0.3:
            parts.append(f"### {sentence(rng)[:-1][:40]}\n\n{paragraph(rng)}")
    return "\n\n".join(parts) + "\n"


def relative_link(source: Article, target: Article) -> str:
    return os.path.relpath(target.path, os.path.dirname(source.path))


def hugo_link(source: Article, target: Article) -> str:
    return f'{{{{< ref "/{target.path}" >}}}}'


def yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def front_matter(article: Article) -> str:
    lines = ["---", f"title: {yaml_string(article.title)}", f"description: {yaml_string(article.description)}"]
    for key, value in article.terms.items():
        lines.append(f"{key}: [{', '.join(value)}]" if isinstance(value, list) else f"{key}: {value}")
    lines += [f"tags: [{', '.join(article.tags)}]", f"date: {article.date}", "---", ""]
    return "\n".join(lines) + "\n"


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def write_sections(content: str, index_name: str, header) -> None:
    for folder, title in SECTIONS:
        write(os.path.join(content, folder, index_name), header(title) + f"Articles about {title.lower()}.\n")


def mdbook_summary(articles: list[Article]) -> str:
    lines = ["# Summary", ""]
    for folder, title in SECTIONS:
        depth = folder.count("/")
        lines.append(f"{'  ' * depth}- [{title}](./{folder}/README.md)")
        for a in articles:
            if a.section == folder:
                lines.append(f"{'  ' * (depth + 1)}- [{a.title}](./{a.path})")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--flavor", required=True, choices=["yaml", "hugo", "mdbook"])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--vocab", help="a cellbook book.toml whose vocabularies the articles use")
    args = ap.parse_args(argv)
    if args.pages < 1:
        ap.error("--pages must be at least 1")
    if os.path.exists(args.out):
        ap.error(f"{args.out} exists; give a folder that does not")
    vocab = load_vocab(args.vocab)
    articles = [Article(args.seed, i, vocab) for i in range(args.pages)]
    flavor, out = args.flavor, args.out
    content = os.path.join(out, "src" if flavor == "mdbook" else "content")
    for a in articles:
        if flavor == "mdbook":
            terms = "; ".join(f"{k}: {', '.join(v) if isinstance(v, list) else v}" for k, v in a.terms.items())
            text = f"# {a.title}\n\n*{terms}*\n\n" + body(a, articles, relative_link)
        elif flavor == "hugo":
            text = front_matter(a) + body(a, articles, hugo_link)
        else:
            text = front_matter(a) + body(a, articles, relative_link)
        write(os.path.join(content, a.path), text)
    if flavor == "mdbook":
        write_sections(content, "README.md", lambda title: f"# {title}\n\n")
        write(os.path.join(content, "SUMMARY.md"), mdbook_summary(articles))
        write(os.path.join(out, "book.toml"), '[book]\ntitle = "Benchmark corpus"\nlanguage = "en"\n')
    else:
        write_sections(content, "_index.md", lambda title: f"---\ntitle: {yaml_string(title)}\n---\n\n")
        write(os.path.join(content, "_index.md"), '---\ntitle: "Benchmark corpus"\n---\n\nA synthetic corpus.\n')
    if flavor == "hugo":
        shutil.copytree(HUGO_TEMPLATE, out, dirs_exist_ok=True)
        taxonomies = "".join(f'  {key} = "{key}"\n' for key, _, _ in vocab) + '  tags = "tags"\n'
        with open(os.path.join(out, "hugo.toml"), "a", encoding="utf-8") as f:
            f.write("\n[taxonomies]\n" + taxonomies)
    probe = articles[len(articles) // 2]
    manifest = {
        "generator": "scripts/bench/corpus.py",
        "pages": args.pages,
        "flavor": flavor,
        "seed": args.seed,
        "probe_title": probe.title,
        "probe_source": os.path.relpath(os.path.join(content, probe.path), out),
        "probe_output": probe.path[:-3] + (".html" if flavor == "mdbook" else "/index.html"),
    }
    with open(os.path.join(out, ".bench-manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
