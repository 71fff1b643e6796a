#!/usr/bin/env python3
"""Writes a synthetic corpus of articles for the benchmarks (scripts/bench.sh); Python 3.11+, stdlib only.

    corpus.py --pages N --out DIR --flavor {yaml,hugo,mdbook} [--seed S] [--vocab book.toml]
    corpus.py --source-hash      (the hash the manifest records: of this file and bench/hugo/)

The corpus has the shape of the one Hugo's figures in issue #19 were measured on, so that our
ratios to Hugo can be compared with those: 20 section folders nested up to three deep; articles
of 440 to 2,060 words of prose in parts under `##` and `###` headings (about a dozen), with bold,
italic and inline code, and among the parts one table, a bulleted and a numbered (nested) list,
block quotes, one or two fenced code blocks (rust, bash, yaml or python) and, in one article in
twenty, a paragraph in Chinese; 3 to 6 links to other articles and 2 to 4 to outside sites (trial
registries, PubMed, DOIs); 2 to 5 tags out of 60.

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
`tags` is a front-matter key of its own (in Hugo, a taxonomy next to the vocabularies).
DIR/.bench-manifest.json names a page in the middle of the corpus (`probe_source`, and
`probe_output` in the built site) for the edit-latency measurement.

Article i draws from its own random generator, seeded with (seed, i): its text does not depend
on N, only its link targets do (they are drawn among the N articles by a second generator).
"""
from __future__ import annotations

import argparse
import hashlib
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

# Section folders and their titles, depth first: a parent comes right before its subtree.
SECTIONS = [
    ("cells", "Cell types"),
    ("cells/stromal", "Stromal cells"),
    ("cells/neural", "Neural stem and precursor cells"),
    ("cells/pluripotent", "Pluripotent stem cells"),
    ("cells/haematopoietic", "Haematopoietic stem cells"),
    ("conditions", "Conditions"),
    ("conditions/als", "Motor neuron disease (ALS)"),
    ("conditions/ms", "Multiple sclerosis"),
    ("trials", "Clinical trials"),
    ("trials/registered", "Registered trials"),
    ("trials/registered/phase-1", "First-in-human trials"),
    ("trials/registered/phase-2", "Efficacy trials"),
    ("methods", "Methods"),
    ("methods/imaging", "Imaging"),
    ("methods/omics", "Omics"),
    ("methods/statistics", "Statistics"),
    ("reviews", "Reviews"),
    ("reviews/systematic", "Systematic reviews"),
    ("regulation", "Regulation"),
    ("regulation/ethics", "Ethics"),
]

TAGS = [
    "intrathecal", "intravenous", "intracerebral", "intramuscular", "autologous", "allogeneic",
    "safety", "efficacy", "biomarkers", "neurofilament", "functional-rating", "disability-score",
    "mri", "pet", "remyelination", "neuroprotection", "immunomodulation", "gmp", "cryopreservation",
    "exosomes", "secretome", "gene-editing", "base-editing", "organoids", "disease-models", "sod1",
    "c9orf72", "tdp-43", "microglia", "astrocytes", "motor-neurons", "myelin", "lesions",
    "relapses", "progressive-disease", "bulbar-onset", "survival", "dose-finding", "randomised",
    "open-label", "sham-control", "long-term-follow-up", "adverse-events", "tumorigenicity",
    "immunosuppression", "transplant-conditioning", "engraftment", "differentiation",
    "reprogramming", "culture-media", "flow-cytometry", "single-cell", "proteomics", "regulation",
    "ethics", "patient-reported-outcomes", "cost", "registries", "real-world-evidence",
    "animal-models",
]

# A sentence is LEAD QUALIFIER SUBJECT VERB SUBJECT SETTING.
LEADS = [
    "", "", "", "In the pooled data,", "At twelve months,", "By contrast,", "As in earlier cohorts,",
    "Unexpectedly,", "In both arms,", "After adjustment,", "On balance,", "In the extension phase,",
    "Before dosing,", "Across centres,",
]
QUALIFIERS = [
    "autologous", "allogeneic", "marrow-derived", "adipose-derived", "cord-blood", "repeated",
    "single-dose", "gene-corrected", "hypoxia-primed", "expanded", "thawed", "pre-differentiated",
    "donor-matched", "anti-inflammatory", "trophic", "myelin-forming", "activated", "sustained",
    "dose-escalating", "sham-controlled", "unblinded", "masked", "multinational", "prospective",
    "retrospective", "exploratory",
]
SUBJECTS = [
    "stromal cell infusions", "neural precursor grafts", "motor neurons from reprogrammed cells",
    "oligodendrocyte progenitors", "haematopoietic transplants", "reactive astrocytes",
    "microglial activation", "the secreted factors", "circulating vesicles", "serum neurofilament",
    "the functional rating scale", "the disability score", "contrast-enhancing lesions",
    "the treated group", "the comparator group", "spinal fluid markers", "grey matter atrophy",
    "the pyramidal tract", "inflammatory cytokines", "the release batch", "the expansion protocol",
    "the conditioning chemotherapy", "time to ventilation", "serious adverse events",
    "the main endpoint", "the infusion schedule", "post-thaw viability", "donor chimerism",
    "myelin repair", "axonal density", "forced vital capacity",
]
VERBS = [
    "lowered", "raised", "slowed", "left unchanged", "shifted", "tracked", "came before",
    "moved with", "improved", "dampened", "partly restored", "was reported with", "anticipated",
    "was weighed against", "blocked", "amplified", "postponed", "outlasted",
]
SETTINGS = [
    "during the first year", "in the intention-to-treat population", "after one intrathecal dose",
    "in the top dose cohort", "compared with the screening visit",
    "in patients with limb-onset disease", "in relapsing–remitting patients",
    "in secondary progressive disease", "in transgenic SOD1 rats", "after lysolecithin demyelination",
    "under clean-room conditions", "after 72 h in hypoxic culture", "with wide confidence intervals",
    "with no treatment-related deaths", "in a second, independent cohort", "once tacrolimus was tapered",
    "over a median of 5.1 years", "with a standardised effect of 0.4", "in treatment-naïve participants",
    "at 2 × 10⁶ cells/kg", "in the Olig2⁺ subpopulation", "per the published protocol",
    "as Nakamura and colleagues found",
]
CODE_WORDS = ["alsfrs_r", "nfl_pg_ml", "edss", "cd73+", "olig2", "fvc_pct", "sox10"]

HEADINGS = [
    "Rationale", "Trial design", "Who took part", "Making the cells", "Dose and delivery",
    "Main results", "Other outcomes", "Harms", "Markers in blood and spinal fluid",
    "What the scans showed", "How it might work", "Caveats", "Earlier studies", "Approval status",
    "Unanswered questions", "Statistical methods", "After five years", "Choosing patients",
    "Release testing", "Animal data",
]
SUBHEADINGS = ["More on", "A note on", "Measuring", "Sources for", "Doubts about"]

TITLE_ROUTES = [
    "Intrathecal", "Intravenous", "Intracerebral", "Repeated", "Single-dose", "Autologous",
    "Allogeneic", "Gene-corrected", "Hypoxia-primed", "High-dose", "Low-dose",
]
TITLE_PRODUCTS = [
    "mesenchymal stromal cells", "neural precursor grafts", "motor neurons from iPS cells",
    "haematopoietic stem cell transplants", "oligodendrocyte progenitor grafts",
    "embryonic stem cell products", "extracellular vesicle therapy", "conditioned medium infusions",
]
TITLE_SETTINGS = [
    "in ALS", "in relapsing MS", "in progressive MS", "in SOD1 rats", "in motor neuron disease",
    "in demyelinated lesions", "for neuroprotection", "for myelin repair",
]
TITLE_KINDS = [
    "outcomes", "safety", "a cohort study", "a systematic review", "dose finding", "biomarkers",
    "manufacturing", "imaging", "long-term follow-up", "open questions",
]

CHINESE = [
    "骨髓来源的间充质基质细胞在渐冻症动物模型中延缓了运动功能的下降。",
    "接受自体造血干细胞移植的多发性硬化患者，五年内复发明显减少。",
    "由患者皮肤细胞重编程得到的多能干细胞可以分化为运动神经元。",
    "移植少突胶质前体细胞的目的是修复脱髓鞘病灶。",
    "现有证据大多来自小规模的一期和二期试验，结论仍需谨慎。",
    "腰椎穿刺鞘内注射是把细胞送入中枢神经系统最常用的方法。",
    "随访十二个月期间，研究者没有发现与治疗相关的严重不良事件。",
    "血清神经丝轻链浓度常被用来衡量神经损伤的程度。",
]
EXTERNAL = [
    "https://clinicaltrials.gov/study/NCT{n:08d}",
    "https://pubmed.ncbi.nlm.nih.gov/{n}/",
    "https://doi.org/10.1016/j.stem.{n}",
    "https://www.ema.europa.eu/en/documents/{n}",
    "https://www.isrctn.com/ISRCTN{n}",
]
EXTERNAL_TEXT = ["trial record", "abstract", "paper", "assessment report", "registry entry"]

# Fenced code; @A, @B and @C become numbers drawn for the article.
CODE = {
    "rust": """use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy)]
struct Visit {
    arm: &'static str,
    week: u32,
    score: f64,
}

/// The change in score per @A weeks in each arm.
fn decline(visits: &[Visit]) -> BTreeMap<&'static str, f64> {
    let mut arms: BTreeMap<&str, (Visit, Visit)> = BTreeMap::new();
    for &v in visits {
        let span = arms.entry(v.arm).or_insert((v, v));
        if v.week < span.0.week {
            span.0 = v;
        }
        if v.week > span.1.week {
            span.1 = v;
        }
    }
    arms.into_iter()
        .map(|(arm, (first, last))| {
            let weeks = f64::from((last.week - first.week).max(1));
            (arm, (last.score - first.score) / weeks * @A.0)
        })
        .collect()
}

fn main() {
    let visits = [
        Visit { arm: "cells", week: 0, score: 40.0 },
        Visit { arm: "cells", week: @B, score: @C.5 },
        Visit { arm: "sham", week: 0, score: 41.0 },
        Visit { arm: "sham", week: @B, score: 32.0 },
    ];
    println!("{:?}", decline(&visits));
}
""",
    "python": """import csv
from statistics import mean


def responders(path: str, threshold: float = 0.@A) -> list[str]:
    \"\"\"Participants whose disability score fell by more than the threshold.\"\"\"
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    change = {r["id"]: float(r["week_@B"]) - float(r["baseline"]) for r in rows}
    return sorted(pid for pid, delta in change.items() if delta < -threshold)


if __name__ == "__main__":
    found = responders("site_@C.csv")
    print(f"{len(found)} responders; mean id length {mean(map(len, found)):.1f}")
""",
    "bash": """#!/usr/bin/env bash
set -euo pipefail
# Convert the scans of visit @C to NIfTI and count the lesions on each.
visit="visit_@C"
mkdir -p "nifti/$visit" "lesions/$visit"
for dicom in dicom/"$visit"/*/; do
  subject=$(basename "$dicom")
  dcm2niix -z y -f "${subject}_flair" -o "nifti/$visit" "$dicom" >/dev/null
  lesions --threshold 0.@A --min-voxels @B \\
    "nifti/$visit/${subject}_flair.nii.gz" > "lesions/$visit/$subject.tsv"
done
awk -F'\\t' 'NR > 1 { n[$1]++ } END { for (s in n) print s, n[s] }' lesions/"$visit"/*.tsv |
  sort -k2 -n | tail -n 5
""",
    "yaml": """batch:
  id: LOT-@C-@B
  product: stromal-cells
  passage: @A
  release:
    viability_percent: ">= 80"
    sterility: no growth at 14 days
    mycoplasma: negative
    endotoxin_eu_per_ml: "< 0.5"
    identity:
      positive: [CD73, CD90, CD105]
      negative: [CD34, CD45, HLA-DR]
  storage:
    temperature_c: -150
    shelf_life_months: @A
""",
}


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


def slugify(text: str) -> str:
    kept = "".join(c if c.isascii() and c.isalnum() else " " for c in text.lower())
    return "-".join(kept.split())


class Article:
    """One article's metadata; its body is made by `body` from the same generator."""

    def __init__(self, seed: int, i: int, vocab):
        self.index = i
        self.rng = random.Random(f"{seed}:{i}")
        rng = self.rng
        route, product, setting = rng.choice(TITLE_ROUTES), rng.choice(TITLE_PRODUCTS), rng.choice(TITLE_SETTINGS)
        self.title = f"{route} {product} {setting}: {rng.choice(TITLE_KINDS)} ({i})"
        self.slug = f"{slugify(f'{route} {product} {setting}')[:48].rstrip('-')}-{i}"
        self.section = rng.choice(SECTIONS)[0]
        self.path = f"{self.section}/{self.slug}.md"
        finding = f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)} {rng.choice(SETTINGS)}"
        self.description = f"{product.capitalize()} {setting}: {finding}."
        self.terms = {}
        for key, ids, multiple in vocab:
            self.terms[key] = sorted(rng.sample(ids, rng.randint(1, min(3, len(ids))))) if multiple else rng.choice(ids)
        self.tags = sorted(rng.sample(TAGS, rng.randint(2, 5)))
        self.date = f"20{rng.randint(12, 25):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        self.chinese = rng.random() < 0.05


def sentence(rng: random.Random) -> str:
    lead = rng.choice(LEADS)
    words = f"{rng.choice(QUALIFIERS)} {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(SUBJECTS)}".split()
    roll = rng.random()
    if roll < 0.2:
        # Emphasis on one word (never the first, so no paragraph opens with a `*`).
        k = rng.randrange(1, len(words))
        mark = "**" if roll < 0.1 else "*"
        words[k] = f"{mark}{words[k]}{mark}"
    elif roll < 0.24:
        words.append(f"(`{rng.choice(CODE_WORDS)}`)")
    text = " ".join(words) + f" {rng.choice(SETTINGS)}."
    if lead:
        text = f"{lead} {text}"
    return text[0].upper() + text[1:]


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def table(rng: random.Random) -> str:
    rows = ["| Arm | Participants | Product | Route | Change at 12 months |", "|:----|-----:|:----|:----|:----|"]
    for r in range(rng.randint(4, 8)):
        rows.append(
            f"| {'ABCD'[r % 4]}{r + 1} | {rng.randint(5, 250)} | {rng.choice(TITLE_PRODUCTS)} | "
            f"{rng.choice(['IT', 'IV', 'IC', 'IM'])} | {rng.choice(VERBS)} {rng.choice(SUBJECTS)} |"
        )
    return "\n".join(rows)


def numbered(rng: random.Random) -> str:
    items = [f"{k + 1}. {sentence(rng)}" for k in range(rng.randint(3, 6))]
    items.insert(1, f"   - {sentence(rng)}")
    return "\n".join(items)


def code(rng: random.Random, lang: str) -> str:
    text = CODE[lang]
    for mark, value in (("@A", rng.randint(2, 9)), ("@B", rng.randint(4, 52)), ("@C", rng.randint(10, 99))):
        text = text.replace(mark, str(value))
    return f"```{lang}\n{text}```"


def extra_block(rng: random.Random, kind: str) -> str:
    """A block other than prose: a table, a list, a quote, code or a paragraph in Chinese."""
    if kind == "table":
        return table(rng)
    if kind == "bullets":
        return "\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(3, 7)))
    if kind == "numbered":
        return numbered(rng)
    if kind == "quote":
        return f"> {sentence(rng)}\n>\n> {sentence(rng)}"
    if kind == "chinese":
        return "".join(rng.sample(CHINESE, rng.randint(2, 4)))
    return code(rng, kind)


def link_targets(seed: int, article: Article, count: int, n: int) -> list[int]:
    """`count` other articles to link to, drawn by a generator of their own (they depend on N)."""
    rng = random.Random(f"{seed}:{article.index}:links:{n}")
    targets: list[int] = []
    while len(targets) < min(count, n - 1):
        t = rng.randrange(n)
        if t != article.index and t not in targets:
            targets.append(t)
    return targets


def body(article: Article, articles: list[Article], link, seed: int) -> str:
    """Markdown of an article: a lead paragraph, then headed parts with the other blocks among them."""
    rng = article.rng
    goal = rng.randint(440, 2060)  # words of prose; the other blocks and the links come on top
    lead = paragraph(rng)
    words = len(lead.split())
    parts: list[list[str]] = []  # each part: its heading, paragraphs, subheading...
    prose: list[tuple[int, int]] = []  # (part, block) of every paragraph that may take a link
    headings = rng.sample(HEADINGS, len(HEADINGS))
    while words < goal:
        n = len(parts)
        heading = headings[n % len(headings)] + (f" ({n // len(headings) + 1})" if n >= len(headings) else "")
        part = [f"## {heading}"]
        for _ in range(rng.randint(1, 3)):
            prose.append((n, len(part)))
            part.append(paragraph(rng))
            words += len(part[-1].split())
            if words >= goal:
                break
        if words < goal and rng.random() < 0.6:
            part.append(f"### {rng.choice(SUBHEADINGS)} {rng.choice(SUBJECTS)}")
            prose.append((n, len(part)))
            part.append(paragraph(rng))
            words += len(part[-1].split())
        parts.append(part)
    kinds = ["table", "bullets", "numbered", "quote"] + rng.sample(sorted(CODE), rng.randint(1, 2))
    if rng.random() < 0.5:
        kinds.append("quote")
    if article.chinese:
        kinds.append("chinese")
    extras = [(rng.randrange(len(parts)), extra_block(rng, kind)) for kind in kinds]
    # Links go at the end of paragraphs. Their places are drawn whatever N is (with few articles,
    # some go unused), so that the rest of the text does not depend on N.
    count = rng.randint(3, 6)
    places = [prose[rng.randrange(len(prose))] for _ in range(count)]
    for (p, b), t in zip(places, link_targets(seed, article, count, len(articles))):
        target = articles[t]
        parts[p][b] += f" Related: [{target.title}]({link(article, target)})."
    for _ in range(rng.randint(2, 4)):
        p, b = prose[rng.randrange(len(prose))]
        url = rng.choice(EXTERNAL).format(n=rng.randint(1_000_000, 39_999_999))
        parts[p][b] += f" Source: [{rng.choice(EXTERNAL_TEXT)}]({url})."
    for p, block in extras:
        parts[p].append(block)
    return "\n\n".join([lead] + [block for part in parts for block in part]) + "\n"


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


def section_intro(folder: str, title: str) -> str:
    return f"Articles about {title.lower()}. {paragraph(random.Random(f'section:{folder}'))}\n"


def write_sections(content: str, index_name: str, header) -> None:
    for folder, title in SECTIONS:
        write(os.path.join(content, folder, index_name), header(title) + section_intro(folder, title))


def mdbook_summary(articles: list[Article]) -> str:
    lines = ["# Summary", ""]
    for folder, title in SECTIONS:
        depth = folder.count("/")
        lines.append(f"{'  ' * depth}- [{title}](./{folder}/README.md)")
        for a in articles:
            if a.section == folder:
                lines.append(f"{'  ' * (depth + 1)}- [{a.title}](./{a.path})")
    return "\n".join(lines) + "\n"


def source_hash() -> str:
    """A hash of what makes a corpus: this file and bench/hugo/. A corpus whose manifest has
    another `source_hash` was made by another version, and scripts/bench.sh makes it anew."""
    digest = hashlib.sha256()
    files = [os.path.abspath(__file__)]
    for root, dirs, names in os.walk(HUGO_TEMPLATE):
        dirs.sort()
        files += [os.path.join(root, name) for name in sorted(names)]
    for path in files:
        digest.update(os.path.relpath(path, HERE).encode() + b"\0")
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()[:16]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    if argv is None and sys.argv[1:] == ["--source-hash"]:
        print(source_hash())
        return 0
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
            terms += f"; tags: {', '.join(a.tags)}"
            text = f"# {a.title}\n\n*{terms}*\n\n" + body(a, articles, relative_link, args.seed)
        elif flavor == "hugo":
            text = front_matter(a) + body(a, articles, hugo_link, args.seed)
        else:
            text = front_matter(a) + body(a, articles, relative_link, args.seed)
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
        "source_hash": source_hash(),
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
