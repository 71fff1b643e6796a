//! The thread that rebuilds: waits for changes, lets a burst of them settle, rebuilds once,
//! and publishes the outcome for the server and the terminal.

use super::state::Status;
use super::watch::{Message, Watcher};
use crate::build::Options;
use crate::diagnostics::Failure;
use crate::session::{Rebuild, Session};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// After a change, how long the sources must stay quiet before the rebuild starts. Covers the
/// events of one save that notify-debouncer-full reports a tick apart (it settles each path on
/// its own), and editors that write a file in several steps.
const SETTLE: Duration = Duration::from_millis(100);
/// A stream of changes that never goes quiet (a long copy, a checkout) still rebuilds this often.
const MAX_WAIT: Duration = Duration::from_secs(2);
/// After an incremental rebuild, how long the sources must stay quiet before the search index is
/// rebuilt: indexing a large site takes seconds, and an editor saving again soon should not wait.
const SEARCH_QUIET: Duration = Duration::from_secs(1);

pub struct Builder {
    pub root: PathBuf,
    pub options: Options,
    /// `None` until a first build has succeeded.
    pub session: Option<Session>,
    pub watcher: Watcher,
    pub status: watch::Sender<Status>,
}

impl Builder {
    /// Rebuilds after each settled burst of changes until told to stop.
    pub fn run(mut self, messages: Receiver<Message>) {
        let mut reindex_due = false;
        loop {
            let message = if reindex_due {
                match messages.recv_timeout(SEARCH_QUIET) {
                    Ok(message) => message,
                    Err(RecvTimeoutError::Timeout) => {
                        self.reindex_guarded();
                        reindex_due = false;
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            } else {
                match messages.recv() {
                    Ok(message) => message,
                    Err(_) => return,
                }
            };
            let Message::Changed(mut changed) = message else { return };
            let deadline = Instant::now() + MAX_WAIT;
            loop {
                let wait = SETTLE.min(deadline.saturating_duration_since(Instant::now()));
                match messages.recv_timeout(wait) {
                    Ok(Message::Changed(more)) => changed.extend(more),
                    Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                    Err(RecvTimeoutError::Timeout) => break,
                }
            }
            if self.watcher.touches_source_dir(&changed) {
                self.watcher.watch_sources();
            }
            reindex_due |= self.rebuild(&changed);
        }
    }

    /// Rebuilds; returns whether the search index is now older than the pages.
    fn rebuild(&mut self, changed: &[PathBuf]) -> bool {
        let start = Instant::now();
        let (session, options) = (&mut self.session, &self.options);
        // A bug in the build must not end live reload: report it and start afresh next time.
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| match session {
            Some(session) => session.update(changed),
            None => Session::new(options.clone()).map(|(new, rebuild)| {
                *session = Some(new);
                rebuild
            }),
        }))
        .unwrap_or_else(|_| {
            self.session = None;
            Err(Failure::Other("cellbook failed while rebuilding (a bug; the message is above)".into()))
        });
        let previous = self.status.borrow().clone();
        match result {
            Ok(rebuild) => {
                println!("{}", summary(&self.root, changed, &rebuild, !previous.ok));
                let mut status = Status::succeeded(&previous, &rebuild);
                status.search_pending = rebuild.search_stale;
                // Pages first: open tabs reload now, the search index follows once edits pause.
                self.status.send_replace(status);
                rebuild.search_stale
            }
            Err(failure) => {
                eprintln!("{}", report_failure(&failure));
                self.status.send_replace(Status::failed(&previous, &failure, start.elapsed()));
                false
            }
        }
    }

    fn reindex_guarded(&mut self) {
        if std::panic::catch_unwind(AssertUnwindSafe(|| self.reindex())).is_err() {
            self.session = None;
            self.status.send_modify(|status| status.search_pending = false);
        }
    }

    /// Brings the search index up to date after an incremental rebuild.
    fn reindex(&mut self) {
        let Some(session) = &mut self.session else { return };
        let start = Instant::now();
        let written = match session.search_input().map(crate::search::index) {
            Some(Ok(bundle)) => session.write_search(bundle).map_err(|f| f.to_string()),
            Some(Err(message)) => Err(message),
            None => Ok(Vec::new()),
        };
        let written = written.unwrap_or_else(|message| {
            eprintln!("warning: the search index was not updated: {message}");
            Vec::new()
        });
        self.status.send_modify(|status| {
            status.search_pending = false;
            status.written.extend(written);
            status.written.sort();
            status.elapsed_ms += u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        });
    }
}

/// `rebuilt 1 page in 2ms after content/a.md changed: wrote a/index.html`.
fn summary(root: &Path, changed: &[PathBuf], rebuild: &Rebuild, fixed: bool) -> String {
    let mut sources: Vec<String> =
        changed.iter().map(|p| p.strip_prefix(root).unwrap_or(p).to_string_lossy().replace('\\', "/")).collect();
    sources.sort();
    sources.dedup();
    let what = if rebuild.written.is_empty() && rebuild.removed.is_empty() {
        "nothing changed in the output".to_string()
    } else {
        let mut parts = Vec::new();
        if !rebuild.written.is_empty() {
            parts.push(format!("wrote {}", list(&rebuild.written)));
        }
        if !rebuild.removed.is_empty() {
            parts.push(format!("removed {}", list(&rebuild.removed)));
        }
        parts.join("; ")
    };
    let fixed = if fixed { " (errors fixed)" } else { "" };
    let scope = if rebuild.full {
        "the site".to_string()
    } else {
        format!("{} page{}", rebuild.rendered, if rebuild.rendered == 1 { "" } else { "s" })
    };
    format!("rebuilt {scope} in {:.0?} after {} changed{fixed}: {what}", rebuild.elapsed, list(&sources))
}

pub fn report_failure(failure: &Failure) -> String {
    format!("{failure}\nthe site has errors: still serving the last good build (the browser shows them too)")
}

/// A few names, then how many more.
fn list(names: &[String]) -> String {
    const SHOWN: usize = 4;
    let mut text = names.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}
