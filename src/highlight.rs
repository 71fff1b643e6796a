//! Syntax highlighting of fenced code blocks at build time, with syntect in CSS-class mode.
//!
//! In: a code block's language tag and text. Out: HTML whose spans carry `hl-` classes, and the
//! two stylesheets (light and dark) that colour them. The syntax set is loaded once per process.

use std::sync::OnceLock;
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// A code block as HTML: highlighted when the language is known, escaped text otherwise.
pub fn code_block(lang: &str, code: &str) -> String {
    let lang = lang.split([',', ' ']).next().unwrap_or("").trim();
    let set = syntaxes();
    let syntax = (!lang.is_empty()).then(|| set.find_syntax_by_token(lang)).flatten();
    let body = match syntax {
        Some(syntax) => {
            let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, STYLE);
            for line in LinesWithEndings::from(code) {
                if generator.parse_html_for_line_which_includes_newline(line).is_err() {
                    return plain(lang, code);
                }
            }
            generator.finalize()
        }
        None => return plain(lang, code),
    };
    format!("<pre class=\"code\"><code class=\"language-{}\">{body}</code></pre>\n", escape(lang))
}

fn plain(lang: &str, code: &str) -> String {
    let class = if lang.is_empty() { String::new() } else { format!(" class=\"language-{}\"", escape(lang)) };
    format!("<pre class=\"code\"><code{class}>{}</code></pre>\n", escape(code))
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The light and the dark stylesheet for the highlighting classes.
pub fn stylesheets() -> (String, String) {
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
    fn unknown_languages_are_escaped() {
        assert_eq!(
            code_block("nope", "<b>"),
            "<pre class=\"code\"><code class=\"language-nope\">&lt;b&gt;</code></pre>\n"
        );
    }
}
