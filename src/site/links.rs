//! The permalink map and link resolution.
//!
//! In: every page and asset with its URL. Out: for a link as an editor writes it (a relative `.md`
//! path, a site path such as `/cell-types/`, or a file beside the page), the URL to write and the
//! page it points at; or, as Zola does, a build error when nothing is there.

use super::ids::{IdVec, PageId};
use crate::content::{Asset, Page};
use crate::diagnostics::suggest;
use crate::markdown::Target;
use crate::urls::{BaseUrl, join};
use std::collections::{HashMap, HashSet};

/// What answers at a URL of the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// One of the site's pages, read from a source file.
    Page(PageId),
    /// A page the generator makes itself: a section in another language, a topic index, a term page.
    Generated,
}

pub(crate) struct Resolver<'s> {
    pages: &'s IdVec<PageId, Page>,
    base: &'s BaseUrl,
    default_lang: &'s str,
    by_key: &'s HashMap<(String, String), PageId>,
    by_url: &'s HashMap<String, Owner>,
    assets: HashSet<&'s str>,
}

impl<'s> Resolver<'s> {
    pub(crate) fn new(
        pages: &'s IdVec<PageId, Page>,
        assets: &'s [Asset],
        base: &'s BaseUrl,
        default_lang: &'s str,
        by_key: &'s HashMap<(String, String), PageId>,
        by_url: &'s HashMap<String, Owner>,
    ) -> Self {
        let assets = assets.iter().map(|a| a.rel.as_str()).collect();
        Resolver { pages, base, default_lang, by_key, by_url, assets }
    }

    /// Where a link written in `from` goes.
    pub(crate) fn resolve(&self, from: &Page, dest: &str) -> Target {
        if is_external(dest) {
            return Target::External;
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor.to_string()).filter(|a| !a.is_empty())),
            None => (dest, None),
        };
        let path = path.split('?').next().unwrap_or(path);
        if path.ends_with(".md") {
            return self.markdown_link(from, dest, path, anchor);
        }
        if let Some(site_path) = path.strip_prefix('/') {
            return self.site_link(dest, site_path, anchor);
        }
        match join(&from.dir, path) {
            Some(rel) if self.assets.contains(rel.as_str()) => {
                Target::Site { href: self.href(&rel, anchor.as_deref()), page: None, anchor: None }
            }
            _ => Target::Missing(format!(
                "broken link `{dest}`: no file `content/{}`; link to an article by its `.md` path",
                join(&from.dir, path).unwrap_or_else(|| path.to_string())
            )),
        }
    }

    fn markdown_link(&self, from: &Page, dest: &str, path: &str, anchor: Option<String>) -> Target {
        let rel = match path.strip_prefix('/') {
            Some(from_top) => join("", from_top),
            None => join(&from.dir, path),
        };
        let Some(rel) = rel else {
            return Target::Missing(format!("broken link `{dest}`: it climbs above `content/`"));
        };
        let key = rel.trim_end_matches(".md");
        // An explicit `name.zh.md` names that translation; a plain `name.md` means "in my language".
        let found = self
            .by_key
            .get(&(key.to_string(), from.lang.clone()))
            .or_else(|| self.by_key.get(&(key.to_string(), self.default_lang.to_string())))
            .or_else(|| {
                let (stem, lang) = key.rsplit_once('.')?;
                self.by_key.get(&(stem.to_string(), lang.to_string()))
            });
        match found {
            Some(&page) => {
                Target::Site { href: self.href(&self.pages[page].url, anchor.as_deref()), page: Some(page), anchor }
            }
            None => {
                let hint = suggest(&rel, self.pages.iter().map(|p| p.rel.as_str()));
                let mut message = format!("broken link `{dest}`: there is no `content/{rel}`");
                if let Some(hint) = hint {
                    message.push_str(&format!("; did you mean `content/{hint}`?"));
                }
                Target::Missing(message)
            }
        }
    }

    fn site_link(&self, dest: &str, site_path: &str, anchor: Option<String>) -> Target {
        let mut url = site_path.to_string();
        let is_file = url.rsplit('/').next().is_some_and(|last| last.contains('.'));
        if !url.is_empty() && !url.ends_with('/') && !is_file {
            url.push('/');
        }
        let owner =
            self.by_url.get(&url).copied().or_else(|| self.assets.contains(url.as_str()).then_some(Owner::Generated));
        match owner {
            Some(owner) => {
                let page = match owner {
                    Owner::Page(page) => Some(page),
                    Owner::Generated => None,
                };
                Target::Site {
                    href: self.href(&url, anchor.as_deref()),
                    page,
                    anchor: anchor.filter(|_| page.is_some()),
                }
            }
            None => {
                let hint = suggest(&url, self.by_url.keys().map(String::as_str)).map(|h| format!("/{h}"));
                let message = format!("broken link `{dest}`: no page of this site has the URL `/{url}`");
                Target::Missing(match hint {
                    Some(hint) => format!("{message}; did you mean `{hint}`?"),
                    None => message,
                })
            }
        }
    }

    fn href(&self, site_path: &str, anchor: Option<&str>) -> String {
        let mut href = self.base.link(&encode_path(site_path));
        if let Some(anchor) = anchor {
            href.push('#');
            href.push_str(anchor);
        }
        href
    }
}

/// A link to another site or scheme: `https://...`, `mailto:...`, `//host/...`.
pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Percent-encodes the ASCII characters that may not stand in a URL path; letters of other
/// scripts stay as they are (HTML accepts IRIs).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii() && !(c.is_ascii_alphanumeric() || "/-_.~!$&'()*+,;=:@".contains(c)) {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_external() {
        assert!(is_external("https://x.org"));
        assert!(is_external("mailto:a@b"));
        assert!(!is_external("../cells/msc.md"));
        assert!(!is_external("/cell-types/"));
    }

    #[test]
    fn encodes_spaces_but_keeps_cjk() {
        assert_eq!(encode_path("a b/干细胞/"), "a%20b/干细胞/");
    }
}
