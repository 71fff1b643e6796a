//! Dates of last change, read from git, so that output never depends on file modification times.
//!
//! In: the site root. Out: for each file under `content/` that git knows, the date (YYYY-MM-DD) of
//! the last commit that touched it. Outside a git checkout, or without git, the map is empty and
//! pages show only the dates their front matter gives.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Default)]
pub struct Dates {
    last_commit: HashMap<PathBuf, String>,
}

impl Dates {
    /// One `git log` over `content/`, newest commit first: the first date seen for a file wins.
    pub(crate) fn from_git(root: &Path) -> Dates {
        let output = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["log", "--format=%x00%cs", "--name-only", "--no-renames", "--relative", "--", "content"])
            .output();
        let Ok(output) = output else { return Dates::default() };
        if !output.status.success() {
            return Dates::default();
        }
        let mut last_commit = HashMap::new();
        let text = String::from_utf8_lossy(&output.stdout);
        for commit in text.split('\0').filter(|c| !c.trim().is_empty()) {
            let mut lines = commit.lines();
            let date = lines.next().unwrap_or("").trim().to_string();
            for file in lines.filter(|l| !l.trim().is_empty()) {
                last_commit.entry(PathBuf::from(file.trim())).or_insert_with(|| date.clone());
            }
        }
        Dates { last_commit }
    }

    /// The last commit date of a file given relative to the site root.
    pub(crate) fn last_commit(&self, file: &Path) -> Option<&str> {
        self.last_commit.get(file).map(String::as_str)
    }
}

/// "Now" for anything time-dependent that is not a page's own date: `SOURCE_DATE_EPOCH` when set
/// (reproducible builds), else the clock.
pub(crate) fn today() -> jiff::civil::Date {
    let timestamp = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .unwrap_or_else(jiff::Timestamp::now);
    timestamp.to_zoned(jiff::tz::TimeZone::UTC).date()
}
