//! The vendored pagefind (vendor/pagefind): that it is the published package plus the patches of
//! vendor/pagefind-patches and nothing else, and that the patched paths cellbook takes give the
//! index upstream's paths give.
//!
//! The same-bytes test indexes the real site's search documents (English and Chinese, with the
//! metadata and filters cellbook gives) once through upstream's one-at-a-time paths
//! (`add_html_file` for each document, then `write_files` or `get_files`) and once through the
//! patched paths cellbook takes (`add_html_files`, then `take_files`, or, as `build` does,
//! `take_files_sending_fragments`), and compares every file,
//! gzipped ones decompressed. Both go through the same vendored pagefind, so it covers what
//! differs between the paths: patches 1, 2 and 7 (documents parsed on all cores, in the order
//! given), 3 and 7 (files compressed on all cores), 4 (pages moved into the index, not cloned) and
//! 19 (documents in a plain subset of HTML parsed without lol_html; tested further below) and 21
//! (the fragments handed out before the rest of the bundle).
//! Patch 5 changes the compressed bytes on purpose (libdeflate, not flate2 at its best level),
//! hence the comparison after decompression. Patches 6, 8, 9 and 10 change code that both paths
//! share and promise an index byte for byte as upstream's (PATCHES.md says how that was shown);
//! patch 11 changes the index of Chinese, Japanese and Thai metadata on purpose, tested below.
//! Patch 22 changes how both paths reduce a page, so this file cannot tell it apart: a unit test
//! in the vendored crate compares it with the code it replaced (`scripts/vendor-pagefind-tests.sh`).

mod common;

use cellbook::build::{self, Options};
use cellbook::search::{self, Document};
use pagefind::api::{FragmentFile, PagefindIndex, ReducedPage, SyntheticFile};
use pagefind::options::PagefindServiceConfig;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every file of a search bundle: path inside the bundle -> contents, gzip undone.
type Bundle = BTreeMap<String, Vec<u8>>;

#[test]
fn vendored_pagefind_is_the_published_package_plus_the_patches() {
    // The script downloads pagefind from crates.io (or takes cargo's cached copy), checks its
    // sha256, applies the patches in a temporary folder and compares with vendor/pagefind.
    let out = Command::new("bash")
        .arg("scripts/vendor-pagefind.sh")
        .arg("--check")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "scripts/vendor-pagefind.sh --check failed (exit {:?}): vendor/pagefind must be pagefind as \
         published plus vendor/pagefind-patches, and the check needs crates.io (or cargo's cached \
         package) to show it.\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
}

#[tokio::test]
async fn cellbooks_paths_give_the_index_upstreams_paths_give() {
    let documents = real_site_documents();
    assert!(documents.iter().any(|d| d.html.starts_with("<html lang=\"zh")), "the fixture has Chinese documents");

    let written = upstream_written(&documents).await;
    let returned = upstream_returned(&documents).await;
    let kept = kept_path(&documents).await;
    let sent = sending_path(&documents).await;
    let cellbooks = cellbook_path(documents).await;

    // The comparison covers both languages' indexes, with filters.
    let entry: serde_json::Value = serde_json::from_slice(&cellbooks["pagefind-entry.json"]).unwrap();
    for lang in ["en", "zh"] {
        let pages = entry["languages"][lang]["page_count"].as_u64().unwrap_or(0);
        assert!(pages > 10, "{pages} {lang} pages indexed: {entry}");
    }
    for kind in ["pf_meta", "pf_index", "pf_fragment", "pf_filter"] {
        assert!(cellbooks.keys().filter(|name| name.ends_with(kind)).count() >= 2, "{kind}: {:?}", cellbooks.keys());
    }
    assert_same(&written, &cellbooks, "add_html_file + write_files", "add_html_files + take_files");
    assert_same(&returned, &cellbooks, "add_html_file + get_files", "add_html_files + take_files");
    assert_same(&kept, &cellbooks, "pages kept as bytes + add_reduced_pages", "add_html_files + take_files");
    assert_same(&written, &sent, "add_html_file + write_files", "add_html_files + take_files_sending_fragments");
}

#[tokio::test]
async fn chinese_metadata_is_indexed_as_words() {
    // Patch 11: upstream splits metadata at whitespace only, so this heading was one word that a
    // search for 动物 (animal) could not match. Its words are indexed as the content's are.
    let heading = "仅有实验室和动物研究";
    let html = format!(
        "<html lang=\"zh\"><head></head><body><main data-pagefind-body><p>细胞培养。</p></main>\
         <p data-pagefind-meta=\"heading\">{heading}</p></body></html>"
    );
    let mut index = PagefindIndex::new(Some(options())).unwrap();
    index.add_html_files(vec![("/zh/evidence/preclinical/".into(), html)]).await.unwrap();
    let bundle = bundle(index.take_files().await.unwrap());
    let word_index: Vec<u8> =
        bundle.iter().filter(|(name, _)| name.ends_with(".pf_index")).flat_map(|(_, bytes)| bytes.clone()).collect();
    assert!(contains(&word_index, &cbor_text("动物")), "动物, a word of the heading only, is not in the index");
    assert!(!contains(&word_index, heading.as_bytes()), "the heading is indexed as one word");
}

#[tokio::test]
async fn whitespace_in_a_documents_text_is_normalised_as_upstream_does() {
    // Patch 14 replaced upstream's three regular expressions with one pass, and patch 20 that
    // pass with a walk over the bytes, to the same effect: a run of whitespace (Unicode's, and
    // entities) made a single space, unless it is one char other than a line break, which is
    // kept; the ends trimmed. The content is made of the words again; metadata keeps the text.
    let text = "  Stem&nbsp;&nbsp;cells \n\n repair\r\n\tmyelin;\u{a0}ALS\u{3000}\u{3000}MS\rtrials\u{2028}end\n\
                é\tü &#10; ";
    let html = format!(
        "<html lang=\"en\"><body><main data-pagefind-body><p>{text}</p><p data-pagefind-meta=\"m\">{text}</p>\
         </main></body></html>"
    );
    let mut index = PagefindIndex::new(Some(options())).unwrap();
    index.add_html_files(vec![("/a/".into(), html)]).await.unwrap();
    let bundle = bundle(index.take_files().await.unwrap());
    let fragment = bundle.iter().find(|(name, _)| name.ends_with(".pf_fragment")).unwrap().1.clone();
    let fragment: serde_json::Value =
        serde_json::from_slice(&fragment[fragment.iter().position(|b| *b == b'{').unwrap()..]).unwrap();
    assert_eq!(
        fragment["content"],
        "Stem cells repair myelin; ALS MS trials end é ü Stem cells repair myelin; ALS MS trials end é ü"
    );
    assert_eq!(fragment["meta"]["m"], "Stem cells repair myelin;\u{a0}ALS MS\rtrials\u{2028}end é\tü");
}

#[tokio::test]
async fn words_split_under_other_options_are_not_reused() {
    // Patch 18: each thread keeps the words it has split from page to page, which must not
    // carry a split over to an index whose options split differently.
    let word_index = |include: Option<&'static str>| async move {
        let options = PagefindServiceConfig::builder().keep_index_url(false);
        let options = match include {
            Some(characters) => options.include_characters(characters.to_string()).build(),
            None => options.build(),
        };
        let mut index = PagefindIndex::new(Some(options)).unwrap();
        // Several documents, so that every thread of the pool parses some.
        let html = "<html lang=\"en\"><body><main data-pagefind-body><p>Written in c++ code.</p></main></body></html>";
        let documents = (0..16).map(|n| (format!("/p{n}/"), html.to_string())).collect();
        index.add_html_files(documents).await.unwrap();
        let bundle = bundle(index.take_files().await.unwrap());
        let words: Vec<u8> = bundle
            .iter()
            .filter(|(name, _)| name.ends_with(".pf_index"))
            .flat_map(|(_, bytes)| bytes.clone())
            .collect();
        words
    };
    let with_plus = word_index(Some("+")).await;
    assert!(contains(&with_plus, &cbor_text("c++")), "with `+` kept in words, c++ is a word");
    let without = word_index(None).await;
    assert!(!contains(&without, &cbor_text("c++")), "without, c++ was split as under the other options");
    assert!(contains(&word_index(Some("+")).await, &cbor_text("c++")), "and back");
}

#[tokio::test]
async fn the_plain_parser_reads_what_lol_html_reads() {
    // Patch 19: cellbook's paths parse a document in a plain subset of HTML without lol_html.
    // Documents in the subset use every feature of pagefind's parser; the others step outside
    // it in one way each, and are declined (parsed by lol_html). Both kinds give the index
    // upstream's path gives, which parses everything with lol_html.
    let plain = [
        // Anchors (spaces taken out of an id), inline elements sharing a heading's anchor, an
        // ignored heading link, line breaks, weights, an image after the title, a custom
        // anchor title, ignored and excluded parts (with a filter that must not count), removed
        // elements (nav, footer, label), entities, and every kind of metadata, filter and sort
        // outside the body, including the `key:literal` and `key[attribute]` forms.
        "<html lang=\"EN\"><head></head><body><nav>skip me</nav><main data-pagefind-body>\
         <h1 id=\"top\">Stem cells &amp; ALS</h1><p>Text with <a href=\"#x\">a link <em>deep</em></a> and<br>a\
         <br/>break.</p><h2 id=\" sp aced\">Head <code>x</code> <span>in <b>bold</b></span><a class=\"anchor\" \
         href=\"#h\" data-pagefind-ignore>#</a></h2><div data-pagefind-weight=\"3\">weighted words</div>\
         <ul><li>one</li><li>two?</li></ul><img src=\"/a.png\" alt=\"An image\"><table><thead><tr><th>h</th>\
         </tr></thead><tbody><tr><td>cell</td></tr></tbody></table><h3 id=\"t\" data-pagefind-title=\"Custom \
         title\">third</h3><span data-pagefind-ignore=\"all\">gone <span data-pagefind-filter=\"hidden\">x</span>\
         </span><div data-pagefind-ignore=\"index\">unindexed <span data-pagefind-meta=\"kept\">meta</span>\
         <h4 id=\"in-ignored\">under</h4></div><footer>foot</footer><label>lab</label><h5>five</h5><h6>six</h6>\
         </main><p data-pagefind-meta=\"heading\">A heading</p><span data-pagefind-meta=\"aliases\">a, b</span>\
         <span data-pagefind-filter=\"Cell type\">MSC</span><span data-pagefind-filter=\"Cell type\">NSC</span>\
         <span data-pagefind-filter=\"kind:literal, other:two\"></span><span data-pagefind-sort=\"date:2024\">\
         </span><div data-pagefind-default-meta=\"image:/x.png\"></div><span data-pagefind-meta=\"x[data-y]\" \
         data-y=\"v\"></span><h2 id=\"outside\">after the body</h2></body></html>",
        // No body element: the whole document is indexed, its first h1 is the title.
        "<html lang=\"en\"><head></head><body><h1>Whole page</h1><p id=\"p1\">Everything is indexed</p>\
         <div><p>nested</p></div></body></html>",
        // Two bodies, Chinese text, single-quoted attributes, whitespace in tags.
        "<html lang='zh-CN'><head></head><body><main data-pagefind-body><p>干细胞治疗 肌萎缩侧索硬化</p>\
         </main><p>不要</p><section data-pagefind-body ><h2 id='x'>第二部分</h2></section></body></html>",
        // No language.
        "<html><head></head><body><p>no language</p></body></html>",
    ];
    let declined = [
        "<!DOCTYPE html><html lang=\"en\"><body><p>doctype</p></body></html>",
        "<html lang=\"en\"><body><!-- a comment --><p>commented</p></body></html>",
        "<html lang=\"en\"><body><p>unclosed paragraph</body></html>",
        "<html lang=\"en\"><body><p>misnested <b>bold</p></b></body></html>",
        "<html lang=\"en\"><body><P>upper case</P></body></html>",
        "<html lang=\"en\"><body><p class=unquoted>unquoted</p></body></html>",
        "<html lang=\"en\"><body><p id=\"a\" id=\"b\">twice</p></body></html>",
        "<html lang=\"en\"><body><div data-pagefind-ignore=\"sometimes\">bad value</div><p>kept</p></body></html>",
        "<html lang=\"en\"><body><div/>self-closed</body></html>",
        "<html lang=\"en\"><body><p>carriage\r\nreturn</p></body></html>",
        "<html lang=\"en\"><body><script>var a = '<p>';</script><p>script</p></body></html>",
        "<html lang=\"en\"><head><title>A title</title></head><body><p>title</p></body></html>",
        "<html lang=\"en\"><body><svg><text>drawn</text></svg><p>svg</p></body></html>",
        "<html lang=\"en\"><body><p>a < b</p></body></html>",
        "<html lang=\"en\"><body><p>after</p></body></html><p>the end</p>",
        "<html lang=\"en\"><body><img data-pagefind-index-attrs=\"alt\" alt=\"Alt\"><p>attrs</p></body></html>",
        "<html lang=\"en\"><body><a href=\"x\"title=\"y\">no space</a></body></html>",
    ];
    let index = PagefindIndex::new(Some(options())).unwrap();
    for html in plain {
        assert!(index.parses_plainly(html).await, "declined, but in the plain subset:\n{html}");
    }
    for html in declined {
        assert!(!index.parses_plainly(html).await, "parsed plainly, but outside the plain subset:\n{html}");
    }
    // One index a document: once one page has a `data-pagefind-body`, pagefind leaves out the
    // pages that have none.
    for html in plain.iter().chain(&declined) {
        let documents = vec![Document { url: "/page/".into(), html: html.to_string() }];
        let upstream = upstream_written(&documents).await;
        let cellbooks = cellbook_path(documents).await;
        assert_eq!(upstream.keys().filter(|name| name.ends_with(".pf_fragment")).count(), 1, "{html}");
        assert_same(&upstream, &cellbooks, "add_html_file (lol_html)", "add_html_files (the plain parser)");
    }
}

#[tokio::test]
async fn cellbooks_documents_are_parsed_plainly() {
    // Patch 19 is only worth having if cellbook's own documents are in its subset: the real
    // site's (both languages, term pages, the trials table) and a generated corpus's.
    let index = PagefindIndex::new(Some(options())).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let corpus = scratch.path().join("corpus");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let made = Command::new("python3")
        .arg(repo.join("scripts/bench/corpus.py"))
        .args(["--pages", "60", "--seed", "1", "--flavor", "yaml", "--vocab"])
        .arg(repo.join("bench/book.toml"))
        .arg("--out")
        .arg(&corpus)
        .output()
        .expect("python3 is installed (scripts/install-test-deps.sh)");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    std::fs::copy(repo.join("bench/book.toml"), corpus.join("book.toml")).unwrap();
    let site = common::real_site();
    let documents = site_documents(site.path()).into_iter().chain(site_documents(&corpus));
    for document in documents {
        assert!(
            index.parses_plainly(&document.html).await,
            "{} is parsed by lol_html:\n{}",
            document.url,
            document.html
        );
    }
}

/// The search documents cellbook makes for the repository's own site.
fn real_site_documents() -> Vec<Document> {
    site_documents(common::real_site().path())
}

/// The search documents cellbook makes for the site at `root`.
fn site_documents(root: &Path) -> Vec<Document> {
    let options =
        Options { root: root.to_path_buf(), output: Some(root.join("public")), no_search: true, ..Options::default() };
    let config = cellbook::config::Config::load(root).unwrap();
    let compiled = build::compile(&options, config).unwrap();
    search::documents(&compiled.site)
}

/// The options cellbook gives pagefind (src/search.rs).
fn options() -> PagefindServiceConfig {
    PagefindServiceConfig::builder().keep_index_url(false).build()
}

async fn upstream_index(documents: &[Document]) -> PagefindIndex {
    let mut index = PagefindIndex::new(Some(options())).unwrap();
    for d in documents {
        index.add_html_file(None, Some(d.url.clone()), d.html.clone()).await.unwrap();
    }
    index
}

/// Upstream's paths, one document at a time, its files compressed one after another.
async fn upstream_written(documents: &[Document]) -> Bundle {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pagefind");
    upstream_index(documents).await.write_files(Some(out.to_string_lossy().into_owned())).await.unwrap();
    let mut files = Vec::new();
    collect_files(&out, &mut files);
    files
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(&out).unwrap().to_string_lossy().replace('\\', "/");
            (name, unzipped(std::fs::read(&path).unwrap()))
        })
        .collect()
}

/// Upstream's in-memory path: one document at a time, then `get_files`.
async fn upstream_returned(documents: &[Document]) -> Bundle {
    bundle(upstream_index(documents).await.get_files().await.unwrap())
}

/// The path cellbook takes (src/search.rs): every document at once, then `take_files`.
async fn cellbook_path(documents: Vec<Document>) -> Bundle {
    let mut index = PagefindIndex::new(Some(options())).unwrap();
    index.add_html_files(documents.into_iter().map(|d| (d.url, d.html)).collect()).await.unwrap();
    bundle(index.take_files().await.unwrap())
}

/// The path `cellbook build` takes (src/build.rs, patch 21): every document at once, then
/// `take_files_sending_fragments`, which hands out every fragment, and only the fragments,
/// before it returns the other files.
async fn sending_path(documents: &[Document]) -> Bundle {
    let mut index = PagefindIndex::new(Some(options())).unwrap();
    index.add_html_files(documents.iter().map(|d| (d.url.clone(), d.html.clone())).collect()).await.unwrap();
    let sent = std::sync::Mutex::new(Vec::new());
    let sink = |file: FragmentFile| {
        let contents = file.contents().to_vec();
        sent.lock().unwrap().push(SyntheticFile { filename: file.filename, contents });
    };
    let others = bundle(index.take_files_sending_fragments(&sink).await.unwrap());
    let sent = bundle(sent.into_inner().unwrap());
    let fragment = |name: &String| name.starts_with("fragment/") && name.ends_with(".pf_fragment");
    assert!(sent.len() > 10 && sent.keys().all(fragment), "sent: {:?}", sent.keys());
    assert!(!others.keys().any(fragment), "fragments returned as well as sent: {:?}", others.keys());
    sent.into_iter().chain(others).collect()
}

/// The path of a build over its previous output (patch 13, src/search/cache.rs): each page
/// parsed and reduced in one index, kept as bytes, and added to another.
async fn kept_path(documents: &[Document]) -> Bundle {
    let html = documents.iter().map(|d| (d.url.clone(), d.html.clone())).collect();
    let reduced = PagefindIndex::new(Some(options())).unwrap().reduce_html_files(html).await.unwrap();
    let kept: Vec<Vec<u8>> = reduced.iter().map(ReducedPage::to_bytes).collect();
    let cut = &kept[0][..kept[0].len() - 1];
    assert!(ReducedPage::from_bytes(cut).is_err(), "a page cut short is refused");
    let mut index = PagefindIndex::new(Some(options())).unwrap();
    let pages = kept.iter().map(|bytes| ReducedPage::from_bytes(bytes).unwrap()).collect();
    assert_eq!(index.add_reduced_pages(pages).await.unwrap(), documents.len());
    bundle(index.take_files().await.unwrap())
}

fn bundle(files: Vec<SyntheticFile>) -> Bundle {
    files
        .into_iter()
        .map(|f| {
            let name = f.filename.to_string_lossy().replace('\\', "/");
            (name.trim_start_matches("./").trim_start_matches("pagefind/").to_string(), unzipped(f.contents))
        })
        .collect()
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// The contents, decompressed if they are gzip.
fn unzipped(bytes: Vec<u8>) -> Vec<u8> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return bytes;
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut out).expect("valid gzip");
    out
}

fn assert_same(expected: &Bundle, actual: &Bundle, expected_path: &str, actual_path: &str) {
    let only = |a: &Bundle, b: &Bundle| a.keys().filter(|name| !b.contains_key(*name)).cloned().collect::<Vec<_>>();
    let (missing, extra) = (only(expected, actual), only(actual, expected));
    assert!(
        missing.is_empty() && extra.is_empty(),
        "only {expected_path} gives {missing:?}; only {actual_path} gives {extra:?}"
    );
    let differing: Vec<&String> =
        expected.iter().filter(|(name, bytes)| actual[*name] != **bytes).map(|(n, _)| n).collect();
    assert!(differing.is_empty(), "{expected_path} and {actual_path} differ in {differing:?}");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A short string as CBOR (pagefind's index format) writes it: a header byte with its length,
/// then its UTF-8. Found in the index, it is a word of its own, not part of a longer one.
fn cbor_text(word: &str) -> Vec<u8> {
    assert!(word.len() < 24, "longer strings have a longer header");
    let mut bytes = vec![0x60 | word.len() as u8];
    bytes.extend_from_slice(word.as_bytes());
    bytes
}
