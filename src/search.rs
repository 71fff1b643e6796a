//! The search index, built with pagefind used as a library.
//!
//! In: the site model. Out: pagefind's bundle (index, fragments, its JavaScript and UI) as files
//! for `pagefind/`. Each article and section is given to pagefind as a compact document made from
//! the model (title, rendered body, the filters `[search] filters` names) rather than the
//! full themed page: the index does not depend on the templates, and pagefind parses a fraction
//! of the HTML. Every vocabulary term's page is a document too (its label, description and
//! aliases), so that a reader who types a term's name, or another name for it, finds its page.
//! pagefind's extended segmentation splits Chinese into words; it keeps one index per
//! language. pagefind is patched (vendor/pagefind/PATCHES.md) to parse the documents and compress
//! its files on all cores (upstream takes in-memory documents one at a time), and to read documents
//! written in a plain subset of HTML without lol_html (patch 19): the documents made here are in
//! it (`tests/pagefind_patches.rs` checks), and lol_html was most of the time of parsing them.
//! The documents are made and given to it a batch at a time, and it keeps only what the index
//! needs of each, so that a build never holds every document or every parsed page.
//!
//! The documents carry metadata that the search box ranks and shows (docs/search.md): `title`
//! (articles only), `heading` (the title of a section, the start page or a term page, which the
//! search box ranks below an article's), `aliases` (the names of the page's front matter),
//! and, shown under each result, `section` (or, for a term's page, `topic`: its vocabulary),
//! `design` and `result` (the evidence labels the page shows, in its language).

use crate::config::{Taxonomy, Term};
use crate::content::Page;
use crate::html::escape;
use crate::site::{PageId, Site};
use pagefind::api::{FragmentFile, PagefindIndex, ReducedPage};
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;
use std::path::Path;

mod cache;

/// A page as pagefind sees it.
pub struct Document {
    /// The page's link: the site's base path and the page's URL-encoded path (`/repo/cells/msc/`).
    pub url: String,
    /// A minimal HTML document of what is searched: title, body without code, metadata and filters.
    pub html: String,
}

/// The searchable documents of a site: articles, sections with an introduction, and the first
/// page of every term's list in every language.
pub fn documents(site: &Site) -> Vec<Document> {
    pending(site).map(Pending::make).collect()
}

/// A document, or a page's document still to be made.
pub(crate) enum Pending<'a> {
    /// An article or section, made when the indexer takes it.
    Page(&'a Site, PageId),
    /// A document made already (a term's page, the trials table).
    Made(Document),
}

impl Pending<'_> {
    fn make(self) -> Document {
        match self {
            Pending::Page(site, p) => page_document(site, p, &site.pages[p]),
            Pending::Made(document) => document,
        }
    }
}

/// [`documents`], the pages' still to be made, so that the indexer makes them a batch at a
/// time (on all cores) and a build never holds them all.
pub(crate) fn pending(site: &Site) -> impl Iterator<Item = Pending<'_>> + '_ {
    let pages = site
        .pages
        .iter_ids()
        .filter(|(p, page)| !page.is_index || !site.rendered[*p].html.trim().is_empty())
        .map(move |(p, _)| Pending::Page(site, p));
    let others = term_documents(site).into_iter().chain(trials_documents(site));
    pages.chain(others.map(Pending::Made))
}

/// The table of every trial, once per language: each trial's name, ids and what it found, so
/// that a search for a trial's name or registry id finds the table.
fn trials_documents(site: &Site) -> Vec<Document> {
    let Some(evidence) = &site.config.evidence else { return Vec::new() };
    site.languages()
        .into_iter()
        .map(|lang| {
            let rows: String = site
                .trials
                .iter()
                .map(|t| {
                    let name = t.text(lang, |x| x.name.as_ref(), Some(&t.name)).unwrap_or(&t.name);
                    let summary =
                        t.text(lang, |x| x.result_summary.as_ref(), t.result_summary.as_deref()).unwrap_or("");
                    let ids = format!("{} {}", t.id, t.other_ids.join(" "));
                    format!("<p>{} {}: {}</p>", escape(name), escape(ids.trim()), escape(summary))
                })
                .collect();
            let path = format!("{}{}/", site.lang_prefix(lang), evidence.trials_path.trim_matches('/'));
            let head = Head { lang, title: evidence.trials_title_in(lang), is_article: false };
            let html = document_html(&head, &[&rows], &[], "");
            Document { url: site.base.link(&crate::site::links::encode_path(&path)), html }
        })
        .collect()
}

fn page_document(site: &Site, p: PageId, page: &Page) -> Document {
    let lang = &page.lang;
    let mut meta = Vec::new();
    if let Some(section) = section_of(site, p) {
        meta.push(("section", section.to_string()));
    }
    if let Some((design, result)) = evidence_labels(site, page) {
        meta.push(("design", design.label_in(lang).to_string()));
        meta.push(("result", result.label_in(lang).to_string()));
    }
    if !page.front.aliases.is_empty() {
        meta.push(("aliases", page.front.aliases.join(", ")));
    }
    let head = Head { lang, title: page.title(), is_article: !page.is_index };
    let description = format!("<p>{}</p>", escape(page.front.description.as_deref().unwrap_or("")));
    let mut body = vec![description.as_str()];
    body.extend(without_code(&site.rendered[p].html));
    let html = document_html(&head, &body, &meta, &filters(site, page));
    Document { url: site.base.link(&crate::site::links::encode_path(&page.url)), html }
}

/// The title of the section an article is in (for a section's introduction, the section above
/// it); none at the top, whose "section" is the whole site.
fn section_of(site: &Site, p: PageId) -> Option<&str> {
    let mut s = site.section_of[p];
    if site.pages[p].is_index {
        s = site.sections[s].parent?;
    }
    (!site.sections[s].dir.is_empty()).then(|| crate::render::section_title(site, s))
}

/// The design and result terms a page shows side by side: both, or neither (as the page does).
fn evidence_labels<'a>(site: &'a Site, page: &Page) -> Option<(&'a Term, &'a Term)> {
    let evidence = site.config.evidence.as_ref()?;
    let term = |key: &str| {
        let id = page.front.terms.get(key)?.ids().first()?;
        site.config.taxonomy(key)?.term(id)
    };
    Some((term(&evidence.design)?, term(&evidence.result)?))
}

/// The filters a reader can narrow results by, named in the page's language.
fn filters(site: &Site, page: &Page) -> String {
    let mut filters = String::new();
    for taxonomy in site.config.taxonomies.iter().filter(|t| site.config.search.filters_by(&t.key)) {
        let Some(terms) = page.front.terms.get(&taxonomy.key) else { continue };
        // The filter's name is what readers see above its choices, in their language.
        let name = escape(taxonomy.title_in(&page.lang));
        for term in terms.ids().iter().filter_map(|id| taxonomy.term(id)) {
            let label = escape(term.label_in(&page.lang));
            filters.push_str(&format!("<span data-pagefind-filter=\"{name}\">{label}</span>"));
        }
    }
    filters
}

/// One document per term and language: the term's page, found by its label, its description and
/// its aliases (written out, so that the result's excerpt shows the name that matched).
fn term_documents(site: &Site) -> Vec<Document> {
    let mut documents = Vec::new();
    for lang in site.languages() {
        for t in site.taxonomy_ids() {
            let taxonomy = site.taxonomy(t);
            for id in site.term_ids(t) {
                let term = site.term(id);
                let url = site.base.link(&crate::site::links::encode_path(&site.term_url(id, lang, 1)));
                documents.push(Document { url, html: term_html(taxonomy, term, lang) });
            }
        }
    }
    documents
}

fn term_html(taxonomy: &Taxonomy, term: &Term, lang: &str) -> String {
    let aliases = term.aliases_in(lang);
    let mut body = format!("<p>{}</p>", escape(term.description_in(lang)));
    if !aliases.is_empty() {
        body.push_str(&format!("<p>{}</p>", escape(&aliases.join(", "))));
    }
    let head = Head { lang, title: term.label_in(lang), is_article: false };
    document_html(&head, &[&body], &[("topic", taxonomy.title_in(lang).to_string())], "")
}

/// What a document is called, and whether it is an article.
struct Head<'a> {
    lang: &'a str,
    title: &'a str,
    /// An article's title is pagefind's `title` (from its `h1`); any other page's is `heading`, a
    /// field the search box weighs less, so that a section's introduction, the start page or a
    /// term's page does not outrank the article named like it.
    is_article: bool,
}

/// The document pagefind parses: the body is searched; the metadata fields, given outside it,
/// are searched once (as metadata) and kept for display. An article's title is its `h1`, which
/// pagefind makes its `title` and also searches as text, as upstream does. The body comes in
/// pieces (an article's text between its code blocks), written once into a string of the
/// document's length.
fn document_html(head: &Head<'_>, body: &[&str], meta: &[(&str, String)], filters: &str) -> String {
    let title = escape(head.title);
    let (h1, heading) = if head.is_article {
        (format!("<h1>{title}</h1>"), String::new())
    } else {
        (String::new(), format!("<p data-pagefind-meta=\"heading\">{title}</p>"))
    };
    let meta: String = meta
        .iter()
        .map(|(key, value)| format!("<span data-pagefind-meta=\"{key}\">{}</span>", escape(value)))
        .collect();
    let lang = escape(head.lang);
    let start = format!("<html lang=\"{lang}\"><head></head><body><main data-pagefind-body>{h1}");
    let end = "</main>";
    let tail = [heading.as_str(), &meta, filters, "</body></html>"];
    let length = start.len() + body.iter().chain(&tail).map(|piece| piece.len()).sum::<usize>() + end.len();
    let mut html = String::with_capacity(length);
    html.push_str(&start);
    body.iter().for_each(|piece| html.push_str(piece));
    html.push_str(end);
    tail.iter().for_each(|piece| html.push_str(piece));
    html
}

/// The HTML without its highlighted code blocks: readers search for words, not code, and the
/// highlighting spans would make pagefind parse several times more HTML. Returns the stretches
/// between the code blocks.
fn without_code(html: &str) -> Vec<&str> {
    const OPEN: &str = "<pre class=\"code\">";
    let find = |text: &str, needle: &str| memchr::memmem::find(text.as_bytes(), needle.as_bytes());
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = find(rest, OPEN) {
        out.push(&rest[..start]);
        match find(&rest[start..], "</pre>") {
            Some(end) => rest = &rest[start + end + "</pre>".len()..],
            None => rest = "",
        }
    }
    out.push(rest);
    out
}

/// How many documents pagefind is given at a time: it parses them on all cores and keeps only
/// what the index needs of each, so memory holds one batch of documents, not all of them.
const BATCH: usize = 512;

/// pagefind's files: (path inside the output, contents).
pub(crate) type Bundle = Vec<(String, Vec<u8>)>;

/// What takes a fragment of the bundle (its path inside the output, and the file) as soon as
/// pagefind has named it.
pub(crate) type FragmentSink<'a> = dyn Fn(String, FragmentFile) + Sync + 'a;

/// Indexes the documents; returns the bundle.
pub(crate) fn index(documents: Vec<Document>) -> Result<Bundle, String> {
    let (bundle, _) = parse(documents.into_iter().map(Pending::Made), Reuse::default())?.finish()?;
    Ok(bundle)
}

/// The pages of the previous build to reuse ([`cache`]), and the file this build keeps its own in.
#[derive(Default)]
pub(crate) struct Reuse {
    kept: cache::Kept,
    keeper: Option<cache::Keeper>,
}

impl Reuse {
    /// For a build into `output` when `over_previous` (the output is a complete build of
    /// cellbook's): the previous build's pages are reused, and this build's kept beside the
    /// output for the next one. A build into a new folder (a first build, a CI runner's) keeps
    /// nothing and parses everything: keeping costs it time that only later builds would
    /// win back, and the first build over it keeps them.
    pub(crate) fn beside(output: &Path, over_previous: bool) -> Reuse {
        match cache::path_for(output) {
            Some(path) if over_previous => {
                Reuse { kept: cache::Kept::load(&path), keeper: cache::Keeper::create(&path) }
            }
            _ => Reuse::default(),
        }
    }
}

/// Every document parsed, the index still to be built: what [`parse`] returns, so that the
/// caller can let go of the site model (the documents were made from it) before [`Parsed::finish`].
pub(crate) struct Parsed {
    runtime: tokio::runtime::Runtime,
    index: PagefindIndex,
    keeper: Option<cache::Keeper>,
    /// How many documents were reused, not parsed.
    reused: usize,
}

/// Gives pagefind the documents a batch at a time, reusing the pages of `reuse`, and returns
/// once it has parsed them all.
pub(crate) fn parse<'a>(documents: impl IntoIterator<Item = Pending<'a>>, reuse: Reuse) -> Result<Parsed, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("search index: cannot start the runtime: {e}"))?;
    let Reuse { kept, mut keeper } = reuse;
    let start = std::time::Instant::now();
    let parsed = runtime.block_on(async {
        let options = PagefindServiceConfig::builder().keep_index_url(false).build();
        let mut index = PagefindIndex::new(Some(options)).map_err(failed)?;
        let reused = add_in_batches(&mut index, documents.into_iter(), &kept, &mut keeper).await?;
        Ok((index, reused))
    });
    crate::progress::phase("search: parse documents", start);
    match parsed {
        Ok((index, reused)) => Ok(Parsed { runtime, index, keeper, reused }),
        Err(e) => {
            if let Some(keeper) = keeper {
                keeper.abandon();
            }
            Err(e)
        }
    }
}

impl Parsed {
    /// Builds and compresses the index; returns the bundle and how many documents were reused.
    /// The pages kept for the next build are put in place only when the index is built.
    pub(crate) fn finish(self) -> Result<(Bundle, usize), String> {
        self.finish_with(None)
    }

    /// [`Parsed::finish`], handing each fragment (path in the output, file) to `fragment` as
    /// soon as pagefind has named it, while it builds the rest of the index; the bundle
    /// returned is the other files. A build writes the 10,000 fragments of a 10,000-page site
    /// meanwhile, instead of after the whole index, on one core, at the end of the build.
    pub(crate) fn finish_sending(self, fragment: &FragmentSink<'_>) -> Result<(Bundle, usize), String> {
        self.finish_with(Some(fragment))
    }

    fn finish_with(self, fragment: Option<&FragmentSink<'_>>) -> Result<(Bundle, usize), String> {
        let Parsed { runtime, mut index, keeper, reused } = self;
        let start = std::time::Instant::now();
        let files = match fragment {
            Some(fragment) => {
                let sink = |file: FragmentFile| fragment(bundle_path(&file.filename), file);
                runtime.block_on(index.take_files_sending_fragments(&sink))
            }
            None => runtime.block_on(index.take_files()),
        };
        let files = files.map_err(failed);
        crate::progress::phase("search: build and compress the index", start);
        match (files.is_ok(), keeper) {
            // Not kept (a full disk, say): the next build parses everything again.
            (true, Some(keeper)) => drop(keeper.finish()),
            (false, Some(keeper)) => keeper.abandon(),
            (_, None) => {}
        }
        let bundle = files?.into_iter().map(|f| (bundle_path(&f.filename), f.contents)).collect();
        Ok((bundle, reused))
    }

    /// Gives up on the index (the build failed): the pages being kept are removed.
    pub(crate) fn abandon(self) {
        if let Some(keeper) = self.keeper {
            keeper.abandon();
        }
    }
}

/// Where a file of pagefind's goes in the output: under `pagefind/`.
fn bundle_path(filename: &Path) -> String {
    let name = filename.to_string_lossy().replace('\\', "/");
    let name = name.trim_start_matches("./").trim_start_matches("pagefind/");
    format!("pagefind/{name}")
}

/// Gives pagefind the documents a batch at a time, in order (the index numbers pages in the
/// order they are added, so it is the same as one call with all of them): those whose page is
/// kept are added as kept, the others parsed. Keeps every page for the next build. Returns how
/// many documents were reused.
async fn add_in_batches<'a>(
    index: &mut PagefindIndex,
    mut documents: impl Iterator<Item = Pending<'a>>,
    kept: &cache::Kept,
    keeper: &mut Option<cache::Keeper>,
) -> Result<usize, String> {
    // A build with nothing kept and nothing to keep (into a new folder) hashes no document.
    let keyed = keeper.is_some() || !kept.is_empty();
    let mut reused = 0;
    loop {
        let batch: Vec<Pending<'a>> = documents.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            return Ok(reused);
        }
        let found: Vec<Found<'_>> = batch
            .into_par_iter()
            .map(|pending| {
                let document = pending.make();
                let key = keyed.then(|| cache::key(&document.url, &document.html));
                let page = key.and_then(|key| {
                    let entry = kept.get(&key)?;
                    Some((ReducedPage::from_bytes(entry.page).ok()?, entry))
                });
                (key, page.ok_or(document))
            })
            .collect();
        // The documents to parse are moved out; each keeps its place for its parsed page.
        let mut missing = Vec::new();
        let mut places = Vec::with_capacity(found.len());
        for (key, found) in found {
            match found {
                Ok(kept) => places.push((key, Some(kept))),
                Err(document) => {
                    missing.push((document.url, document.html));
                    places.push((key, None));
                }
            }
        }
        let mut parsed = index.reduce_html_files(missing).await.map_err(failed)?.into_iter();
        let pages: Vec<Batched<'_>> = places
            .into_iter()
            .map(|(key, kept)| match kept {
                Some((page, entry)) => Batched { key, page, kept: Some(entry) },
                None => Batched { key, page: parsed.next().expect("a page for each document parsed"), kept: None },
            })
            .collect();
        reused += pages.iter().filter(|batched| batched.kept.is_some()).count();
        // Not kept (a full disk, say): the next build parses everything again.
        let unwritable = keeper.as_mut().is_some_and(|file| keep(file, &pages).is_err());
        if unwritable && let Some(file) = keeper.take() {
            file.abandon();
        }
        index.add_reduced_pages(pages.into_iter().map(|batched| batched.page).collect()).await.map_err(failed)?;
    }
}

/// A document of a batch: its key (when pages are kept), and its page with the entry it was
/// kept as, or the document itself, still to be parsed.
type Found<'k> = (Option<cache::Key>, Result<(ReducedPage, cache::Entry<'k>), Document>);

/// A document's page in a batch: its key (when pages are kept), and the entry it was kept as.
struct Batched<'k> {
    key: Option<cache::Key>,
    page: ReducedPage,
    kept: Option<cache::Entry<'k>>,
}

/// A pagefind error as the build reports it.
fn failed(e: impl std::fmt::Display) -> String {
    format!("search index: {e}")
}

/// Adds the batch's pages to the file kept for the next build: a reused page as it was kept,
/// the others encoded (and their digests taken) on all cores.
fn keep(file: &mut cache::Keeper, pages: &[Batched<'_>]) -> std::io::Result<()> {
    let encoded: Vec<Option<Vec<u8>>> =
        pages.par_iter().map(|batched| batched.kept.is_none().then(|| batched.page.to_bytes())).collect();
    let entries: Vec<cache::Entry<'_>> = pages
        .par_iter()
        .zip(&encoded)
        .map(|(batched, bytes)| batched.kept.unwrap_or_else(|| cache::Entry::new(bytes.as_deref().expect("encoded"))))
        .collect();
    pages.iter().zip(entries).try_for_each(|(batched, entry)| {
        file.add(batched.key.as_ref().expect("documents are keyed when pages are kept"), entry)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn code_blocks_are_left_out() {
        let html = "<p>a</p><pre class=\"code\"><code><span>x</span></code></pre><p>b</p>";
        assert_eq!(super::without_code(html).concat(), "<p>a</p><p>b</p>");
    }
}
