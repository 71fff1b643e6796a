//! The fingerprint of a build's inputs: what decides that a build would write what is already there.
//!
//! In: the build's options. Out: a SHA-256 (hex) of everything the output depends on: the binary
//! (its version, and its own executable's size and modification time, so that a rebuilt binary
//! never trusts an old output), the options that change output (`--base-url`, `--drafts`, no
//! search), "today" as `dates::today` gives it (overdue trials depend on it), the git commit the
//! pages' dates come from, and the path and bytes of `book.toml` and of every file under
//! `content/`, `templates/` and `static/`. Paths are relative to the site root, so the same
//! sources give the same fingerprint wherever they are. `None` when the binary cannot be
//! identified: such a build is never skipped.

use crate::build::Options;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The fingerprint of the inputs of a build with `options`.
pub(crate) fn of(options: &Options) -> Option<String> {
    let mut hash = Sha256::new();
    let mut field = |name: &str, value: &[u8]| {
        // Lengths first, so that no two different lists of fields hash alike.
        hash.update((name.len() as u64).to_le_bytes());
        hash.update(name);
        hash.update((value.len() as u64).to_le_bytes());
        hash.update(value);
    };
    field("binary", binary()?.as_bytes());
    field("base-url", format!("{:?}", options.base_url).as_bytes());
    field("drafts", &[u8::from(options.drafts)]);
    field("no-search", &[u8::from(options.no_search)]);
    field("today", crate::dates::today().to_string().as_bytes());
    field("git", &git_head(&options.root));
    for (rel, digest) in sources(&options.root) {
        field(&rel, &digest);
    }
    Some(format!("{:x}", hash.finalize()))
}

/// This executable: version, size and modification time (nanoseconds).
pub(crate) fn binary() -> Option<String> {
    let meta = std::env::current_exe().and_then(std::fs::metadata).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(format!("{} {} {}", env!("CARGO_PKG_VERSION"), meta.len(), modified.as_nanos()))
}

/// The commit `git` reports for the site root (the pages' dates come from its history), or its
/// error when the root is not in a checkout.
fn git_head(root: &Path) -> Vec<u8> {
    let output = std::process::Command::new("git").arg("-C").arg(root).args(["rev-parse", "HEAD"]).output();
    match output {
        Ok(output) => [output.stdout, output.stderr].concat(),
        Err(e) => e.to_string().into_bytes(),
    }
}

/// `book.toml` and every file under the source folders (links followed, as the build follows
/// them), sorted by path, each with the SHA-256 of its bytes (or of its read error).
fn sources(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<PathBuf> = vec![root.join("book.toml")];
    let mut problems = Vec::new();
    for dir in ["content", "templates", "static"].into_iter().filter(|dir| root.join(dir).exists()) {
        for entry in walkdir::WalkDir::new(root.join(dir)).follow_links(true).sort_by_file_name() {
            match entry {
                Ok(entry) if !entry.file_type().is_dir() => files.push(entry.into_path()),
                Ok(_) => {}
                // The build reports these; the fingerprint only has to differ from a good tree's.
                Err(e) => {
                    let at = e.path().map(|p| p.strip_prefix(root).unwrap_or(p).to_string_lossy().into_owned());
                    problems.push((
                        format!("error at {at:?}"),
                        format!("{:?}", e.io_error().map(|e| e.kind())).into_bytes(),
                    ))
                }
            }
        }
    }
    let mut digests: Vec<(String, Vec<u8>)> = files
        .par_iter()
        .map(|path| {
            let rel = path.strip_prefix(root).unwrap_or(path).to_string_lossy().into_owned();
            // Only regular files are read: a named pipe would block (the build reports it).
            let digest = if !path.is_file() {
                b"not a regular file".to_vec()
            } else {
                match std::fs::read(path) {
                    Ok(bytes) => Sha256::digest(&bytes).to_vec(),
                    Err(e) => format!("error: {:?}", e.kind()).into_bytes(),
                }
            };
            (rel, digest)
        })
        .collect();
    digests.extend(problems);
    digests
}
