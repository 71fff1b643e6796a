//! The site model: sections, translations, taxonomies, the link graph and related pages.
//!
//! In: the loaded [`Content`] and the config. Out: a [`Site`] in which every page knows its
//! section, neighbours, backlinks and related pages, every taxonomy term knows its pages in every
//! language, and every body has been rendered to HTML with its links checked (the model keeps the
//! HTML in `rendered`; each page's Markdown `body` is emptied once rendered). Rendering to files is
//! the next stage's work (`render`).

mod changes;
pub mod links;
mod related;

pub use changes::{ChangeItem, changes, changes_path, field_name, overdue};

use crate::config::{Config, Taxonomy};
use crate::content::trials::TrialRecord;
use crate::content::{Asset, Content, Page, page_url};
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, Rendered};
use crate::urls::BaseUrl;
use links::{Owner, Resolver};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A folder of `content/` in one language.
#[derive(Debug)]
pub struct Section {
    pub lang: String,
    /// The folder inside `content/`: `trials/als`, or `` for the home page.
    pub dir: String,
    /// The `_index.md` giving its title and intro: in this language, else in the main one.
    pub index: Option<usize>,
    pub url: String,
    /// Its articles in reading order (weight, then title).
    pub pages: Vec<usize>,
    pub children: Vec<usize>,
    pub parent: Option<usize>,
}

/// A new body for an existing page whose front matter did not change.
pub struct BodyEdit {
    pub page: usize,
    pub body: String,
    pub body_line: usize,
}

/// The order of [`Site::strongest_first`]: the rank (highest first), the title, the page.
type StrengthKey = (std::cmp::Reverse<Option<usize>>, String, usize);

/// How many articles one page of a term's list shows; longer lists go on to `page/2/`...
pub const TERM_PAGE_SIZE: usize = 100;

/// One taxonomy term's pages in one language, strongest evidence first.
#[derive(Debug, Default)]
pub struct TermPages {
    pub pages: Vec<usize>,
}

pub struct Site {
    pub config: Config,
    pub base: BaseUrl,
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    pub sections: Vec<Section>,
    /// Rendered bodies, one per page, in the same order.
    pub rendered: Vec<Rendered>,
    pub backlinks: Vec<Vec<usize>>,
    pub related: Vec<Vec<usize>>,
    /// The section each page belongs to (for `_index.md`, the section it introduces).
    pub section_of: Vec<usize>,
    /// Where each page stands in its section's `pages` (`None` for `_index.md`).
    pub position: Vec<Option<usize>>,
    /// `terms[taxonomy][term][language]`, languages in `config.languages()` order.
    pub terms: Vec<Vec<Vec<TermPages>>>,
    /// (translation key, language) -> page.
    pub by_key: HashMap<(String, String), usize>,
    /// Every site URL (`cells/msc/`) a page or the generator answers at.
    pub by_url: HashMap<String, Owner>,
    /// Trial records, by id.
    pub trials: Vec<TrialRecord>,
    /// For each record, the pages (in any language) whose `trials:` name it.
    pub trial_pages: Vec<Vec<usize>>,
    /// language -> folder -> section.
    section_ids: HashMap<String, HashMap<String, usize>>,
    /// The pages [`Site::visible`] gives, per language in `config.languages()` order.
    visible_pages: Vec<Vec<usize>>,
}

impl Site {
    /// Builds the model. `static_files` are the output paths of `static/`, checked for clashes.
    pub fn build(config: Config, content: Content, base: BaseUrl, static_files: &[String]) -> (Site, Vec<Diagnostic>) {
        let Content { pages, assets, trials } = content;
        let mut problems = Vec::new();
        let by_key = pages.iter().enumerate().map(|(i, p)| ((p.key.clone(), p.lang.clone()), i)).collect();
        let mut site = Site {
            config,
            base,
            pages,
            assets,
            sections: Vec::new(),
            rendered: Vec::new(),
            backlinks: Vec::new(),
            related: Vec::new(),
            section_of: Vec::new(),
            position: Vec::new(),
            terms: Vec::new(),
            by_key,
            by_url: HashMap::new(),
            trials,
            trial_pages: Vec::new(),
            section_ids: HashMap::new(),
            visible_pages: Vec::new(),
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

    pub fn languages(&self) -> Vec<&str> {
        self.config.languages()
    }

    pub fn default_lang(&self) -> &str {
        &self.config.book.language
    }

    /// The articles a reader of `lang` (one of the site's languages) sees, in page order: those
    /// written in it, and main-language articles that have no translation into it yet.
    pub fn visible(&self, lang: &str) -> impl Iterator<Item = usize> + '_ {
        let index = self.languages().iter().position(|l| *l == lang);
        index.and_then(|i| self.visible_pages.get(i)).map_or(&[][..], Vec::as_slice).iter().copied()
    }

    fn find_visible(&self, lang: &str) -> Vec<usize> {
        let mut key = (String::new(), lang.to_string());
        let mut pages = Vec::new();
        for (i, page) in self.pages.iter().enumerate().filter(|(_, page)| !page.is_index) {
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
    pub fn translation(&self, key: &str, lang: &str) -> Option<usize> {
        self.by_key.get(&(key.to_string(), lang.to_string())).copied()
    }

    /// The rank of a page's term in the design vocabulary of `[evidence]`, else in the first
    /// ranked taxonomy (its evidence strength).
    pub fn strength(&self, page: usize) -> Option<(usize, &Taxonomy)> {
        let taxonomy = match &self.config.evidence {
            Some(evidence) => self.config.taxonomy(&evidence.design)?,
            None => self.config.taxonomies.iter().find(|t| t.ranked)?,
        };
        let terms = self.pages[page].front.terms.get(&taxonomy.key)?;
        let id = terms.ids().first()?;
        Some((taxonomy.term_index(id)?, taxonomy))
    }

    /// The record with this id.
    pub fn trial(&self, id: &str) -> Option<usize> {
        self.trials.binary_search_by(|t| t.id.as_str().cmp(id)).ok()
    }

    /// Which pages cite each record, in page order.
    fn cited_trials(&self) -> Vec<Vec<usize>> {
        let mut cited = vec![Vec::new(); self.trials.len()];
        for (p, page) in self.pages.iter().enumerate() {
            for id in &page.front.trials {
                if let Some(t) = self.trial(id) {
                    cited[t].push(p);
                }
            }
        }
        cited
    }

    pub fn section(&self, lang: &str, dir: &str) -> Option<usize> {
        self.section_ids.get(lang)?.get(dir).copied()
    }

    fn build_sections(&mut self) {
        let mut dirs = BTreeSet::from([String::new()]);
        for page in &self.pages {
            let mut dir = page.dir.as_str();
            while !dir.is_empty() {
                dirs.insert(dir.to_string());
                dir = dir.rsplit_once('/').map_or("", |(parent, _)| parent);
            }
        }
        let languages: Vec<String> = self.languages().iter().map(|l| l.to_string()).collect();
        for lang in &languages {
            for dir in &dirs {
                let key = if dir.is_empty() { "_index".to_string() } else { format!("{dir}/_index") };
                let index = self.translation(&key, lang).or_else(|| self.translation(&key, self.default_lang()));
                let url = page_url(dir, None, lang, &self.config);
                let section = Section {
                    lang: lang.clone(),
                    dir: dir.clone(),
                    index,
                    url,
                    pages: Vec::new(),
                    children: Vec::new(),
                    parent: None,
                };
                self.section_ids.entry(lang.clone()).or_default().insert(dir.clone(), self.sections.len());
                self.sections.push(section);
            }
        }
        // Each language's articles by folder, in reading order (weight, then title).
        let mut by_dir: Vec<HashMap<&str, Vec<usize>>> = Vec::new();
        for visible in &self.visible_pages {
            let mut dirs: HashMap<&str, Vec<usize>> = HashMap::new();
            for &p in visible {
                dirs.entry(self.pages[p].dir.as_str()).or_default().push(p);
            }
            for pages in dirs.values_mut() {
                pages.sort_by_cached_key(|&p| self.reading_key(p));
            }
            by_dir.push(dirs);
        }
        let mut section_pages: Vec<Vec<usize>> = self
            .sections
            .iter()
            .map(|s| {
                let dirs = by_dir.get(self.lang_index(&s.lang));
                dirs.and_then(|d| d.get(s.dir.as_str())).cloned().unwrap_or_default()
            })
            .collect();
        drop(by_dir);
        for (section, pages) in self.sections.iter_mut().zip(&mut section_pages) {
            section.pages = std::mem::take(pages);
        }
        for i in 0..self.sections.len() {
            let (lang, dir) = (self.sections[i].lang.clone(), self.sections[i].dir.clone());
            if !dir.is_empty() {
                let parent_dir = dir.rsplit_once('/').map_or("", |(parent, _)| parent);
                let parent = self.section(&lang, parent_dir);
                self.sections[i].parent = parent;
                if let Some(parent) = parent {
                    self.sections[parent].children.push(i);
                }
            }
        }
        for i in 0..self.sections.len() {
            let mut children = std::mem::take(&mut self.sections[i].children);
            children.sort_by(|&a, &b| self.section_order(a, b));
            self.sections[i].children = children;
        }
        self.section_of = self.pages.iter().map(|page| self.section(&page.lang, &page.dir).unwrap_or(0)).collect();
        self.position = vec![None; self.pages.len()];
        for (s, section) in self.sections.iter().enumerate() {
            for (at, &p) in section.pages.iter().enumerate() {
                if self.section_of[p] == s {
                    self.position[p] = Some(at);
                }
            }
        }
    }

    /// Reading order in a section: weight, then title, then page order.
    fn reading_key(&self, p: usize) -> (i64, String, usize) {
        (self.pages[p].front.weight.unwrap_or(i64::MAX), self.pages[p].title().to_lowercase(), p)
    }

    fn section_order(&self, a: usize, b: usize) -> std::cmp::Ordering {
        let key = |s: usize| {
            let section = &self.sections[s];
            let front = section.index.map(|i| &self.pages[i].front);
            (front.and_then(|f| f.weight).unwrap_or(i64::MAX), section.dir.clone())
        };
        key(a).cmp(&key(b))
    }

    /// Claims every URL for its page or generated page; two claims on one output file are errors.
    fn map_urls(&mut self, static_files: &[String]) -> Vec<Diagnostic> {
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
        for (i, page) in self.pages.iter().enumerate() {
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
    pub fn generated_urls(&self) -> Vec<String> {
        let mut urls = Vec::new();
        for (l, lang) in self.languages().into_iter().enumerate() {
            let prefix = self.lang_prefix(lang);
            for (t, taxonomy) in self.config.taxonomies.iter().enumerate() {
                urls.push(format!("{prefix}{}/", taxonomy.path));
                for rank in 0..taxonomy.terms.len() {
                    urls.extend((1..=self.term_page_count(t, rank, l)).map(|n| self.term_url(t, rank, lang, n)));
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
    pub fn term_page_count(&self, t: usize, rank: usize, lang_index: usize) -> usize {
        let articles =
            self.terms.get(t).and_then(|terms| terms.get(rank)?.get(lang_index)).map_or(0, |l| l.pages.len());
        articles.div_ceil(TERM_PAGE_SIZE).max(1)
    }

    /// The site path of page `n` (from 1) of a term's list: `cell-types/msc/`, then
    /// `cell-types/msc/page/2/`...
    pub fn term_url(&self, t: usize, rank: usize, lang: &str, n: usize) -> String {
        let taxonomy = &self.config.taxonomies[t];
        let first = format!("{}{}/{}/", self.lang_prefix(lang), taxonomy.path, taxonomy.terms[rank].id);
        if n > 1 { format!("{first}page/{n}/") } else { first }
    }

    /// `` for the main language, `zh/` for the others.
    pub fn lang_prefix(&self, lang: &str) -> String {
        if lang == self.default_lang() { String::new() } else { format!("{lang}/") }
    }

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
    fn render_bodies(&mut self) -> Vec<Diagnostic> {
        let bodies: Vec<String> = self.pages.iter_mut().map(|page| std::mem::take(&mut page.body)).collect();
        let resolver = self.resolver();
        let rendered: Vec<Rendered> = bodies
            .into_par_iter()
            .zip(self.pages.par_iter())
            .map(|(body, page)| self.render_body(page, &body, &resolver))
            .collect();
        let mut problems = Vec::new();
        for p in 0..self.pages.len() {
            problems.extend(self.body_problems(p, &rendered));
        }
        self.rendered = rendered;
        problems
    }

    /// The problems of page `p`'s body: its own, and links from it to anchors that do not exist.
    fn body_problems(&self, p: usize, rendered: &[Rendered]) -> Vec<Diagnostic> {
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
    pub fn edit_bodies(&mut self, edits: Vec<BodyEdit>) -> Result<Vec<usize>, Vec<Diagnostic>> {
        let mut pages_after: Vec<(usize, Page)> = Vec::new();
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
        let fresh: Vec<(usize, Rendered)> =
            pages_after.iter().map(|(p, page)| (*p, self.render_body(page, &page.body, &resolver))).collect();
        drop(resolver);
        let mut rendered = std::mem::take(&mut self.rendered);
        let mut old_rendered = Vec::new();
        for (p, out) in fresh {
            old_rendered.push((p, std::mem::replace(&mut rendered[p], out)));
        }
        let edited: BTreeSet<usize> = old_rendered.iter().map(|(p, _)| *p).collect();
        let mut problems = Vec::new();
        for p in 0..self.pages.len() {
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
    fn link_graph(&self) -> Vec<Vec<usize>> {
        let mut backlinks = vec![BTreeSet::new(); self.pages.len()];
        for (from, out) in self.rendered.iter().enumerate() {
            for &to in &out.links_to {
                if to != from && self.pages[to].lang == self.pages[from].lang {
                    backlinks[to].insert(from);
                }
            }
        }
        backlinks
            .into_iter()
            .map(|set| {
                let mut list: Vec<usize> = set.into_iter().collect();
                list.sort_by(|&a, &b| (self.pages[a].title(), a).cmp(&(self.pages[b].title(), b)));
                list
            })
            .collect()
    }

    fn collect_terms(&self) -> Vec<Vec<Vec<TermPages>>> {
        let taxonomies = &self.config.taxonomies;
        let languages = self.languages().len();
        let mut terms: Vec<Vec<Vec<TermPages>>> = taxonomies
            .iter()
            .map(|t| t.terms.iter().map(|_| (0..languages).map(|_| TermPages::default()).collect()).collect())
            .collect();
        let term_ids: Vec<HashMap<&str, usize>> = taxonomies
            .iter()
            .map(|t| t.terms.iter().enumerate().map(|(n, term)| (term.id.as_str(), n)).collect())
            .collect();
        for (lang, visible) in self.visible_pages.iter().enumerate() {
            for &p in visible {
                for (t, taxonomy) in taxonomies.iter().enumerate() {
                    let Some(ids) = self.pages[p].front.terms.get(&taxonomy.key) else { continue };
                    for id in ids.ids() {
                        if let Some(&n) = term_ids[t].get(id.as_str()) {
                            let pages = &mut terms[t][n][lang].pages;
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
        let mut keys: Vec<Option<StrengthKey>> = vec![None; self.pages.len()];
        for &p in self.visible_pages.iter().flatten() {
            if keys[p].is_none() {
                keys[p] = Some(self.strength_key(p));
            }
        }
        terms.par_iter_mut().flatten().flatten().for_each(|term| term.pages.sort_by(|a, b| keys[*a].cmp(&keys[*b])));
        terms
    }

    fn strength_key(&self, p: usize) -> StrengthKey {
        (std::cmp::Reverse(self.strength(p).map(|(rank, _)| rank)), self.pages[p].title().to_lowercase(), p)
    }

    /// Order for term pages: strongest evidence first, then by title.
    pub fn strongest_first(&self, a: usize, b: usize) -> std::cmp::Ordering {
        self.strength_key(a).cmp(&self.strength_key(b))
    }

    /// The index of `lang` in `config.languages()`.
    pub fn lang_index(&self, lang: &str) -> usize {
        self.languages().iter().position(|l| *l == lang).unwrap_or(0)
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
