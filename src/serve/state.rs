//! What the builder tells the server and the browsers: the outcome of the last build.

use super::session::Rebuild;
use crate::diagnostics::Failure;
use serde::Serialize;

/// The outcome of the latest build, as `/__cellbook/status` shows it.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Status {
    /// How many builds have finished, good or not; the first build is 1.
    pub generation: u64,
    pub ok: bool,
    /// The messages of a failed build, `path:line:col: error: ...`; empty when `ok`.
    pub errors: Vec<String>,
    /// Output paths the last build wrote (every file for the first build).
    pub written: Vec<String>,
    /// Output paths the last build deleted.
    pub removed: Vec<String>,
    pub elapsed_ms: u64,
    /// Whether the search index is still being brought up to date after this build (pages are
    /// written first so that tabs reload at once; `written` grows by the index files after).
    pub search_pending: bool,
    /// The generation of the last build that changed what a browser shows: it wrote or removed
    /// files, or it fixed a failed build. Open tabs reload when this moves.
    #[serde(skip)]
    pub changed: u64,
}

impl Status {
    /// The status after a build that succeeded.
    pub(crate) fn succeeded(previous: &Status, rebuild: &Rebuild) -> Status {
        let generation = previous.generation + 1;
        let visible = !rebuild.written.is_empty() || !rebuild.removed.is_empty() || !previous.ok;
        Status {
            generation,
            ok: true,
            errors: Vec::new(),
            written: rebuild.written.clone(),
            removed: rebuild.removed.clone(),
            elapsed_ms: millis(rebuild.elapsed),
            search_pending: false,
            changed: if visible { generation } else { previous.changed },
        }
    }

    /// The status after a build that failed: nothing was written, the last good site stays.
    pub(crate) fn failed(previous: &Status, failure: &Failure, elapsed: std::time::Duration) -> Status {
        Status {
            generation: previous.generation + 1,
            ok: false,
            errors: messages(failure),
            written: Vec::new(),
            removed: Vec::new(),
            elapsed_ms: millis(elapsed),
            search_pending: false,
            changed: previous.changed,
        }
    }
}

/// One line per problem, as the terminal shows them.
pub(crate) fn messages(failure: &Failure) -> Vec<String> {
    match failure {
        Failure::Diagnostics(items) => items.iter().map(ToString::to_string).collect(),
        Failure::Other { .. } => failure.to_string().lines().map(str::to_string).collect(),
    }
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
