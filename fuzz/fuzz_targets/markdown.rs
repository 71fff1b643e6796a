//! Markdown rendering with link rewriting: any body renders, every problem is placed inside the
//! body, every heading id is unique, and links resolve through the same helpers the site uses.
#![no_main]

use cellbook::content::front_matter::Reference;
use cellbook::markdown::{Input, Target, render};
use cellbook::site::PageId;
use cellbook::site::ids::Id;
use cellbook::site::links::{encode_path, is_external};
use cellbook::urls::join;
use libfuzzer_sys::fuzz_target;

/// Resolves like `site::links::Resolver`, over a made-up site with two pages and one file.
fn resolve(dest: &str) -> Target {
    if is_external(dest) {
        return Target::External;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor.to_string()).filter(|a| !a.is_empty())),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let Some(rel) = join("cells", path.strip_prefix('/').unwrap_or(path)) else {
        return Target::Missing(format!("broken link `{dest}`: it climbs above `content/`"));
    };
    let page = match rel.as_str() {
        "cells/msc.md" => Some(PageId::from_index(0)),
        "trials/a.md" => Some(PageId::from_index(1)),
        "cells/figure.png" => None,
        _ => return Target::Missing(format!("broken link `{dest}`")),
    };
    let href = format!("/{}", encode_path(rel.trim_end_matches(".md")));
    Target::Site { href, page, anchor }
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else { return };
    let references = [
        Reference { id: Some("a".into()), title: "A".into(), ..Default::default() },
        Reference { id: Some("b".into()), title: "B".into(), pmid: Some("1".into()), ..Default::default() },
    ];
    let body_line = 5;
    let input = Input { body, body_line, references: &references, raw_html: true };
    let out = render(&input, &resolve);
    let last_line = body_line + body.lines().count().max(1);
    for problem in &out.problems {
        assert!(problem.line >= body_line && problem.line <= last_line && problem.col >= 1, "{problem:?}");
    }
    let mut ids = std::collections::BTreeSet::new();
    fn walk<'a>(toc: &'a [cellbook::markdown::TocEntry], ids: &mut std::collections::BTreeSet<&'a str>) {
        for entry in toc {
            assert!(ids.insert(entry.id.as_str()), "heading id `{}` twice", entry.id);
            assert!(!entry.id.is_empty());
            walk(&entry.children, ids);
        }
    }
    walk(&out.toc, &mut ids);
    assert!(out.links_to.iter().all(|&p| p.index() < 2));
});
