//! The sidebar: `nav.html` rendered once per language and section instead of once per page.
//!
//! In: the templates (their global context holds `navs`) and a page's language and href. Out:
//! the sidebar's HTML for that page, which its template gets as `nav`. The pages of one section
//! show the same tree, since the sections on the way to them are the same; only the link marked
//! as the current page differs, and that mark is added here. On a large site the tree is a
//! sixth of every page's bytes, and rendering it per page took a fifth of the templates' time.

use super::template_error;
use super::views::href;
use crate::diagnostics::Diagnostic;
use crate::site::Site;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tera::{Context, Tera};

/// The template that renders the tree.
const TEMPLATE: &str = "nav.html";

/// The trees rendered so far, by language and section.
pub(crate) struct Navs {
    /// Every section's href, to its number.
    sections: HashMap<String, usize>,
    /// By language.
    rendered: Mutex<HashMap<String, Trees>>,
}

/// One language's trees, by the number of the page's deepest section (`None`: in none).
type Trees = HashMap<Option<usize>, Arc<str>>;

impl Navs {
    pub(crate) fn new(site: &Site) -> Navs {
        let sections = site.sections.iter().enumerate().map(|(i, s)| (href(site, &s.url), i)).collect();
        Navs { sections, rendered: Mutex::new(HashMap::new()) }
    }

    /// The sidebar of the page at `url` in `lang`.
    pub(crate) fn for_page(&self, tera: &Tera, lang: &str, url: &str) -> Result<String, Diagnostic> {
        let (section_url, section) = self.section_of(url);
        let cached = self.lock().get(lang).and_then(|trees| trees.get(&section)).cloned();
        let tree = match cached {
            Some(tree) => tree,
            None => {
                // Rendered outside the lock: two threads may render the same tree once each,
                // and get the same text.
                let tree: Arc<str> = render(tera, lang, section_url)?.into();
                self.lock().entry(lang.to_string()).or_default().entry(section).or_insert(tree).clone()
            }
        };
        Ok(mark_current(&tree, url))
    }

    /// The deepest section whose href `url` starts with, and its number; `("", None)` for none.
    /// A section is on the way to the page exactly when this href starts with the section's
    /// (both are prefixes of `url`, and this is the longest), so every page that gives the same
    /// one shows the same tree. Section hrefs end with `/`: only the prefixes of `url` that do
    /// are looked up, longest first.
    fn section_of<'u>(&self, url: &'u str) -> (&'u str, Option<usize>) {
        url.rmatch_indices('/')
            .map(|(at, _)| &url[..=at])
            .find_map(|prefix| self.sections.get(prefix).map(|&i| (prefix, Some(i))))
            .unwrap_or(("", None))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Trees>> {
        self.rendered.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn render(tera: &Tera, lang: &str, section_url: &str) -> Result<String, Diagnostic> {
    let mut context = Context::new();
    context.insert("lang", lang);
    context.insert("section_url", section_url);
    tera.render(TEMPLATE, &context).map_err(|e| template_error(&e))
}

/// `tree` with `aria-current="page"` after its first `href="url"`, `url` escaped as the
/// templates escape it.
fn mark_current(tree: &str, url: &str) -> String {
    let mut escaped = Vec::with_capacity(url.len());
    // Writing into a Vec cannot fail.
    let _ = tera::escape_html(url, &mut escaped);
    let needle = format!("href=\"{}\"", String::from_utf8_lossy(&escaped));
    let mut marked = String::with_capacity(tree.len() + 20);
    match memchr::memmem::find(tree.as_bytes(), needle.as_bytes()) {
        Some(at) => {
            let end = at + needle.len();
            marked.push_str(&tree[..end]);
            marked.push_str(" aria-current=\"page\"");
            marked.push_str(&tree[end..]);
        }
        None => marked.push_str(tree),
    }
    marked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_link_to_the_page_is_marked() {
        let tree = r#"<a href="/a/">A</a><a href="/a/b/">B</a><a href="/a/b/">more</a>"#;
        assert_eq!(
            mark_current(tree, "/a/b/"),
            r#"<a href="/a/">A</a><a href="/a/b/" aria-current="page">B</a><a href="/a/b/">more</a>"#
        );
        assert_eq!(mark_current(tree, "/c/"), tree);
        // A longer href that starts with the page's is another page.
        assert_eq!(mark_current(r#"<a href="/a/bc/">X</a>"#, "/a/b"), r#"<a href="/a/bc/">X</a>"#);
    }

    #[test]
    fn the_deepest_section_the_url_is_in() {
        let sections = [("/", 0), ("/a/", 1), ("/a/b/", 2)].map(|(url, i)| (url.to_string(), i));
        let navs = Navs { sections: sections.into_iter().collect(), rendered: Mutex::default() };
        assert_eq!(navs.section_of("/a/b/c/"), ("/a/b/", Some(2)));
        assert_eq!(navs.section_of("/a/b/"), ("/a/b/", Some(2)));
        assert_eq!(navs.section_of("/a/bc/"), ("/a/", Some(1)));
        assert_eq!(navs.section_of("/404.html"), ("/", Some(0)));
        let navs = Navs { sections: HashMap::from([("/repo/a/".to_string(), 0)]), rendered: Mutex::default() };
        assert_eq!(navs.section_of("/repo/b/"), ("", None));
    }

    #[test]
    fn the_href_is_matched_as_the_templates_escape_it() {
        let tree = r#"<a href="/q/?x=1&amp;y=2">Q</a>"#;
        assert_eq!(mark_current(tree, "/q/?x=1&y=2"), r#"<a href="/q/?x=1&amp;y=2" aria-current="page">Q</a>"#);
    }
}
