//! The search index's parsed pages of the previous build, kept beside the output, so that a
//! build over that output parses only the documents that changed.
//!
//! In: the output folder, and each document's URL and HTML. Out: the page pagefind made of a
//! document the previous build indexed (pagefind patch 13's `ReducedPage`, as bytes); and, for the
//! next build, a file of this build's pages. The file is `.{output}.cellbook-search` beside the
//! output folder (kept out of it, so that it is never published): a header with the format and
//! the binary (as [`crate::fingerprint`] identifies it: a rebuilt cellbook, whose pagefind may
//! parse differently, trusts none of it), then each document's key (the SHA-256 of its URL and
//! HTML), a digest of its page (a page damaged on disk is not used) and the page. pagefind
//! parses a document the same way every time, so a page found by its key is the page parsing
//! would give: a build that reuses pages writes the same index as one that parses everything
//! (tests/rebuild.rs compares them). A file that is damaged, cut short or not cellbook's is not
//! used (and one that is not cellbook's is left as it is).

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// What the file starts with, before the binary's identity and a newline.
const MAGIC: &[u8] = b"cellbook search pages 1\n";

/// The bytes of an entry before its page: key, digest of the page, length of the page.
const ENTRY_HEAD: usize = 32 + DIGEST + 4;

/// How many bytes of a page's SHA-256 are kept to check it.
const DIGEST: usize = 16;

/// A document's key: the SHA-256 of its URL and HTML.
pub(crate) type Key = [u8; 32];

/// The key of a document.
pub(crate) fn key(url: &str, html: &str) -> Key {
    let mut hash = Sha256::new();
    hash.update((url.len() as u64).to_le_bytes());
    hash.update(url);
    hash.update(html);
    hash.finalize().into()
}

/// The kept pages of the previous build (none when there are none to trust).
#[derive(Default)]
pub(crate) struct Kept {
    bytes: Vec<u8>,
    pages: HashMap<Key, Range<usize>>,
}

impl Kept {
    /// The pages of the file at `path`, when it was written by this binary.
    pub(crate) fn load(path: &Path) -> Kept {
        let (Some(header), Ok(bytes)) = (header(), fs::read(path)) else { return Kept::default() };
        let Some(body) = bytes.strip_prefix(header.as_slice()) else { return Kept::default() };
        let mut pages = HashMap::new();
        let mut at = header.len();
        let mut rest = body;
        // Each entry: key, digest, length (u32, little-endian), page. A cut entry ends the reading.
        while rest.len() >= ENTRY_HEAD {
            let key: Key = rest[..32].try_into().expect("32 bytes");
            let len = u32::from_le_bytes(rest[ENTRY_HEAD - 4..ENTRY_HEAD].try_into().expect("4 bytes")) as usize;
            if rest.len() - ENTRY_HEAD < len {
                break;
            }
            pages.insert(key, at + 32..at + ENTRY_HEAD + len);
            at += ENTRY_HEAD + len;
            rest = &rest[ENTRY_HEAD + len..];
        }
        Kept { bytes, pages }
    }

    /// Whether no page is kept.
    pub(crate) fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// The kept page of the document with this key, if it is as it was written.
    pub(crate) fn get(&self, key: &Key) -> Option<Entry<'_>> {
        let entry = &self.bytes[self.pages.get(key)?.clone()];
        let (digest, page) = (&entry[..DIGEST], &entry[DIGEST + 4..]);
        let kept = Entry::new(page);
        (digest == kept.digest).then_some(kept)
    }
}

/// A page as the file keeps it: its bytes and their digest.
#[derive(Clone, Copy)]
pub(crate) struct Entry<'a> {
    digest: [u8; DIGEST],
    /// The page, as pagefind's `ReducedPage::to_bytes` wrote it.
    pub(crate) page: &'a [u8],
}

impl<'a> Entry<'a> {
    /// A page and its digest.
    pub(crate) fn new(page: &'a [u8]) -> Self {
        let digest = Sha256::digest(page)[..DIGEST].try_into().expect("a SHA-256 is longer");
        Entry { digest, page }
    }
}

/// The file of this build's pages, written as the documents are indexed, and put in place of
/// the previous one when the index is built.
pub(crate) struct Keeper {
    file: BufWriter<fs::File>,
    temporary: PathBuf,
    path: PathBuf,
}

impl Keeper {
    /// Starts the file at `path` (written beside it first). `None` when there is a file there
    /// that is not cellbook's, or the binary cannot be identified, or the file cannot be made.
    pub(crate) fn create(path: &Path) -> Option<Keeper> {
        let header = header()?;
        if path.symlink_metadata().is_ok() && !starts_with(path, MAGIC) {
            return None;
        }
        let name = path.file_name()?.to_string_lossy();
        remove_stale(path, &name);
        let temporary = path.with_file_name(format!("{name}.{}", std::process::id()));
        let mut file = BufWriter::new(fs::File::create(&temporary).ok()?);
        match file.write_all(&header) {
            Ok(()) => Some(Keeper { file, temporary, path: path.to_path_buf() }),
            Err(_) => {
                let _ = fs::remove_file(&temporary);
                None
            }
        }
    }

    /// Adds a document's page.
    pub(crate) fn add(&mut self, key: &Key, entry: Entry<'_>) -> io::Result<()> {
        let len = u32::try_from(entry.page.len()).map_err(io::Error::other)?;
        self.file.write_all(key)?;
        self.file.write_all(&entry.digest)?;
        self.file.write_all(&len.to_le_bytes())?;
        self.file.write_all(entry.page)
    }

    /// Puts the file in place of the previous one.
    pub(crate) fn finish(self) -> io::Result<()> {
        let file = self.file.into_inner().map_err(io::IntoInnerError::into_error)?;
        drop(file);
        fs::rename(&self.temporary, &self.path).inspect_err(|_| {
            let _ = fs::remove_file(&self.temporary);
        })
    }

    /// Removes the file being written (the build failed, or the file could not be written).
    pub(crate) fn abandon(self) {
        drop(self.file);
        let _ = fs::remove_file(&self.temporary);
    }
}

/// Removes the files a killed build left half written beside `path` (`{name}.{process id}`):
/// only those that start as cellbook writes them.
fn remove_stale(path: &Path, name: &str) {
    let Some(Ok(entries)) = path.parent().map(fs::read_dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file_name.strip_prefix(name).and_then(|rest| rest.strip_prefix('.')) else { continue };
        if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && starts_with(&entry.path(), MAGIC) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Where the pages of a build into `output` are kept: `.{name}.cellbook-search` beside it.
pub(crate) fn path_for(output: &Path) -> Option<PathBuf> {
    let name = output.file_name()?.to_string_lossy();
    Some(output.with_file_name(format!(".{name}.cellbook-search")))
}

/// The file's header for this binary.
fn header() -> Option<Vec<u8>> {
    let binary = crate::fingerprint::binary()?;
    Some([MAGIC, binary.as_bytes(), b"\n"].concat())
}

/// Whether the file at `path` starts with `prefix`.
fn starts_with(path: &Path, prefix: &[u8]) -> bool {
    use std::io::Read;
    let mut start = vec![0; prefix.len()];
    fs::File::open(path).and_then(|mut f| f.read_exact(&mut start)).is_ok() && start == prefix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_found_by_key_and_damaged_or_cut_ones_are_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_for(&dir.path().join("book")).unwrap();
        assert_eq!(path.file_name().unwrap(), ".book.cellbook-search");
        let mut keeper = Keeper::create(&path).unwrap();
        keeper.add(&key("/a/", "<p>a</p>"), Entry::new(b"page a")).unwrap();
        keeper.add(&key("/b/", "<p>b</p>"), Entry::new(b"page b")).unwrap();
        keeper.finish().unwrap();
        let kept = Kept::load(&path);
        assert_eq!(kept.get(&key("/a/", "<p>a</p>")).map(|e| e.page), Some(&b"page a"[..]));
        assert_eq!(kept.get(&key("/b/", "<p>b</p>")).map(|e| e.page), Some(&b"page b"[..]));
        assert!(kept.get(&key("/b/", "<p>B</p>")).is_none());
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        let kept = Kept::load(&path);
        assert!(kept.get(&key("/a/", "<p>a</p>")).is_some());
        assert!(kept.get(&key("/b/", "<p>b</p>")).is_none());
        // A page changed on disk is not used.
        let mut damaged = bytes.clone();
        let at = damaged.windows(6).position(|w| w == b"page a").unwrap();
        damaged[at] = b'P';
        fs::write(&path, &damaged).unwrap();
        let kept = Kept::load(&path);
        assert!(kept.get(&key("/a/", "<p>a</p>")).is_none());
        assert_eq!(kept.get(&key("/b/", "<p>b</p>")).map(|e| e.page), Some(&b"page b"[..]));
    }

    #[test]
    fn a_file_a_killed_build_left_half_written_is_removed_and_no_other() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_for(&dir.path().join("book")).unwrap();
        let left = dir.path().join(".book.cellbook-search.4242");
        fs::write(&left, [MAGIC, b"half"].concat()).unwrap();
        let others = [".book.cellbook-search.17", ".book.cellbook-search.notes", "book.cellbook-search.5"];
        for other in others {
            fs::write(dir.path().join(other), "someone's").unwrap();
        }
        Keeper::create(&path).unwrap().finish().unwrap();
        assert!(!left.exists());
        assert!(others.iter().all(|other| dir.path().join(other).is_file()));
    }

    #[test]
    fn a_file_that_is_not_cellbooks_is_neither_read_nor_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_for(&dir.path().join("book")).unwrap();
        fs::write(&path, "someone's notes").unwrap();
        assert!(Kept::load(&path).pages.is_empty());
        assert!(Keeper::create(&path).is_none());
        assert_eq!(fs::read_to_string(&path).unwrap(), "someone's notes");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "nothing else was written");
    }
}
