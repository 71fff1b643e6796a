//! The real site in `content/`: complete front matter, sources for every page, honest labels, and
//! no sentence taken from the seed articles.

use cellbook::config::Config;
use cellbook::content::{self, Page};
use std::collections::HashSet;
use std::path::Path;

fn site() -> (Config, Vec<Page>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(root).expect("book.toml is valid");
    let (content, problems) = content::load(root, &config, false);
    assert!(problems.is_empty(), "{problems:?}");
    (config, content.pages)
}

fn articles(pages: &[Page]) -> impl Iterator<Item = &Page> {
    pages.iter().filter(|p| !p.is_index)
}

#[test]
fn at_least_40_english_articles_and_the_chinese_core() {
    let (_, pages) = site();
    let english = articles(&pages).filter(|p| p.lang == "en").count();
    assert!(english >= 40, "{english} English articles");
    let chinese: HashSet<&str> = pages.iter().filter(|p| p.lang == "zh").map(|p| p.key.as_str()).collect();
    for key in ["_index", "guide/evidence-labels", "guide/evaluating-clinics", "conditions/als", "conditions/ms"] {
        assert!(chinese.contains(key), "no Chinese version of {key}");
    }
}

#[test]
fn every_article_has_complete_front_matter() {
    let (config, pages) = site();
    let evidence = config.evidence.as_ref().expect("the atlas grades evidence");
    for page in articles(&pages) {
        let name = page.file.display();
        let front = &page.front;
        assert!(front.description.as_deref().is_some_and(|d| d.len() > 20), "{name}: description");
        assert!(front.reviewed.is_some() && front.next_review.is_some(), "{name}: review dates");
        assert!(front.next_review > front.reviewed, "{name}: next review after the last");
        assert!(front.date.is_some(), "{name}: date");
        let has = |key: &str| front.terms.get(key).is_some_and(|t| !t.ids().is_empty());
        if evidence.allows(&page.dir) {
            // An article about a treatment, product or trial: its design and what it found.
            for key in ["diseases", "cell_types", &evidence.design, &evidence.result] {
                assert!(has(key), "{name}: `{key}` missing");
            }
        } else {
            // Guides, overviews, policy and perspectives: no evidence label at all.
            for key in evidence.keys() {
                assert!(!has(key), "{name}: `{key}` on a page that is not about a treatment");
            }
        }
    }
}

#[test]
fn every_article_of_the_december_2026_review_is_dated() {
    let (_, pages) = site();
    let review: jiff::civil::Date = "2026-12-01".parse().unwrap();
    for page in articles(&pages).filter(|p| p.lang == "en") {
        assert!(
            page.front.reviewed.is_some_and(|d| d >= review),
            "{}: not reviewed in December 2026",
            page.file.display()
        );
    }
}

#[test]
fn every_page_cites_a_reference_with_an_identifier() {
    let (config, pages) = site();
    let evidence = config.evidence.as_ref().expect("the atlas grades evidence");
    for page in articles(&pages) {
        let name = page.file.display();
        // A page about a treatment cites research; a guide to law and regulation may rest on
        // regulators' own pages, which have no PMID or DOI, but every reference links somewhere.
        if evidence.allows(&page.dir) {
            assert!(page.front.references.iter().any(|r| r.has_identifier()), "{name}: no PMID, DOI, NCT or ISRCTN");
        }
        assert!(!page.front.references.is_empty(), "{name}: no references");
        for reference in &page.front.references {
            assert!(reference.has_identifier() || reference.url.is_some(), "{name}: {} has no link", reference.title);
        }
        for reference in &page.front.references {
            let id = reference.id.as_deref().unwrap_or("");
            assert!(page.body.contains(&format!("@{id}")), "{name}: reference `{id}` is never cited");
        }
    }
}

#[test]
fn failed_trials_say_so_in_their_summary() {
    let (_, pages) = site();
    for page in articles(&pages) {
        let result = page.front.terms.get("result").map(|t| t.ids().to_vec()).unwrap_or_default();
        if result.iter().any(|r| r == "primary-missed") {
            let summary = page.body.split("\n## ").nth(1).unwrap_or("").to_lowercase();
            assert!(
                ["primary endpoint", "main goal", "主要终点", "主要目标"].iter().any(|words| summary.contains(words)),
                "{}: the summary must say the primary endpoint was missed",
                page.file.display()
            );
        }
    }
}

#[test]
fn no_overstatement_from_the_seeds_is_repeated() {
    let (_, pages) = site();
    for page in &pages {
        let text = page.body.to_lowercase();
        for phrase in
            ["non-invasive", "noninvasive", "reverses damage", "cure for als", "cure for ms", "restores function"]
        {
            let negated = text.match_indices(phrase).all(|(i, _)| {
                let before = &text[i.saturating_sub(80)..i];
                ["not ", "no ", "none ", "neither", "never", "nor "].iter().any(|n| before.contains(n))
                    || before.contains('"')
                    || before.contains('“')
            });
            assert!(negated, "{}: `{phrase}` used as a claim", page.file.display());
        }
    }
}

/// Runs of 8 words (English) or 12 characters (Chinese) that a seed article and the site share.
#[test]
fn no_sentence_of_a_seed_appears_on_the_site() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let Ok(entries) = std::fs::read_dir(&seeds) else {
        assert!(std::env::var("CI").is_err(), "the seeds must be beside the repository in CI: {}", seeds.display());
        eprintln!("skipped: no seeds at {}", seeds.display());
        return;
    };
    let (_, pages) = site();
    let site_words: HashSet<String> = pages.iter().flat_map(|p| shingles(&p.body)).collect();
    let site_chars: HashSet<String> = pages.iter().flat_map(|p| cjk_runs(&p.body)).collect();
    let mut shared = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let seed = std::fs::read_to_string(entry.path()).unwrap_or_default();
        shared.extend(shingles(&seed).into_iter().filter(|s| site_words.contains(s)));
        shared.extend(cjk_runs(&seed).into_iter().filter(|s| site_chars.contains(s)));
    }
    assert!(shared.is_empty(), "text shared with the seeds: {shared:#?}");
}

fn shingles(text: &str) -> Vec<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.windows(8).map(|w| w.join(" ")).collect()
}

fn cjk_runs(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).collect();
    chars.windows(12).map(|w| w.iter().collect()).collect()
}
