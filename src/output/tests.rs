//! The staging folder, the swap, updates in place and the refusals.

use super::*;

#[test]
fn refuses_root_and_sources() {
    let root = tempfile::tempdir().unwrap();
    fs::create_dir(root.path().join("content")).unwrap();
    assert!(check_target(root.path(), root.path()).is_err());
    assert!(check_target(root.path(), &root.path().join("content/out")).is_err());
    assert!(check_target(root.path(), root.path().parent().unwrap()).is_err());
    assert!(check_target(root.path(), &root.path().join("book")).is_ok());
}

#[test]
fn refuses_an_output_that_a_source_folder_links_into() {
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("book/assets")).unwrap();
    fs::write(root.path().join("book").join(MARKER), "").unwrap();
    std::os::unix::fs::symlink(root.path().join("book/assets"), root.path().join("static")).unwrap();
    let err = check_target(root.path(), &root.path().join("book")).unwrap_err();
    assert!(err.contains("`static/` links to a folder inside it"), "{err}");
    std::os::unix::fs::symlink(root.path().join("book"), root.path().join("content")).unwrap();
    assert!(check_target(root.path(), &root.path().join("book/x")).unwrap_err().contains("inside `content/`"));
}

#[test]
fn a_path_is_staged_once_and_clashes_name_it() {
    let parent = tempfile::tempdir().unwrap();
    let staging = Staging::new(&parent.path().join("book")).unwrap();
    staging.write("robots.txt", b"mine").unwrap();
    let err = staging.write("robots.txt", b"generated").unwrap_err().to_string();
    assert!(err.starts_with("`robots.txt` would be written twice"), "{err}");
    assert_eq!(fs::read(staging.dir().join("robots.txt")).unwrap(), b"mine");
    staging.write("trials", b"a file").unwrap();
    let err = staging.write("trials/index.html", b"").unwrap_err().to_string();
    assert!(err.contains("another output file has the name of one of its folders"), "{err}");
    staging.write("index.html/index.html", b"").unwrap();
    let err = staging.write("index.html", b"").unwrap_err().to_string();
    assert!(err.contains("other output files need a folder of that name"), "{err}");
    for escape in ["../x", "/etc/x", "a/../../x", ""] {
        assert!(staging.write(escape, b"").is_err(), "{escape}");
    }
    assert!(!parent.path().join("x").exists());
    staging.abandon();
}

#[test]
fn stale_folders_are_removed_only_when_marked_or_empty() {
    let parent = tempfile::tempdir().unwrap();
    let folder = |name: &str| parent.path().join(name);
    fs::create_dir(folder(".book.cellbook-staging-1")).unwrap();
    fs::create_dir(folder(".book.cellbook-staging-2")).unwrap();
    fs::write(folder(".book.cellbook-staging-2").join(MARKER), "").unwrap();
    fs::write(folder(".book.cellbook-staging-2").join("index.html"), "").unwrap();
    fs::create_dir(folder(".book.cellbook-old-3")).unwrap();
    fs::write(folder(".book.cellbook-old-3").join("mine.txt"), "not cellbook's").unwrap();
    fs::create_dir(folder(".other.cellbook-staging-4")).unwrap();
    remove_stale(parent.path(), "book").unwrap();
    let mut left: Vec<_> = fs::read_dir(parent.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    left.sort();
    assert_eq!(left, [".book.cellbook-old-3", ".other.cellbook-staging-4"]);
}

#[test]
fn a_build_killed_inside_the_swap_gets_its_previous_site_back() {
    let parent = tempfile::tempdir().unwrap();
    let target = parent.path().join("book");
    let old = parent.path().join(".book.cellbook-old-99999");
    fs::create_dir(&old).unwrap();
    fs::write(old.join(MARKER), MARKER_TEXT).unwrap();
    fs::write(old.join("index.html"), "previous").unwrap();
    let staging = Staging::new(&target).unwrap();
    assert_eq!(fs::read_to_string(target.join("index.html")).unwrap(), "previous");
    assert!(!old.exists());
    staging.write("index.html", b"next").unwrap();
    staging.commit().unwrap();
    assert_eq!(fs::read_to_string(target.join("index.html")).unwrap(), "next");
    let names: Vec<_> = fs::read_dir(parent.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["book"]);
}

#[test]
fn a_replaced_site_is_removed_whole_and_links_in_it_are_not_followed() {
    let parent = tempfile::tempdir().unwrap();
    let target = parent.path().join("book");
    let outside = parent.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("keep.txt"), "not cellbook's").unwrap();
    let first = Staging::new(&target).unwrap();
    for n in 0..50 {
        first.write(&format!("s{}/p{n}/index.html", n % 3), b"old").unwrap();
    }
    first.commit().unwrap();
    std::os::unix::fs::symlink(&outside, target.join("s0/link")).unwrap();
    let second = Staging::new(&target).unwrap();
    second.write("index.html", b"new").unwrap();
    second.commit().unwrap();
    let names: Vec<_> = fs::read_dir(parent.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "only the output and the outside folder: {names:?}");
    let mut output: Vec<_> = fs::read_dir(&target).unwrap().map(|e| e.unwrap().file_name()).collect();
    output.sort();
    assert_eq!(output, [MARKER, "index.html"]);
    assert_eq!(fs::read_to_string(outside.join("keep.txt")).unwrap(), "not cellbook's");
}

#[test]
fn refuses_foreign_folders() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    assert!(check_target(root.path(), &out).unwrap_err().contains("did not create it"));
    fs::write(out.join(MARKER), "").unwrap();
    assert!(check_target(root.path(), &out).is_ok());
}

/// A complete output holding `files`.
fn complete_output(parent: &Path, files: &[(&str, &str)]) -> PathBuf {
    let target = parent.join("book");
    let staging = Staging::new(&target).unwrap();
    for (rel, text) in files {
        staging.write(rel, text.as_bytes()).unwrap();
    }
    staging.commit().unwrap();
    state::mark_complete(&target, Some("f")).unwrap();
    target
}

#[test]
fn an_update_writes_the_changes_and_removes_what_is_gone() {
    let parent = tempfile::tempdir().unwrap();
    let target = complete_output(parent.path(), &[("same.html", "same"), ("a/old.html", "old"), ("b/x.html", "x")]);
    let update = Update::new(&target).unwrap();
    update.write("same.html", b"same").unwrap();
    update.write("b", b"a file where a folder was").unwrap();
    update.write("a/new.html", b"new").unwrap();
    assert!(update.write("a/new.html", b"again").unwrap_err().to_string().contains("would be written twice"));
    let done = update.commit().unwrap();
    assert_eq!(done, Updated { written: 2, removed: 2, unchanged: 1 });
    let mut files: Vec<_> = walkdir::WalkDir::new(&target)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap().path().strip_prefix(&target).unwrap().display().to_string())
        .collect();
    files.sort();
    assert_eq!(files, [MARKER, "a", "a/new.html", "b", "same.html"]);
    assert_eq!(fs::read_to_string(target.join("b")).unwrap(), "a file where a folder was");
    assert_eq!(state::read(&target), state::State::Updating, "complete only once the build marks it");
    assert_eq!(fs::read_dir(parent.path()).unwrap().count(), 1, "no staging folder left");
}

#[test]
fn an_update_that_clashes_leaves_the_output_as_it_was() {
    let parent = tempfile::tempdir().unwrap();
    let target = complete_output(parent.path(), &[("index.html", "home"), ("trials", "a file")]);
    let update = Update::new(&target).unwrap();
    update.write("index.html", b"changed").unwrap();
    // Unchanged, so not staged: only the commit can see that a new page needs its name.
    update.write("trials", b"a file").unwrap();
    update.write("trials/index.html", b"a page").unwrap();
    let err = update.commit().unwrap_err().to_string();
    assert!(err.contains("another output file has the name of one of its folders"), "{err}");
    assert_eq!(fs::read_to_string(target.join("index.html")).unwrap(), "home");
    assert_eq!(fs::read_to_string(target.join("trials")).unwrap(), "a file");
    assert_eq!(state::read(&target), state::State::Complete(Some("f".into())));
    assert_eq!(fs::read_dir(parent.path()).unwrap().count(), 1, "no staging folder left");
}
