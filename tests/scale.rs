//! Behaviour of large sites: related pages when a term is shared by hundreds of articles, term
//! pages split into pages of their own, and a build that streams its pages to disk giving the
//! same files as the in-memory render the dev server uses.

mod common;

use common::{Site, attributes, copy_dir};
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
