//! Diagnostics: every problem cellbook finds in a site, as `path:line:col: message`.
//!
//! In: a file path, a position and a message from any stage. Out: findings that print the same way
//! in a terminal, as GitHub annotations or as JSON, and that are collected for a whole build so an
//! editor sees every error at once rather than only the first.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a finding is: errors fail a build, warnings are printed and the build goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One finding, tied to a place in a source file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, relative to the site root where possible.
    pub path: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
    pub message: String,
}

impl Diagnostic {
    pub(crate) fn error(path: impl Into<PathBuf>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, path: path.into(), line, col, message: message.into() }
    }

    pub(crate) fn warning(path: impl Into<PathBuf>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(path, line, col, message) }
    }

    /// Adds "did you mean `x`?" to the message when a near match exists.
    pub(crate) fn with_hint(mut self, hint: Option<String>) -> Self {
        self.message = with_hint(self.message, hint);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `::error file=...,line=...,col=...::message`, GitHub's workflow-command annotation.
    pub fn github(&self) -> String {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let message = self.message.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
        format!("::{kind} file={},line={},col={}::{message}", self.path.display(), self.line.max(1), self.col.max(1))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}:{}:{}: {kind}: {}", self.path.display(), self.line.max(1), self.col.max(1), self.message)
    }
}

/// A problem at a position of a file the caller names: the stages that read one file (front
/// matter, a Markdown body, a trial record) return these, and the caller makes them diagnostics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Problem {
    pub(crate) fn new(line: usize, col: usize, message: impl Into<String>) -> Self {
        Problem { line, col, message: message.into() }
    }

    /// Adds "did you mean `x`?" to the message when a near match exists.
    pub(crate) fn with_hint(mut self, hint: Option<String>) -> Self {
        self.message = with_hint(self.message, hint);
        self
    }

    /// The problem as an error in `path`.
    pub(crate) fn error_in(self, path: impl Into<PathBuf>) -> Diagnostic {
        Diagnostic::error(path, self.line, self.col, self.message)
    }
}

/// `message` with "; did you mean `hint`?" when there is a hint.
pub(crate) fn with_hint(message: String, hint: Option<String>) -> String {
    match hint {
        Some(hint) => format!("{message}; did you mean `{hint}`?"),
        None => message,
    }
}

/// The findings of one run, sorted by file and position when printed.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(more);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// The findings in a stable order (path, line, column, message), duplicates removed.
    pub(crate) fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| (&a.path, a.line, a.col, &a.message).cmp(&(&b.path, b.line, b.col, &b.message)));
        self.items.dedup();
        self.items
    }
}

/// The error a whole run ends with: either diagnostics tied to files, or a failure outside the
/// site's content (the disk, the network, a thread) with the error that caused it, when there is one.
#[derive(Debug)]
pub enum Failure {
    Diagnostics(Vec<Diagnostic>),
    Other {
        /// What cellbook was doing, e.g. "cannot write the site to `book/`".
        doing: String,
        /// The underlying error, kept for [`std::error::Error::source`].
        cause: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl Failure {
    /// A failure with no underlying error: the message says it all.
    pub(crate) fn other(doing: impl Into<String>) -> Failure {
        Failure::Other { doing: doing.into(), cause: None }
    }

    /// `doing` failed because of `cause`; shown as "doing: cause".
    pub(crate) fn caused(
        doing: impl Into<String>,
        cause: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Failure {
        Failure::Other { doing: doing.into(), cause: Some(cause.into()) }
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Failure::Other { cause: Some(cause), .. } => Some(cause.as_ref()),
            _ => None,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Diagnostics(items) => {
                for item in items {
                    writeln!(f, "{item}")?;
                }
                let errors = items.iter().filter(|d| d.is_error()).count();
                write!(f, "{errors} error{}", if errors == 1 { "" } else { "s" })
            }
            Failure::Other { doing, cause: None } => f.write_str(doing),
            Failure::Other { doing, cause: Some(cause) } => write!(f, "{doing}: {cause}"),
        }
    }
}

impl From<Diagnostics> for Failure {
    fn from(diagnostics: Diagnostics) -> Self {
        Failure::Diagnostics(diagnostics.sorted())
    }
}

/// Maps byte offsets in a text to 1-based line and character columns.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { text, starts }
    }

    /// (line, column) of a byte offset, both 1-based.
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let start = self.starts[line];
        let col = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

/// The nearest candidate to `wrong` by edit distance, if it is close enough to be a likely typo.
pub(crate) fn suggest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(wrong, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_string())
}

/// A path as shown to users: relative to `root` when it is inside it.
pub(crate) fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let index = LineIndex::new("ab\n细胞x\n");
        assert_eq!(index.position(0), (1, 1));
        assert_eq!(index.position(3), (2, 1));
        assert_eq!(index.position(9), (2, 3));
    }

    #[test]
    fn suggests_near_terms_only() {
        let terms = ["msc-bone-marrow", "msc-adipose", "hsc"];
        assert_eq!(suggest("msc-bonemarrow", terms).as_deref(), Some("msc-bone-marrow"));
        assert_eq!(suggest("zebra", terms), None);
    }

    #[test]
    fn a_failure_outside_the_content_keeps_its_cause() {
        let cause = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied");
        let failure = Failure::caused("cannot write the site to `book`", cause);
        assert_eq!(failure.to_string(), "cannot write the site to `book`: permission denied");
        let source = std::error::Error::source(&failure).expect("the cause is kept");
        let io = source.downcast_ref::<std::io::Error>().expect("as the io::Error it was");
        assert_eq!(io.kind(), std::io::ErrorKind::PermissionDenied);
        assert!(std::error::Error::source(&Failure::other("the search indexer failed")).is_none());
    }
}
