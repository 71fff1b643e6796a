//! Related pages: the few articles in the same language that share the most specific terms.
//!
//! In: the site's pages and their taxonomy terms and tags. Out: for each page, up to
//! [`MAX_RELATED`] others, best first. An inverted index keeps this linear in practice: only pages
//! sharing a term are ever scored.

use super::Site;
use rayon::prelude::*;
use std::collections::HashMap;

pub const MAX_RELATED: usize = 5;

/// Taxonomies that say what an article is about; broad ones (diseases, evidence) only break ties.
const SPECIFIC: &[&str] = &["cell_types", "delivery"];

pub fn find(site: &Site<'_>) -> Vec<Vec<usize>> {
    let mut index: HashMap<(String, &str), Vec<usize>> = HashMap::new();
    for (i, page) in site.pages.iter().enumerate().filter(|(_, p)| !p.is_index) {
        for term in specific_terms(page) {
            index.entry((page.lang.clone(), term)).or_default().push(i);
        }
    }
    (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            let page = &site.pages[i];
            if page.is_index {
                return Vec::new();
            }
            let mut scores: HashMap<usize, usize> = HashMap::new();
            for term in specific_terms(page) {
                for &other in index.get(&(page.lang.clone(), term)).map_or(&[][..], Vec::as_slice) {
                    if other != i {
                        *scores.entry(other).or_default() += 2;
                    }
                }
            }
            let diseases = page.front.terms.get("diseases");
            for (other, score) in scores.iter_mut() {
                let shared = site.pages[*other].front.terms.get("diseases");
                if let (Some(a), Some(b)) = (diseases, shared)
                    && a.ids().iter().any(|id| b.ids().contains(id))
                {
                    *score += 1;
                }
            }
            let mut ranked: Vec<(usize, usize)> = scores.into_iter().collect();
            ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked.into_iter().take(MAX_RELATED).map(|(p, _)| p).collect()
        })
        .collect()
}

fn specific_terms(page: &crate::content::Page) -> impl Iterator<Item = &str> {
    let terms =
        SPECIFIC.iter().filter_map(|key| page.front.terms.get(*key)).flat_map(|t| t.ids().iter().map(String::as_str));
    terms.chain(page.front.tags.iter().map(String::as_str))
}
