//! The context of `/changes/` (`changes.html`, kind "changes").
//!
//! In: the [`Site`] and a language. Out: `changes` (docs/templates.md): every recorded change of
//! the articles a reader of that language sees, newest first, with the article it changed.

use super::context::{Common, Context};
use super::views::{ChangeView, href, page_link};
use crate::site::{LangId, Site};
use serde::Serialize;

#[derive(Serialize)]
pub(crate) struct ChangesContext<'a> {
    changes: Vec<ChangeView<'a>>,
}

/// Returns the site path it renders; `None` when the site does not grade evidence.
pub(crate) fn context(site: &Site, lang_id: LangId) -> Option<(String, Context<'_, ChangesContext<'_>>)> {
    let (Some(evidence), Some(path)) = (&site.config.evidence, crate::site::changes_path(site)) else {
        return None;
    };
    let lang = site.lang(lang_id);
    let common = Common::generated(site, "changes", lang, &path, evidence.changes_title_in(lang), "")
        .with_feed(href(site, &format!("{path}atom.xml")));
    let changes = crate::site::changes(site, lang)
        .into_iter()
        .map(|c| ChangeView {
            date: c.date.to_string(),
            field: c.field,
            from: c.from,
            to: c.to,
            why: c.why,
            page: Some(page_link(site, c.page)),
        })
        .collect();
    Some((format!("{}{path}", site.lang_prefix(lang)), Context { common, own: ChangesContext { changes } }))
}
