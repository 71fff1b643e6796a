//! Related pages: the few articles in the same language that share the most specific terms.
//!
//! In: the site's pages, their taxonomy terms and tags. Out: for each article, up to
//! [`MAX_RELATED`] others, best first. Terms of vocabularies marked `relate` (and tags) score two
//! points each; terms of broad vocabularies add one point to pages already related. An inverted
//! index keeps the work proportional to the pages that actually share a term.

use super::Site;
use crate::config::Taxonomy;
use crate::content::Page;
use rayon::prelude::*;
use std::collections::HashMap;

pub const MAX_RELATED: usize = 5;

pub fn find(site: &Site) -> Vec<Vec<usize>> {
    let taxonomies = &site.config.taxonomies;
    let mut index: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, page) in site.pages.iter().enumerate().filter(|(_, p)| !p.is_index) {
        for term in specific_terms(page, taxonomies) {
            index.entry((page.lang.as_str(), term)).or_default().push(i);
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
            for term in specific_terms(page, taxonomies) {
                for &other in index.get(&(page.lang.as_str(), term)).map_or(&[][..], Vec::as_slice) {
                    if other != i {
                        *scores.entry(other).or_default() += 2;
                    }
                }
            }
            for (other, score) in scores.iter_mut() {
                *score += shared_broad_terms(page, &site.pages[*other], taxonomies);
            }
            let mut ranked: Vec<(usize, usize)> = scores.into_iter().collect();
            ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked.into_iter().take(MAX_RELATED).map(|(p, _)| p).collect()
        })
        .collect()
}

/// Terms of the `relate` vocabularies, and tags (a tag that equals a term id means the same thing).
fn specific_terms<'p>(page: &'p Page, taxonomies: &'p [Taxonomy]) -> impl Iterator<Item = &'p str> {
    let terms = taxonomies
        .iter()
        .filter(|t| t.relates())
        .filter_map(|t| page.front.terms.get(&t.key))
        .flat_map(|terms| terms.ids().iter().map(String::as_str));
    terms.chain(page.front.tags.iter().map(String::as_str))
}

fn shared_broad_terms(a: &Page, b: &Page, taxonomies: &[Taxonomy]) -> usize {
    taxonomies
        .iter()
        .filter(|t| !t.relates())
        .filter_map(|t| Some((a.front.terms.get(&t.key)?, b.front.terms.get(&t.key)?)))
        .map(|(x, y)| x.ids().iter().filter(|id| y.ids().contains(id)).count())
        .sum()
}
