//! Markdown -> HTML for one page, with pulldown-cmark.
//!
//! In: a page body, the page's references, and a link resolver from the site model. Out: the HTML,
//! the table of contents, every anchor id on the page, the pages it links to, the cross-page
//! anchors still to check, and problems at their `line:col` in the source file. Headings get unique,
//! Unicode-aware ids; fenced code is highlighted; `[@id]` becomes a numbered citation; relative
//! links to `.md` files become the final URLs. Links and images whose URL would run a script
//! (`javascript:`...) are problems, and so is raw HTML that would (`safety::raw_html_problems`),
//! when the page's raw HTML is published as written.

use crate::content::front_matter::Reference;
use crate::diagnostics::{LineIndex, Problem, suggest};
use crate::highlight::code_block;
use crate::html::escape;
use crate::safety::{Use, url_problem};
use crate::site::PageId;
use crate::urls::slugify;
use pulldown_cmark::{BrokenLink, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// What a link in the text points at, as decided by the site model.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// Another site (`https:`, `mailto:`...): left as it is.
    External,
    /// A page, section, term page or file of this site.
    Site {
        /// The URL to write in the link.
        href: String,
        /// The page linked to, when the link is to a page.
        page: Option<PageId>,
        /// The `#anchor` on that page, without the `#`, when the link has one.
        anchor: Option<String>,
    },
    /// Nothing of this site is there; the message says what was looked for.
    Missing(String),
}

/// A link to a `#anchor` on another page, checked once every page's headings are known.
#[derive(Debug, Clone)]
pub struct AnchorRef {
    /// The page linked to.
    pub page: PageId,
    /// The anchor's id, without the `#`.
    pub anchor: String,
    /// 1-based line of the link in the source file.
    pub line: usize,
    /// 1-based column of the link, counted in characters.
    pub col: usize,
}

/// A table-of-contents entry, with the entries nested under it.
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    /// The heading's level: 2 to 4 (`##` to `####`); other levels are left out.
    pub level: u8,
    /// The heading's unique id, its anchor on the page.
    pub id: String,
    /// The heading's text, without Markdown marks.
    pub title: String,
    /// The headings of lower levels under this one, in order.
    pub children: Vec<TocEntry>,
}

/// A page body rendered to HTML, with what was learned on the way.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The body as HTML: links resolved, headings given ids and anchor links.
    pub html: String,
    /// The table of contents, from the `##` to `####` headings.
    pub toc: Vec<TocEntry>,
    /// Every id on the page a `#anchor` may point at.
    pub ids: BTreeSet<String>,
    /// The pages this page links to.
    pub links_to: BTreeSet<PageId>,
    /// Links to `#anchor`s on other pages, checked once every page is rendered.
    pub anchors: Vec<AnchorRef>,
    /// Broken links and unsafe raw HTML, at their line and column in the source file.
    pub problems: Vec<Problem>,
    /// Reference ids cited in the text.
    pub cited: BTreeSet<String>,
    /// Links to other sites, with their line and column, for `check --external`.
    pub external: Vec<(String, usize, usize)>,
    /// Words in the text, for the reading time: each CJK character counts as one.
    pub words: usize,
}

/// What [`render`] needs to know about a page body.
pub struct Input<'a> {
    /// The Markdown text after the front matter.
    pub body: &'a str,
    /// 1-based line of the body's first line in its file.
    pub body_line: usize,
    /// The page's references, which `[@id]` citations point at.
    pub references: &'a [Reference],
    /// Whether raw HTML is published as written (`allow-html = true`), and so must be checked here;
    /// otherwise the site model sanitises it.
    pub raw_html: bool,
}

const CITE: &str = "cite:";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders a page body. `resolve` maps a link destination to its [`Target`].
pub fn render(input: &Input<'_>, resolve: &dyn Fn(&str) -> Target) -> Rendered {
    let lines = LineIndex::new(input.body);
    let mut out = Rendered::default();
    let at = |offset: usize| {
        let (line, col) = lines.position(offset);
        (line + input.body_line - 1, col)
    };
    // `[@id]` has no link definition, so pulldown-cmark asks us: answer with a citation marker.
    let cite = |link: BrokenLink<'_>| {
        let keys = link.reference.trim();
        let is_citation = keys.starts_with('@') && keys.split(';').all(|k| k.trim().starts_with('@'));
        is_citation.then(|| (CowStr::from(format!("{CITE}{keys}")), CowStr::from("")))
    };
    let parser = Parser::new_with_broken_link_callback(input.body, options(), Some(cite)).into_offset_iter();
    // About one event for every 37 bytes of Markdown (the benchmark's corpus); sized up front
    // rather than grown by doubling.
    let mut events: Vec<Event<'_>> = Vec::with_capacity(input.body.len() / 32);
    let mut local_anchors = Vec::new();
    let mut skip_until_link_end = false;
    let mut code: Option<(String, String)> = None;
    // The raw HTML being read (an HTML block's lines, or adjacent inline tags) with their offsets,
    // checked together (a tag may span several lines); only kept when published as written.
    let mut html_block: Vec<(String, usize)> = Vec::new();

    for (event, range) in parser {
        // A block's lines are checked together once it ends; an inline tag on its own.
        if !matches!(event, Event::Html(_)) {
            check_raw_html(&mut html_block, &mut out, &at);
        }
        if skip_until_link_end {
            skip_until_link_end = !matches!(event, Event::End(TagEnd::Link));
            continue;
        }
        if let Some((lang, text)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    events.push(Event::Html(code_block(lang, text).into()));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) => lang.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let (line, col) = at(range.start);
                if let Some(key) = dest_url.strip_prefix(CITE) {
                    events.push(Event::Html(citation(key, input.references, &mut out, line, col).into()));
                    skip_until_link_end = true;
                    continue;
                }
                let href = if refused(&dest_url, Use::Link, &mut out, line, col) {
                    dest_url.to_string()
                } else {
                    link_target(&dest_url, resolve, &mut out, &mut local_anchors, line, col)
                };
                events.push(Event::Start(Tag::Link { link_type, dest_url: href.into(), title, id }));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let (line, col) = at(range.start);
                let src = if refused(&dest_url, Use::Image, &mut out, line, col) {
                    dest_url.to_string()
                } else {
                    link_target(&dest_url, resolve, &mut out, &mut local_anchors, line, col)
                };
                events.push(Event::Start(Tag::Image { link_type, dest_url: src.into(), title, id }));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                out.ids.insert(name.to_string());
                events.push(Event::Start(Tag::FootnoteDefinition(name)));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                collect_html_ids(&html, &mut out.ids);
                if input.raw_html {
                    html_block.push((html.to_string(), range.start));
                }
                events.push(Event::Html(html));
            }
            Event::Text(text) => {
                out.words += count_words(&text);
                events.push(Event::Text(text));
            }
            other => events.push(other),
        }
    }
    check_raw_html(&mut html_block, &mut out, &at);
    let events = number_headings(events, &mut out);
    out.html = html_of(events);
    for (anchor, line, col) in local_anchors {
        if !out.ids.contains(&anchor) {
            let hint = suggest(&anchor, out.ids.iter().map(String::as_str));
            let message = format!("no heading or anchor `#{anchor}` on this page");
            out.problems.push(Problem::new(line, col, message).with_hint(hint));
        }
    }
    out
}

/// The events as HTML, in a string of its own length. They are written into a buffer the
/// thread keeps: a body written into a new string grew by doubling, and at 10,000 pages the
/// copies and the fresh memory each size took were about a sixth of the build's page faults.
fn html_of(events: Vec<Event<'_>>) -> String {
    thread_local! {
        static BUFFER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        pulldown_cmark::html::push_html(buffer, events.into_iter());
        let html = buffer.as_str().to_owned();
        // A rare huge page does not keep its size of memory for good.
        if buffer.capacity() > 1 << 20 {
            *buffer = String::new();
        }
        html
    })
}

/// Whether a link or image URL would run a script or read the reader's disk; if so, the problem
/// is recorded (and the URL is not looked up as well: it is no page of this site either).
fn refused(dest: &str, used: Use, out: &mut Rendered, line: usize, col: usize) -> bool {
    let Some(message) = url_problem(dest, used) else { return false };
    let what = if used == Use::Image { "image" } else { "link" };
    out.problems.push(Problem { line, col, message: format!("{what}: {message}") });
    true
}

/// Reports the problems of the raw HTML read so far and empties `pieces`.
fn check_raw_html(pieces: &mut Vec<(String, usize)>, out: &mut Rendered, at: &dyn Fn(usize) -> (usize, usize)) {
    if !pieces.is_empty() {
        for (offset, message) in raw_html_problems(pieces) {
            let (line, col) = at(offset);
            out.problems.push(Problem { line, col, message });
        }
    }
    pieces.clear();
}

/// The problems of raw HTML given as pieces (an HTML block's lines, or one inline tag) with
/// their offsets in the body, each at its offset in the body.
fn raw_html_problems(pieces: &[(String, usize)]) -> Vec<(usize, String)> {
    let joined: String = pieces.iter().map(|(text, _)| text.as_str()).collect();
    let offset_in_body = |at: usize| {
        let mut start = 0;
        for (text, offset) in pieces {
            if at < start + text.len() {
                return offset + (at - start);
            }
            start += text.len();
        }
        pieces.last().map_or(0, |(text, offset)| offset + text.len())
    };
    crate::safety::raw_html_problems(&joined).into_iter().map(|f| (offset_in_body(f.at), f.message)).collect()
}

/// The `<sup>` of an `[@id]` or `[@a; @b]` citation, numbered by the references' places in the
/// front matter.
fn citation(keys: &str, references: &[Reference], out: &mut Rendered, line: usize, col: usize) -> String {
    let mut links = Vec::new();
    for key in keys.split(';').map(|k| k.trim().trim_start_matches('@')) {
        match references.iter().position(|r| r.id.as_deref() == Some(key)) {
            Some(index) => {
                out.cited.insert(key.to_string());
                let n = index + 1;
                links.push(format!("<a href=\"#ref-{}\">{n}</a>", escape(key)));
            }
            None => {
                let hint = suggest(key, references.iter().filter_map(|r| r.id.as_deref()));
                let message = format!("citation `@{key}` matches no reference id in the front matter");
                out.problems.push(Problem::new(line, col, message).with_hint(hint));
            }
        }
    }
    format!("<sup class=\"cite\">[{}]</sup>", links.join(", "))
}

/// The href to write for a link destination, recording what it points at.
fn link_target(
    dest: &str,
    resolve: &dyn Fn(&str) -> Target,
    out: &mut Rendered,
    local_anchors: &mut Vec<(String, usize, usize)>,
    line: usize,
    col: usize,
) -> String {
    if let Some(anchor) = dest.strip_prefix('#') {
        local_anchors.push((anchor.to_string(), line, col));
        return dest.to_string();
    }
    // `my%20page.md` names `my page.md`, as it does on GitHub and in a browser.
    let decoded = crate::urls::percent_decode(dest);
    let target = match resolve(&decoded) {
        Target::Missing(_) if decoded != dest => resolve(dest),
        target => target,
    };
    match target {
        Target::External => {
            out.external.push((dest.to_string(), line, col));
            dest.to_string()
        }
        Target::Site { href, page, anchor } => {
            if let Some(page) = page {
                out.links_to.insert(page);
                if let Some(anchor) = anchor {
                    out.anchors.push(AnchorRef { page, anchor, line, col });
                }
            }
            href
        }
        Target::Missing(message) => {
            out.problems.push(Problem { line, col, message });
            dest.to_string()
        }
    }
}

/// Gives every heading a unique id (its own `{#id}` or a slug of its text), adds an anchor link,
/// and builds the table of contents.
fn number_headings<'a>(events: Vec<Event<'a>>, out: &mut Rendered) -> Vec<Event<'a>> {
    let mut result = Vec::with_capacity(events.len() + 8);
    let mut flat: Vec<(u8, String, String)> = Vec::new();
    let mut heading: Option<(usize, String)> = None;
    let mut next_suffix = HashMap::new();
    for event in events {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                heading = Some((result.len(), String::new()));
                result.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) if heading.is_some() => {
                if let Some((_, text)) = &mut heading {
                    text.push_str(t);
                }
                result.push(event);
            }
            Event::End(TagEnd::Heading(level)) => {
                let Some((start, text)) = heading.take() else { continue };
                let Event::Start(Tag::Heading { id, classes, attrs, .. }) = &result[start] else { continue };
                let base = id.as_deref().map(str::to_string).unwrap_or_else(|| slugify(&text));
                let id =
                    unique_id(if base.is_empty() { "section".into() } else { base }, &mut out.ids, &mut next_suffix);
                result[start] = Event::Start(Tag::Heading {
                    level,
                    id: Some(id.clone().into()),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                });
                // Named by the heading itself, so the label needs no translation.
                let label = escape(&format!("# {}", text.trim()));
                result.push(Event::Html(
                    format!(
                        " <a class=\"anchor\" href=\"#{}\" aria-label=\"{label}\" data-pagefind-ignore>#</a>",
                        escape(&id)
                    )
                    .into(),
                ));
                result.push(Event::End(TagEnd::Heading(level)));
                flat.push((level as u8, id, text.trim().to_string()));
            }
            other => result.push(other),
        }
    }
    out.toc = nest(&flat);
    result
}

/// `base`, or `base-1`, `base-2`... the first not in `ids`. `next` remembers, per base, the
/// suffix to try next (ids are only ever added), so a page with thousands of equal headings
/// stays linear instead of quadratic.
fn unique_id(base: String, ids: &mut BTreeSet<String>, next: &mut HashMap<String, usize>) -> String {
    if ids.insert(base.clone()) {
        return base;
    }
    let n = next.entry(base.clone()).or_insert(1);
    loop {
        let id = format!("{base}-{n}");
        *n += 1;
        if ids.insert(id.clone()) {
            return id;
        }
    }
}

/// Nests headings (h2-h4) under their parents for the table of contents.
fn nest(flat: &[(u8, String, String)]) -> Vec<TocEntry> {
    let mut roots: Vec<TocEntry> = Vec::new();
    for (level, id, title) in flat.iter().filter(|(level, _, _)| (2..=4).contains(level)) {
        let entry = TocEntry { level: *level, id: id.clone(), title: title.clone(), children: Vec::new() };
        let mut siblings = &mut roots;
        while siblings.last().is_some_and(|last| last.level < *level) {
            siblings = &mut siblings.last_mut().expect("checked above").children;
        }
        siblings.push(entry);
    }
    roots
}

/// Ids written in raw HTML (`<a id="x">`), so links to them check out.
fn collect_html_ids(html: &str, ids: &mut BTreeSet<String>) {
    for quote in ["id=\"", "id='"] {
        for (start, _) in html.match_indices(quote) {
            let preceded = html[..start].chars().next_back().is_none_or(char::is_whitespace);
            let rest = &html[start + quote.len()..];
            if let (true, Some(end)) = (preceded, rest.find(&quote[3..])) {
                ids.insert(rest[..end].to_string());
            }
        }
    }
}

/// Words for reading time: runs of letters in alphabetic scripts, each character in CJK text.
fn count_words(text: &str) -> usize {
    if text.is_ascii() {
        return count_ascii_words(text.as_bytes());
    }
    let cjk = text.chars().filter(|c| ('\u{3400}'..='\u{9fff}').contains(c)).count();
    cjk + text.split_whitespace().filter(|w| w.chars().any(|c| c.is_ascii_alphanumeric())).count()
}

/// [`count_words`] of ASCII text, a byte at a time: most text is ASCII, and decoding it char
/// by char, twice, was much of the time of rendering a page's Markdown outside pulldown-cmark.
/// Whitespace is what `split_whitespace` splits at, U+000B included (`u8::is_ascii_whitespace`
/// leaves it out).
fn count_ascii_words(text: &[u8]) -> usize {
    let mut words = 0;
    let mut counted = false;
    for &b in text {
        if matches!(b, b' ' | b'\t'..=b'\r') {
            counted = false;
        } else if !counted && b.is_ascii_alphanumeric() {
            words += 1;
            counted = true;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_plain(body: &str) -> Rendered {
        let input = Input { body, body_line: 10, references: &[], raw_html: true };
        render(&input, &|_| Target::External)
    }

    #[test]
    fn headings_get_unique_unicode_ids() {
        let out = render_plain("## Phase 3\n\n## Phase 3\n\n## 什么是 ALS\n");
        assert!(out.html.contains("<h2 id=\"phase-3\">"), "{}", out.html);
        assert!(out.html.contains("<h2 id=\"phase-3-1\">"));
        assert!(out.html.contains("<h2 id=\"什么是-als\">"));
        assert_eq!(out.toc.len(), 3);
    }

    #[test]
    fn thousands_of_equal_headings_get_unique_ids_in_linear_time() {
        // Each id used to be found by counting up from `-1`, which made many equal headings quadratic.
        let body = format!("## Same-1\n\n{}## {{#same-3}}\n\n## Same\n", "## Same\n\n".repeat(20_000));
        let start = std::time::Instant::now();
        let out = render_plain(&body);
        assert!(start.elapsed() < std::time::Duration::from_secs(5), "took {:?}", start.elapsed());
        let ids: Vec<&str> = out.toc.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids[..5], ["same-1", "same", "same-2", "same-3", "same-4"]);
        assert_eq!(ids[20_001], "same-3-1", "an explicit id that is taken gets a suffix too");
        assert_eq!(ids[20_002], "same-20001", "skips nothing and repeats nothing");
        assert_eq!(out.ids.len(), 20_003);
    }

    #[test]
    fn percent_encoded_link_paths_resolve_like_the_file_name() {
        let input =
            Input { body: "[a](my%20page.md) [b](gone%20page.md)", body_line: 1, references: &[], raw_html: true };
        let out = render(&input, &|dest| match dest {
            "my page.md" => {
                Target::Site { href: "/my-page/".into(), page: Some(crate::site::ids::Id::from_index(3)), anchor: None }
            }
            other => Target::Missing(format!("broken link `{other}`")),
        });
        assert!(out.html.contains("<a href=\"/my-page/\">a</a>"), "{}", out.html);
        assert_eq!(out.problems.len(), 1);
        assert!(out.problems[0].message.contains("`gone%20page.md`"), "reported as written: {:?}", out.problems);
    }

    #[test]
    fn raw_html_is_checked_only_when_published_as_written() {
        let body = "<div\n  onclick=\"x()\">a</div>\n\n[b](javascript:x)\n";
        let problems = |raw_html| {
            let out = render(&Input { body, body_line: 1, references: &[], raw_html }, &|_| Target::External);
            out.problems.iter().map(|p| (p.line, p.col)).collect::<Vec<_>>()
        };
        assert_eq!(problems(true), [(2, 3), (4, 1)], "the handler on the tag's second line, then the link");
        assert_eq!(problems(false), [(4, 1)], "sanitised later; links are checked either way");
    }

    #[test]
    fn ascii_words_are_counted_as_split_whitespace_counts_them() {
        let reference = |t: &str| t.split_whitespace().filter(|w| w.chars().any(|c| c.is_ascii_alphanumeric())).count();
        for text in ["", "  ", "one", " two words ", "a\u{b}b\u{c}c\rd\te\nf", "-- . 3 x-y (z)", "end.", "!!! ?? 1"] {
            assert_eq!(count_words(text), reference(text), "{text:?}");
        }
        assert_eq!(count_words("a\u{b}b"), 2, "U+000B separates words");
        assert_eq!(count_words("细胞 cells"), 3, "each CJK character is a word");
    }

    #[test]
    fn toc_nests_subheadings() {
        let out = render_plain("## A\n### B\n## C\n");
        assert_eq!(out.toc[0].children[0].title, "B");
    }

    #[test]
    fn missing_local_anchor_is_reported_at_its_line() {
        let out = render_plain("text\n\nsee [x](#nowhere)\n\n## Somewhere\n");
        assert_eq!(out.problems.len(), 1);
        assert_eq!((out.problems[0].line, out.problems[0].col), (12, 5));
    }

    #[test]
    fn citations_are_numbered_and_unknown_ones_reported() {
        let refs = vec![Reference { id: Some("a".into()), title: "A".into(), ..Default::default() }];
        let input = Input { body: "Claim [@a]. Other [@b].", body_line: 1, references: &refs, raw_html: true };
        let out = render(&input, &|_| Target::External);
        assert!(out.html.contains("<sup class=\"cite\">[<a href=\"#ref-a\">1</a>]</sup>"), "{}", out.html);
        assert!(out.problems[0].message.contains("`@b`"));
    }

    #[test]
    fn several_keys_make_one_citation() {
        let refs: Vec<Reference> = ["a", "b"]
            .iter()
            .map(|id| Reference { id: Some(id.to_string()), title: "T".into(), ..Default::default() })
            .collect();
        let input = Input { body: "Claim [@b; @a].", body_line: 1, references: &refs, raw_html: true };
        let out = render(&input, &|_| Target::External);
        assert!(out.html.contains(">2</a>, <a href=\"#ref-a\""), "{}", out.html);
        assert!(out.problems.is_empty());
    }
}
