//! Watching the sources: `content/`, `templates/`, `static/` and `book.toml`.
//!
//! In: the site root and the output folder. Out: messages on a channel naming the source paths
//! that changed, as soon as the kernel reports them, with editors' noise (swap, backup and
//! temporary files, reads, the output folder) filtered out. Each path says whether its event ends
//! a save (the file closed after writing, or renamed into place: its content is whole) or may be
//! followed by more (a write still open, a deletion that an editor follows with the new file);
//! the builder rebuilds at once after the first kind and waits for the second to settle.

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind, RenameMode};
use notify::{self, RecommendedWatcher, RecursiveMode, Watcher as _};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;

/// The folders of sources, watched recursively.
pub(crate) const SOURCE_DIRS: [&str; 3] = ["content", "templates", "static"];

/// One source path that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// Absolute.
    pub path: PathBuf,
    /// Whether the event ends a save: the file was closed after writing or renamed into place.
    pub complete: bool,
}

/// What the builder hears: from the watcher, the search thread and the server.
pub(crate) enum Message {
    /// Source paths that changed, in the order of their events.
    Changed(Vec<Change>),
    /// The search thread finished an index of the pages as they were at `version`.
    Indexed { version: u64, bundle: Result<super::session::SearchBundle, String>, elapsed: std::time::Duration },
    /// The server is stopping.
    Stop,
}

pub(crate) struct Watcher {
    watcher: RecommendedWatcher,
    root: PathBuf,
    watched: Vec<PathBuf>,
}

impl Watcher {
    /// Starts watching; `root` and `output` must be absolute (and `root` canonical, since
    /// notify reports the paths it was given joined with the names of what changed).
    pub(crate) fn start(root: &Path, output: &Path, sender: Sender<Message>) -> Result<Watcher, String> {
        let filter = Filter { root: root.to_path_buf(), output: output.to_path_buf() };
        // Called on notify's thread for each event, in order.
        let handler = move |result: notify::Result<notify::Event>| match result {
            Ok(event) => {
                let changed = changes(&filter, &event);
                if !changed.is_empty() {
                    let _ = sender.send(Message::Changed(changed));
                }
            }
            Err(error) => eprintln!("warning: watching the sources: {error}"),
        };
        let watcher = notify::recommended_watcher(handler).map_err(|e| format!("cannot watch the sources: {e}"))?;
        let mut watcher = Watcher { watcher, root: root.to_path_buf(), watched: Vec::new() };
        // The root itself, not recursively: `book.toml` (editors replace it by renaming, which a
        // watch on the file itself would lose) and source folders created after the start.
        watcher
            .watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch `{}`: {e}", root.display()))?;
        watcher.watch_sources();
        Ok(watcher)
    }

    /// Watches the source folders that exist and are not watched yet (again, when one was
    /// deleted and made anew).
    pub(crate) fn watch_sources(&mut self) {
        for name in SOURCE_DIRS {
            let dir = self.root.join(name);
            let exists = dir.is_dir();
            let watched = self.watched.contains(&dir);
            if exists && !watched {
                match self.watcher.watch(&dir, RecursiveMode::Recursive) {
                    Ok(()) => self.watched.push(dir),
                    Err(e) => eprintln!("warning: cannot watch `{}`: {e}", dir.display()),
                }
            } else if !exists && watched {
                let _ = self.watcher.unwatch(&dir);
                self.watched.retain(|d| d != &dir);
            }
        }
    }

    /// Whether a change touched a source folder itself (made, deleted or renamed).
    pub(crate) fn touches_source_dir(&self, paths: &[PathBuf]) -> bool {
        paths.iter().any(|p| SOURCE_DIRS.iter().any(|name| *p == self.root.join(name)))
    }
}

/// The source paths an event changed.
fn changes(filter: &Filter, event: &notify::Event) -> Vec<Change> {
    let mut changed = Vec::new();
    if event.need_rescan() {
        // The kernel dropped events: anything may have changed.
        changed.push(Change { path: filter.root.join("content"), complete: false });
    }
    if !is_change(&event.kind) {
        return changed;
    }
    let last = event.paths.len().saturating_sub(1);
    for (i, path) in event.paths.iter().enumerate() {
        if filter.relevant(path) {
            changed.push(Change { path: path.clone(), complete: completes(&event.kind, i == last) });
        }
    }
    changed
}

/// Whether an event leaves the file whole: closed after writing, or renamed into place (for a
/// rename with both paths, the last is where it went). Anything else (a write still open, a file
/// created empty, a deletion or a rename away that a new file may follow) waits for more.
fn completes(kind: &EventKind, last_path: bool) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Modify(ModifyKind::Name(RenameMode::To)) => true,
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => last_path,
        _ => false,
    }
}

/// Whether an event can change the site: reads and opens cannot (the build itself reads every
/// source, which must not start another build).
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

struct Filter {
    root: PathBuf,
    output: PathBuf,
}

impl Filter {
    /// Whether a path is a source of the site (and not an editor's temporary file).
    fn relevant(&self, path: &Path) -> bool {
        if path.starts_with(&self.output) {
            return false;
        }
        let Ok(rel) = path.strip_prefix(&self.root) else { return false };
        let parts: Vec<&str> = rel
            .components()
            .map(|c| match c {
                Component::Normal(name) => name.to_str().unwrap_or(""),
                _ => "",
            })
            .collect();
        match parts.as_slice() {
            [] => false,
            ["book.toml"] => true,
            [first] => SOURCE_DIRS.contains(first),
            [first, folders @ .., name] if SOURCE_DIRS.contains(first) => {
                folders.iter().all(|folder| !folder.is_empty() && !folder.starts_with('.'))
                    && (!is_scratch(name) || (is_probe(name) && path.is_dir()))
            }
            _ => false,
        }
    }
}

/// Names of hidden files and of the files editors write beside the one being saved.
pub(crate) fn is_scratch(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.is_empty()
        // Hidden: `.git`, `.DS_Store`, vim's `.x.md.swp`, emacs's `.#x.md`, gedit's `.goutputstream-*`.
        || name.starts_with('.')
        // Backups: vim and emacs `x.md~`, emacs autosave `#x.md#`.
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || is_probe(name)
        // JetBrains' safe write.
        || name.contains("___jb_tmp___")
        || name.contains("___jb_old___")
        || [".swp", ".swx", ".swo", ".tmp", ".temp", ".bak", ".crdownload", ".part", ".kate-swp"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

/// vim checks that it may write in a folder by creating and deleting `4913` (or another number).
fn is_probe(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_files_are_ignored() {
        for name in [".msc.md.swp", "msc.md~", "4913", "#msc.md#", ".#msc.md", "msc.md.tmp", "msc.md___jb_tmp___"] {
            assert!(is_scratch(name), "{name}");
        }
        for name in ["msc.md", "site.css", "base.html", "2024-report.md"] {
            assert!(!is_scratch(name), "{name}");
        }
    }

    #[test]
    fn only_sources_are_relevant() {
        let filter = Filter { root: PathBuf::from("/site"), output: PathBuf::from("/site/book") };
        assert!(filter.relevant(Path::new("/site/book.toml")));
        assert!(filter.relevant(Path::new("/site/content/cells/msc.md")));
        assert!(filter.relevant(Path::new("/site/static/css/site.css")));
        assert!(filter.relevant(Path::new("/site/content")));
        assert!(!filter.relevant(Path::new("/site/book/index.html")));
        assert!(!filter.relevant(Path::new("/site/.git/index")));
        assert!(!filter.relevant(Path::new("/site/content/.git/x")));
        assert!(!filter.relevant(Path::new("/site/content/cells/.msc.md.swp")));
        assert!(!filter.relevant(Path::new("/site/notes.md")));
        assert!(!filter.relevant(Path::new("/elsewhere/content/x.md")));
        assert!(!filter.relevant(Path::new("/site/content/4913")));
        assert!(filter.relevant(Path::new("/site/content/news/2024/x.md")), "numbered folders are fine");
    }

    #[test]
    fn closing_and_renaming_into_place_end_a_save() {
        use notify::event::{CreateKind, DataChange, RemoveKind};
        assert!(completes(&EventKind::Access(AccessKind::Close(AccessMode::Write)), true));
        assert!(completes(&EventKind::Modify(ModifyKind::Name(RenameMode::To)), true));
        assert!(completes(&EventKind::Modify(ModifyKind::Name(RenameMode::Both)), true));
        assert!(!completes(&EventKind::Modify(ModifyKind::Name(RenameMode::Both)), false), "where it came from");
        assert!(!completes(&EventKind::Modify(ModifyKind::Name(RenameMode::From)), true));
        assert!(!completes(&EventKind::Modify(ModifyKind::Data(DataChange::Any)), true), "still open");
        assert!(!completes(&EventKind::Create(CreateKind::File), true));
        assert!(!completes(&EventKind::Remove(RemoveKind::File), true));
    }

    #[test]
    fn an_atomic_save_names_the_page_as_complete() {
        let filter = Filter { root: PathBuf::from("/site"), output: PathBuf::from("/site/book") };
        let event = notify::Event::new(EventKind::Modify(ModifyKind::Name(RenameMode::Both)))
            .add_path(PathBuf::from("/site/content/.msc.md.tmp123"))
            .add_path(PathBuf::from("/site/content/msc.md"));
        assert_eq!(
            changes(&filter, &event),
            vec![Change { path: PathBuf::from("/site/content/msc.md"), complete: true }]
        );
    }

    #[test]
    fn reads_are_not_changes() {
        assert!(!is_change(&EventKind::Access(AccessKind::Open(AccessMode::Any))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Any)));
    }
}
