//! `cellbook check`: everything `build` validates, plus editorial lints, without writing a file.
//!
//! In: the site root (and whether to check external links). Out: findings as [`Diagnostic`]s:
//! errors for what would break the build; warnings for pages nothing links to, vocabulary terms no
//! page uses, reviews past due, references without an identifier or never cited, duplicate
//! titles, out-of-date translations, and the review's mechanical checks (`editorial`: stale trial
//! records, summaries above the reading grade, trials named but not listed, preprints). Drafts are
//! checked too, and their findings say so. With `--external`, links to other
//! sites are fetched (concurrently, with a timeout and a cache file) and each failure is reported
//! at the page and line that links there, or once that the network is unreachable.

use crate::build::{self, Options};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Failure};
use crate::site::{PageId, Site};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

mod editorial;
mod external;

/// What `check` found, sorted, with the findings in drafts marked as such in their message.
pub struct Report {
    pub findings: Vec<Diagnostic>,
    /// How many findings are in drafts.
    pub in_drafts: usize,
    /// Why external links were not checked: the network is unreachable.
    pub unreachable: Option<String>,
    /// What it measured of each page of the main language.
    pub pages: Vec<PageReport>,
}

/// One page's figures: the reading grade of its plain-language summary, and its translations.
#[derive(Debug, serde::Serialize)]
pub struct PageReport {
    pub page: PathBuf,
    pub reading_grade: Option<f64>,
    /// Language -> the translation's state (`current`, `outdated`, `unmarked`) or `missing`.
    pub translations: BTreeMap<String, String>,
}

/// Checks the site with its drafts, and, when it has any, again as `build` sees it (drafts left
/// out, so that a link to a draft is the error it is there). From the first look come the drafts'
/// own findings, which `build` shows only once they are published, and the external links.
pub fn run(root: &Path, check_external: bool) -> Result<Report, String> {
    let mut all = Diagnostics::default();
    let with_drafts = pass(root, true, check_external)?;
    if with_drafts.drafts.is_empty() {
        all.extend(with_drafts.findings);
    } else {
        all.extend(pass(root, false, false)?.findings);
        let (external, drafts): (Vec<Diagnostic>, Vec<Diagnostic>) =
            with_drafts.findings.into_iter().partition(|d| with_drafts.external.contains(d));
        all.extend(drafts.into_iter().filter(|d| with_drafts.drafts.contains(&d.path)));
        all.extend(external);
    }
    let mut findings = all.sorted();
    let mut in_drafts = 0;
    for finding in findings.iter_mut().filter(|d| with_drafts.drafts.contains(&d.path)) {
        finding.message = format!("in a draft: {}", finding.message);
        in_drafts += 1;
    }
    Ok(Report { findings, in_drafts, unreachable: with_drafts.unreachable, pages: with_drafts.pages })
}

/// The findings of one look at the site.
struct Pass {
    findings: Vec<Diagnostic>,
    /// Those of `findings` that come from the external links.
    external: Vec<Diagnostic>,
    /// The files of the draft pages the pass loaded.
    drafts: BTreeSet<PathBuf>,
    unreachable: Option<String>,
    pages: Vec<PageReport>,
}

fn pass(root: &Path, drafts: bool, check_external: bool) -> Result<Pass, String> {
    let options = Options { root: root.to_path_buf(), no_search: true, drafts, ..Options::default() };
    let mut pass = Pass {
        findings: Vec::new(),
        external: Vec::new(),
        drafts: BTreeSet::new(),
        unreachable: None,
        pages: Vec::new(),
    };
    let config = match Config::load(root) {
        Ok(config) => config,
        Err(problems) => {
            pass.findings = problems;
            return Ok(pass);
        }
    };
    let (site, mut diagnostics, statics) = build::model(&options, config);
    pass.drafts = site.pages.iter().filter(|p| p.front.draft).map(|p| p.file.clone()).collect();
    diagnostics.extend(lints(&site, root));
    pass.pages = editorial::page_reports(&site, root);
    if check_external {
        let outcome = external::check(&site, root);
        pass.external = outcome.findings;
        pass.unreachable = outcome.unreachable;
        diagnostics.extend(pass.external.iter().cloned());
    }
    pass.findings = match build::render_model(&options, site, diagnostics, statics) {
        Ok(compiled) => compiled.warnings,
        Err(Failure::Diagnostics(all)) => all,
        Err(other @ Failure::Other { .. }) => return Err(other.to_string()),
    };
    Ok(pass)
}

/// The findings in the model, at the positions kept when the files were parsed; the editorial
/// lints also read the pages' text under `root`, as their bodies are not kept after rendering.
fn lints(site: &Site, root: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let today = crate::dates::today();
    let mut linked = site.pages.map_ids(|_| false);
    for rendered in &site.rendered {
        for &to in &rendered.links_to {
            linked[to] = true;
        }
    }
    let mut titles: BTreeMap<(&str, &str), Vec<PageId>> = BTreeMap::new();
    for (p, page) in site.pages.iter_ids() {
        let file = &page.file;
        if page.is_index {
            continue;
        }
        // A translation is reached through its original's language switcher.
        let is_translation = page.lang != site.default_lang();
        if !linked[p] && !is_translation {
            out.push(Diagnostic::warning(file, 1, 1, "no other page links here: link it from a related article"));
        }
        if let Some(due) = page.front.next_review
            && due < today
        {
            let (line, col) = page.front.positions.key("next_review");
            out.push(Diagnostic::warning(file, line, col, format!("review overdue: next_review was {due}")));
        }
        let cited = &site.rendered[p].cited;
        for reference in &page.front.references {
            if let Some(id) = &reference.id
                && !cited.contains(id)
            {
                let (line, col) = page.front.positions.value("references", id, 0);
                out.push(Diagnostic::warning(
                    file,
                    line,
                    col,
                    format!("reference `{id}` is never cited; cite it as [@{id}] or remove it"),
                ));
            }
        }
        titles.entry((page.lang.as_str(), page.title())).or_default().push(p);
    }
    for pages in titles.values().filter(|pages| pages.len() > 1) {
        for &p in pages {
            let others: Vec<String> =
                pages.iter().filter(|&&q| q != p).map(|&q| site.pages[q].file.display().to_string()).collect();
            let page = &site.pages[p];
            let (line, col) = page.front.positions.key("title");
            out.push(Diagnostic::warning(
                &page.file,
                line,
                col,
                format!("duplicate title, also used by {}", others.join(", ")),
            ));
        }
    }
    out.extend(unused_terms(site));
    out.extend(editorial::lints(site, root, today));
    out.extend(crate::translations::lints(site));
    out
}

/// Vocabulary terms no page uses, at their id in book.toml.
fn unused_terms(site: &Site) -> Vec<Diagnostic> {
    let mut used: HashMap<(&str, &str), bool> = HashMap::new();
    for page in &site.pages {
        for (key, terms) in &page.front.terms {
            for id in terms.ids() {
                used.insert((key.as_str(), id.as_str()), true);
            }
        }
    }
    let mut out = Vec::new();
    // The evidence vocabularies are a fixed scale: an unused rung is not a mistake.
    let scales: Vec<&str> = site.config.evidence.iter().flat_map(|e| e.keys()).collect();
    for (t, taxonomy) in site.config.taxonomies.iter().enumerate().filter(|(_, t)| !scales.contains(&t.key.as_str())) {
        for (i, term) in taxonomy.terms.iter().enumerate() {
            if !used.contains_key(&(taxonomy.key.as_str(), term.id.as_str())) {
                let (line, col) = site.config.spans.term_id(t, i);
                out.push(Diagnostic::warning(
                    "book.toml",
                    line,
                    col,
                    format!("no page uses the {} term `{}`", taxonomy.key, term.id),
                ));
            }
        }
    }
    out
}
