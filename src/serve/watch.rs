//! Watching the sources: `content/`, `templates/`, `static/` and `book.toml`.
//!
//! In: the site root and the output folder. Out: messages on a channel naming the source paths
//! that changed, with editors' noise (swap, backup and temporary files, reads, the output folder)
//! filtered out. notify's events go through notify-debouncer-full first; the builder then waits
//! for the stream to go quiet, so one save, however many events it makes, is one rebuild.

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// How long a path must stay quiet before notify-debouncer-full reports it.
pub const DEBOUNCE: Duration = Duration::from_millis(80);

/// The folders of sources, watched recursively.
pub const SOURCE_DIRS: [&str; 3] = ["content", "templates", "static"];

/// What the watcher sends to the builder.
#[derive(Debug)]
pub enum Message {
    /// Source paths that changed (absolute).
    Changed(Vec<PathBuf>),
    /// The server is stopping.
    Stop,
}

pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: Vec<PathBuf>,
}

impl Watcher {
    /// Starts watching; `root` and `output` must be absolute (and `root` canonical, since
    /// notify reports the paths it was given joined with the names of what changed).
    pub fn start(root: &Path, output: &Path, sender: Sender<Message>) -> Result<Watcher, String> {
        let filter = Filter { root: root.to_path_buf(), output: output.to_path_buf() };
        let handler = move |result: DebounceEventResult| match result {
            Ok(events) => {
                let mut changed = Vec::new();
                for event in &events {
                    if event.need_rescan() {
                        // The kernel dropped events: anything may have changed.
                        changed.push(filter.root.join("content"));
                    }
                    if !is_change(&event.kind) {
                        continue;
                    }
                    changed.extend(event.paths.iter().filter(|p| filter.relevant(p)).cloned());
                }
                if !changed.is_empty() {
                    let _ = sender.send(Message::Changed(changed));
                }
            }
            Err(errors) => {
                for error in errors {
                    eprintln!("warning: watching the sources: {error}");
                }
            }
        };
        let debouncer = new_debouncer(DEBOUNCE, Some(DEBOUNCE / 4), handler)
            .map_err(|e| format!("cannot watch the sources: {e}"))?;
        let mut watcher = Watcher { debouncer, root: root.to_path_buf(), watched: Vec::new() };
        // The root itself, not recursively: `book.toml` (editors replace it by renaming, which a
        // watch on the file itself would lose) and source folders created after the start.
        watcher
            .debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch `{}`: {e}", root.display()))?;
        watcher.watch_sources();
        Ok(watcher)
    }

    /// Watches the source folders that exist and are not watched yet (again, when one was
    /// deleted and made anew).
    pub fn watch_sources(&mut self) {
        for name in SOURCE_DIRS {
            let dir = self.root.join(name);
            let exists = dir.is_dir();
            let watched = self.watched.contains(&dir);
            if exists && !watched {
                match self.debouncer.watch(&dir, RecursiveMode::Recursive) {
                    Ok(()) => self.watched.push(dir),
                    Err(e) => eprintln!("warning: cannot watch `{}`: {e}", dir.display()),
                }
            } else if !exists && watched {
                let _ = self.debouncer.unwatch(&dir);
                self.watched.retain(|d| d != &dir);
            }
        }
    }

    /// Whether a change touched a source folder itself (made, deleted or renamed).
    pub fn touches_source_dir(&self, paths: &[PathBuf]) -> bool {
        paths.iter().any(|p| SOURCE_DIRS.iter().any(|name| *p == self.root.join(name)))
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
pub fn is_scratch(name: &str) -> bool {
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
    fn reads_are_not_changes() {
        assert!(!is_change(&EventKind::Access(AccessKind::Open(AccessMode::Any))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Any)));
    }
}
