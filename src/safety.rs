//! Safe by default: what a contributor could slip past a reviewer, refused at build time.
//!
//! In: URLs and HTML as a browser will read them: Markdown link and image destinations, raw HTML
//! in pages, front-matter values, `book.toml` settings, and every rendered document. Out: a message
//! for each URL with a scheme that runs a script or reads the reader's disk (`javascript:`,
//! `vbscript:`, `file:`, `data:` except `data:image/` in images), read the way a browser reads it
//! (entities decoded, spaces and control characters ignored, case ignored); for raw HTML, also
//! scripts and event-handler attributes, which the Content-Security-Policy (`csp`) would block.
//! Rendered documents additionally get `rel="noopener"` on links with a `target`.

pub(crate) mod csp;
pub(crate) mod files;
pub mod html;

use crate::content::front_matter::FrontMatter;
use crate::diagnostics::Diagnostic;
use html::{Attr, Tag};
use std::borrow::Cow;
use std::path::Path;

/// A problem at a byte offset of the text that was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Byte offset in the checked text where the problem is.
    pub at: usize,
    /// What is wrong, and what to write instead.
    pub message: String,
}

/// Attributes whose value is one URL.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "cite",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "codebase",
    "classid",
    "icon",
    "manifest",
    "profile",
    "usemap",
];

/// Attributes whose value holds several URLs, separated by spaces or commas.
const URL_LIST_ATTRS: &[&str] = &["srcset", "imagesrcset", "ping", "archive"];

/// Whether the URL is shown as an image (where `data:image/...` is harmless) or followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// Followed as a link.
    Link,
    /// Shown as an image.
    Image,
}

/// Why `url` may not be published, with what to write instead; `None` when it is fine. `url` is
/// the value the browser sees, entities already decoded.
pub fn url_problem(url: &str, used: Use) -> Option<String> {
    if !url.contains(':') {
        return None;
    }
    let (scheme, rest) = scheme(url)?;
    let why = match scheme.as_str() {
        "javascript" | "vbscript" => "runs a script in the reader's browser when followed",
        "file" => "points at a file on the reader's own computer",
        "data" if used == Use::Image && rest.starts_with("image/") => return None,
        "data" if used == Use::Image => "is not an image (only `data:image/...` is)",
        "data" => "can carry a whole page, scripts included",
        _ => return None,
    };
    Some(format!(
        "`{}` is a `{scheme}:` URL, which {why}; link to a page (`other.md`, `/path/`) or a web address \
         (`https://...`) instead, and put files in `content/` beside the page or in `static/`",
        shorten(url)
    ))
}

/// The scheme (lowercase) and the rest (lowercase, from after the `:`, without spaces or control
/// characters) of a URL as a browser parses it: spaces and control characters around it and tabs
/// and newlines inside it do not count; any other space or control character inside is ignored as
/// well, so that nothing a browser might skip hides a scheme.
fn scheme(url: &str) -> Option<(String, String)> {
    let mut chars = url.chars().filter(|c| *c > ' ');
    let mut scheme = String::new();
    for c in chars.by_ref() {
        match c {
            ':' if !scheme.is_empty() => break,
            c if (c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) && scheme.len() < 32 => {
                scheme.push(c.to_ascii_lowercase());
            }
            _ => return None,
        }
    }
    let rest: String = chars.take(16).flat_map(char::to_lowercase).collect();
    scheme.starts_with(|c: char| c.is_ascii_alphabetic()).then_some((scheme, rest))
}

/// At most 60 characters of a URL, for messages, control characters shown as escapes (`\t`).
fn shorten(url: &str) -> String {
    let url = url.trim();
    let mut shown = String::new();
    for c in url.chars().take(60) {
        if c.is_control() {
            shown.extend(c.escape_debug());
        } else {
            shown.push(c);
        }
    }
    if url.chars().nth(60).is_some() {
        shown.push_str("...");
    }
    shown
}

/// An attribute value as the browser reads it: character references decoded in one pass
/// (numeric ones with or without `;`, and the named ones that can hide a scheme or matter in a URL).
pub fn decode_entities(value: &str) -> Cow<'_, str> {
    if !value.contains('&') {
        return value.into();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp + 1..];
        match reference(rest) {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out.into()
}

/// The character a reference after `&` stands for, and how many bytes it took.
fn reference(text: &str) -> Option<(char, usize)> {
    const NAMED: &[(&str, char)] = &[
        ("Tab;", '\t'),
        ("NewLine;", '\n'),
        ("colon;", ':'),
        ("amp;", '&'),
        ("lt;", '<'),
        ("gt;", '>'),
        ("quot;", '"'),
        ("apos;", '\''),
        ("sol;", '/'),
        ("lpar;", '('),
        ("rpar;", ')'),
        ("nbsp;", '\u{a0}'),
    ];
    if let Some(number) = text.strip_prefix('#') {
        let (radix, digits_at) = if number.starts_with(['x', 'X']) { (16, 2) } else { (10, 1) };
        let digits = text[digits_at..].bytes().take_while(|b| (*b as char).is_digit(radix)).count();
        let value = u32::from_str_radix(&text[digits_at..digits_at + digits], radix).ok()?;
        let semicolon = usize::from(text[digits_at + digits..].starts_with(';'));
        // NUL, surrogates and values past Unicode become U+FFFD, as in a browser.
        return Some((
            char::from_u32(value).filter(|c| *c != '\0').unwrap_or('\u{fffd}'),
            digits_at + digits + semicolon,
        ));
    }
    NAMED.iter().find(|(name, _)| text.starts_with(name)).map(|(name, c)| (*c, name.len()))
}

/// The problems of one start tag: dangerous URLs in any URL attribute, and, when `raw` is set
/// (raw HTML in a page), `<script>` itself and event-handler attributes.
pub(crate) fn tag_problems(tag: &Tag<'_>, raw: bool, out: &mut Vec<Finding>) {
    if raw && tag.is("script") {
        out.push(Finding {
            at: tag.at,
            message: "`<script>` in a page: only the theme's scripts run under the site's Content-Security-Policy; \
                      put the script in `static/` and load it from a template"
                .into(),
        });
    }
    if raw {
        event_handlers(tag, out);
    }
    for attr in &tag.attrs {
        if let Some(message) = attr_problem(tag, attr) {
            out.push(Finding { at: attr.value_at.unwrap_or(attr.at), message });
        }
    }
}

/// `onclick=` and the like: inline scripts, which the Content-Security-Policy never runs.
fn event_handlers(tag: &Tag<'_>, out: &mut Vec<Finding>) {
    // Bytes, not characters: an attribute name may start with any letter (found by fuzzing: `<p sè>`).
    let handler = |name: &str| name.len() > 2 && name.as_bytes()[..2].eq_ignore_ascii_case(b"on");
    for attr in tag.attrs.iter().filter(|a| handler(a.name)) {
        let message = format!(
            "`{}` attribute: event handlers are scripts, which the site's Content-Security-Policy blocks; \
             remove it (behaviour belongs in a script file in `static/`)",
            attr.name
        );
        out.push(Finding { at: attr.at, message });
    }
}

/// A dangerous URL in one attribute of `tag`, with the attribute named in the message.
fn attr_problem(tag: &Tag<'_>, attr: &Attr<'_>) -> Option<String> {
    let is = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(attr.name));
    let image = tag.is("img") || tag.is("image") || tag.is("source") || is(&["poster", "lowsrc", "dynsrc"]);
    let used = if image { Use::Image } else { Use::Link };
    let problem = if is(URL_ATTRS) {
        url_problem(&decode_entities(attr.value), used)
    } else if is(URL_LIST_ATTRS) {
        let value = decode_entities(attr.value);
        value.split(|c: char| c.is_ascii_whitespace() || c == ',').find_map(|url| url_problem(url, used))
    } else if (tag.is("set") || tag.is("animate")) && is(&["to", "from", "values", "by"]) {
        // SVG animation can set an `href` to any of these values.
        decode_entities(attr.value).split(';').find_map(|url| url_problem(url, used))
    } else if tag.is("meta")
        && is(&["content"])
        && tag.attr("http-equiv").is_some_and(|h| h.value.eq_ignore_ascii_case("refresh"))
    {
        url_problem(refresh_url(&decode_entities(attr.value)), used)
    } else {
        None
    }?;
    Some(format!("`{}` attribute of `<{}>`: {problem}", attr.name, tag.name))
}

/// The URL of a `<meta http-equiv="refresh" content="5; url=...">`.
fn refresh_url(content: &str) -> &str {
    let Some((_, rest)) = content.split_once([';', ',']) else { return "" };
    let rest = rest.trim_start();
    let rest = match rest.get(..3) {
        Some(url) if url.eq_ignore_ascii_case("url") => rest[3..].trim_start().strip_prefix('=').unwrap_or(rest),
        _ => rest,
    };
    rest.trim().trim_matches(['"', '\''])
}

/// The problems of raw HTML written in a page (a block or an inline tag).
pub fn raw_html_problems(fragment: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for tag in html::tags(fragment) {
        tag_problems(&tag, true, &mut out);
    }
    out
}

/// Front-matter values that become links (`references[].url`), at their place in the file.
pub(crate) fn front_matter_problems(file: &Path, front: &FrontMatter) -> Vec<Diagnostic> {
    let urls = front.references.iter().filter_map(|r| r.url.as_deref()).map(|url| ("references", url));
    urls.filter_map(|(key, url)| {
        let message = url_problem(url, Use::Link)?;
        let (line, col) = front.positions.value(key, url, 0);
        Some(Diagnostic::error(file, line, col, format!("`{key}`: {message}")))
    })
    .collect()
}

/// Checks a rendered document: every URL attribute, and every inline script against the hashes
/// the Content-Security-Policy allows (`None`: no policy, any script). Returns the document with
/// `rel="noopener"` added where a link opens another window, or the first problem.
pub fn check_document<'a>(html: &'a str, script_hashes: Option<&[String]>) -> Result<Cow<'a, str>, Finding> {
    let mut findings = Vec::new();
    let mut inserts: Vec<(usize, &str)> = Vec::new();
    let mut tags = html::tags(html);
    while let Some(tag) = tags.next_tag() {
        tag_problems(tag, false, &mut findings);
        if script_hashes.is_some() {
            event_handlers(tag, &mut findings);
        }
        if let Some(finding) = findings.pop() {
            return Err(finding);
        }
        if let (Some(hashes), Some((text, at))) = (script_hashes, tag.script)
            && csp::is_script(tag)
            && !tag.attrs.iter().any(|a| a.name.eq_ignore_ascii_case("src"))
            && !hashes.contains(&csp::hash(text))
        {
            let message = "an inline `<script>` that the Content-Security-Policy does not allow: only the \
                           templates' own inline scripts are hashed into it"
                .to_string();
            return Err(Finding { at, message });
        }
        inserts.extend(noopener(html, tag));
    }
    if inserts.is_empty() {
        return Ok(html.into());
    }
    let mut out = String::with_capacity(html.len() + inserts.len() * 16);
    let mut from = 0;
    for (at, text) in inserts {
        out.push_str(&html[from..at]);
        out.push_str(text);
        from = at;
    }
    out.push_str(&html[from..]);
    Ok(out.into())
}

/// What to insert (offset, text) so that a link with a `target` cannot reach back into this page
/// (`window.opener`): ` rel="noopener"`, or `noopener ` at the start of its `rel`.
fn noopener(html: &str, tag: &Tag<'_>) -> Vec<(usize, &'static str)> {
    let links = tag.is("a") || tag.is("area") || tag.is("form");
    let target = tag.attr("target").map_or("", |t| t.value.trim());
    if !links || target.is_empty() || target.eq_ignore_ascii_case("_self") {
        return Vec::new();
    }
    let Some(rel) = tag.attr("rel") else { return vec![(tag.name_end, " rel=\"noopener\"")] };
    let has = rel
        .value
        .split_ascii_whitespace()
        .any(|r| r.eq_ignore_ascii_case("noopener") || r.eq_ignore_ascii_case("noreferrer"));
    if has {
        return Vec::new();
    }
    let Some(at) = rel.value_at else { return vec![(rel.at + rel.name.len(), "=\"noopener\"")] };
    let quoted = matches!(at.checked_sub(1).map(|i| html.as_bytes()[i]), Some(b'"' | b'\''));
    match quoted {
        true if rel.value.is_empty() => vec![(at, "noopener")],
        true => vec![(at, "noopener ")],
        // An unquoted value gets quotes, so that the space does not split it.
        false => vec![(at, "\"noopener "), (at + rel.value.len(), "\"")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(url: &str) -> bool {
        url_problem(&decode_entities(url), Use::Link).is_some()
    }

    #[test]
    fn script_schemes_are_seen_through_case_spaces_and_entities() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "  javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java&#x09;script:alert(1)",
            "java&#9script:alert(1)",
            "java&Tab;script:alert(1)",
            "&#106;avascript:alert(1)",
            "&#x6A&#x61vascript:alert(1)",
            "&#0000106avascript:alert(1)",
            "javascript&colon;alert(1)",
            "javascript&#58;alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:text/html;base64,PHNjcmlwdD4=",
            "data:image/png;base64,AAAA",
            "file:///etc/passwd",
        ] {
            assert!(bad(url), "{url}");
        }
    }

    #[test]
    fn ordinary_links_pass() {
        for url in [
            "https://example.org/a:b",
            "mailto:a@b.org",
            "../cells/msc.md",
            "/cell-types/",
            "#top",
            "a:b/c",
            "?q=javascript:x",
            "x.html#javascript:x",
            "&amp;javascript:x",
        ] {
            assert!(!bad(url), "{url}");
        }
        assert_eq!(url_problem("data:image/svg+xml;base64,AAAA", Use::Image), None);
        assert!(url_problem("data:text/html,x", Use::Image).is_some());
    }

    #[test]
    fn raw_html_attributes_are_checked_as_a_browser_reads_them() {
        let found = raw_html_problems("<p>x</p><a title=x HREF=' java&#x09;script:alert(1)'>y</a>");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].at, 25, "the value, inside its quote");
        assert!(
            found[0].message.starts_with("`HREF` attribute of `<a>`: `java\\tscript:alert(1)` is a `javascript:` URL"),
            "{}",
            found[0].message
        );
        for html in [
            "<img srcset=\"a.png 1x, javascript:x 2x\">",
            "<form><button formaction=javascript:x>",
            "<svg><a xlink:href=\"javascript:x\">",
            "<svg><set attributeName=href to=javascript:x>",
            "<meta http-equiv=refresh content=\"0; URL='javascript:x'\">",
            "<iframe src=\"data:text/html,x\">",
            "<p onclick=\"x()\">",
            "<script src=/x.js></script>",
        ] {
            assert_eq!(raw_html_problems(html).len(), 1, "{html}");
        }
        assert!(raw_html_problems("<img src=\"data:image/png;base64,AA\" srcset=\"a.png 1x, b.png 2x\">").is_empty());
        // Found by fuzzing: an attribute name starting with a two-byte character panicked.
        assert!(raw_html_problems("<img s\u{e8}blascprit:x><p \u{e8}n=\"x\">").is_empty());
    }

    #[test]
    fn links_that_open_a_window_get_noopener() {
        let fixed = |html: &str| check_document(html, None).unwrap().into_owned();
        assert_eq!(fixed("<a href=x target=_blank>"), "<a rel=\"noopener\" href=x target=_blank>");
        assert_eq!(fixed("<a rel=\"external\" target=w>"), "<a rel=\"noopener external\" target=w>");
        assert_eq!(fixed("<a rel=noreferrer target=w><a target=_self>"), "<a rel=noreferrer target=w><a target=_self>");
        assert_eq!(fixed("<a rel=me target=w>"), "<a rel=\"noopener me\" target=w>");
        assert_eq!(
            fixed("<a rel target=w><a rel='' target=w>"),
            "<a rel=\"noopener\" target=w><a rel='noopener' target=w>"
        );
    }

    #[test]
    fn documents_allow_only_hashed_inline_scripts() {
        let hashes = vec![csp::hash("ok()")];
        let page = "<script>ok()</script><script type=application/ld+json>{}</script><script src=a.js></script>";
        assert!(check_document(page, Some(&hashes)).is_ok());
        let err = check_document("<p><script>evil()</script>", Some(&hashes)).unwrap_err();
        assert_eq!(err.at, 11);
        assert!(check_document("<p onclick=\"x()\">", Some(&hashes)).is_err(), "a handler never runs under the policy");
        assert!(check_document("<p onclick=\"x()\"><script>x()</script>", None).is_ok(), "without a policy both run");
    }
}
