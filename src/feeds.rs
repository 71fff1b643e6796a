//! Files for machines: `sitemap.xml` (with translations), `atom.xml`, `robots.txt`.
//!
//! In: the site model and the pages' dates. Out: the three files' text. Dates come from front
//! matter or git only, so two builds of one commit give the same bytes.

use crate::dates::Dates;
use crate::highlight::escape;
use crate::site::Site;
use crate::site::links::encode_path;
use std::fmt::Write;

/// How many articles the feed carries, newest first.
const FEED_ENTRIES: usize = 50;

fn page_date(site: &Site, dates: &Dates, p: usize) -> Option<String> {
    let front = &site.pages[p].front;
    front
        .updated
        .or(front.date)
        .map(|d| d.to_string())
        .or_else(|| dates.last_commit(&site.pages[p].file).map(str::to_string))
}

/// A site path, its last change, and its translations as (language, site path).
type SitemapUrl = (String, Option<String>, Vec<(String, String)>);

pub fn sitemap(site: &Site, dates: &Dates) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let mut urls: Vec<SitemapUrl> = Vec::new();
    for (p, page) in site.pages.iter().enumerate() {
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

pub fn atom(site: &Site, dates: &Dates) -> String {
    let lang = site.default_lang();
    let mut entries: Vec<(String, usize)> = site
        .visible(lang)
        .filter(|&p| site.pages[p].lang == lang)
        .filter_map(|p| page_date(site, dates, p).map(|d| (d, p)))
        .collect();
    entries.sort_by(|a, b| b.0.cmp(&a.0).then(site.pages[a.1].url.cmp(&site.pages[b.1].url)));
    entries.truncate(FEED_ENTRIES);
    let updated = entries.first().map_or("1970-01-01".to_string(), |e| e.0.clone());
    let home = site.base.absolute("");
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(xml, "  <title>{}</title>", escape(&site.config.book.title));
    let _ = writeln!(xml, "  <subtitle>{}</subtitle>", escape(&site.config.book.description));
    let _ = writeln!(xml, "  <link href=\"{}\" rel=\"self\"/>", escape(&site.base.absolute("atom.xml")));
    let _ = writeln!(xml, "  <link href=\"{}\"/>", escape(&home));
    let _ = writeln!(xml, "  <id>{}</id>", escape(&home));
    let _ = writeln!(xml, "  <updated>{updated}T00:00:00Z</updated>");
    let authors = if site.config.book.authors.is_empty() {
        site.config.book.title.clone()
    } else {
        site.config.book.authors.join(", ")
    };
    let _ = writeln!(xml, "  <author><name>{}</name></author>", escape(&authors));
    for (date, p) in entries {
        let page = &site.pages[p];
        let url = escape(&site.base.absolute(&encode_path(&page.url)));
        let published = page.front.date.map_or(date.clone(), |d| d.to_string());
        let _ = write!(
            xml,
            "  <entry>\n    <title>{}</title>\n    <link href=\"{url}\"/>\n    <id>{url}</id>\n    <published>{published}T00:00:00Z</published>\n    <updated>{date}T00:00:00Z</updated>\n    <summary>{}</summary>\n  </entry>\n",
            escape(page.title()),
            escape(page.front.description.as_deref().unwrap_or("")),
        );
    }
    xml.push_str("</feed>\n");
    xml
}

pub fn robots(site: &Site) -> String {
    format!("User-agent: *\nAllow: /\nSitemap: {}\n", site.base.absolute("sitemap.xml"))
}
