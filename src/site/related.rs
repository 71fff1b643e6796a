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
            || Scratch { seen: vec![0; site.pages.len()], mine: vec![0; specific_ids.len()] },
            |scratch, i| best_of(i, &terms, &postings, scratch),
        )
        .collect();
    related.into()
}

/// The related pages of page `i`, best first. Not inlined into rayon's job, so that profiles
/// name this step (`scripts/bench/profile.py` sorts samples by the functions on the stack).
#[inline(never)]
fn best_of(i: usize, terms: &[PageTerms], postings: &[Vec<usize>], scratch: &mut Scratch) -> Vec<PageId> {
    let page = &terms[i];
    let Scratch { seen, mine } = scratch;
    for &term in &page.specific {
        mine[term as usize] += 1;
    }
    let mut best: Vec<(usize, usize)> = Vec::with_capacity(MAX_RELATED + 1);
    for &term in &page.specific {
        let list = &postings[term as usize];
        let at = list.partition_point(|&p| p < i);
        for &other in &list[at.saturating_sub(WINDOW)..(at + WINDOW + 1).min(list.len())] {
            if other == i || seen[other] == i + 1 {
                continue;
            }
            seen[other] = i + 1;
            // Every pair of equal terms counts (a term written twice on both pages, four times).
            let specific = 2 * terms[other].specific.iter().map(|&t| mine[t as usize] as usize).sum::<usize>();
            if !may_enter(&best, other, specific + page.broad.len()) {
                continue;
            }
            let score = specific + shared(&page.broad, &terms[other].broad);
            // Best first; equal scores in page order.
            let place = best.partition_point(|&(p, s)| s > score || (s == score && p < other));
            if place < MAX_RELATED {
                best.insert(place, (other, score));
                best.truncate(MAX_RELATED);
            }
        }
    }
    for &term in &page.specific {
        mine[term as usize] = 0;
    }
    best.into_iter().map(|(p, _)| PageId::from_index(p)).collect()
}

/// A thread's working memory for [`best_of`].
struct Scratch {
    /// For each page, the last article it was a candidate of (+1).
    seen: Vec<usize>,
    /// For each specific term, how many times the article has it (0 for the others).
    mine: Vec<u32>,
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

/// How many of `a`'s terms `b` has, both sorted: each of `a`'s terms counts once if `b` has it.
fn shared(a: &[u32], b: &[u32]) -> usize {
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
        count += usize::from(b.get(j) == Some(&term));
    }
    count
}

#[cfg(test)]
mod tests {
    use super::{PageTerms, Scratch, best_of, may_enter, shared};
    use crate::site::ids::Id;

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
    fn specific_terms_count_every_pair() {
        // Page 0 has term 3 three times: page 1, which has it twice, shares six pairs and comes
        // before page 2, which shares more terms (3, 5 and 7) but five pairs.
        let page = |specific: Vec<u32>| PageTerms { specific, broad: Vec::new() };
        let terms = [page(vec![3, 3, 3, 5, 7]), page(vec![3, 3]), page(vec![3, 5, 7])];
        let mut postings = vec![Vec::new(); 8];
        for (i, page) in terms.iter().enumerate() {
            for &term in &page.specific {
                postings[term as usize].push(i);
            }
        }
        let mut scratch = Scratch { seen: vec![0; 3], mine: vec![0; 8] };
        let related: Vec<usize> = best_of(0, &terms, &postings, &mut scratch).iter().map(|p| p.index()).collect();
        assert_eq!(related, [1, 2]);
        assert!(scratch.mine.iter().all(|&n| n == 0), "the counts are reset for the next article");
    }

    #[test]
    fn shared_broad_terms_count_once_each() {
        assert_eq!(shared(&[1, 3, 5], &[2, 3, 5, 8]), 2);
        // Each of the first page's terms that the other has, once.
        assert_eq!(shared(&[3, 3, 7], &[3, 3, 4]), 2);
        assert_eq!(shared(&[], &[1]), 0);
        assert_eq!(shared(&[9], &[1, 2]), 0);
    }
}
