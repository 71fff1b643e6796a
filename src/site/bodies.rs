//! Page bodies: Markdown to HTML with every link resolved and checked, and the link graph.
//!
//! In: each page's Markdown and the permalink map. Out: [`Site::rendered`], the problems of every
//! body (broken links, missing anchors), [`Site::backlinks`], and edits of single bodies for the
//! dev server.

use super::Site;
use super::ids::{IdVec, PageId};
use super::links::Resolver;
use crate::content::Page;
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, Rendered};
use rayon::prelude::*;
use std::collections::BTreeSet;

/// A new body for an existing page whose front matter did not change.
pub(crate) struct BodyEdit {
    pub page: PageId,
    pub body: String,
    pub body_line: usize,
}

impl Site {
    fn resolver(&self) -> Resolver<'_> {
        Resolver::new(&self.pages, &self.assets, &self.base, &self.config.book.language, &self.by_key, &self.by_url)
    }

    /// Markdown -> HTML for one page, with the ids its references list adds.
    fn render_body(&self, page: &Page, body: &str, resolver: &Resolver<'_>) -> Rendered {
        let allow_html = self.config.markdown.allow_html;
        let input = markdown::Input {
            body,
            body_line: page.body_line,
            references: &page.front.references,
            raw_html: allow_html,
        };
        let mut out = markdown::render(&input, &|dest| resolver.resolve(page, dest));
        if !allow_html {
            out.html = sanitise(&out.html);
        }
        // Kept until every page is rendered: without the room the String grew into.
        out.html.shrink_to_fit();
        out.ids.insert("references".into());
        out.ids.extend(page.front.references.iter().enumerate().map(|(n, r)| match &r.id {
            Some(id) => format!("ref-{id}"),
            None => format!("ref-{}", n + 1),
        }));
        out
    }

    /// Renders every body; each page's Markdown is dropped as soon as it is rendered (the model
    /// keeps the HTML), so the two are never all in memory at once.
    pub(super) fn render_bodies(&mut self) -> Vec<Diagnostic> {
        let bodies: Vec<String> = self.pages.iter_mut().map(|page| std::mem::take(&mut page.body)).collect();
        let resolver = self.resolver();
        let rendered: Vec<Rendered> = bodies
            .into_par_iter()
            .zip(self.pages.as_slice().par_iter())
            .map(|(body, page)| self.render_body(page, &body, &resolver))
            .collect();
        let rendered: IdVec<PageId, Rendered> = rendered.into();
        let mut problems = Vec::new();
        for p in self.pages.ids() {
            problems.extend(self.body_problems(p, &rendered));
        }
        self.rendered = rendered;
        problems
    }

    /// The problems of page `p`'s body: its own, and links from it to anchors that do not exist.
    fn body_problems(&self, p: PageId, rendered: &IdVec<PageId, Rendered>) -> Vec<Diagnostic> {
        let page = &self.pages[p];
        let out = &rendered[p];
        let mut problems: Vec<Diagnostic> = out
            .problems
            .iter()
            .map(|problem| Diagnostic::error(&page.file, problem.line, problem.col, problem.message.clone()))
            .collect();
        for anchor in &out.anchors {
            let target = &rendered[anchor.page];
            if !target.ids.contains(&anchor.anchor) {
                let hint = crate::diagnostics::suggest(&anchor.anchor, target.ids.iter().map(String::as_str));
                let message =
                    format!("no heading `#{}` in `{}`", anchor.anchor, self.pages[anchor.page].file.display());
                problems.push(Diagnostic::error(&page.file, anchor.line, anchor.col, message).with_hint(hint));
            }
        }
        problems
    }

    /// Replaces the bodies of pages whose front matter is unchanged: re-renders their Markdown,
    /// re-checks every link into them, and updates backlinks. Returns the pages whose output
    /// changes (the edited ones, and those whose "linked from" list changed). On error the model
    /// is left as it was.
    pub(crate) fn edit_bodies(&mut self, edits: Vec<BodyEdit>) -> Result<Vec<PageId>, Vec<Diagnostic>> {
        let mut pages_after: Vec<(PageId, Page)> = Vec::new();
        for edit in edits {
            let old = &self.pages[edit.page];
            let page = Page {
                text_hash: crate::translations::text_hash(&old.front, &edit.body),
                body: edit.body,
                body_line: edit.body_line,
                front: old.front.clone(),
                ..old.clone_meta()
            };
            pages_after.push((edit.page, page));
        }
        let resolver = self.resolver();
        let fresh: Vec<(PageId, Rendered)> =
            pages_after.iter().map(|(p, page)| (*p, self.render_body(page, &page.body, &resolver))).collect();
        drop(resolver);
        let mut rendered = std::mem::take(&mut self.rendered);
        let mut old_rendered = Vec::new();
        for (p, out) in fresh {
            old_rendered.push((p, std::mem::replace(&mut rendered[p], out)));
        }
        let edited: BTreeSet<PageId> = old_rendered.iter().map(|(p, _)| *p).collect();
        let mut problems = Vec::new();
        for p in self.pages.ids() {
            let links_into_edit = rendered[p].anchors.iter().any(|a| edited.contains(&a.page));
            if edited.contains(&p) || links_into_edit {
                problems.extend(self.body_problems(p, &rendered));
            }
        }
        if !problems.is_empty() {
            for (p, out) in old_rendered {
                rendered[p] = out;
            }
            self.rendered = rendered;
            return Err(problems);
        }
        self.rendered = rendered;
        let mut changed = edited.clone();
        for (p, old) in &old_rendered {
            for &target in old.links_to.symmetric_difference(&self.rendered[*p].links_to) {
                changed.insert(target);
            }
        }
        for (p, mut page) in pages_after {
            page.body = String::new();
            self.pages[p] = page;
        }
        self.backlinks = self.link_graph();
        Ok(changed.into_iter().collect())
    }

    /// For each page, the pages in its language that link to it, by title.
    pub(super) fn link_graph(&self) -> IdVec<PageId, Vec<PageId>> {
        let mut backlinks: IdVec<PageId, BTreeSet<PageId>> = self.pages.map_ids(|_| BTreeSet::new());
        for (from, out) in self.rendered.iter_ids() {
            for &to in &out.links_to {
                if to != from && self.pages[to].lang == self.pages[from].lang {
                    backlinks[to].insert(from);
                }
            }
        }
        backlinks
            .into_iter()
            .map(|set| {
                let mut list: Vec<PageId> = set.into_iter().collect();
                list.sort_by(|&a, &b| (self.pages[a].title(), a).cmp(&(self.pages[b].title(), b)));
                list
            })
            .collect()
    }
}

/// Cleans raw HTML out of a rendered body when `[markdown] allow-html = false`, keeping what
/// cellbook itself generates (ids, classes, anchor labels).
fn sanitise(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id", "class", "aria-label", "title", "lang"])
        .add_tags(["input", "span", "sup"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .link_rel(None)
        .url_relative(ammonia::UrlRelative::PassThrough)
        .clean(html)
        .to_string()
}
