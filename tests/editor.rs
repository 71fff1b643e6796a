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
    assert!(printed.trim().ends_with("content/trials/my-trial.md"), "{printed}");
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
        .stderr_has("content/trials/old.md:8:1: warning: reference `y` is never cited")
        .stderr_has("content/trials/old.md:2:1: warning: duplicate title, also used by content/trials/trial-a.md")
        .stderr_has("book.toml:71:1: warning: no page uses the result term `primary-missed`")
        .stderr_has("checked: 0 errors");
    assert!(!site.path("book").exists(), "check writes nothing");
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
