//! Syntax highlighting of fenced code blocks at build time, with syntect in CSS-class mode.
//!
//! In: a code block's language tag and text. Out: HTML whose spans carry `hl-` classes, and the
//! two stylesheets (light and dark) that colour them. The syntax set is loaded once per process.
//!
//! syntect's regex search is most of the cost of highlighting, and code blocks repeat lines
//! (imports, braces, shell prompts): each thread remembers how it parsed a line from a given
//! parser state and reuses that parse when the same line comes in the same state. A line's parse
//! depends only on the two, so the output is the same as without the memo.

use crate::html::escape;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ParsingError, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// A code block as HTML: highlighted when the language is known, escaped text otherwise.
pub(crate) fn code_block(lang: &str, code: &str) -> String {
    let lang = lang.split([',', ' ']).next().unwrap_or("").trim();
    let set = syntaxes();
    let syntax = (!lang.is_empty()).then(|| set.find_syntax_by_token(lang)).flatten();
    let body = match syntax.map(|syntax| classed_html(syntax, set, code)) {
        Some(Ok(body)) => body,
        _ => return plain(lang, code),
    };
    format!("<pre class=\"code\"><code class=\"language-{}\">{body}</code></pre>\n", escape(lang))
}

/// The code as spans with `hl-` classes (what syntect's `ClassedHTMLGenerator` makes, with the
/// line parses going through the memo).
fn classed_html(syntax: &SyntaxReference, set: &SyntaxSet, code: &str) -> Result<String, syntect::Error> {
    let mut state = ParseState::new(syntax);
    let mut scopes = ScopeStack::new();
    let mut html = String::with_capacity(code.len() * 3);
    let mut open_spans = 0;
    for line in LinesWithEndings::from(code) {
        let ops = parse_line(&mut state, line, set)?;
        let (spans, delta) = line_tokens_to_classed_spans(line, &ops, STYLE, &mut scopes)?;
        open_spans += delta;
        html.push_str(&spans);
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    Ok(html)
}

/// One line's parse: the state it started in, the scope operations, the state it left.
struct Parsed {
    before: ParseState,
    ops: Vec<(usize, ScopeStackOp)>,
    after: ParseState,
}

/// Lines remembered per thread before the memo starts again (a few MB).
const MEMO_LINES: usize = 20_000;
/// Parses remembered per line text (`}` closes blocks in many states).
const MEMO_STATES: usize = 8;

thread_local! {
    static MEMO: RefCell<HashMap<String, Vec<Parsed>>> = RefCell::new(HashMap::new());
}

/// `state.parse_line(line)`, from the memo when this line was parsed from this state before.
fn parse_line(state: &mut ParseState, line: &str, set: &SyntaxSet) -> Result<Vec<(usize, ScopeStackOp)>, ParsingError> {
    MEMO.with_borrow_mut(|memo| {
        if let Some(hit) = memo.get(line).and_then(|parses| parses.iter().find(|p| p.before == *state)) {
            *state = hit.after.clone();
            return Ok(hit.ops.clone());
        }
        let before = state.clone();
        let ops = state.parse_line(line, set)?;
        if memo.len() >= MEMO_LINES {
            memo.clear();
        }
        let parses = memo.entry(line.to_string()).or_default();
        if parses.len() < MEMO_STATES {
            parses.push(Parsed { before, ops: ops.clone(), after: state.clone() });
        }
        Ok(ops)
    })
}

fn plain(lang: &str, code: &str) -> String {
    let class = if lang.is_empty() { String::new() } else { format!(" class=\"language-{}\"", escape(lang)) };
    format!("<pre class=\"code\"><code{class}>{}</code></pre>\n", escape(code))
}

/// The light and the dark stylesheet for the highlighting classes.
pub(crate) fn stylesheets() -> (String, String) {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str| css_for_theme_with_class_style(&themes.themes[name], STYLE).unwrap_or_default();
    (css("InspiredGitHub"), css("base16-ocean.dark"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes() {
        let html = code_block("rust", "fn main() {}\n");
        assert!(html.contains("class=\"hl-"), "{html}");
    }

    #[test]
    fn a_remembered_line_is_highlighted_by_the_state_it_comes_in() {
        // `x = 1` is code in the first block and inside a string in the second: the memo must
        // not hand the second the first's parse.
        let code = code_block("python", "x = 1\n");
        let in_string = code_block("python", "s = \"\"\"\nx = 1\n\"\"\"\n");
        let line = |html: &str, text: &str| html.lines().find(|l| l.contains(text)).unwrap_or_default().to_string();
        assert!(line(&code, "x").contains("hl-keyword") || line(&code, "x").contains("hl-constant"), "{code}");
        assert!(line(&in_string, "x = 1").contains("hl-string"), "{in_string}");
        assert!(!line(&in_string, "x = 1").contains("hl-constant"), "{in_string}");
        // And the same block twice (the second from the memo) is the same HTML.
        assert_eq!(code_block("python", "s = \"\"\"\nx = 1\n\"\"\"\n"), in_string);
    }

    #[test]
    fn unknown_languages_are_escaped() {
        assert_eq!(
            code_block("nope", "<b>"),
            "<pre class=\"code\"><code class=\"language-nope\">&lt;b&gt;</code></pre>\n"
        );
    }
}
