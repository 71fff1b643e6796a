//! End-to-end tests of `cellbook build` on the `basic` fixture: rendered HTML, topic indexes,
//! cross-links, errors with positions, and what happens to the output folder.

mod common;

use common::{Site, snapshot};

#[test]
fn builds_and_prints_a_summary() {
    let site = Site::fixture("basic");
    let run = site.build();
    run.success();
    assert!(run.stdout.contains("built 4 pages"), "{}", run.stdout);
    assert_eq!(run.stdout.lines().count(), 1, "one summary line");
    assert!(run.stderr.is_empty(), "no progress bar when stderr is not a terminal: {:?}", run.stderr);
    assert!(site.path("book/.cellbook-output").is_file());
    assert!(site.path("book/.nojekyll").is_file());
    assert!(site.path("book/css/site.css").is_file(), "static files are copied");
    assert!(site.output("syntax-light.css").contains(".hl-"), "highlighting stylesheet generated");
}

#[test]
fn pages_get_pretty_urls_and_rewritten_links() {
    let site = Site::fixture("basic");
    site.build().success();
    let html = site.output("cells/msc/index.html");
    assert!(html.contains(r#"<a href="/atlas/trials/trial-a/#results">trial</a>"#), "{html}");
    assert!(html.contains(r#"<h2 id="phase-3">"#));
    assert!(html.contains(r#"<h2 id="什么是-msc">"#), "Chinese heading keeps its characters");
    assert!(html.contains(r##"<a href="#什么是-msc">什么是 MSC</a>"##), "heading is in the TOC");
    assert!(html.contains(r##"<sup class="cite">[<a href="#ref-smith2020">1</a>]</sup>"##), "citation numbered");
    assert!(html.contains(r#"<a href="https://pubmed.ncbi.nlm.nih.gov/12345678/">PMID 12345678</a>"#));
    assert!(html.contains(r#"<a href="https://clinicaltrials.gov/study/NCT01234567">"#));
    assert!(html.contains("<span class=\"hl-"), "code is highlighted with classes");
    assert!(html.contains("<table>"), "tables are enabled");
}

#[test]
fn front_matter_values_are_escaped() {
    let site = Site::fixture("basic");
    site.build().success();
    let html = site.output("cells/msc/index.html");
    assert!(html.contains("<title>Mesenchymal &lt;cells&gt; &amp; more"), "{html}");
    assert!(html.contains(r#""name":"Mesenchymal \u003ccells\u003e \u0026 more""#), "JSON-LD escapes <");
}

#[test]
fn cross_links_backlinks_related_and_neighbours() {
    let site = Site::fixture("basic");
    site.build().success();
    let msc = site.output("cells/msc/index.html");
    let backlinks = msc.split(r#"<ul class="backlinks">"#).nth(1).unwrap().split("</ul>").next().unwrap();
    assert!(backlinks.contains("/atlas/trials/trial-a/"), "trial-a links to msc: {backlinks}");
    let related = msc.split(r#"<ul class="related">"#).nth(1).unwrap().split("</ul>").next().unwrap();
    assert!(related.contains("Trial A"), "shares a cell type: {related}");
    let lab = site.output("trials/lab/index.html");
    assert!(lab.contains(r#"<a rel="next" href="/atlas/trials/trial-a/">Trial A</a>"#), "{lab}");
    let crumbs = msc.split(r#"<nav class="crumbs">"#).nth(1).unwrap().split("</nav>").next().unwrap();
    assert_eq!(crumbs, r#"<a href="/atlas/">Fixture home</a> / <a href="/atlas/cells/">Cells</a> / "#);
    assert!(msc.contains(r#"<a class="edit" href="https://example.org/edit/content/cells/msc.md">"#));
}

#[test]
fn every_taxonomy_has_an_index_and_term_pages_strongest_first() {
    let site = Site::fixture("basic");
    site.build().success();
    let index = site.output("cell-types/index.html");
    assert!(
        index.contains(
            r#"<a href="/atlas/cell-types/msc-bone-marrow/">MSC (bone marrow)</a> (2) Bone-marrow stromal cells."#
        ),
        "{index}"
    );
    assert!(index.contains(r#"<a href="/atlas/cell-types/hsc/">Haematopoietic stem cells</a> (2)"#));
    let term = site.output("cell-types/msc-bone-marrow/index.html");
    let msc = term.find("Mesenchymal").unwrap();
    let trial = term.find("Trial A").unwrap();
    assert!(msc < trial, "phase 3 page is listed before the phase 2 one: {term}");
    assert!(site.output("evidence/preclinical/index.html").contains("Lab work"));
    assert!(site.output("diseases/ms/index.html").contains("Lab work"));
}

#[test]
fn matrix_lists_the_articles_of_each_cell() {
    // Without `[evidence]` and its trial records, a cell has no design label (a bare rank would
    // read as support): it counts and lists its articles. tests/evidence.rs covers the labels.
    let site = Site::fixture("basic");
    site.build().success();
    let matrix = site.output("matrix/index.html");
    let msc_row = matrix.split("<th>MSC (bone marrow)</th>").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(msc_row.starts_with(r#"<td data-count="2"> <a href="#), "{msc_row}");
    let hsc_row = matrix.split("<th>Haematopoietic stem cells</th>").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(hsc_row.contains(r#"<td data-count="1"> <a href="/atlas/trials/trial-a/">Trial A</a></td>"#), "{hsc_row}");
}

#[test]
fn translations_link_each_other_and_resolve_links_in_their_language() {
    let site = Site::fixture("basic");
    site.build().success();
    let zh = site.output("zh/cells/msc/index.html");
    assert!(zh.contains(r#"<html lang="zh">"#));
    assert!(zh.contains(r#"<link rel="alternate" hreflang="en" href="/atlas/cells/msc/">"#), "{zh}");
    assert!(
        zh.contains(r#"<a href="/atlas/zh/cell-types/msc-bone-marrow/">骨髓间充质细胞</a>"#),
        "translated term label"
    );
    assert!(zh.contains(r#"<a href="/atlas/trials/trial-a/">"#), "untranslated target falls back to English");
    let home = site.output("zh/index.html");
    assert!(home.contains(r#"<a href="/atlas/zh/cells/msc/">MSC</a>"#), "link goes to the translation: {home}");
    assert!(site.output("zh/cell-types/msc-bone-marrow/index.html").contains("间充质细胞"));
    let sitemap = site.output("sitemap.xml");
    assert!(
        sitemap
            .contains(r#"<xhtml:link rel="alternate" hreflang="zh" href="https://example.org/atlas/zh/cells/msc/"/>"#)
    );
}

#[test]
fn base_url_option_moves_every_link() {
    let site = Site::fixture("basic");
    site.run(&["build", "--base-url", "https://o.github.io/repo/"]).success();
    let html = site.output("cells/msc/index.html");
    assert!(html.contains(r#"href="/repo/trials/trial-a/#results""#));
    assert!(html.contains(r#"<link rel="canonical" href="https://o.github.io/repo/cells/msc/">"#));
    assert!(!html.contains("/atlas/"), "{html}");
    assert!(site.output("robots.txt").contains("Sitemap: https://o.github.io/repo/sitemap.xml"));
}

#[test]
fn broken_links_and_anchors_are_errors_with_positions() {
    let site = Site::fixture("basic");
    site.write(
        "content/trials/trial-a.md",
        "---\ntitle: Trial A\ndescription: d\n---\nSee [x](../cells/mcs.md).\n\nAnd [y](../cells/msc.md#phase-4) and [z](/cell-type/).\n",
    );
    site.build()
        .failure()
        .stderr_has("content/trials/trial-a.md:5:5: error: broken link `../cells/mcs.md`: there is no `content/cells/mcs.md`; did you mean `content/cells/msc.md`?")
        .stderr_has("content/trials/trial-a.md:7:5: error: no heading `#phase-4` in `content/cells/msc.md`; did you mean `phase-3`?")
        .stderr_has("content/trials/trial-a.md:7:38: error: broken link `/cell-type/`: no page of this site has the URL `/cell-type/`; did you mean `/cell-types/`?")
        .stderr_has("content/cells/msc.md:19:31: error: no heading `#results` in `content/trials/trial-a.md`")
        .stderr_has("4 errors");
}

#[test]
fn front_matter_errors_point_at_the_source_line_and_are_all_reported() {
    let site = Site::fixture("basic");
    site.write("content/trials/a.md", "---\ntitle: A\ndescription: d\ndisease: [als]\n---\n");
    site.write("content/trials/b.md", "---\ntitle: B\ndescription: d\ncell_types:\n  - hsc\n  - msc-bonemarrow\n---\n");
    site.write("content/trials/c.md", "---\ntitle: C\n---\n");
    site.build()
        .failure()
        .stderr_has("content/trials/a.md:4:1: error: unknown front-matter key `disease`; did you mean `diseases`?")
        .stderr_has(
            "content/trials/b.md:6:5: error: unknown cell type `msc-bonemarrow`; did you mean `msc-bone-marrow`?",
        )
        .stderr_has("content/trials/c.md:1:1: error: missing `description`");
}

#[test]
fn unknown_book_toml_key_is_an_error() {
    let site = Site::fixture("basic");
    let config = std::fs::read_to_string(site.path("book.toml")).unwrap();
    site.write("book.toml", &config.replace("[search]\n", "[search]\nenable = true\n"));
    site.build().failure().stderr_has("book.toml:").stderr_has("unknown field `enable`");
}

#[test]
fn template_errors_name_the_template_and_line() {
    let site = Site::fixture("basic");
    site.write(
        "templates/term.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{% for p in pages %}\n{% endblock main %}\n",
    );
    site.build().failure().stderr_has("templates/term.html:");
}

#[test]
fn a_failed_build_leaves_the_previous_output_as_it_was() {
    let site = Site::fixture("basic");
    site.build().success();
    let before = snapshot(&site.path("book"));
    site.write("content/cells/msc.md", "---\ntitle: [unclosed\n---\n");
    site.build().failure().stderr_has("content/cells/msc.md:2:");
    assert_eq!(before, snapshot(&site.path("book")), "output changed after a failed build");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().contains("cellbook-"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

#[test]
fn refuses_output_folders_it_must_not_touch() {
    let site = Site::fixture("basic");
    let root = site.root().to_str().unwrap().to_string();
    site.run(&["build", "--output", &root]).failure().stderr_has("contains the site's sources");
    let content = site.path("content").to_str().unwrap().to_string();
    site.run(&["build", "--output", &content]).failure().stderr_has("refusing");
    site.write("mine/notes.txt", "keep me");
    let mine = site.path("mine").to_str().unwrap().to_string();
    site.run(&["build", "--output", &mine]).failure().stderr_has("cellbook did not create it");
    assert_eq!(std::fs::read_to_string(site.path("mine/notes.txt")).unwrap(), "keep me");
    assert!(site.path("content/cells/msc.md").is_file());
}

#[test]
fn builds_are_byte_identical() {
    let site = Site::fixture("basic");
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for out in [a.path(), b.path()] {
        site.run(&["build", "--output", out.join("site").to_str().unwrap()]).success();
    }
    let (a, b) = (snapshot(&a.path().join("site")), snapshot(&b.path().join("site")));
    assert!(a.len() > 30);
    assert_eq!(a, b);
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::fixture("basic");
    site.write("content/trials/draft.md", "---\ntitle: Draft\ndescription: d\ndraft: true\n---\nwip\n");
    site.build().success();
    assert!(!site.path("book/trials/draft/index.html").exists());
    site.run(&["build", "--drafts"]).success();
    assert!(site.path("book/trials/draft/index.html").exists());
}
