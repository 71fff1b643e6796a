//! Related pages: the few articles in the same language that share the most specific terms.
//!
//! In: the site's pages, their taxonomy terms and tags. Out: for each article, up to
//! [`MAX_RELATED`] others, best first (then in page order). Terms of vocabularies marked `relate`
//! (and tags) score two points each; terms of broad vocabularies add one point to pages already
//! related.
//!
//! Candidates come from an inverted index: for each of the article's specific terms, the pages
//! that have it. A term shared by thousands of pages would make that quadratic, so only a window
//! of [`WINDOW`] pages on each side of the article in the term's list (pages are in path order, so
//! these are mostly its own section's) become candidates. Each candidate is then scored on all the
//! terms the two pages share. The work grows with the number of pages, not with how many share a
//! term; when no term has more than `2 * WINDOW + 1` pages, every page that shares a term is a
//! candidate, and the result is exactly the best pages of the whole site.

use super::Site;
use super::ids::{Id, IdVec, PageId};
use crate::config::Taxonomy;
use crate::content::Page;
use rayon::prelude::*;
use std::collections::HashMap;

pub(crate) const MAX_RELATED: usize = 5;

/// Candidates taken from each side of an article in one term's list of pages.
pub(crate) const WINDOW: usize = 100;

/// The terms of one page, as sorted numbers (with repeats, as written).
struct PageTerms {
    specific: Vec<u32>,
    broad: Vec<u32>,
}

pub(crate) fn find(site: &Site) -> IdVec<PageId, Vec<PageId>> {
    let taxonomies = &site.config.taxonomies;
    // Specific terms are numbered per (language, term), so two pages share a number only when
    // they share a term in one language; broad terms per (vocabulary, term).
    let mut specific_ids: HashMap<(&str, &str), u32> = HashMap::new();
    let mut broad_ids: HashMap<(usize, &str), u32> = HashMap::new();
    let terms: Vec<PageTerms> = site
        .pages
        .iter()
        .map(|page| {
            if page.is_index {
                return PageTerms { specific: Vec::new(), broad: Vec::new() };
            }
            let mut specific: Vec<u32> = specific_terms(page, taxonomies)
                .map(|term| {
                    let next = specific_ids.len() as u32;
                    *specific_ids.entry((page.lang.as_str(), term)).or_insert(next)
                })
                .collect();
            let mut broad: Vec<u32> = broad_terms(page, taxonomies)
                .map(|key| {
                    let next = broad_ids.len() as u32;
                    *broad_ids.entry(key).or_insert(next)
                })
                .collect();
            specific.sort_unstable();
            broad.sort_unstable();
            PageTerms { specific, broad }
        })
        .collect();
    // Each term's pages, in page order (a page with a term twice is listed twice).
    let mut postings: Vec<Vec<usize>> = vec![Vec::new(); specific_ids.len()];
    for (i, page) in terms.iter().enumerate() {
        for &term in &page.specific {
            postings[term as usize].push(i);
        }
    }
    let related: Vec<Vec<PageId>> = (0..site.pages.len())
        .into_par_iter()
        .map_init(
            // Per thread: for each page, the last article it was a candidate of (+1).
            || vec![0usize; site.pages.len()],
            |seen, i| best_of(i, &terms, &postings, seen),
        )
        .collect();
    related.into()
}

/// The related pages of page `i`, best first. Not inlined into rayon's job, so that profiles
/// name this step (`scripts/bench/profile.py` sorts samples by the functions on the stack).
#[inline(never)]
fn best_of(i: usize, terms: &[PageTerms], postings: &[Vec<usize>], seen: &mut [usize]) -> Vec<PageId> {
    let page = &terms[i];
    let mut best: Vec<(usize, usize)> = Vec::with_capacity(MAX_RELATED + 1);
    for &term in &page.specific {
        let list = &postings[term as usize];
        let at = list.partition_point(|&p| p < i);
        for &other in &list[at.saturating_sub(WINDOW)..(at + WINDOW + 1).min(list.len())] {
            if other == i || seen[other] == i + 1 {
                continue;
            }
            seen[other] = i + 1;
            let specific = 2 * shared(&page.specific, &terms[other].specific, true);
            if !may_enter(&best, other, specific + page.broad.len()) {
                continue;
            }
            let score = specific + shared(&page.broad, &terms[other].broad, false);
            // Best first; equal scores in page order.
            let place = best.partition_point(|&(p, s)| s > score || (s == score && p < other));
            if place < MAX_RELATED {
                best.insert(place, (other, score));
                best.truncate(MAX_RELATED);
            }
        }
    }
    best.into_iter().map(|(p, _)| PageId::from_index(p)).collect()
}

/// Whether page `other`, whose score is at most `most`, could enter `best` (full, it takes a
/// higher score than the last one's, or the same score earlier in page order): most candidates
/// cannot, and are not scored on their broad terms.
fn may_enter(best: &[(usize, usize)], other: usize, most: usize) -> bool {
    match best.get(MAX_RELATED - 1) {
        Some(&(last, score)) => most > score || (most == score && other < last),
        None => true,
    }
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

/// Terms of the broad vocabularies (those that do not relate articles), with their vocabulary.
fn broad_terms<'p>(page: &'p Page, taxonomies: &'p [Taxonomy]) -> impl Iterator<Item = (usize, &'p str)> {
    taxonomies
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.relates())
        .filter_map(|(n, t)| Some((n, page.front.terms.get(&t.key)?)))
        .flat_map(|(n, terms)| terms.ids().iter().map(move |id| (n, id.as_str())))
}

/// How many of `a`'s terms `b` has, both sorted: with `pairs`, every pair of equal terms counts
/// (a term written twice on both pages counts four times); without, each of `a`'s terms counts
/// once if `b` has it.
fn shared(a: &[u32], b: &[u32], pairs: bool) -> usize {
    let mut count = 0;
    let mut j = 0;
    for (n, &term) in a.iter().enumerate() {
        if n > 0 && a[n - 1] == term {
            // The same term again: it matches what the previous one matched.
        } else {
            while j < b.len() && b[j] < term {
                j += 1;
            }
        }
        let matches = b[j..].iter().take_while(|&&t| t == term).count();
        count += if pairs { matches } else { usize::from(matches > 0) };
    }
    count
}

#[cfg(test)]
mod tests {
    use super::{may_enter, shared};

    #[test]
    fn a_candidate_is_skipped_only_when_it_cannot_enter_the_best() {
        let best = [(1, 9), (2, 8), (3, 7), (4, 6), (10, 5)];
        assert!(may_enter(&best[..4], 99, 0), "room left: anything enters");
        assert!(may_enter(&best, 99, 6), "a higher score than the last's");
        assert!(may_enter(&best, 7, 5), "the last's score, earlier in page order");
        assert!(!may_enter(&best, 11, 5), "the last's score, later in page order");
        assert!(!may_enter(&best, 0, 4), "a lower score");
    }

    #[test]
    fn shared_terms_count_as_the_inverted_index_did() {
        assert_eq!(shared(&[1, 3, 5], &[2, 3, 5, 8], true), 2);
        // A term written twice on both pages is four pairs of equal terms.
        assert_eq!(shared(&[3, 3], &[3, 3, 4], true), 4);
        // Broad terms: each of the first page's that the other has, once.
        assert_eq!(shared(&[3, 3, 7], &[3, 3, 4], false), 2);
        assert_eq!(shared(&[], &[1], true), 0);
        assert_eq!(shared(&[9], &[1, 2], false), 0);
    }
}
