//! Building over the previous output: a complete output of cellbook's is brought up to date in
//! place, a build with nothing changed writes nothing, and either way the output is, file for file
//! and byte for byte, what a clean build into a new folder writes.

mod common;

use cellbook::output::state::{self, State};
use common::{Run, Site, cellbook};
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Every file (its bytes) and folder (`None`) under `dir`, links included as an error.
fn tree(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            assert!(!e.path_is_symlink(), "a link in the output: {rel}");
            (rel, e.file_type().is_file().then(|| fs::read(e.path()).unwrap()))
        })
        .collect()
}

/// Each file's inode and modification time: what tells a file left alone from one rewritten.
fn stamps(dir: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let meta = e.metadata().unwrap();
            (e.path().strip_prefix(dir).unwrap().display().to_string(), (meta.ino(), meta.mtime(), meta.mtime_nsec()))
        })
        .collect()
}

/// The `basic` fixture with its search index on, so that pagefind's files are compared too.
fn site() -> Site {
    let site = Site::fixture("basic");
    let config = fs::read_to_string(site.path("book.toml")).unwrap();
    site.write("book.toml", &config.replace("[search]\nenabled = false", "[search]\nenabled = true"));
    site
}

fn build(site: &Site, args: &[&str]) -> Run {
    let run = site.run(&[&["build"], args].concat());
    run.success();
    run
}

/// Asserts that the site's `book/` holds exactly what a clean build of the same sources writes
/// into a folder that does not exist yet.
#[track_caller]
fn assert_same_as_clean(site: &Site, args: &[&str]) {
    let clean = tempfile::tempdir().unwrap();
    let out = clean.path().join("out");
    build(site, &[&["--output", out.to_str().unwrap()], args].concat());
    let (rebuilt, clean) = (tree(&site.path("book")), tree(&out));
    let differ: Vec<&String> =
        rebuilt.keys().chain(clean.keys()).filter(|k| rebuilt.get(*k) != clean.get(*k)).collect();
    assert!(differ.is_empty(), "the output differs from a clean build at {differ:?}");
    assert!(clean.keys().any(|k| k.starts_with("pagefind/")), "the search index is compared");
}

#[test]
fn a_rebuild_after_edits_renames_and_deletions_is_a_clean_build() {
    let site = site();
    assert!(build(&site, &[]).stdout.contains("; written whole"));
    // A first build over the output keeps the search pages for the builds after it.
    site.write("content/cells/new.md", "---\ntitle: New\ndescription: A new page.\n---\nFirst text.\n");
    assert!(!build(&site, &[]).stdout.contains("not parsed again"));
    let msc = fs::read_to_string(site.path("content/cells/msc.md")).unwrap();
    site.write("content/cells/msc.md", &msc.replace("A claim", "A revised claim"));
    fs::rename(site.path("content/trials/lab.md"), site.path("content/trials/laboratory.md")).unwrap();
    site.remove("content/cells/msc.zh.md");
    site.write("content/cells/new.md", "---\ntitle: New\ndescription: A new page.\n---\nNew text.\n");
    let run = build(&site, &[]);
    assert!(run.stdout.contains("; updated in place: "), "{}", run.stdout);
    // The search pages of documents that did not change were kept from the first build.
    assert!(run.stdout.contains(" unchanged documents not parsed again)"), "{}", run.stdout);
    assert!(!site.path("book/trials/lab").exists() && site.path("book/trials/laboratory/index.html").is_file());
    assert_same_as_clean(&site, &[]);

    // The configuration and a template override change every page.
    let config = fs::read_to_string(site.path("book.toml")).unwrap();
    site.write("book.toml", &config.replace("Fixture atlas", "Renamed atlas"));
    let base = fs::read_to_string(site.path("templates/base.html")).unwrap();
    site.write("templates/base.html", &base.replace("<footer>", "<footer class=\"changed\">"));
    let run = build(&site, &[]);
    assert!(run.stdout.contains("; updated in place: "), "{}", run.stdout);
    assert!(fs::read_to_string(site.path("book/index.html")).unwrap().contains("<footer class=\"changed\">"));
    assert_same_as_clean(&site, &[]);

    // So do the options: another base URL, then drafts.
    build(&site, &["--base-url", "https://example.com/other/"]);
    assert_same_as_clean(&site, &["--base-url", "https://example.com/other/"]);
    site.write("content/cells/draft.md", "---\ntitle: Draft\ndescription: d\ndraft: true\n---\nwip\n");
    build(&site, &["--drafts"]);
    assert!(site.path("book/cells/draft/index.html").is_file());
    assert_same_as_clean(&site, &["--drafts"]);
    build(&site, &[]);
    assert!(!site.path("book/cells/draft").exists());
    assert_same_as_clean(&site, &[]);
}

#[test]
fn a_second_build_with_nothing_changed_writes_nothing() {
    let site = site();
    build(&site, &[]);
    let (files, times) = (tree(&site.path("book")), stamps(&site.path("book")));
    let run = build(&site, &[]);
    assert!(run.stdout.starts_with("nothing changed: "), "{}", run.stdout);
    assert_eq!(files, tree(&site.path("book")));
    assert_eq!(times, stamps(&site.path("book")), "a file was rewritten");
    // Bytes decide, not times: a source saved again unchanged is still nothing changed...
    let msc = fs::read(site.path("content/cells/msc.md")).unwrap();
    fs::write(site.path("content/cells/msc.md"), &msc).unwrap();
    assert!(build(&site, &[]).stdout.starts_with("nothing changed: "));
    // ...and another day (overdue trials depend on it) is not.
    let later = cellbook().args(["build", "--root"]).arg(site.root()).env("SOURCE_DATE_EPOCH", "4102444800").output();
    let run = Run::from(later.unwrap());
    run.success();
    assert!(run.stdout.contains("; updated in place: "), "{}", run.stdout);
}

#[test]
fn a_hand_edited_output_is_repaired() {
    let site = site();
    build(&site, &[]);
    let page = site.path("book/cells/msc/index.html");
    let html = fs::read_to_string(&page).unwrap();
    fs::write(&page, html.replace("Mesenchymal", "Mesenchymax")).unwrap();
    fs::remove_file(site.path("book/sitemap.xml")).unwrap();
    site.write("book/trials/stray.html", "not cellbook's");
    fs::create_dir(site.path("book/empty")).unwrap();
    std::os::unix::fs::symlink(site.path("content"), site.path("book/link")).unwrap();
    let run = build(&site, &[]);
    assert!(run.stdout.contains("; updated in place: "), "{}", run.stdout);
    assert!(site.path("content/cells/msc.md").is_file(), "the link was removed, not followed");
    assert_same_as_clean(&site, &[]);
    assert!(build(&site, &[]).stdout.starts_with("nothing changed: "));
}

#[test]
fn an_output_left_being_updated_is_rebuilt_whole() {
    let site = site();
    build(&site, &[]);
    // What a build killed half-way through its update leaves: the mark, and some pages changed.
    state::mark_updating(&site.path("book")).unwrap();
    site.write("book/cells/msc/index.html", "half written");
    fs::remove_file(site.path("book/index.html")).unwrap();
    let run = build(&site, &[]);
    assert!(run.stdout.contains("; written whole"), "{}", run.stdout);
    assert!(matches!(state::read(&site.path("book")), State::Complete(Some(_))));
    assert_same_as_clean(&site, &[]);
}

#[test]
fn a_failed_build_leaves_a_complete_output_as_it_was() {
    let site = site();
    build(&site, &[]);
    let (files, times) = (tree(&site.path("book")), stamps(&site.path("book")));
    let msc = fs::read_to_string(site.path("content/cells/msc.md")).unwrap();
    let page = fs::read_to_string(site.path("templates/page.html")).unwrap();
    // Bad front matter fails before anything is written; a template error and a clash of output
    // paths fail while pages are being written, after some changed ones were staged.
    let breaks: [(&str, String); 3] = [
        ("content/cells/msc.md", msc.replace("title:", "title: [")),
        ("templates/page.html", page.replace("{% block main %}", "{% block main %}{{ no_such.thing }}")),
        ("static/robots.txt", "User-agent: *\n".to_string()),
    ];
    site.write("content/trials/lab.md", "---\ntitle: Lab, revised\ndescription: d\n---\nChanged.\n");
    for (file, text) in breaks {
        let before = fs::read(site.path(file)).ok();
        site.write(file, &text);
        site.run(&["build"]).failure();
        assert_eq!(files, tree(&site.path("book")), "after breaking {file}");
        assert_eq!(times, stamps(&site.path("book")), "after breaking {file}");
        assert!(matches!(state::read(&site.path("book")), State::Complete(Some(_))));
        match before {
            Some(bytes) => fs::write(site.path(file), bytes).unwrap(),
            None => site.remove(file),
        }
    }
    let leftovers: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // The search pages kept beside the output stay (by design); nothing else may.
        .filter(|n| n.contains("cellbook-") && n != ".book.cellbook-search")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(build(&site, &[]).stdout.contains("; updated in place: "));
    assert_same_as_clean(&site, &[]);
}

#[test]
fn the_search_pages_kept_beside_the_output_are_used_only_as_they_were_written() {
    let site = site();
    build(&site, &[]);
    let kept = site.path(".book.cellbook-search");
    assert!(!kept.exists(), "a build into a new folder keeps nothing");
    let msc = fs::read_to_string(site.path("content/cells/msc.md")).unwrap();
    site.write("content/cells/msc.md", &msc.replace("A claim", "A first claim"));
    build(&site, &[]);
    let bytes = fs::read(&kept).unwrap();
    assert!(bytes.starts_with(b"cellbook search pages 1\n"), "kept beside the output, not in it");
    assert!(!site.path("book/.book.cellbook-search").exists());
    // Changed on disk (a word of a page, so that it still reads as a page): the page is parsed
    // again, and the site is still a clean build's.
    let at = bytes.windows(5).position(|w| w == b"\x64mice").expect("the word `mice` is kept");
    let mut damaged = bytes.clone();
    damaged[at + 4] = b'a';
    fs::write(&kept, &damaged).unwrap();
    site.write("content/cells/msc.md", &msc.replace("A claim", "A revised claim"));
    let run = build(&site, &[]);
    assert!(run.stdout.contains("; updated in place: "), "{}", run.stdout);
    assert_same_as_clean(&site, &[]);
    // Into a new folder nothing is reused, even with a kept file there.
    let fresh = tempfile::tempdir().unwrap();
    let out = fresh.path().join("book");
    fs::copy(&kept, fresh.path().join(".book.cellbook-search")).unwrap();
    let run = build(&site, &["--output", out.to_str().unwrap()]);
    assert!(!run.stdout.contains("not parsed again"), "{}", run.stdout);
    // A file of that name that is not cellbook's is neither read nor replaced.
    fs::write(&kept, "notes").unwrap();
    site.write("content/cells/msc.md", &msc);
    let run = build(&site, &[]);
    assert!(!run.stdout.contains("not parsed again"), "{}", run.stdout);
    assert_eq!(fs::read_to_string(&kept).unwrap(), "notes");
    assert_same_as_clean(&site, &[]);
}

#[test]
fn a_build_with_warnings_is_never_nothing_changed() {
    let site = site();
    let lab = fs::read_to_string(site.path("content/trials/lab.md")).unwrap();
    site.write("content/trials/lab.md", &lab.replace("    doi: 10.1000/abc\n", ""));
    let warning = "reference \"Mouse paper\" has no identifier";
    assert!(build(&site, &[]).stderr.contains(warning));
    // Built again, not skipped, so that the warning is still shown until it is fixed.
    let run = build(&site, &[]);
    assert!(run.stderr.contains(warning), "{}", run.stderr);
    assert!(!run.stdout.starts_with("nothing changed: "), "{}", run.stdout);
    site.write("content/trials/lab.md", &lab);
    assert!(!build(&site, &[]).stderr.contains(warning));
    assert!(build(&site, &[]).stdout.starts_with("nothing changed: "));
}

#[test]
fn a_different_binary_does_not_trust_the_output() {
    let site = site();
    build(&site, &[]);
    // A copy of the binary has another modification time: it rebuilds, in place.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("cellbook");
    fs::copy(env!("CARGO_BIN_EXE_cellbook"), &copy).unwrap();
    let output = std::process::Command::new(&copy).arg("build").arg("--root").arg(site.root()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success() && stdout.contains("; updated in place: 0 written"), "{stdout}");
    assert!(build(&site, &[]).stdout.contains("; updated in place: 0 written"));
}
