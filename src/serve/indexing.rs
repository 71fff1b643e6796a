//! The search index behind the pages: a thread that indexes snapshots of the pages at a low CPU
//! priority, and the builder's record of how far behind the pages the index on disk is.
//!
//! In: snapshots of the pages' documents, taken by the builder. Out: indexes sent back to the
//! builder as [`Message::Indexed`], written (only the files that changed) when it says so.

use super::session::{SearchBundle, Session};
use super::state::Status;
use super::watch::Message;
use crate::search::Document;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Makes a search index ([`SearchBundle::new`]; a stand-in in tests).
pub(crate) type Indexer = fn(Vec<Document>) -> Result<SearchBundle, String>;

/// Where the search index stands. Versions count the rebuilds that made it stale.
pub(super) struct Search {
    jobs: Sender<SearchJob>,
    /// The version of the pages on disk.
    pub(super) pages: u64,
    /// The version of the index on disk.
    pub(super) indexed: u64,
    /// Whether the search thread is indexing.
    pub(super) running: bool,
    /// An index the search thread sent, not written yet.
    pub(super) arrived: Option<(u64, Result<SearchBundle, String>, Duration)>,
    /// The documents of the pages at a version, for the next index.
    pub(super) snapshot: Option<SearchJob>,
    /// The version of the pages the last snapshot was taken of.
    pub(super) snapshot_version: u64,
}

pub(super) struct SearchJob {
    pub(super) version: u64,
    pub(super) documents: Vec<Document>,
}

impl Search {
    /// Starts the search thread, which sends the indexes it makes to `results`.
    pub(super) fn start(index: Indexer, results: Sender<Message>) -> Search {
        let (jobs, job_receiver) = std::sync::mpsc::channel::<SearchJob>();
        let indexer = std::thread::Builder::new()
            .name("cellbook-search".into())
            .spawn(move || index_thread(job_receiver, results, index));
        if let Err(e) = indexer {
            eprintln!("warning: cannot start the search thread ({e}): the search index will not follow edits");
        }
        Search { jobs, pages: 0, indexed: 0, running: false, arrived: None, snapshot: None, snapshot_version: 0 }
    }

    /// Whether the index on disk is older than the pages.
    pub(super) fn behind(&self) -> bool {
        self.pages > self.indexed
    }

    /// Hands the snapshot of the pages to the search thread.
    pub(super) fn start_index(&mut self, status: &watch::Sender<Status>) {
        let Some(job) = self.snapshot.take() else { return };
        let version = job.version;
        if self.jobs.send(job).is_ok() {
            self.running = true;
        } else {
            // No search thread: the index stays as it is.
            self.indexed = version;
            status.send_modify(|status| status.search_pending = false);
        }
    }

    /// Writes an index the search thread made, unless a newer one is on disk already.
    pub(super) fn write(
        &mut self,
        session: &mut Session,
        status: &watch::Sender<Status>,
        (version, bundle, elapsed): (u64, Result<SearchBundle, String>, Duration),
    ) {
        if version <= self.indexed {
            return;
        }
        let written = bundle.and_then(|bundle| session.write_search_bundle(bundle).map_err(|f| f.to_string()));
        let written = written.unwrap_or_else(|message| {
            eprintln!("warning: the search index was not updated: {message}");
            Vec::new()
        });
        // Marked up to date even when it failed: the next edit tries again.
        self.indexed = version;
        let pending = self.behind();
        status.send_modify(|status| {
            status.search_pending = pending;
            status.written.extend(written);
            status.written.sort();
            status.written.dedup();
            status.elapsed_ms += u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        });
    }
}

/// Lets the other threads of the process go first: the calling thread gets a low CPU priority
/// (nice 10, which still gets some CPU against normal threads: it may hold a lock a rebuild
/// waits for), and so do the threads it starts. On Linux the nice value belongs to each thread;
/// elsewhere this does nothing (on macOS it would apply to the whole process).
pub(super) fn lower_priority() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    // SAFETY: a system call with plain integer arguments that touches no memory of ours;
    // `who` 0 is the calling thread. A failure leaves the priority as it was.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// The search thread: indexes each snapshot it is given (the newest, when several wait) and
/// sends the result back to the builder.
fn index_thread(jobs: Receiver<SearchJob>, results: Sender<Message>, index: Indexer) {
    lower_priority();
    while let Ok(mut job) = jobs.recv() {
        while let Ok(newer) = jobs.try_recv() {
            job = newer;
        }
        let start = Instant::now();
        let SearchJob { version, documents } = job;
        let bundle = std::panic::catch_unwind(|| index(documents))
            .unwrap_or_else(|_| Err("cellbook failed while indexing (a bug; the message is above)".into()));
        if results.send(Message::Indexed { version, bundle, elapsed: start.elapsed() }).is_err() {
            return;
        }
    }
}
