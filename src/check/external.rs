//! External links: fetched concurrently with a timeout; results cached for a week in
//! `.cellbook-link-cache.json` at the site root so repeated checks are fast and polite.

use crate::diagnostics::Diagnostic;
use crate::site::Site;
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

pub fn check(site: &Site, root: &Path) -> Vec<Diagnostic> {
    let mut links: BTreeMap<&str, Vec<(usize, usize, usize)>> = BTreeMap::new();
    for (p, rendered) in site.rendered.iter().enumerate() {
        for (url, line, col) in &rendered.external {
            if url.starts_with("http://") || url.starts_with("https://") {
                links.entry(url.as_str()).or_default().push((p, *line, *col));
            }
        }
        for reference in site.pages[p].front.references.iter().filter_map(|r| r.url.as_deref()) {
            links.entry(reference).or_default().push((p, 1, 1));
        }
    }
    let cache_path = root.join(CACHE_FILE);
    let mut cache: BTreeMap<String, Entry> =
        std::fs::read_to_string(&cache_path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    let today = crate::dates::today();
    let fresh =
        |entry: &Entry| entry.checked.parse::<jiff::civil::Date>().is_ok_and(|d| (today - d).get_days() < CACHE_DAYS);
    let to_fetch: Vec<&str> = links.keys().copied().filter(|url| !cache.get(*url).is_some_and(fresh)).collect();
    let results = fetch_all(&to_fetch);
    for (url, error) in results {
        cache.insert(url, Entry { error, checked: today.to_string() });
    }
    if let Ok(text) = serde_json::to_string_pretty(&cache) {
        let _ = std::fs::write(&cache_path, text);
    }
    let mut out = Vec::new();
    for (url, places) in links {
        if let Some(error) = cache.get(url).and_then(|e| e.error.as_ref()) {
            for (p, line, col) in places {
                out.push(Diagnostic::error(
                    &site.pages[p].file,
                    line,
                    col,
                    format!("external link `{url}` failed: {error}"),
                ));
            }
        }
    }
    out
}

/// Fetches each URL once, `WORKERS` at a time; returns (url, error if any).
fn fetch_all(urls: &[&str]) -> Vec<(String, Option<String>)> {
    let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(TIMEOUT)).build().into();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(urls.len()));
    std::thread::scope(|scope| {
        for _ in 0..WORKERS.min(urls.len()) {
            scope.spawn(|| {
                while let Some(url) = urls.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let error = fetch(&agent, url).err();
                    if let Ok(mut results) = results.lock() {
                        results.push((url.to_string(), error));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort();
    results
}

fn fetch(agent: &ureq::Agent, url: &str) -> Result<(), String> {
    match agent.head(url).call() {
        Ok(_) => Ok(()),
        // Some servers refuse HEAD; ask again with GET before calling the link broken.
        Err(ureq::Error::StatusCode(405 | 403 | 501)) => agent.get(url).call().map(|_| ()).map_err(describe),
        Err(error) => Err(describe(error)),
    }
}

fn describe(error: ureq::Error) -> String {
    match error {
        ureq::Error::StatusCode(code) => format!("HTTP {code}"),
        ureq::Error::Timeout(_) => "timed out".into(),
        other => other.to_string(),
    }
}
