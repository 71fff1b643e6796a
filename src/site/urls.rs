//! The site's URLs: every page's and generated page's claim on an output file.
//!
//! In: the pages, sections, assets, static files and vocabularies. Out: [`Site::by_url`], the
//! URLs of the generated pages (topic indexes, term lists, matrix, evidence pages), and an error
//! for every output file two things would write.

use super::ids::{LangId, TermId};
use super::links::Owner;
use super::{Site, TERM_PAGE_SIZE};
use crate::diagnostics::Diagnostic;
use std::collections::BTreeMap;

impl Site {
    /// Claims every URL for its page or generated page; two claims on one output file are errors.
    pub(super) fn map_urls(&mut self, static_files: &[String]) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let mut claims: BTreeMap<String, String> = BTreeMap::new();
        let mut claim = |output: String, who: String, problems: &mut Vec<Diagnostic>, file: &std::path::Path| {
            if let Some(first) = claims.get(&output) {
                let message = format!(
                    "`{output}` would be written twice: by {first} and by {who}; change a `slug` or rename a file"
                );
                problems.push(Diagnostic::error(file, 1, 1, message));
            } else {
                claims.insert(output, who);
            }
        };
        for (i, page) in self.pages.iter_ids() {
            self.by_url.insert(page.url.clone(), Owner::Page(i));
            claim(format!("{}index.html", page.url), format!("`{}`", page.file.display()), &mut problems, &page.file);
        }
        for section in &self.sections {
            if !self.by_url.contains_key(&section.url) {
                self.by_url.insert(section.url.clone(), Owner::Generated);
            }
        }
        for url in self.generated_urls() {
            let who = format!("the generated page `/{url}`");
            if let Some(Owner::Page(i)) = self.by_url.get(&url) {
                let file = self.pages[*i].file.clone();
                claim(format!("{url}index.html"), who, &mut problems, &file);
            } else {
                self.by_url.insert(url.clone(), Owner::Generated);
            }
        }
        for asset in &self.assets {
            claim(
                asset.rel.clone(),
                format!("`content/{}`", asset.rel),
                &mut problems,
                std::path::Path::new("content").join(&asset.rel).as_path(),
            );
        }
        for file in static_files {
            claim(
                file.clone(),
                format!("`static/{file}`"),
                &mut problems,
                std::path::Path::new("static").join(file).as_path(),
            );
        }
        problems
    }

    /// URLs of the topic indexes, term pages (every page of each list) and matrix in every language.
    pub(crate) fn generated_urls(&self) -> Vec<String> {
        let mut urls = Vec::new();
        for l in self.lang_ids() {
            let lang = self.lang(l);
            let prefix = self.lang_prefix(lang);
            for t in self.taxonomy_ids() {
                urls.push(format!("{prefix}{}/", self.taxonomy(t).path));
                for term in self.term_ids(t) {
                    urls.extend((1..=self.term_page_count(term, l)).map(|n| self.term_url(term, lang, n)));
                }
            }
            if let Some(matrix) = &self.config.matrix {
                urls.push(format!("{prefix}{}/", matrix.path));
            }
            if let Some(evidence) = &self.config.evidence {
                for path in [&evidence.trials_path, &evidence.changes_path, &evidence.overdue_path] {
                    urls.push(format!("{prefix}{}/", path.trim_matches('/')));
                }
            }
        }
        urls
    }

    /// How many pages the list of a term in a language takes ([`TERM_PAGE_SIZE`] articles each;
    /// one page when it has none).
    pub(crate) fn term_page_count(&self, term: TermId, lang: LangId) -> usize {
        self.term_pages(term, lang).len().div_ceil(TERM_PAGE_SIZE).max(1)
    }

    /// The site path of page `n` (from 1) of a term's list: `cell-types/msc/`, then
    /// `cell-types/msc/page/2/`...
    pub(crate) fn term_url(&self, term: TermId, lang: &str, n: usize) -> String {
        let taxonomy = self.taxonomy(term.taxonomy);
        let first = format!("{}{}/{}/", self.lang_prefix(lang), taxonomy.path, self.term(term).id);
        if n > 1 { format!("{first}page/{n}/") } else { first }
    }
}
