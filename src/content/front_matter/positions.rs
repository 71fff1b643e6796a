//! Where the keys and values of a front matter (or a trial record) are written.
//!
//! In: the YAML of a split file, and the keys and values its parser read, in their order. Out:
//! [`Positions`], kept with what was parsed, so that validation and `check` report
//! `path:line:col` without reading the file again. yaml_serde gives positions only with its
//! errors, so the place of each key is the next top-level line that gives it, and the place of a
//! value is found among its key's lines, after the values read before it: a key or a value given
//! twice is found at its second place, not at its first.

use super::Split;
use crate::diagnostics::LineIndex;

/// A 1-based (line, column) in the source file.
pub(crate) type Pos = (usize, usize);

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Positions {
    /// Each key read, in the order of the file.
    keys: Vec<(String, Pos)>,
    /// (key, value, place) of the values diagnostics may point at, in the order of the file.
    values: Vec<(String, String, Pos)>,
}

impl Positions {
    /// Where `key` is written; the first line when it is not.
    pub fn key(&self, key: &str) -> Pos {
        self.keys.iter().find(|(k, _)| k == key).map_or((1, 1), |(_, at)| *at)
    }

    /// Where `value` is written under `key` for the `nth` time (from 0); its key's place when the
    /// text does not show it as it was read (YAML folded it into another value, or unescaped it).
    pub fn value(&self, key: &str, value: &str, nth: usize) -> Pos {
        let found = self.values.iter().filter(|(k, v, _)| k == key && v == value).nth(nth);
        found.map_or_else(|| self.key(key), |(_, _, at)| *at)
    }
}

/// Finds the top-level keys of a YAML text in the order a parser reads them.
pub(crate) struct KeyLines<'a> {
    yaml: &'a str,
    /// Where the search for the next key starts.
    from: usize,
    /// The keys read so far, with their byte offsets (`None`: not on a line of its own).
    found: Vec<(String, Option<usize>)>,
    /// Whether the value of the last key is being read.
    reading: bool,
}

impl<'a> KeyLines<'a> {
    pub(crate) fn new(yaml: &'a str) -> Self {
        KeyLines { yaml, from: 0, found: Vec::new(), reading: false }
    }

    /// Records `key` at the next top-level line that gives it.
    pub(crate) fn read(&mut self, key: &str) {
        self.reading = true;
        let mut offset = self.from;
        for line in self.yaml[self.from..].split_inclusive('\n') {
            if top_level_key(line) == Some(key) {
                self.found.push((key.to_string(), Some(offset)));
                self.from = offset + line.len();
                return;
            }
            offset += line.len();
        }
        self.found.push((key.to_string(), None));
    }

    /// Marks the mapping as read: no key's value is being read any more.
    pub(crate) fn finish(&mut self) {
        self.reading = false;
    }

    /// The place of the key whose value is being read; before the parser read any, the first
    /// place of `metered` (the key the alias meter, which reads first, stopped at).
    pub(crate) fn current(&self, split: &Split<'_>, metered: &str) -> Option<Pos> {
        let offset = if self.reading {
            self.found.last()?.1?
        } else if metered.is_empty() {
            return None;
        } else {
            let mut first = KeyLines::new(self.yaml);
            first.read(metered);
            first.found.last()?.1?
        };
        let (line, col) = LineIndex::new(split.yaml).position(offset);
        Some((line + split.yaml_line - 1, col))
    }

    /// The positions of the keys read and of their values: `values(key)` gives a key's values as
    /// the parser read them, in groups (one a list item); the values of a group may come in any
    /// order, the groups in the order of the file.
    pub(crate) fn positions<'v>(&self, split: &Split<'_>, values: impl Fn(&str) -> Vec<Vec<&'v str>>) -> Positions {
        let lines = LineIndex::new(split.yaml);
        let at = |offset: usize| {
            let (line, col) = lines.position(offset);
            (line + split.yaml_line - 1, col)
        };
        let mut positions = Positions::default();
        for (i, (key, start)) in self.found.iter().enumerate() {
            let Some(start) = start else { continue };
            positions.keys.push((key.clone(), at(*start)));
            let end = self.found[i + 1..].iter().find_map(|(_, next)| *next).unwrap_or(self.yaml.len());
            // A value starts after the `:` of its key.
            let mut cursor = self.yaml[*start..end].find(':').map_or(end, |colon| start + colon + 1);
            for group in values(key) {
                let mut furthest = cursor;
                for value in group.into_iter().filter(|v| !v.is_empty()) {
                    if let Some(offset) = find_token(&self.yaml[cursor..end], value).map(|i| cursor + i) {
                        positions.values.push((key.clone(), value.to_string(), at(offset)));
                        furthest = furthest.max(offset + value.len());
                    }
                }
                cursor = furthest;
            }
        }
        positions
    }
}

/// The key a top-level `key: value` line gives, unquoted.
fn top_level_key(line: &str) -> Option<&str> {
    let top_level = !line.starts_with([' ', '\t', '-', '#']) && !line.trim().is_empty();
    top_level.then(|| line.split(':').next().unwrap_or("").trim().trim_matches(['"', '\'']))
}

/// Byte offset of `token` in `text` where it is not part of a longer word.
fn find_token(text: &str, token: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    text.match_indices(token).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back().is_none_or(|c| !is_word(c));
        let after = text[i + token.len()..].chars().next().is_none_or(|c| !is_word(c));
        before && after
    })
}
