//! Each vocabulary term's articles in each language, strongest evidence first.
//!
//! In: the pages each language shows and their front-matter terms. Out: the lists behind
//! [`Site::term_pages`], and each page's evidence strength ([`Site::strength`]).

use super::Site;
use super::ids::{Id, IdVec, LangId, PageId, TermId};
use crate::config::Taxonomy;
use rayon::prelude::*;
use std::collections::HashMap;

/// How many articles one page of a term's list shows; longer lists go on to `page/2/`...
pub(crate) const TERM_PAGE_SIZE: usize = 100;

/// The order of a term's articles: the rank (highest first), the title, the page.
type StrengthKey = (std::cmp::Reverse<Option<usize>>, String, PageId);

impl Site {
    /// The articles of `term` a reader of `lang` sees, strongest evidence first.
    pub(crate) fn term_pages(&self, term: TermId, lang: LangId) -> &[PageId] {
        &self.terms[term.taxonomy.index()][term.rank][lang]
    }

    /// The rank of a page's term in the design vocabulary of `[evidence]`, else in the first
    /// ranked taxonomy (its evidence strength).
    pub(crate) fn strength(&self, page: PageId) -> Option<(usize, &Taxonomy)> {
        let taxonomy = match &self.config.evidence {
            Some(evidence) => self.config.taxonomy(&evidence.design)?,
            None => self.config.taxonomies.iter().find(|t| t.ranked)?,
        };
        let terms = self.pages[page].front.terms.get(&taxonomy.key)?;
        let id = terms.ids().first()?;
        Some((taxonomy.term_index(id)?, taxonomy))
    }

    pub(super) fn collect_terms(&self) -> Vec<Vec<IdVec<LangId, Vec<PageId>>>> {
        let taxonomies = &self.config.taxonomies;
        let languages = self.languages().len();
        let mut terms: Vec<Vec<IdVec<LangId, Vec<PageId>>>> = taxonomies
            .iter()
            .map(|t| t.terms.iter().map(|_| (0..languages).map(|_| Vec::new()).collect()).collect())
            .collect();
        let term_ids: Vec<HashMap<&str, usize>> = taxonomies
            .iter()
            .map(|t| t.terms.iter().enumerate().map(|(n, term)| (term.id.as_str(), n)).collect())
            .collect();
        for (lang, visible) in self.visible_pages.iter_ids() {
            for &p in visible {
                for (t, taxonomy) in taxonomies.iter().enumerate() {
                    let Some(ids) = self.pages[p].front.terms.get(&taxonomy.key) else { continue };
                    for id in ids.ids() {
                        if let Some(&n) = term_ids[t].get(id.as_str()) {
                            let pages = &mut terms[t][n][lang];
                            // A term written twice lists the page once.
                            if pages.last() != Some(&p) {
                                pages.push(p);
                            }
                        }
                    }
                }
            }
        }
        // Sort keys are made once per page, not once per comparison.
        let mut keys: IdVec<PageId, Option<StrengthKey>> = self.pages.map_ids(|_| None);
        for &p in self.visible_pages.iter().flatten() {
            if keys[p].is_none() {
                keys[p] = Some(self.strength_key(p));
            }
        }
        terms
            .par_iter_mut()
            .flatten()
            .flat_map(|languages| languages.as_mut_slice())
            .for_each(|pages| pages.sort_by(|a, b| keys[*a].cmp(&keys[*b])));
        terms
    }

    fn strength_key(&self, p: PageId) -> StrengthKey {
        (std::cmp::Reverse(self.strength(p).map(|(rank, _)| rank)), self.pages[p].title().to_lowercase(), p)
    }
}
