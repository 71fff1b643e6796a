//! Syntax highlighting of fenced code blocks at build time, with syntect in CSS-class mode.
//!
//! In: a code block's language tag and text. Out: HTML whose spans carry `hl-` classes, and the
//! two stylesheets (light and dark) that colour them. The syntax set is loaded once per process.
//!
//! syntect's regex search is most of the cost of highlighting, and code blocks repeat lines
//! (imports, braces, shell prompts): each thread remembers how it highlighted a line from a given
//! parser state and scope stack, and reuses that line's HTML when the same line comes in the same
//! state and stack. A line's parse depends only on the line and the parser state, and its spans
//! only on the parse and the stack, so the output is the same as without the memo.

use crate::html::escape;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
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
    let Some(syntax) = (!lang.is_empty()).then(|| set.find_syntax_by_token(lang)).flatten() else {
        return plain(lang, code);
    };
    let open = format!("<pre class=\"code\"><code class=\"language-{}\">", escape(lang));
    match classed_html(syntax, set, code, open) {
        Ok(mut html) => {
            html.push_str("</code></pre>\n");
            html
        }
        Err(_) => plain(lang, code),
    }
}

/// `open` followed by the code as spans with `hl-` classes (what syntect's
/// `ClassedHTMLGenerator` makes, with the lines going through the memo).
fn classed_html(syntax: &SyntaxReference, set: &SyntaxSet, code: &str, open: String) -> Result<String, syntect::Error> {
    let mut state = ParseState::new(syntax);
    let mut scopes = ScopeStack::new();
    let mut html = open;
    html.reserve(code.len() * 3);
    let mut open_spans = 0;
    for line in LinesWithEndings::from(code) {
        open_spans += highlight_line(&mut state, &mut scopes, line, set, &mut html)?;
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    Ok(html)
}

/// One line highlighted: the parser state and scope stack it started in, those it left, its
/// HTML and how many spans it left open (or closed, when negative).
struct Highlighted {
    before: (ParseState, ScopeStack),
    after: (ParseState, ScopeStack),
    html: String,
    open_spans: isize,
}

/// Lines remembered per thread before the memo starts again (a few MB).
const MEMO_LINES: usize = 20_000;
/// Highlights remembered per line text (`}` closes blocks in many states).
const MEMO_STATES: usize = 8;

thread_local! {
    static MEMO: RefCell<HashMap<String, Vec<Highlighted>>> = RefCell::new(HashMap::new());
}

/// Appends `line` highlighted to `html` (from the memo when this line was highlighted from this
/// state and stack before), moves the state and stack past it, and returns how many spans it left
/// open.
fn highlight_line(
    state: &mut ParseState,
    scopes: &mut ScopeStack,
    line: &str,
    set: &SyntaxSet,
    html: &mut String,
) -> Result<isize, syntect::Error> {
    MEMO.with_borrow_mut(|memo| {
        let same = |h: &&Highlighted| h.before.0 == *state && h.before.1 == *scopes;
        if let Some(hit) = memo.get(line).and_then(|lines| lines.iter().find(same)) {
            (*state, *scopes) = hit.after.clone();
            html.push_str(&hit.html);
            return Ok(hit.open_spans);
        }
        let before = (state.clone(), scopes.clone());
        let ops: Vec<(usize, ScopeStackOp)> = state.parse_line(line, set).map_err(syntect::Error::from)?;
        let (spans, open_spans) = line_tokens_to_classed_spans(line, &ops, STYLE, scopes)?;
        html.push_str(&spans);
        if memo.len() >= MEMO_LINES {
            memo.clear();
        }
        let lines = memo.entry(line.to_string()).or_default();
        if lines.len() < MEMO_STATES {
            let after = (state.clone(), scopes.clone());
            lines.push(Highlighted { before, after, html: spans, open_spans });
        }
        Ok(open_spans)
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
