//! Behaviour of large sites: related pages when a term is shared by hundreds of articles, term
//! pages split into pages of their own, and a build that streams its pages to disk giving the
//! same files as the in-memory render the dev server uses.

mod common;

use cellbook::build::{self, Options};
use common::{Site, attributes, copy_dir, snapshot};
use std::fs;
use std::path::Path;

/// A site with the repository's theme and `articles` as (path in `content/`, front matter lines).
fn generated_site(book_extra: &str, articles: &[(String, String)]) -> Site {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Site { dir: tempfile::tempdir().unwrap() };
    for folder in ["templates", "static"] {
        copy_dir(&repo.join(folder), &site.path(folder));
    }
    site.write(
        "book.toml",
        &format!(
            "[book]\ntitle = \"Scale\"\nlanguage = \"en\"\n\n[search]\nenabled = false\n\n\
             [[taxonomy]]\nkey = \"cell_types\"\ntitle = \"Cell types\"\npath = \"cell-types\"\nmultiple = true\n\
             [[taxonomy.term]]\nid = \"msc\"\nlabel = \"MSC\"\n[[taxonomy.term]]\nid = \"hsc\"\nlabel = \"HSC\"\n{book_extra}"
        ),
    );
    for (path, front) in articles {
        site.write(
            &format!("content/{path}"),
            &format!("---\ndescription: \"About {path}.\"\n{front}\n---\n\nText of {path}.\n"),
        );
    }
    site
}

/// The links of the "Related" box of a built page.
fn related(site: &Site, page: &str) -> Vec<String> {
    let html = site.output(page);
    let Some(section) = html.split(r#"<section class="related""#).nth(1) else { return Vec::new() };
    attributes(section.split("</section>").next().unwrap(), "href")
}

#[test]
fn related_pages_come_from_the_articles_neighbourhood_when_a_tag_is_everywhere() {
    // 300 articles in two sections share one tag: every other article ties on it. The related
    // box of the last article of `b/` lists articles near it, not the first ones of the site.
    let mut articles = Vec::new();
    for section in ["a", "b"] {
        for n in 0..150 {
            let extra = if section == "b" && (n == 100 || n == 149) { "\ncell_types: [msc]" } else { "" };
            articles
                .push((format!("{section}/{n:03}.md"), format!("title: \"{section} {n:03}\"\ntags: [common]{extra}")));
        }
    }
    let site = generated_site("", &articles);
    site.build().success();
    let links = related(&site, "b/149/index.html");
    assert_eq!(links.len(), 5, "{links:?}");
    assert_eq!(links[0], "/b/100/", "the article sharing a cell type as well comes first: {links:?}");
    assert!(links.iter().all(|l| l.starts_with("/b/")), "neighbours in its own section: {links:?}");
    // An article with few peers on a term still finds all of them.
    let first = related(&site, "a/000/index.html");
    assert_eq!(first, ["/a/001/", "/a/002/", "/a/003/", "/a/004/", "/a/005/"]);
}

#[test]
fn the_streamed_build_writes_what_the_dev_server_renders() {
    // `cellbook build` writes each page as it is rendered; `serve` and `check` render the site in
    // memory first (build::compile). Both must give the same files, byte for byte.
    let site = common::real_site();
    let options = |output: &str| Options {
        root: site.path().to_path_buf(),
        output: Some(site.path().join(output)),
        no_search: true,
        ..Options::default()
    };
    let report = build::build(&options("streamed")).unwrap();
    let config = cellbook::config::Config::load(site.path()).unwrap();
    let compiled = build::compile(&options("compiled"), config).unwrap();
    let written = build::write(&site.path().join("compiled"), &compiled).unwrap();
    assert_eq!(report.files, written);
    let (streamed, in_memory) = (snapshot(&site.path().join("streamed")), snapshot(&site.path().join("compiled")));
    assert!(streamed.len() > 100, "{} files", streamed.len());
    assert!(streamed == in_memory, "the two builds differ");
}

/// The peak resident memory (MiB) that `CELLBOOK_TIMINGS` reports after the phase `name`.
fn peak_after(stderr: &str, name: &str) -> u64 {
    let line = stderr.lines().find(|l| l.starts_with(&format!("phase {name}:"))).unwrap_or_else(|| panic!("{stderr}"));
    line.split("peak ").nth(1).and_then(|rest| rest.split(' ').next()?.parse().ok()).unwrap()
}

#[test]
#[cfg(target_os = "linux")]
fn the_build_never_holds_all_rendered_pages_in_memory() {
    // 3,000 short articles whose pages (navigation, related and term links) are large: the
    // rendered site is many times the model. Writing each page as it is rendered keeps the peak
    // near the model's; holding every page until the end would add the whole output.
    let title = "on the long-term follow-up of a cohort treated with cells, as titles of reviews often are";
    let articles: Vec<(String, String)> = (0..3000)
        .map(|n| (format!("s{}/{n:04}.md", n % 4), format!("title: \"Article {n:04} {title}\"\ntags: [t{}]", n % 50)))
        .collect();
    let site = generated_site("", &articles);
    let mut command = common::cellbook();
    // mimalloc keeps freed memory for a few milliseconds before it returns it to the system;
    // without that delay the resident size is what the build itself holds.
    command.env("CELLBOOK_TIMINGS", "1").env("MIMALLOC_PURGE_DELAY", "0").args(["build", "--root"]).arg(site.root());
    let run = common::Run::from(command.output().unwrap());
    run.success();
    let output_mib = snapshot(&site.path("book")).iter().map(|(_, bytes)| bytes.len() as u64).sum::<u64>() >> 20;
    assert!(output_mib >= 40, "the test needs a large output: {output_mib} MiB");
    let model = peak_after(&run.stderr, "related pages");
    let last = run.stderr.lines().rfind(|l| l.starts_with("phase ")).unwrap();
    let end = peak_after(last, last.trim_start_matches("phase ").split(':').next().unwrap());
    assert!(
        end - model < output_mib / 4,
        "peak {model} MiB after the model, {end} MiB at the end; output {output_mib} MiB"
    );
}

#[test]
fn a_template_error_while_rendering_leaves_the_previous_site_and_reports_every_page() {
    let articles: Vec<(String, String)> =
        (0..40).map(|n| (format!("a/{n:03}.md"), format!("title: \"Article {n:03}\""))).collect();
    let site = generated_site("", &articles);
    site.build().success();
    let before = snapshot(&site.path("book"));
    // Only two articles fail, so the others are rendered (and, streamed, written) first.
    let page = fs::read_to_string(site.path("templates/page.html")).unwrap();
    let broken =
        "{% if page.title == \"Article 007\" or page.title == \"Article 031\" %}{{ page.nosuch.deeper }}{% endif %}";
    site.write("templates/page.html", &page.replacen("{% block main %}", &format!("{{% block main %}}{broken}"), 1));
    let run = site.build();
    run.failure();
    assert!(run.stderr.contains("content/a/007.md") && run.stderr.contains("content/a/031.md"), "{}", run.stderr);
    assert!(before == snapshot(&site.path("book")), "the previous output changed after a failed build");
    let leftovers: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("cellbook-"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

/// The article links of the list of a term page.
fn listed(html: &str) -> Vec<String> {
    let listing = html.split(r#"<section class="listing""#).nth(1).unwrap().split("</section>").next().unwrap();
    attributes(listing, "href").into_iter().filter(|h| h.starts_with("/a/")).collect()
}

/// The `rel="prev"` and `rel="next"` links of a term page's list.
fn pager(html: &str) -> (Option<String>, Option<String>) {
    let rel = |kind: &str| {
        let at = html.find(&format!(r#"rel="{kind}""#))?;
        let start = html[..at].rfind("href=\"")? + 6;
        Some(html[start..].split('"').next()?.to_string())
    };
    (rel("prev"), rel("next"))
}

#[test]
fn a_long_term_list_is_split_into_pages_of_a_hundred_linked_in_order() {
    let articles: Vec<(String, String)> =
        (0..250).map(|n| (format!("a/{n:03}.md"), format!("title: \"Article {n:03}\"\ncell_types: [msc]"))).collect();
    let site = generated_site("", &articles);
    let links = |to: &str| format!("---\ntitle: Links\ndescription: Links.\n---\n\n[a page of the list]({to})\n");
    site.write("content/b/links.md", &links("/cell-types/msc/page/3/"));
    site.build().success();
    let first = site.output("cell-types/msc/index.html");
    let second = site.output("cell-types/msc/page/2/index.html");
    let third = site.output("cell-types/msc/page/3/index.html");
    let expected = |range: std::ops::Range<usize>| range.map(|n| format!("/a/{n:03}/")).collect::<Vec<_>>();
    assert_eq!(listed(&first), expected(0..100));
    assert_eq!(listed(&second), expected(100..200));
    assert_eq!(listed(&third), expected(200..250));
    assert_eq!(pager(&first), (None, Some("/cell-types/msc/page/2/".into())));
    assert_eq!(pager(&second), (Some("/cell-types/msc/".into()), Some("/cell-types/msc/page/3/".into())));
    assert_eq!(pager(&third), (Some("/cell-types/msc/page/2/".into()), None));
    assert!(second.contains("<title>MSC (Page 2 of 3) · Scale</title>"), "{second}");
    assert!(second.contains(r#"<link rel="canonical" href="/cell-types/msc/page/2/">"#));
    assert!(first.contains("250 articles") && third.contains("Page 3 of 3"));
    assert!(!site.path("book/cell-types/msc/page/4").exists() && !site.path("book/cell-types/msc/page/1").exists());
    // A short list stays on one page, without a pager.
    assert!(!site.path("book/cell-types/hsc/page").exists());
    assert_eq!(pager(&site.output("cell-types/hsc/index.html")), (None, None));
    let sitemap = site.output("sitemap.xml");
    assert!(sitemap.contains("cell-types/msc/page/2/</loc>") && sitemap.contains("cell-types/msc/page/3/</loc>"));
    assert!(!sitemap.contains("cell-types/msc/page/4/") && !sitemap.contains("cell-types/hsc/page/"));
    assert!(site.output("b/links/index.html").contains(r#"<a href="/cell-types/msc/page/3/">a page of the list</a>"#));
    // A link to a page the list does not have is a broken link.
    site.write("content/b/links.md", &links("/cell-types/msc/page/4/"));
    site.build().failure().stderr_has("no page of this site has the URL `/cell-types/msc/page/4/`");
}
