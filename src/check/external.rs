//! External links: fetched concurrently with a timeout; results cached for a week in
//! `.cellbook-link-cache.json` at the site root so repeated checks are fast and polite.
//!
//! In: the site model (links in bodies, with their positions; references' `url`). Out: an error at
//! each place that links to a URL that failed, or one message when the network is unreachable.

use crate::diagnostics::{Diagnostic, LineIndex};
use crate::site::{PageId, Site};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const CACHE_FILE: &str = ".cellbook-link-cache.json";
const CACHE_DAYS: i32 = 7;
const WORKERS: usize = 8;
const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Serialize, Deserialize)]
struct Entry {
    /// `None` when the link worked, else what went wrong.
    error: Option<String>,
    checked: String,
}

/// What the external check found: broken links at the places that link there, or, when no host
/// could be reached at all, that the network is unreachable (said once, nothing cached).
pub(crate) struct Outcome {
    pub findings: Vec<Diagnostic>,
    pub unreachable: Option<String>,
}

pub(crate) fn check(site: &Site, root: &Path) -> Outcome {
    let links = places(site, root);
    let cache_path = root.join(CACHE_FILE);
    let mut cache: BTreeMap<String, Entry> =
        std::fs::read_to_string(&cache_path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    let today = crate::dates::today();
    let fresh =
        |entry: &Entry| entry.checked.parse::<jiff::civil::Date>().is_ok_and(|d| (today - d).get_days() < CACHE_DAYS);
    let to_fetch: Vec<&str> = links.keys().copied().filter(|url| !cache.get(*url).is_some_and(fresh)).collect();
    let results = fetch_all(&to_fetch);
    let unreachable = network_unreachable(&results);
    if unreachable.is_none() {
        for (url, outcome) in results {
            cache.insert(url, Entry { error: outcome.err().map(|e| e.message), checked: today.to_string() });
        }
        if let Ok(text) = serde_json::to_string_pretty(&cache) {
            let _ = std::fs::write(&cache_path, text);
        }
    }
    let mut findings = Vec::new();
    for (url, places) in links {
        if let Some(error) = cache.get(url).and_then(|e| e.error.as_ref()) {
            for (p, line, col) in places {
                findings.push(Diagnostic::error(
                    &site.pages[p].file,
                    line,
                    col,
                    format!("external link `{url}` failed: {error}"),
                ));
            }
        }
    }
    Outcome { findings, unreachable }
}

/// Every http(s) link of the site with the places that link there: (page, line, column). A
/// reference's `url` is placed at the line of the front matter that gives it.
fn places<'a>(site: &'a Site, root: &Path) -> BTreeMap<&'a str, Vec<(PageId, usize, usize)>> {
    let mut links: BTreeMap<&str, Vec<(PageId, usize, usize)>> = BTreeMap::new();
    for (p, rendered) in site.rendered.iter_ids() {
        for (url, line, col) in &rendered.external {
            if url.starts_with("http://") || url.starts_with("https://") {
                links.entry(url.as_str()).or_default().push((p, *line, *col));
            }
        }
        let urls: Vec<&str> = site.pages[p].front.references.iter().filter_map(|r| r.url.as_deref()).collect();
        if urls.is_empty() {
            continue;
        }
        let text = std::fs::read_to_string(root.join(&site.pages[p].file)).unwrap_or_default();
        let lines = LineIndex::new(&text);
        // The body cannot come first: these URLs are in the front matter, at the top.
        for url in urls {
            let (line, col) = text.find(url).map_or((1, 1), |offset| lines.position(offset));
            links.entry(url).or_default().push((p, line, col));
        }
    }
    links
}

/// Why a link failed: a broken link, or no way to reach its host (no name resolution, no route).
struct Failed {
    message: String,
    unreachable: bool,
}

/// When every link fetched, on two hosts or more, failed for want of a network: the one message
/// that says so. (One host alone may simply be gone, which is a broken link.)
fn network_unreachable(results: &[(String, Result<(), Failed>)]) -> Option<String> {
    let all_unreachable = !results.is_empty() && results.iter().all(|(_, r)| r.as_ref().is_err_and(|f| f.unreachable));
    let hosts: std::collections::BTreeSet<&str> = results.iter().map(|(url, _)| host(url)).collect();
    (all_unreachable && hosts.len() > 1).then(|| {
        let example = results.first().and_then(|(_, r)| r.as_ref().err()).map_or("", |f| f.message.as_str());
        format!(
            "the network is unreachable: none of the {} hosts of {} external links could be reached ({example}); \
             external links were not checked, run `check --external` again when online",
            hosts.len(),
            results.len()
        )
    })
}

/// The host of an http(s) URL, as written.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// Fetches each URL once, `WORKERS` at a time; returns (url, outcome), sorted.
fn fetch_all(urls: &[&str]) -> Vec<(String, Result<(), Failed>)> {
    let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(TIMEOUT)).build().into();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(urls.len()));
    std::thread::scope(|scope| {
        for _ in 0..WORKERS.min(urls.len()) {
            scope.spawn(|| {
                while let Some(url) = urls.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = fetch(&agent, url);
                    if let Ok(mut results) = results.lock() {
                        results.push((url.to_string(), outcome));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    results
}

fn fetch(agent: &ureq::Agent, url: &str) -> Result<(), Failed> {
    match agent.head(url).call() {
        Ok(_) => Ok(()),
        // Some servers refuse HEAD; ask again with GET before calling the link broken.
        Err(ureq::Error::StatusCode(405 | 403 | 501)) => agent.get(url).call().map(|_| ()).map_err(describe),
        Err(error) => Err(describe(error)),
    }
}

fn describe(error: ureq::Error) -> Failed {
    let unreachable = is_unreachable(&error);
    let message = match error {
        ureq::Error::StatusCode(code) => format!("HTTP {code}"),
        ureq::Error::Timeout(_) => "timed out".into(),
        other => other.to_string(),
    };
    Failed { message, unreachable }
}

/// Whether the host could not be reached at all: its name did not resolve, or there is no route.
fn is_unreachable(error: &ureq::Error) -> bool {
    use std::io::ErrorKind;
    match error {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => true,
        // The standard library reports a failed name lookup with this text and no kind of its own.
        ureq::Error::Io(e) => {
            matches!(e.kind(), ErrorKind::NetworkUnreachable | ErrorKind::HostUnreachable | ErrorKind::NetworkDown)
                || e.to_string().contains("failed to lookup address")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unreachable(url: &str) -> (String, Result<(), Failed>) {
        (url.to_string(), Err(Failed { message: "failed to lookup address".into(), unreachable: true }))
    }

    #[test]
    fn no_network_is_said_once_and_one_dead_host_is_a_broken_link() {
        let offline = [unreachable("https://a.org/x"), unreachable("https://b.org/y"), unreachable("https://b.org/z")];
        let message = network_unreachable(&offline).unwrap();
        assert!(message.contains("none of the 2 hosts of 3 external links"), "{message}");
        assert!(network_unreachable(&[unreachable("https://gone.org/"), unreachable("https://gone.org/a")]).is_none());
        let mixed = [unreachable("https://a.org/x"), ("https://b.org/".to_string(), Ok(()))];
        assert!(network_unreachable(&mixed).is_none());
    }
}
