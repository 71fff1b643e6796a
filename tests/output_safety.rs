//! What a build may touch: its output folder and nothing else. Every test snapshots the whole
//! temporary tree around the site (files, folders, symbolic links) except the output, builds
//! (successfully, unsuccessfully, or killed half-way) and compares.

mod common;

use cellbook::output::state::{self, State};
use common::{cellbook, copy_dir, snapshot};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One entry of a tree: a folder, a file's bytes, or where a symbolic link points.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
}

/// Everything under `dir`, except `skip` and what is inside it.
fn tree(dir: &Path, skip: &Path) -> BTreeMap<PathBuf, Entry> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.path() != skip)
        .map(|e| e.unwrap())
        .map(|e| {
            let kind = e.file_type();
            let entry = if kind.is_symlink() {
                Entry::Link(fs::read_link(e.path()).unwrap())
            } else if kind.is_dir() {
                Entry::Dir
            } else {
                Entry::File(fs::read(e.path()).unwrap())
            };
            (e.path().strip_prefix(dir).unwrap().to_path_buf(), entry)
        })
        .collect()
}

#[track_caller]
fn assert_same_tree(before: &BTreeMap<PathBuf, Entry>, after: &BTreeMap<PathBuf, Entry>) {
    if before != after {
        let changed: Vec<_> = before
            .keys()
            .chain(after.keys())
            .filter(|k| before.get(*k) != after.get(*k))
            .map(|k| k.display().to_string())
            .collect();
        panic!("files outside the output folder changed: {changed:?}");
    }
}

/// A temporary folder holding a copy of the `sturdy` site in `site/`, and neighbours a careless
/// build could hit: a sibling folder with files, look-alikes of cellbook's staging folders that
/// lack its marker, a symbolic link, and a file of the user's in the site root.
struct World {
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let world = World { dir };
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sturdy"), &world.site());
        let write = |rel: &str, text: &str| {
            let path = world.path(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write("neighbour/notes.txt", "keep");
        write("neighbour/deeper/data.csv", "a,b\n1,2\n");
        write("site/notes.txt", "the user's own file in the site root");
        write("site/.book.cellbook-staging-1/index.html", "looks like a staging folder, has no marker");
        write("site/.book.cellbook-old-2/index.html", "looks like an old output, has no marker");
        write("site/bookish/index.html", "a folder whose name starts like the output's");
        std::os::unix::fs::symlink("../neighbour", world.path("site/link-to-neighbour")).unwrap();
        world
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn site(&self) -> PathBuf {
        self.path("site")
    }

    fn output(&self) -> PathBuf {
        self.path("site/book")
    }

    fn tree(&self, output: &Path) -> BTreeMap<PathBuf, Entry> {
        tree(self.dir.path(), output)
    }

    fn build(&self, args: &[&str]) -> (i32, String) {
        let output = cellbook().arg("build").arg("--root").arg(self.site()).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{stderr}");
        (output.status.code().expect("exited normally"), stderr)
    }

    fn write(&self, rel: &str, text: &str) {
        fs::write(self.path(rel), text).unwrap();
    }
}

#[test]
fn builds_write_only_their_output_folder() {
    let world = World::new();
    let out = world.path("elsewhere");
    let out_arg = out.to_str().unwrap().to_string();
    for (args, output) in [(vec![], world.output()), (vec!["--output", out_arg.as_str()], out.clone())] {
        for round in 0..2 {
            // The first round creates the output folder, the second replaces it.
            let before = world.tree(&output);
            let (code, stderr) = world.build(&args);
            assert_eq!(code, 0, "{stderr}");
            assert_same_tree(&before, &world.tree(&output));
            assert!(output.join(".cellbook-output").is_file(), "round {round}");
        }
    }
    // Failed builds, before writing (a bad page) and while writing (a clash of output paths).
    let published = snapshot(&world.output());
    for (file, text) in
        [("site/content/trials/bad.md", "---\ntitle: [\n---\n"), ("site/static/robots.txt", "User-agent: *\n")]
    {
        world.write(file, text);
        let before = world.tree(&world.output());
        let (code, stderr) = world.build(&[]);
        assert_eq!(code, 1, "{stderr}");
        assert_same_tree(&before, &world.tree(&world.output()));
        assert!(published == snapshot(&world.output()), "the published site changed");
        fs::remove_file(world.path(file)).unwrap();
    }
}

#[test]
fn refused_output_folders_are_left_untouched() {
    let world = World::new();
    world.build(&[]);
    let everything = world.tree(Path::new("/nothing-skipped"));
    let site = world.site();
    let refusals = [
        (site.clone(), "contains the site's sources"),
        (site.join("."), "contains the site's sources"),
        (site.join("content/.."), "contains the site's sources"),
        (world.dir.path().to_path_buf(), "contains the site's sources"),
        (PathBuf::from("/"), "contains the site's sources"),
        (world.path("link-to-site"), "contains the site's sources"),
        (site.join("content"), "is inside `content/`"),
        (site.join("content/cells"), "is inside `content/`"),
        (site.join("content/new-folder"), "is inside `content/`"),
        (site.join("templates"), "is inside `templates/`"),
        (site.join("static"), "is inside `static/`"),
        (world.path("neighbour"), "cellbook did not create it"),
        (world.path("neighbour/deeper"), "cellbook did not create it"),
        (site.join("bookish"), "cellbook did not create it"),
        (site.join("link-to-neighbour"), "cellbook did not create it"),
        (site.join("notes.txt"), "it is a file"),
    ];
    std::os::unix::fs::symlink("site", world.path("link-to-site")).unwrap();
    let everything_with_link = world.tree(Path::new("/nothing-skipped"));
    for (output, why) in &refusals {
        let (code, stderr) = world.build(&["--output", output.to_str().unwrap()]);
        assert_eq!(code, 1, "{}: {stderr}", output.display());
        assert!(stderr.contains("refusing") && stderr.contains(why), "{}: {stderr}", output.display());
        assert_same_tree(&everything_with_link, &world.tree(Path::new("/nothing-skipped")));
    }
    fs::remove_file(world.path("link-to-site")).unwrap();
    // The same through `[build] build-dir` in book.toml.
    let config = fs::read_to_string(site.join("book.toml")).unwrap();
    for build_dir in ["", ".", "..", "../..", "/", "content", "static/css", "../neighbour"] {
        world.write("site/book.toml", &format!("{config}\n[build]\nbuild-dir = \"{build_dir}\"\n"));
        let expected = world.tree(Path::new("/nothing-skipped"));
        let (code, stderr) = world.build(&[]);
        assert_eq!(code, 1, "build-dir = {build_dir:?}: {stderr}");
        assert!(stderr.contains("refusing"), "build-dir = {build_dir:?}: {stderr}");
        assert_same_tree(&expected, &world.tree(Path::new("/nothing-skipped")));
    }
    world.write("site/book.toml", &config);
    assert_same_tree(&everything, &world.tree(Path::new("/nothing-skipped")));
}

#[test]
fn a_source_folder_that_links_into_the_output_is_refused() {
    // Replacing the output would delete the static files with it.
    let world = World::new();
    fs::create_dir_all(world.path("site/book/assets")).unwrap();
    fs::write(world.path("site/book/.cellbook-output"), "").unwrap();
    fs::rename(world.path("site/static/css"), world.path("site/book/assets/css")).unwrap();
    fs::remove_dir(world.path("site/static")).unwrap();
    std::os::unix::fs::symlink("book/assets", world.path("site/static")).unwrap();
    let before = world.tree(Path::new("/nothing-skipped"));
    let (code, stderr) = world.build(&[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("`static/` links to a folder inside it"), "{stderr}");
    assert_same_tree(&before, &world.tree(Path::new("/nothing-skipped")));
}

/// Adds `count` generated articles to the site, so that writing it takes a while.
fn generate_pages(world: &World, count: usize, edition: &str) {
    let dir = world.path("site/content/gen");
    fs::create_dir_all(&dir).unwrap();
    let words = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(40);
    for i in 0..count {
        let text = format!(
            "---\ntitle: Page {i} ({edition})\ndescription: Generated page {i}.\ncell_types: [hsc]\n---\n\
             ## Part one\n\n{words}\n\n## Part two\n\nSee [the next page](p{:04}.md).\n",
            (i + 1) % count
        );
        fs::write(dir.join(format!("p{i:04}.md")), text).unwrap();
    }
}

/// How far a killed build had got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Still loading and rendering: no staging folder yet.
    Compiling,
    /// Writing the staging folder, with this many generated pages in it.
    Writing(usize),
    /// Done, or swapping the folders, or exiting after the swap.
    Finished,
}

/// Spawns a build and SIGKILLs it when `kill_when` says so (given the generated pages staged so
/// far, or `None` before the staging folder exists) or after `delay`, whichever comes first.
fn build_and_kill(world: &World, delay: Duration, kill_when: impl Fn(Option<usize>) -> bool) -> Phase {
    let mut child = cellbook()
        .arg("build")
        .arg("--root")
        .arg(world.site())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let staging = world.path(&format!("site/.book.cellbook-staging-{}", child.id()));
    let start = Instant::now();
    let mut seen_staging = false;
    loop {
        let staged = staging.is_dir().then(|| fs::read_dir(staging.join("gen")).map_or(0, |d| d.count()));
        if kill_when(staged) || start.elapsed() >= delay {
            // `kill` sends SIGKILL: no destructor, no clean-up code runs.
            let finished = child.try_wait().unwrap().is_some();
            child.kill().unwrap();
            child.wait().unwrap();
            return match (finished, staged) {
                (true, _) => Phase::Finished,
                // The staging folder came and went: it was swapped in, and the build was exiting.
                (false, None) if seen_staging => Phase::Finished,
                (false, None) => Phase::Compiling,
                (false, Some(n)) => Phase::Writing(n),
            };
        }
        seen_staging |= staged.is_some();
        if child.try_wait().unwrap().is_some() {
            return Phase::Finished;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// What a killed build left in the output folder.
fn published_after_kill(world: &World, phase: Phase, previous: &Site, next: &Site) -> Outcome {
    let output = world.output();
    if output.exists() {
        // Killed while updating in place: the output says so, and the next build rebuilds it whole.
        if state::read(&output) == State::Updating {
            return Outcome::Repairable;
        }
        let now = snapshot(&output);
        if now == *previous {
            return Outcome::Previous;
        }
        // Killed after the swap, while removing the old folder or exiting: the build had finished.
        assert!(now == *next, "killed while {phase:?}: the output is neither the previous site nor the next");
        return Outcome::Next;
    }
    // Killed between the two renames of the swap: the previous site waits beside the output, and
    // the next build puts it back.
    let old: Vec<PathBuf> = fs::read_dir(world.site())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(".book.cellbook-old-"))
        .filter(|p| p.join(".cellbook-output").is_file())
        .collect();
    assert!(
        old.len() == 1 && snapshot(&old[0]) == *previous,
        "killed while {phase:?}: the output is gone and the previous site is not kept beside it: {old:?}"
    );
    Outcome::Recoverable
}

type Site = Vec<(PathBuf, Vec<u8>)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Previous,
    Next,
    Recoverable,
    /// Marked as being updated: partly changed in place, never trusted as it is.
    Repairable,
}

#[test]
fn a_build_killed_half_way_leaves_the_previous_site_intact() {
    const PAGES: usize = 3_000;
    let world = World::new();
    generate_pages(&world, PAGES, "first edition");
    let (code, stderr) = world.build(&[]);
    assert_eq!(code, 0, "{stderr}");
    let previous = snapshot(&world.output());
    assert!(previous.len() > PAGES);
    // The next edition changes every page, so a partly written output could not pass for the old.
    generate_pages(&world, PAGES, "second edition");
    let start = Instant::now();
    let reference = world.path("reference");
    let (code, stderr) = world.build(&["--output", reference.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let full = start.elapsed();
    let next = snapshot(&reference);
    assert!(next != previous);
    let outside = world.tree(&world.output());

    let mut kills = Vec::new();
    let mut published = previous.clone();
    let mut check = |phase: Phase| {
        let outcome = published_after_kill(&world, phase, &published, &next);
        if outcome == Outcome::Next {
            // From now on, the next edition is the site a kill must leave intact.
            published = next.clone();
        }
        if let Phase::Compiling | Phase::Writing(_) = phase {
            // Nothing can have been swapped in, nor changed in place, before every page was
            // written; an update moves the staged pages out as it applies them.
            let all_written = matches!(phase, Phase::Writing(n) if n >= PAGES);
            let applying = outcome == Outcome::Repairable;
            assert!(outcome == Outcome::Previous || all_written || applying, "killed while {phase:?}: {outcome:?}");
        }
        kills.push((phase, outcome));
        outcome
    };
    // Kills placed by what the build has written so far...
    let thresholds = [None, Some(1), Some(PAGES / 10), Some(PAGES / 2), Some(PAGES * 9 / 10), Some(PAGES)];
    for threshold in thresholds {
        let phase = build_and_kill(&world, full * 20, |staged| match (staged, threshold) {
            (Some(_), None) => true,
            (Some(n), Some(at)) => n >= at,
            (None, _) => false,
        });
        check(phase);
    }
    // ...one while an update in place moves the changed pages in (the staged pages, all written,
    // start to leave the staging folder): the output is then marked as being updated...
    let most = std::cell::Cell::new(0);
    let phase = build_and_kill(&world, full * 20, |staged| {
        let n = staged.unwrap_or(0);
        most.set(most.get().max(n));
        most.get() >= PAGES && n <= PAGES / 2
    });
    let outcome = check(phase);
    assert!(matches!(outcome, Outcome::Repairable | Outcome::Next), "killed while moving pages in: {outcome:?}");
    // ...and by time, as a user's Ctrl-C or a CI time-out would.
    for tenth in [2, 4, 6, 8, 10, 12] {
        let phase = build_and_kill(&world, full * tenth / 10, |_| false);
        check(phase);
    }
    eprintln!("a full build took {full:?}; kills: {kills:?}");
    let while_writing =
        kills.iter().filter(|(p, o)| matches!(p, Phase::Writing(n) if *n > 0 && *n < PAGES) && *o == Outcome::Previous);
    assert!(while_writing.count() >= 3, "too few kills landed while pages were being written: {kills:?}");

    // The next build succeeds, cleans up every killed build's leftovers, and publishes the edition.
    let (code, stderr) = world.build(&[]);
    assert_eq!(code, 0, "{stderr}");
    assert_same_tree(&outside, &world.tree(&world.output()));
    assert!(snapshot(&world.output()) == next, "the build after the kills differs from an undisturbed one");
}

#[test]
fn a_first_build_killed_half_way_leaves_no_output_and_the_next_succeeds() {
    let world = World::new();
    generate_pages(&world, 1_000, "only edition");
    let before = world.tree(&world.output());
    let phase = build_and_kill(&world, Duration::from_secs(60), |staged| staged.is_some_and(|n| n >= 100));
    assert!(matches!(phase, Phase::Writing(_)), "{phase:?}");
    assert!(!world.output().exists(), "a half-written site was published");
    let (code, stderr) = world.build(&[]);
    assert_eq!(code, 0, "{stderr}");
    assert_same_tree(&before, &world.tree(&world.output()));
    assert!(world.output().join("gen/p0999/index.html").is_file());
}

#[test]
fn the_shell_sees_nothing_written_outside_either() {
    // A cross-check with another tool: `find -newer` lists every path changed after a stamp file.
    let world = World::new();
    let stamp = world.path("stamp");
    fs::write(&stamp, "").unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let (code, stderr) = world.build(&[]);
    assert_eq!(code, 0, "{stderr}");
    let changed = Command::new("find").arg(world.dir.path()).arg("-newer").arg(&stamp).output().unwrap();
    let changed = String::from_utf8_lossy(&changed.stdout);
    let outside: Vec<&str> = changed
        .lines()
        .filter(|line| !Path::new(line).starts_with(world.output()))
        .filter(|line| Path::new(line) != world.site())
        .collect();
    // The site folder itself changes (the output folder was added to it); nothing else does.
    assert!(outside.is_empty(), "changed outside the output: {outside:?}");
}
