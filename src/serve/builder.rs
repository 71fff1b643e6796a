//! The thread that rebuilds: a save that is complete and changes only article bodies is rebuilt at
//! once; anything else waits for the sources to settle, so that a checkout is one rebuild; the
//! search index follows on its own thread (`indexing`) and a page edit never waits for it.
//!
//! In: messages naming the source paths that changed. Out: the output folder updated, and each
//! build's outcome published to the server ([`Status`]) and the terminal.

use super::indexing::{Indexer, Search, SearchJob, lower_priority};
use super::session::{Rebuild, Session};
use super::state::Status;
use super::watch::{Change, Message, Watcher};
use crate::build::Options;
use crate::diagnostics::Failure;
use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How long the sources must stay quiet before a rebuild that cannot start at once: a full one,
/// or one after events that may be followed by more (a file deleted, created, or still open).
const SETTLE: Duration = Duration::from_millis(100);
/// How long the sources must stay quiet before the rebuilds of a burst are published as one
/// build. Shorter than one incremental rebuild of a large site, so it rarely delays anything.
const PUBLISH_QUIET: Duration = Duration::from_millis(20);
/// A stream of changes that never goes quiet (a long copy, a checkout) still rebuilds this often.
const MAX_WAIT: Duration = Duration::from_secs(2);
/// After the pages changed, how long the sources must stay quiet before the search index is
/// rebuilt: an editor saving again soon should not make it start over and over.
const SEARCH_QUIET: Duration = Duration::from_secs(1);
/// When no build was just published, how long the sources must stay quiet before the search
/// snapshot is taken or an index written (right after a build is published, the next save is
/// least likely: they are done then).
const HOUSEKEEPING_QUIET: Duration = Duration::from_secs(2);

pub(crate) struct Builder {
    pub root: PathBuf,
    pub options: Options,
    /// `None` until a first build has succeeded.
    pub session: Option<Session>,
    pub watcher: Watcher,
    pub status: watch::Sender<Status>,
    /// Where the search thread sends the indexes it made (the builder's own channel).
    pub sender: Sender<Message>,
    /// Makes a search index ([`super::session::SearchBundle::new`]; a stand-in in tests).
    pub index: Indexer,
}

/// Changes not rebuilt yet.
struct Pending {
    /// Each path with whether its latest event ended a save.
    paths: BTreeMap<PathBuf, bool>,
    first: Instant,
    /// Whether an incremental rebuild was ruled out for these changes.
    needs_full: bool,
}

impl Pending {
    fn complete(&self) -> bool {
        self.paths.values().all(|complete| *complete)
    }

    fn paths(&self) -> Vec<PathBuf> {
        self.paths.keys().cloned().collect()
    }
}

/// Rebuilds that succeeded and are not published yet.
struct Batch {
    rebuild: Rebuild,
    sources: Vec<PathBuf>,
    first: Instant,
}

/// The builder's loop.
struct State {
    pool: Option<rayon::ThreadPool>,
    pending: Option<Pending>,
    batch: Option<Batch>,
    search: Search,
    /// When the last change arrived, and when the pages last changed.
    last_event: Instant,
    last_pages: Instant,
    /// Whether a build was published since the loop last waited.
    published: bool,
}

impl Builder {
    /// Rebuilds after changes until told to stop.
    pub(crate) fn run(mut self, messages: Receiver<Message>) {
        let search = Search::start(self.index, self.sender.clone());
        // Rebuilds get threads of their own, and the shared ones (which pagefind indexes on)
        // give way to them: an edit is not slowed down by a re-index running beside it.
        let pool = rayon::ThreadPoolBuilder::new().thread_name(|i| format!("cellbook-build-{i}")).build().ok();
        if pool.is_some() {
            rayon::broadcast(|_| lower_priority());
        }
        if let Some(session) = &mut self.session {
            session.defer_search(true);
        }
        let now = Instant::now();
        let mut state =
            State { pool, pending: None, batch: None, search, last_event: now, last_pages: now, published: false };
        loop {
            // Everything that already arrived, without waiting.
            loop {
                match messages.try_recv() {
                    Ok(Message::Stop) | Err(TryRecvError::Disconnected) => return,
                    Ok(message) => take(&mut state, message),
                    Err(TryRecvError::Empty) => break,
                }
            }
            let Some(wait_until) = self.step(&mut state) else { continue };
            state.published = false;
            let message = match wait_until {
                Some(at) => messages.recv_timeout(at.saturating_duration_since(Instant::now())),
                None => messages.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match message {
                Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                Ok(message) => take(&mut state, message),
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
    }

    /// Does the most urgent thing there is to do; `None` when it did something, else when to
    /// look again (`Some(None)`: when a message comes).
    fn step(&mut self, state: &mut State) -> Option<Option<Instant>> {
        let now = Instant::now();
        if let Some(pending) = &mut state.pending {
            let paths = pending.paths();
            let started = Instant::now();
            let mut outcome = None;
            if !pending.needs_full && self.session.is_some() && pending.complete() {
                outcome = self.guarded(&state.pool, |session, _| session.as_mut()?.update_bodies(&paths));
                pending.needs_full = outcome.is_none();
            }
            let ripe_at = (state.last_event + SETTLE).min(pending.first + MAX_WAIT);
            if outcome.is_none() && now >= ripe_at {
                if self.watcher.touches_source_dir(&paths) {
                    self.watcher.watch_sources();
                }
                outcome = self.guarded(&state.pool, |session, options| {
                    Some(match session {
                        Some(session) => session.update(&paths),
                        None => Session::new(options.clone()).map(|(mut new, rebuild)| {
                            new.defer_search(true);
                            *session = Some(new);
                            rebuild
                        }),
                    })
                });
            }
            let Some(result) = outcome else { return Some(Some(ripe_at)) };
            state.pending = None;
            state.last_pages = Instant::now();
            self.rebuilt(state, result, paths, started);
            return None;
        }
        if let Some(batch) = &state.batch {
            let publish_at = (state.last_event + PUBLISH_QUIET).min(batch.first + MAX_WAIT);
            if now < publish_at {
                return Some(Some(publish_at));
            }
            if let Some(batch) = state.batch.take() {
                self.publish(batch, &state.search);
            }
            state.published = true;
            return None;
        }
        // The search index: a little work here, at a moment when no save is expected.
        let quiet_at = state.last_event.max(state.last_pages) + HOUSEKEEPING_QUIET;
        let housekeeping = state.published || now >= quiet_at;
        let search = &mut state.search;
        if let Some(arrived) = search.arrived.take() {
            if !housekeeping {
                search.arrived = Some(arrived);
                return Some(Some(quiet_at));
            }
            if let Some(session) = &mut self.session {
                search.write(session, &self.status, arrived);
            }
            return None;
        }
        if !search.behind() {
            // Up to date (a full rebuild may have indexed along): no snapshot to keep.
            search.snapshot = None;
            return Some(None);
        }
        if search.running || self.session.is_none() {
            return Some(None);
        }
        if search.snapshot_version < search.pages {
            if !housekeeping {
                return Some(Some(quiet_at));
            }
            search.snapshot = self
                .session
                .as_ref()
                .and_then(Session::search_input)
                .map(|documents| SearchJob { version: search.pages, documents });
            search.snapshot_version = search.pages;
            return None;
        }
        let due = state.last_event.max(state.last_pages) + SEARCH_QUIET;
        if now < due {
            return Some(Some(due));
        }
        search.start_index(&self.status);
        None
    }

    /// Runs a rebuild on the build threads; a bug in the build must not end live reload: it is
    /// reported and the next rebuild starts afresh.
    fn guarded(
        &mut self,
        pool: &Option<rayon::ThreadPool>,
        rebuild: impl FnOnce(&mut Option<Session>, &Options) -> Option<Result<Rebuild, Failure>> + Send,
    ) -> Option<Result<Rebuild, Failure>> {
        let (session, options) = (&mut self.session, &self.options);
        let run = AssertUnwindSafe(|| rebuild(session, options));
        let result = match pool {
            Some(pool) => pool.install(|| std::panic::catch_unwind(run)),
            None => std::panic::catch_unwind(run),
        };
        result.unwrap_or_else(|_| {
            self.session = None;
            Some(Err(Failure::other("cellbook failed while rebuilding (a bug; the message is above)")))
        })
    }

    /// After a rebuild: a success joins the batch to publish; a failure is published at once
    /// (after the successes before it, which are on disk).
    fn rebuilt(
        &mut self,
        state: &mut State,
        result: Result<Rebuild, Failure>,
        sources: Vec<PathBuf>,
        started: Instant,
    ) {
        match result {
            Ok(rebuild) => {
                let search = &mut state.search;
                if rebuild.search_stale {
                    search.pages += 1;
                } else if rebuild.full {
                    // Indexed along with the pages (a first build): older indexes are stale.
                    search.pages += 1;
                    search.indexed = search.pages;
                }
                match &mut state.batch {
                    Some(batch) => {
                        batch.rebuild.merge(rebuild);
                        batch.sources.extend(sources);
                    }
                    None => state.batch = Some(Batch { rebuild, sources, first: started }),
                }
            }
            Err(failure) => {
                if let Some(batch) = state.batch.take() {
                    self.publish(batch, &state.search);
                }
                eprintln!("{}", report_failure(&failure));
                let status = Status::failed(&self.status.borrow(), &failure, started.elapsed());
                self.status.send_replace(status);
                state.published = true;
            }
        }
    }

    fn publish(&mut self, batch: Batch, search: &Search) {
        let fixed = !self.status.borrow().ok;
        println!("{}", summary(&self.root, &batch.sources, &batch.rebuild, fixed));
        let mut status = Status::succeeded(&self.status.borrow(), &batch.rebuild);
        // Pages first: open tabs reload now, the search index follows once edits pause.
        status.search_pending = search.behind();
        self.status.send_replace(status);
    }
}

/// Notes a message: changes join the pending ones, an index waits for its turn.
fn take(state: &mut State, message: Message) {
    match message {
        Message::Changed(changes) => {
            state.last_event = Instant::now();
            let pending = state.pending.get_or_insert_with(|| Pending {
                paths: BTreeMap::new(),
                first: Instant::now(),
                needs_full: false,
            });
            for Change { path, complete } in changes {
                pending.paths.insert(path, complete);
            }
        }
        Message::Indexed { version, bundle, elapsed } => {
            state.search.running = false;
            state.search.arrived = Some((version, bundle, elapsed));
        }
        Message::Stop => {}
    }
}

/// `rebuilt 1 page in <time> after content/a.md changed: wrote a/index.html`.
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

pub(crate) fn report_failure(failure: &Failure) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::session::SearchBundle;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Whether the stand-in index started, and whether it may finish.
    static INDEXING: AtomicBool = AtomicBool::new(false);
    static RELEASED: AtomicBool = AtomicBool::new(false);

    /// An index that takes as long as the test wants (as a large site's does).
    fn slow_index(_: Vec<crate::search::Document>) -> Result<SearchBundle, String> {
        INDEXING.store(true, Ordering::SeqCst);
        let deadline = Instant::now() + Duration::from_secs(60);
        while !RELEASED.load(Ordering::SeqCst) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        Err("a stand-in for the index".into())
    }

    fn copy(from: &Path, to: &Path) {
        for entry in walkdir::WalkDir::new(from) {
            let entry = entry.unwrap();
            let target = to.join(entry.path().strip_prefix(from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    /// Waits up to `limit` for `check`; returns how long it took.
    fn within(limit: Duration, check: impl Fn() -> bool) -> Option<Duration> {
        let start = Instant::now();
        while !check() {
            if start.elapsed() > limit {
                return None;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        Some(start.elapsed())
    }

    #[test]
    fn an_edit_during_a_search_re_index_is_rebuilt_without_waiting_for_it() {
        let dir = tempfile::tempdir().unwrap();
        copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"), dir.path());
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let config = std::fs::read_to_string(root.join("book.toml")).unwrap();
        std::fs::write(root.join("book.toml"), config.replace("[search]\nenabled = false", "[search]\nenabled = true"))
            .unwrap();
        let options = Options { root: root.clone(), ..Options::default() };
        let (session, first) = Session::new(options.clone()).unwrap();
        assert!(first.written.iter().any(|p| p.starts_with("pagefind/")));
        let (sender, messages) = std::sync::mpsc::channel();
        let watcher = Watcher::start(&root, &root.join("book"), sender.clone()).unwrap();
        let (status, status_receiver) = watch::channel(Status::succeeded(&Status::default(), &first));
        let builder = Builder {
            root: root.clone(),
            options,
            session: Some(session),
            watcher,
            status,
            sender: sender.clone(),
            index: slow_index,
        };
        let thread = std::thread::spawn(move || builder.run(messages));

        let source = root.join("content/cells/msc.md");
        let page = root.join("book/cells/msc/index.html");
        let shows = |text: &str| std::fs::read_to_string(&page).is_ok_and(|html| html.contains(text));
        let text = std::fs::read_to_string(&source).unwrap();
        std::fs::write(&source, text.replace("A claim", "A first claim")).unwrap();
        assert!(within(Duration::from_secs(10), || shows("A first claim")).is_some(), "the first edit");
        assert!(within(Duration::from_secs(10), || INDEXING.load(Ordering::SeqCst)).is_some(), "re-index started");
        assert!(status_receiver.borrow().search_pending);

        // The re-index runs (and would for a minute): the next edit does not wait for it.
        std::fs::write(&source, text.replace("A claim", "A second claim")).unwrap();
        let took = within(Duration::from_secs(2), || shows("A second claim"));
        assert!(took.is_some(), "the edit waited for the re-index");
        assert!(!RELEASED.load(Ordering::SeqCst));
        assert!(within(Duration::from_secs(2), || status_receiver.borrow().generation == 3).is_some(), "published");
        assert!(status_receiver.borrow().search_pending, "the index is behind the pages");

        // Once it ends, the index catches up with the pages.
        RELEASED.store(true, Ordering::SeqCst);
        let caught_up = within(Duration::from_secs(20), || !status_receiver.borrow().search_pending);
        assert!(caught_up.is_some(), "the index caught up");
        sender.send(Message::Stop).unwrap();
        thread.join().unwrap();
    }
}
