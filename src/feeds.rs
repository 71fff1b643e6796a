//! Files for machines: `sitemap.xml` (with translations), `atom.xml`, `robots.txt`.
//!
//! In: the site model and the pages' dates. Out: the three files' text. Dates come from front
//! matter or git only, so two builds of one commit give the same bytes.

use crate::dates::Dates;
use crate::html::escape;
use crate::site::links::encode_path;
use crate::site::{PageId, Site};
use std::fmt::Write;

/// How many articles the feed carries, newest first.
const FEED_ENTRIES: usize = 50;

fn page_date(site: &Site, dates: &Dates, p: PageId) -> Option<String> {
    let front = &site.pages[p].front;
    front
        .updated
        .or(front.date)
        .map(|d| d.to_string())
        .or_else(|| dates.last_commit(&site.pages[p].file).map(str::to_string))
}

/// A site path, its last change, and its translations as (language, site path).
type SitemapUrl = (String, Option<String>, Vec<(String, String)>);

pub(crate) fn sitemap(site: &Site, dates: &Dates) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let mut urls: Vec<SitemapUrl> = Vec::new();
    for (p, page) in site.pages.iter_ids() {
        let alternates = site
            .languages()
            .into_iter()
            .filter_map(|lang| site.translation(&page.key, lang).map(|q| (lang.to_string(), site.pages[q].url.clone())))
            .collect::<Vec<_>>();
        let alternates = if alternates.len() > 1 { alternates } else { Vec::new() };
        urls.push((page.url.clone(), page_date(site, dates, p), alternates));
    }
    let pages: std::collections::HashSet<&str> = site.pages.iter().map(|p| p.url.as_str()).collect();
    for url in site
        .generated_urls()
        .into_iter()
        .chain(site.sections.iter().filter(|s| s.index.is_none()).map(|s| s.url.clone()))
    {
        if !pages.contains(url.as_str()) {
            urls.push((url, None, Vec::new()));
        }
    }
    urls.sort();
    urls.dedup_by(|a, b| a.0 == b.0);
    for (url, date, alternates) in urls {
        let _ = write!(xml, "  <url>\n    <loc>{}</loc>\n", escape(&site.base.absolute(&encode_path(&url))));
        if let Some(date) = date {
            let _ = writeln!(xml, "    <lastmod>{date}</lastmod>");
        }
        for (lang, alternate) in alternates {
            let _ = writeln!(
                xml,
                "    <xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{}\"/>",
                escape(&site.base.absolute(&encode_path(&alternate)))
            );
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// One entry of an Atom feed.
struct Entry {
    title: String,
    /// The site path it links to (with an optional `#fragment`).
    path: String,
    /// A unique id within the feed, added to the link to make the entry's id.
    key: String,
    published: String,
    updated: String,
    summary: String,
}

/// A feed's own title, description and site path (`atom.xml`, `diseases/als/atom.xml`).
struct Feed<'a> {
    title: &'a str,
    subtitle: &'a str,
    path: &'a str,
}

/// An Atom 1.0 document: entries newest first, at most [`FEED_ENTRIES`].
fn atom_document(site: &Site, feed: &Feed<'_>, mut entries: Vec<Entry>) -> String {
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.key.cmp(&b.key)));
    entries.truncate(FEED_ENTRIES);
    let updated = entries.first().map_or("1970-01-01".to_string(), |e| e.updated.clone());
    let home = site.base.absolute("");
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(xml, "  <title>{}</title>", escape(feed.title));
    let _ = writeln!(xml, "  <subtitle>{}</subtitle>", escape(feed.subtitle));
    let _ = writeln!(xml, "  <link href=\"{}\" rel=\"self\"/>", escape(&site.base.absolute(&encode_path(feed.path))));
    let _ = writeln!(xml, "  <link href=\"{}\"/>", escape(&home));
    let _ = writeln!(xml, "  <id>{}</id>", escape(&site.base.absolute(&encode_path(feed.path))));
    let _ = writeln!(xml, "  <updated>{updated}T00:00:00Z</updated>");
    let authors = if site.config.book.authors.is_empty() {
        site.config.book.title.clone()
    } else {
        site.config.book.authors.join(", ")
    };
    let _ = writeln!(xml, "  <author><name>{}</name></author>", escape(&authors));
    for entry in entries {
        let url = escape(&site.base.absolute(&encode_path(&entry.path)));
        let id = escape(&format!("{}#{}", site.base.absolute(&encode_path(feed.path)), entry.key));
        let _ = write!(
            xml,
            "  <entry>\n    <title>{}</title>\n    <link href=\"{url}\"/>\n    <id>{id}</id>\n    <published>{}T00:00:00Z</published>\n    <updated>{}T00:00:00Z</updated>\n    <summary>{}</summary>\n  </entry>\n",
            escape(&entry.title),
            entry.published,
            entry.updated,
            escape(&entry.summary),
        );
    }
    xml.push_str("</feed>\n");
    xml
}

/// A page as a feed entry, dated by its last change.
fn page_entry(site: &Site, dates: &Dates, p: PageId) -> Option<Entry> {
    let page = &site.pages[p];
    let updated = page_date(site, dates, p)?;
    Some(Entry {
        title: page.title().to_string(),
        path: page.url.clone(),
        key: page.url.clone(),
        published: page.front.date.map_or(updated.clone(), |d| d.to_string()),
        updated,
        summary: page.front.description.clone().unwrap_or_default(),
    })
}

/// The site's feed: its articles in the main language.
pub(crate) fn atom(site: &Site, dates: &Dates) -> String {
    let lang = site.default_lang();
    let entries =
        site.visible(lang).filter(|&p| site.pages[p].lang == lang).filter_map(|p| page_entry(site, dates, p)).collect();
    let feed = Feed { title: &site.config.book.title, subtitle: &site.config.book.description, path: "atom.xml" };
    atom_document(site, &feed, entries)
}

/// A feed per term page (`diseases/als/atom.xml`), in every language: the term's articles, so a
/// reader can follow one disease or one cell type only.
pub(crate) fn term_feeds(site: &Site, dates: &Dates) -> Vec<(String, String)> {
    let mut feeds = Vec::new();
    for l in site.lang_ids() {
        let lang = site.lang(l);
        for t in site.taxonomy_ids() {
            let taxonomy = site.taxonomy(t);
            for id in site.term_ids(t) {
                let term = site.term(id);
                let path = format!("{}atom.xml", site.term_url(id, lang, 1));
                let title = format!("{}: {}", taxonomy.title_in(lang), term.label_in(lang));
                let feed = Feed { title: &title, subtitle: term.description_in(lang), path: &path };
                let entries = site.term_pages(id, l).iter().filter_map(|&p| page_entry(site, dates, p)).collect();
                feeds.push((path.clone(), atom_document(site, &feed, entries)));
            }
        }
    }
    feeds
}

/// The feed of `/changes/`: every change of an article's design, result, certainty or
/// regulatory status, newest first.
pub(crate) fn changes_feed(site: &Site, title: &str) -> Option<(String, String)> {
    let path = format!("{}atom.xml", crate::site::changes_path(site)?);
    let entries = crate::site::changes(site, site.default_lang())
        .into_iter()
        .map(|c| Entry {
            title: format!("{}: {} {} → {}", site.pages[c.page].title(), c.field, c.from.unwrap_or("—"), c.to),
            path: site.pages[c.page].url.clone(),
            key: format!("{}-{}-{}", site.pages[c.page].key, c.date, c.field),
            published: c.date.to_string(),
            updated: c.date.to_string(),
            summary: c.why.to_string(),
        })
        .collect();
    let feed = Feed { title, subtitle: &site.config.book.description, path: &path };
    Some((path.clone(), atom_document(site, &feed, entries)))
}

pub(crate) fn robots(site: &Site) -> String {
    format!("User-agent: *\nAllow: /\nSitemap: {}\n", site.base.absolute("sitemap.xml"))
}
