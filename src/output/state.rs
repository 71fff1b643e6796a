//! The output's recorded state: complete (with the fingerprint of the inputs it was built from) or
//! being updated, kept as an extended attribute of the marker file.
//!
//! In: the output folder. Out: its [`State`], and whether anything in it changed since it was
//! marked complete. An attribute rather than the marker's bytes, so that every file of the output
//! stays byte-identical from build to build and from one folder to another. What is not readable
//! as complete (no attribute, a file system without them, a build killed half-way) is
//! [`State::Unknown`] or [`State::Updating`], and the next build rebuilds the output whole.
//!
//! "Unchanged since" uses the status-change times (ctime) that the kernel sets on every write,
//! rename, removal and attribute change, and that no user call can set back: the marker's is made
//! later than every other entry's when the state is recorded, so an entry that is newer, or a
//! folder that gained or lost an entry, shows a change.

use super::MARKER;
use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;
use std::time::Duration;
use xattr::FileExt;

const ATTRIBUTE: &str = "user.cellbook.state";
const UPDATING: &str = "updating";
/// Set just before the complete state, to give the marker a status-change time to pass.
const SETTLING: &str = "settling";

/// What the marker records about the output folder.
#[derive(Debug, PartialEq, Eq)]
pub enum State {
    /// Written whole or brought up to date by a build from inputs with this fingerprint (`None`:
    /// inputs that could not be fingerprinted).
    Complete(Option<String>),
    /// A build began changing files in place and did not finish.
    Updating,
    /// Anything else: no marker, no attribute, or one that cannot be read.
    Unknown,
}

/// The recorded state of the output folder `target`.
pub fn read(target: &Path) -> State {
    let Ok(marker) = open(target) else { return State::Unknown };
    let Ok(Some(value)) = marker.get_xattr(ATTRIBUTE) else { return State::Unknown };
    match std::str::from_utf8(&value) {
        Ok(UPDATING) => State::Updating,
        Ok(text) => match text.strip_prefix("complete ") {
            Some("-") => State::Complete(None),
            Some(fingerprint) => State::Complete(Some(fingerprint.to_string())),
            None => State::Unknown,
        },
        Err(_) => State::Unknown,
    }
}

/// Records, durably, that files of the output are about to change in place.
pub fn mark_updating(target: &Path) -> io::Result<()> {
    let marker = open(target)?;
    set(&marker, UPDATING)?;
    marker.sync_all()
}

/// Records that the output is complete and was built from inputs with `fingerprint`, with a
/// status-change time later than that of anything written before.
pub(crate) fn mark_complete(target: &Path, fingerprint: Option<&str>) -> io::Result<()> {
    let marker = open(target)?;
    let value = format!("complete {}", fingerprint.unwrap_or("-"));
    set(&marker, SETTLING)?;
    let settled = changed(&marker.metadata()?);
    // The kernel's clock for these times advances in ticks: set again until it has moved on.
    for _ in 0..1000 {
        set(&marker, &value)?;
        if changed(&marker.metadata()?) > settled {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(1));
        set(&marker, SETTLING)?;
    }
    // A clock that does not advance: complete, but never found unchanged (never skipped).
    set(&marker, &value)
}

/// How many files the output holds, when nothing in it (files, folders, links) changed since it
/// was marked: every entry older than the marker's state, and the marker's state not in the
/// future (a clock set back could hide a change). `None` on any change or doubt.
pub(crate) fn unchanged_files(target: &Path) -> Option<usize> {
    let marked = changed(&fs::symlink_metadata(target.join(MARKER)).ok()?);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?;
    if (now.as_secs() as i64, now.subsec_nanos() as i64) < marked {
        return None;
    }
    let mut files = 0;
    for entry in walkdir::WalkDir::new(target) {
        let entry = entry.ok()?;
        if entry.depth() == 1 && entry.file_name() == MARKER {
            continue;
        }
        let meta = entry.metadata().ok()?;
        if !(meta.is_file() || meta.is_dir()) || changed(&meta) >= marked {
            return None;
        }
        files += usize::from(meta.is_file());
    }
    Some(files)
}

/// The status-change time (seconds, nanoseconds).
fn changed(meta: &fs::Metadata) -> (i64, i64) {
    (meta.ctime(), meta.ctime_nsec())
}

/// The marker file, never through a symbolic link.
fn open(target: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW).open(target.join(MARKER))
}

fn set(marker: &fs::File, value: &str) -> io::Result<()> {
    marker.set_xattr(ATTRIBUTE, value.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_a_change_shows() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("book");
        fs::create_dir_all(out.join("a")).unwrap();
        assert_eq!(read(&out), State::Unknown);
        fs::write(out.join(MARKER), "").unwrap();
        fs::write(out.join("a/index.html"), "page").unwrap();
        assert_eq!(read(&out), State::Unknown);
        mark_updating(&out).unwrap();
        assert_eq!(read(&out), State::Updating);
        mark_complete(&out, Some("abc")).unwrap();
        assert_eq!(read(&out), State::Complete(Some("abc".into())));
        assert_eq!(unchanged_files(&out), Some(1));
        fs::write(out.join("a/new.html"), "").unwrap();
        assert_eq!(unchanged_files(&out), None);
        mark_complete(&out, None).unwrap();
        assert_eq!((read(&out), unchanged_files(&out)), (State::Complete(None), Some(2)));
        fs::remove_file(out.join("a/new.html")).unwrap();
        assert_eq!(unchanged_files(&out), None);
    }
}
