//! `cellbook new` and `cellbook check`: what an editor sees before publishing.

mod common;

use common::{Site, cellbook};
use std::io::{Read, Write};
use std::net::TcpListener;

#[test]
fn new_creates_a_complete_draft_that_builds() {
    let site = Site::fixture("basic");
    let run = cellbook()
        .args(["new", "trials/my-trial", "--title", "My \"new\" trial", "--root"])
        .arg(site.root())
        .env("SOURCE_DATE_EPOCH", "1767225600") // 2026-01-01
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let printed = String::from_utf8_lossy(&run.stdout);
    let root = site.root().display();
    assert_eq!(
        printed,
        format!(
            "created {root}/content/trials/my-trial.md\n\
             it is a draft: `build` leaves it out until you remove its `draft: true` line\n\
             preview it: cellbook serve --drafts --root {root}, then open http://127.0.0.1:3000/trials/my-trial/\n"
        )
    );
    let text = std::fs::read_to_string(site.path("content/trials/my-trial.md")).unwrap();
    for field in [
        "title: \"My \\\"new\\\" trial\"",
        "aliases: []",
        "description:",
        "cell_types: []",
        "diseases: []",
        "evidence:",
        "references: []",
        "trials: []",
        "draft: true",
    ] {
        assert!(text.contains(field), "missing {field}:\n{text}");
    }
    assert!(text.contains("reviewed: 2026-01-01"), "{text}");
    assert!(text.contains("next_review: 2027-01-01"), "{text}");
    site.run(&["build", "--drafts"]).success();
    assert!(site.output("trials/my-trial/index.html").contains("My &quot;new&quot; trial"));
}

#[test]
fn drafts_show_a_banner_only_in_a_build_with_drafts() {
    let site = Site::fixture("basic");
    // The built-in theme's pages.
    std::fs::remove_dir_all(site.path("templates")).unwrap();
    site.write("content/trials/draft.md", "---\ntitle: Draft\ndescription: d\ndraft: true\n---\nText.\n");
    site.run(&["build", "--drafts"]).success();
    let draft = site.output("trials/draft/index.html");
    assert!(draft.contains("class=\"draft-banner\""), "{draft}");
    assert!(draft.contains("left out of the published site"), "{draft}");
    assert!(!site.output("trials/trial-a/index.html").contains("draft-banner"), "published pages have none");
    site.run(&["build"]).success();
    assert!(!site.path("book/trials/draft").exists(), "build leaves drafts out");
}

#[test]
fn check_covers_drafts_and_says_which_findings_are_in_them() {
    let site = Site::fixture("basic");
    let run = cellbook().args(["new", "trials/my-trial", "--root"]).arg(site.root()).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let path = site.path("content/trials/my-trial.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text.lines().count() + 1;
    std::fs::write(&path, format!("{text}See [the old trial](gone.md).\n")).unwrap();
    site.run(&["check"])
        .failure()
        .stderr_has(&format!(
            "content/trials/my-trial.md:{line}:5: error: in a draft: broken link `gone.md`: there is no `content/trials/gone.md`"
        ))
        .stderr_has("checked: 1 error, ")
        .stderr_has("(2 in drafts, which `build` leaves out until their `draft: true` is removed)");
    // A published page is still checked as `build` sees it: without the drafts.
    site.write("content/trials/linker.md", "---\ntitle: Linker\ndescription: d\n---\n[draft](my-trial.md)\n");
    site.run(&["check"]).failure().stderr_has("content/trials/linker.md:5:1: error: broken link `my-trial.md`");
}

#[test]
fn new_refuses_to_overwrite_and_rejects_bad_paths() {
    let site = Site::fixture("basic");
    let before = std::fs::read_to_string(site.path("content/cells/msc.md")).unwrap();
    site.run(&["new", "cells/msc"]).failure().stderr_has("already exists; refusing to overwrite");
    assert_eq!(before, std::fs::read_to_string(site.path("content/cells/msc.md")).unwrap());
    site.run(&["new", "../outside"]).failure().stderr_has("is not `<section>/<slug>`");
    assert!(!site.root().parent().unwrap().join("outside.md").exists());
}

#[test]
fn check_passes_a_clean_site_and_reports_every_finding_kind() {
    let site = Site::fixture("basic");
    let clean = site.run(&["check"]);
    clean.success();
    site.write(
        "content/trials/old.md",
        "---\ntitle: Trial A\ndescription: d\nnext_review: 2020-01-01\nreferences:\n  - id: x\n    title: No identifier\n  - id: y\n    title: Uncited\n    doi: 10.1/abc\n---\nText [@x].\n",
    );
    let run = site.run(&["check"]);
    run.success()
        .stderr_has("content/trials/old.md:1:1: warning: no other page links here")
        .stderr_has("content/trials/old.md:4:1: warning: review overdue: next_review was 2020-01-01")
        .stderr_has("warning: reference \"No identifier\" has no identifier")
        .stderr_has("content/trials/old.md:8:9: warning: reference `y` is never cited")
        .stderr_has("content/trials/old.md:2:1: warning: duplicate title, also used by content/trials/trial-a.md")
        .stderr_has("book.toml:71:6: warning: no page uses the result term `primary-missed`")
        .stderr_has("checked: 0 errors");
    assert!(!site.path("book").exists(), "check writes nothing");
}

#[test]
fn check_reports_at_the_places_kept_when_parsing() {
    // Read again by searching the file's text, `title:` was first found in the description (line
    // 2), and the uncited `x` at `id: xy` (line 5).
    let site = Site::fixture("basic");
    site.write(
        "content/trials/old.md",
        "---\ndescription: \"Its title: the same\"\ntitle: Trial A\nreferences:\n  - id: xy\n    title: Cited\n    pmid: 1\n  - id: x\n    title: Uncited\n    pmid: 2\n---\nText [@xy].\n",
    );
    site.run(&["check"])
        .success()
        .stderr_has("content/trials/old.md:3:1: warning: duplicate title, also used by content/trials/trial-a.md")
        .stderr_has("content/trials/old.md:8:9: warning: reference `x` is never cited");
}

#[test]
fn check_fails_on_errors_in_every_format() {
    let site = Site::fixture("basic");
    site.write("content/trials/bad.md", "---\ntitle: Bad\ndescription: d\nevidence: phase3\n---\n[x](nowhere.md)\n");
    let human = site.run(&["check"]);
    human
        .failure()
        .stderr_has("content/trials/bad.md:4:11: error: unknown evidence strength `phase3`; did you mean `phase-3`?");
    let github = site.run(&["check", "--format", "github"]);
    github.failure();
    assert!(
        github.stdout.contains("::error file=content/trials/bad.md,line=4,col=11::unknown evidence strength `phase3`"),
        "{}",
        github.stdout
    );
    let json = site.run(&["check", "--format", "json"]);
    json.failure();
    let error_line = json.stdout.lines().find(|l| l.contains("\"error\"")).expect("an error finding");
    let first: serde_json::Value = serde_json::from_str(error_line).unwrap();
    assert_eq!(first["severity"], "error");
    assert_eq!(first["path"], "content/trials/bad.md");
    assert_eq!(first["line"], 4);
    let actions = cellbook().args(["check", "--root"]).arg(site.root()).env("GITHUB_ACTIONS", "true").output().unwrap();
    assert!(
        String::from_utf8_lossy(&actions.stdout).contains("::error file="),
        "github format is the default in Actions"
    );
}

/// A one-thread HTTP server on 127.0.0.1 answering 200 on `/ok` and 404 elsewhere.
fn tiny_server() -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for _ in 0..4 {
            let Ok((mut stream, _)) = listener.accept() else { return };
            let mut buffer = [0u8; 2048];
            let n = stream.read(&mut buffer).unwrap_or(0);
            let request = String::from_utf8_lossy(&buffer[..n]);
            let status = if request.split_whitespace().nth(1) == Some("/ok") { "200 OK" } else { "404 Not Found" };
            let _ = write!(stream, "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    (address, handle)
}

#[test]
fn external_links_are_checked_and_cached() {
    let site = Site::fixture("basic");
    let (address, server) = tiny_server();
    site.write(
        "content/trials/links.md",
        &format!("---\ntitle: Links\ndescription: d\n---\nGood [a]({address}/ok).\n\nBad [b]({address}/missing).\n"),
    );
    let run = site.run(&["check", "--external"]);
    run.failure()
        .stderr_has(&format!("content/trials/links.md:7:5: error: external link `{address}/missing` failed: HTTP 404"));
    assert!(!run.stderr.contains("/ok`"), "{}", run.stderr);
    let cache = std::fs::read_to_string(site.path(".cellbook-link-cache.json")).unwrap();
    assert!(cache.contains("/missing") && cache.contains("/ok"));
    drop(server);
    // The second run answers from the cache, with the server gone.
    site.run(&["check", "--external"]).failure().stderr_has("HTTP 404");
}

#[test]
fn a_reference_url_that_fails_is_reported_at_its_line() {
    let site = Site::fixture("basic");
    let (address, _server) = tiny_server();
    site.write(
        "content/trials/refs.md",
        &format!(
            "---\ntitle: Refs\ndescription: d\nreferences:\n  - id: r\n    title: A report\n    doi: 10.1/x\n    url: \"{address}/gone\"\n---\nSee [@r].\n"
        ),
    );
    site.run(&["check", "--external"])
        .failure()
        .stderr_has(&format!("content/trials/refs.md:8:11: error: external link `{address}/gone` failed: HTTP 404"));
}

#[test]
fn no_network_is_said_once_instead_of_an_error_per_link() {
    let site = Site::fixture("basic");
    // `.invalid` never resolves (RFC 6761): as if there were no network at all.
    site.write(
        "content/trials/links.md",
        "---\ntitle: Links\ndescription: d\n---\n[a](https://one.invalid/a) [b](https://two.invalid/b) [c](https://two.invalid/c)\n",
    );
    let run = site.run(&["check", "--external"]);
    run.failure()
        .stderr_has("error: the network is unreachable: none of the 2 hosts of 3 external links could be reached");
    assert_eq!(run.stderr.matches("unreachable").count(), 1, "{}", run.stderr);
    assert!(!run.stderr.contains("external link `"), "no error per link: {}", run.stderr);
    let cache = std::fs::read_to_string(site.path(".cellbook-link-cache.json")).unwrap_or_default();
    assert!(!cache.contains(".invalid"), "nothing cached while offline: {cache}");
}
