//! A small HTML tag scanner: enough to see every attribute a browser would see.
//!
//! In: HTML text (a rendered page, a raw-HTML fragment of Markdown, a template's source). Out: each
//! start tag with its name and attributes, each with its byte offset, and for `<script>` the text
//! inside it. Comments and end tags are skipped the way a browser skips them (a comment also ends
//! at `--!>`); the text of `style`, `textarea`, `title` and the like is scanned as markup, so
//! anything that only looks like a tag there is seen too: the scanner may see more than the
//! browser, never less. It builds no tree and never fails.

use smallvec::SmallVec;

/// One attribute as written: the value is not decoded (`&#x09;` is still five characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attr<'a> {
    /// The attribute's name as written (not lowercased).
    pub name: &'a str,
    /// The value as written, without its quotes; empty for a bare attribute.
    pub value: &'a str,
    /// Byte offset of the name.
    pub at: usize,
    /// Byte offset where the value starts (inside its quotes), or `None` for a bare attribute.
    pub value_at: Option<usize>,
}

/// A start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag<'a> {
    /// As written (compare with `eq_ignore_ascii_case`).
    pub name: &'a str,
    /// Byte offset of the `<`.
    pub at: usize,
    /// Byte offset just after the name, where an attribute can be inserted.
    pub name_end: usize,
    /// Its attributes, in the order written. Kept inline up to two (95% of a page's tags have at
    /// most two: not allocated, and the tag stays small to move).
    pub attrs: SmallVec<[Attr<'a>; 2]>,
    /// For `<script>`: its text and that text's byte offset.
    pub script: Option<(&'a str, usize)>,
}

impl<'a> Tag<'a> {
    pub(crate) fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The first attribute of that name (as a browser keeps the first of duplicates).
    pub(crate) fn attr(&self, name: &str) -> Option<&Attr<'a>> {
        self.attrs.iter().find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

/// The start tags of `html`, in order.
pub fn tags(html: &str) -> Tags<'_> {
    Tags { html, pos: 0, tag: Tag { name: "", at: 0, name_end: 0, attrs: SmallVec::new(), script: None } }
}

/// An iterator over the start tags of some HTML; made by [`tags`]. [`Tags::next_tag`] lends each
/// tag instead, written over the previous one: the check of every rendered page goes through
/// millions of tags, and moving each tag (184 bytes) out of the calls was a fifth of its time.
pub struct Tags<'a> {
    html: &'a str,
    pos: usize,
    tag: Tag<'a>,
}

impl<'a> Iterator for Tags<'a> {
    type Item = Tag<'a>;

    fn next(&mut self) -> Option<Tag<'a>> {
        self.next_tag().cloned()
    }
}

impl<'a> Tags<'a> {
    /// The next start tag, lent until the next call.
    pub fn next_tag(&mut self) -> Option<&Tag<'a>> {
        let bytes = self.html.as_bytes();
        loop {
            let lt = self.pos + memchr::memchr(b'<', bytes.get(self.pos..)?)?;
            let after = &bytes[lt + 1..];
            match after.first() {
                Some(b'!') if after.starts_with(b"!--") => self.pos = comment_end(self.html, lt + 4),
                // `<!DOCTYPE>`, `<![CDATA[`, `<?xml`: up to the next `>`.
                Some(b'!' | b'?') => self.pos = find_byte(bytes, lt + 1, b'>').map_or(bytes.len(), |i| i + 1),
                Some(b'/') if after.get(1).is_some_and(u8::is_ascii_alphabetic) => {
                    // An end tag's attributes are dropped by browsers, but its quotes still hide `>`.
                    self.pos = self.read_tag(lt + 1);
                }
                Some(b'/') => self.pos = find_byte(bytes, lt + 1, b'>').map_or(bytes.len(), |i| i + 1),
                Some(b) if b.is_ascii_alphabetic() => {
                    let end = self.read_tag(lt);
                    self.pos = end;
                    if self.tag.is("script") {
                        let close = find_script_end(self.html, end);
                        self.tag.script = Some((&self.html[end..close], end));
                        self.pos = close;
                    }
                    return Some(&self.tag);
                }
                _ => self.pos = lt + 1,
            }
        }
    }

    /// Reads the tag whose `<` (or `/` of an end tag) is at `lt` into `self.tag`; returns the
    /// offset after its `>`.
    fn read_tag(&mut self, lt: usize) -> usize {
        let html = self.html;
        let bytes = html.as_bytes();
        let name_start = lt + 1;
        let name_end = scan(bytes, name_start, |b| !is_space(b) && b != b'/' && b != b'>');
        let tag = &mut self.tag;
        tag.name = &html[name_start..name_end];
        tag.at = lt;
        tag.name_end = name_end;
        tag.attrs.clear();
        tag.script = None;
        let mut p = name_end;
        loop {
            p = scan(bytes, p, |b| is_space(b) || b == b'/');
            match bytes.get(p) {
                None => return p,
                Some(b'>') => return p + 1,
                Some(_) => {}
            }
            let at = p;
            // The first character may be `=`; after it, the name runs to a space, `/`, `>` or `=`.
            p = scan(bytes, p + 1, |b| !is_space(b) && !matches!(b, b'/' | b'>' | b'='));
            let name = &html[at..p];
            let q = scan(bytes, p, is_space);
            let (value, value_at) = if bytes.get(q) == Some(&b'=') {
                let v = scan(bytes, q + 1, is_space);
                match bytes.get(v) {
                    Some(&quote @ (b'"' | b'\'')) => {
                        let end = find_byte(bytes, v + 1, quote).unwrap_or(bytes.len());
                        p = (end + 1).min(bytes.len());
                        (&html[v + 1..end], Some(v + 1))
                    }
                    _ => {
                        p = scan(bytes, v, |b| !is_space(b) && b != b'>');
                        (&html[v..p], Some(v))
                    }
                }
            } else {
                ("", None)
            };
            tag.attrs.push(Attr { name, value, at, value_at });
        }
    }
}

/// Where a comment whose text starts at `start` ends: after `-->` or `--!>`; `<!-->` and `<!--->`
/// are whole comments.
fn comment_end(html: &str, start: usize) -> usize {
    let rest = &html[start..];
    if rest.starts_with('>') {
        return start + 1;
    }
    if rest.starts_with("->") {
        return start + 2;
    }
    let end = [rest.find("-->").map(|i| i + 3), rest.find("--!>").map(|i| i + 4)].into_iter().flatten().min();
    end.map_or(html.len(), |i| start + i)
}

/// The offset of the `</script` that ends a script's text starting at `start`.
fn find_script_end(html: &str, start: usize) -> usize {
    let bytes = html.as_bytes();
    let mut p = start;
    while let Some(i) = find_byte(bytes, p, b'<') {
        let candidate = bytes.get(i + 1..i + 8);
        let ends = candidate.is_some_and(|c| c.eq_ignore_ascii_case(b"/script"))
            && bytes.get(i + 8).is_none_or(|&b| is_space(b) || b == b'/' || b == b'>');
        if ends {
            return i;
        }
        p = i + 1;
    }
    html.len()
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// The first offset from `from` whose byte fails `keep` (or the end).
fn scan(bytes: &[u8], from: usize, keep: impl Fn(u8) -> bool) -> usize {
    bytes.get(from..).and_then(|rest| rest.iter().position(|&b| !keep(b))).map_or(bytes.len(), |i| from + i)
}

fn find_byte(bytes: &[u8], from: usize, byte: u8) -> Option<usize> {
    memchr::memchr(byte, bytes.get(from..)?).map(|i| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(html: &str) -> Vec<String> {
        tags(html)
            .map(|t| format!("{}{:?}", t.name, t.attrs.iter().map(|a| (a.name, a.value)).collect::<Vec<_>>()))
            .collect()
    }

    #[test]
    fn attributes_quoted_unquoted_and_bare() {
        let tag = tags("<p>x</p><A HREF = 'a b' data-x=1 hidden title=\"q>\">").nth(1).unwrap();
        assert!(tag.is("a"));
        let attrs: Vec<_> = tag.attrs.iter().map(|a| (a.name, a.value)).collect();
        assert_eq!(attrs, [("HREF", "a b"), ("data-x", "1"), ("hidden", ""), ("title", "q>")]);
        assert_eq!(tag.attr("href").unwrap().value_at, Some(19));
    }

    #[test]
    fn comments_end_where_browsers_end_them() {
        assert_eq!(names("<!-- <a href=x> --><b>"), ["b[]"]);
        assert_eq!(names("<!-- --!><i onclick=x>"), ["i[(\"onclick\", \"x\")]"]);
        assert_eq!(names("<!--><u>"), ["u[]"]);
        assert_eq!(names("</p title='>'><s>"), ["s[]"]);
    }

    #[test]
    fn script_text_is_kept_and_skipped() {
        let found: Vec<_> = tags("<script>if (a<b) x('</p>')</script ><em>").collect();
        assert_eq!(found[0].script.map(|(text, _)| text), Some("if (a<b) x('</p>')"));
        assert!(found[1].is("em"));
    }

    #[test]
    fn what_a_browser_reads_as_text_is_scanned_anyway() {
        assert_eq!(names("<textarea><img src=x></textarea>"), ["textarea[]", "img[(\"src\", \"x\")]"]);
    }
}
