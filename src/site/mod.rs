//! The site model: sections, translations, taxonomies, the link graph and related pages.
//!
//! In: the loaded [`Content`] and the config. Out: a [`Site`] in which every page knows its
//! section, neighbours, backlinks and related pages, every taxonomy term knows its pages in every
//! language, and every body has been rendered to HTML with its links checked (the model keeps the
//! HTML in `rendered`; each page's Markdown `body` is emptied once rendered). Rendering to files is
//! the next stage's work (`render`). Every list is indexed by its own id type ([`ids`]).

mod bodies;
mod changes;
pub mod ids;
pub mod links;
mod related;
mod sections;
mod terms;
mod urls;

pub(crate) use bodies::BodyEdit;
pub(crate) use changes::{changes, changes_path, field_name, overdue};
pub use ids::{IdVec, LangId, PageId, SectionId, TaxonomyId, TermId, TrialId};
pub(crate) use sections::Section;
pub(crate) use terms::TERM_PAGE_SIZE;

use crate::config::{Config, Taxonomy, Term};
use crate::content::trials::TrialRecord;
use crate::content::{Asset, Content, Page};
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;
use crate::urls::BaseUrl;
use ids::Id;
use links::Owner;
use std::collections::HashMap;

/// The site model: every page, section, term and trial record, linked, with the bodies rendered.
pub struct Site {
    /// The site's `book.toml`.
    pub config: Config,
    /// Where the site is published: the origin, when known, and the base path links start with.
    pub base: BaseUrl,
    /// Every page and section index, by id, in path order.
    pub pages: IdVec<PageId, Page>,
    /// The files under `content/` that are copied as they are.
    pub assets: Vec<Asset>,
    /// Every section (folder of `content/`), by id.
    pub sections: IdVec<SectionId, Section>,
    /// Rendered bodies, one per page.
    pub rendered: IdVec<PageId, Rendered>,
    /// For each page, the other pages in its language that link to it, sorted by title.
    pub backlinks: IdVec<PageId, Vec<PageId>>,
    /// For each article, the few others in its language that share the most specific terms, best first.
    pub related: IdVec<PageId, Vec<PageId>>,
    /// The section each page belongs to (for `_index.md`, the section it introduces).
    pub section_of: IdVec<PageId, SectionId>,
    /// Where each page stands in its section's `pages` (`None` for `_index.md`).
    pub position: IdVec<PageId, Option<usize>>,
    /// `terms[taxonomy][rank][language]`: each term's pages in each language, strongest evidence
    /// first ([`Site::term_pages`]).
    terms: Vec<Vec<IdVec<LangId, Vec<PageId>>>>,
    /// (translation key, language) -> page.
    pub by_key: HashMap<(String, String), PageId>,
    /// Every site URL (`cells/msc/`) a page or the generator answers at.
    pub by_url: HashMap<String, Owner>,
    /// Trial records, by id.
    pub trials: IdVec<TrialId, TrialRecord>,
    /// For each record, the pages (in any language) whose `trials:` name it.
    pub trial_pages: IdVec<TrialId, Vec<PageId>>,
    /// language -> folder -> section.
    section_ids: HashMap<String, HashMap<String, SectionId>>,
    /// The pages [`Site::visible`] gives, per language.
    visible_pages: IdVec<LangId, Vec<PageId>>,
}

impl Site {
    /// Builds the model. `static_files` are the output paths of `static/`, checked for clashes.
    pub(crate) fn build(
        config: Config,
        content: Content,
        base: BaseUrl,
        static_files: &[String],
    ) -> (Site, Vec<Diagnostic>) {
        let Content { pages, assets, trials } = content;
        let pages: IdVec<PageId, Page> = pages.into();
        let mut problems = Vec::new();
        let by_key = pages.iter_ids().map(|(i, p)| ((p.key.clone(), p.lang.clone()), i)).collect();
        let mut site = Site {
            config,
            base,
            pages,
            assets,
            sections: IdVec::new(),
            rendered: IdVec::new(),
            backlinks: IdVec::new(),
            related: IdVec::new(),
            section_of: IdVec::new(),
            position: IdVec::new(),
            terms: Vec::new(),
            by_key,
            by_url: HashMap::new(),
            trials: trials.into(),
            trial_pages: IdVec::new(),
            section_ids: HashMap::new(),
            visible_pages: IdVec::new(),
        };
        let start = std::time::Instant::now();
        site.visible_pages = site.languages().iter().map(|lang| site.find_visible(lang)).collect();
        site.build_sections();
        site.trial_pages = site.cited_trials();
        // Before the URLs: how many pages each term's list takes decides the URLs it claims.
        site.terms = site.collect_terms();
        problems.extend(site.map_urls(static_files));
        let start = crate::progress::phase("sections and URLs", start);
        problems.extend(site.render_bodies());
        let start = crate::progress::phase("markdown bodies", start);
        site.backlinks = site.link_graph();
        let start = crate::progress::phase("backlinks", start);
        site.related = related::find(&site);
        crate::progress::phase("related pages", start);
        (site, problems)
    }

    pub(crate) fn page(&self, id: PageId) -> &Page {
        &self.pages[id]
    }

    pub(crate) fn section(&self, id: SectionId) -> &Section {
        &self.sections[id]
    }

    pub(crate) fn trial(&self, id: TrialId) -> &TrialRecord {
        &self.trials[id]
    }

    pub(crate) fn taxonomy(&self, id: TaxonomyId) -> &Taxonomy {
        &self.config.taxonomies[id.index()]
    }

    /// Every vocabulary's id, in `book.toml` order.
    pub(crate) fn taxonomy_ids(&self) -> impl Iterator<Item = TaxonomyId> + use<> {
        (0..self.config.taxonomies.len()).map(TaxonomyId::from_index)
    }

    /// The id of the vocabulary with this key.
    pub(crate) fn taxonomy_id(&self, key: &str) -> Option<TaxonomyId> {
        self.config.taxonomies.iter().position(|t| t.key == key).map(TaxonomyId::from_index)
    }

    pub(crate) fn term(&self, id: TermId) -> &Term {
        &self.taxonomy(id.taxonomy).terms[id.rank]
    }

    /// Every term of a vocabulary, in rank order.
    pub(crate) fn term_ids(&self, taxonomy: TaxonomyId) -> impl Iterator<Item = TermId> + use<> {
        (0..self.taxonomy(taxonomy).terms.len()).map(move |rank| TermId { taxonomy, rank })
    }

    pub(crate) fn languages(&self) -> Vec<&str> {
        self.config.languages()
    }

    /// Every language's id, the main language first.
    pub(crate) fn lang_ids(&self) -> impl Iterator<Item = LangId> + use<> {
        (0..self.languages().len()).map(LangId::from_index)
    }

    /// The code of a language (`en`).
    pub(crate) fn lang(&self, id: LangId) -> &str {
        self.languages()[id.index()]
    }

    /// The id of `lang`; the main language's for a code the site does not have.
    pub(crate) fn lang_id(&self, lang: &str) -> LangId {
        LangId::from_index(self.languages().iter().position(|l| *l == lang).unwrap_or(0))
    }

    pub(crate) fn default_lang(&self) -> &str {
        &self.config.book.language
    }

    /// The articles a reader of `lang` (one of the site's languages) sees, in page order: those
    /// written in it, and main-language articles that have no translation into it yet.
    pub(crate) fn visible(&self, lang: &str) -> impl Iterator<Item = PageId> + '_ {
        let index = self.languages().iter().position(|l| *l == lang).map(LangId::from_index);
        index.and_then(|i| self.visible_pages.get(i)).map_or(&[][..], Vec::as_slice).iter().copied()
    }

    fn find_visible(&self, lang: &str) -> Vec<PageId> {
        let mut key = (String::new(), lang.to_string());
        let mut pages = Vec::new();
        for (i, page) in self.pages.iter_ids().filter(|(_, page)| !page.is_index) {
            let shown = page.lang == lang
                || (page.lang == self.config.book.language && {
                    key.0.clone_from(&page.key);
                    !self.by_key.contains_key(&key)
                });
            if shown {
                pages.push(i);
            }
        }
        pages
    }

    /// The page of `key` in `lang`, if that translation exists.
    pub(crate) fn translation(&self, key: &str, lang: &str) -> Option<PageId> {
        self.by_key.get(&(key.to_string(), lang.to_string())).copied()
    }

    /// The record with this id.
    pub(crate) fn find_trial(&self, id: &str) -> Option<TrialId> {
        self.trials.as_slice().binary_search_by(|t| t.id.as_str().cmp(id)).ok().map(TrialId::from_index)
    }

    /// Which pages cite each record, in page order.
    fn cited_trials(&self) -> IdVec<TrialId, Vec<PageId>> {
        let mut cited: IdVec<TrialId, Vec<PageId>> = self.trials.iter().map(|_| Vec::new()).collect();
        for (p, page) in self.pages.iter_ids() {
            for id in &page.front.trials {
                if let Some(t) = self.find_trial(id) {
                    cited[t].push(p);
                }
            }
        }
        cited
    }

    /// The section of folder `dir` in `lang`.
    pub(crate) fn find_section(&self, lang: &str, dir: &str) -> Option<SectionId> {
        self.section_ids.get(lang)?.get(dir).copied()
    }

    /// `` for the main language, `zh/` for the others.
    pub(crate) fn lang_prefix(&self, lang: &str) -> String {
        if lang == self.default_lang() { String::new() } else { format!("{lang}/") }
    }
}
