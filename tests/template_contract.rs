//! The template contract: what each kind of page gives its template, under snapshot, and
//! docs/templates.md checked against it.
//!
//! The contexts come from `cellbook::render::context_json`, the code the renderer runs, on the
//! `contract` fixture (every kind of page, translations, trials, the evidence model). A change
//! to a context shows as a diff of `tests/snapshots/*.snap` to review (`cargo insta review`, or
//! `INSTA_UPDATE=always` to accept); with `CI` set, insta fails on a mismatch and writes nothing.

mod common;

use cellbook::build::{Options, model};
use cellbook::config::Config;
use cellbook::dates::Dates;
use cellbook::render::{all_jobs, context_json, global_json, load_templates};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The day the fixture is built on: overdue trials count months from it.
const SOURCE_DATE_EPOCH: &str = "1764979200";

static ENV: std::sync::Once = std::sync::Once::new();

/// Fixes "now" for the whole test binary, before any test reads it.
fn fix_today() {
    // SAFETY: every test calls this first, and `Once` makes the others wait until it is done, so
    // no thread reads the environment while it is written.
    ENV.call_once(|| unsafe { std::env::set_var("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH) });
}

/// The global context and every job's context (output path -> JSON), from a copy of the fixture
/// outside git, so that no page gets a date from a commit.
fn contexts() -> (Value, BTreeMap<String, Value>) {
    fix_today();
    let site = common::Site::fixture("contract");
    let options = Options { root: site.root().to_path_buf(), ..Options::default() };
    let config = Config::load(site.root()).expect("the fixture's book.toml");
    let (model, diagnostics, _) = model(&options, config);
    assert!(!diagnostics.has_errors(), "{diagnostics:?}");
    let templates = load_templates(site.root()).unwrap_or_else(|e| panic!("{e:?}"));
    let mut global = global_json(&model, &templates.i18n, &templates.script_hashes);
    // Changes with every release, and says nothing about the contract.
    global["site"]["generator"] = Value::from("cellbook VERSION");
    let dates = Dates::default();
    let jobs = all_jobs(&model).into_iter().filter_map(|job| context_json(&model, &dates, job)).collect();
    (global, jobs)
}

#[test]
fn every_kind_of_context_matches_its_snapshot() {
    let (global, jobs) = contexts();
    insta::assert_json_snapshot!("context_global", global);
    let shown = [
        ("page", "trials/alpha/index.html"),
        ("page_translated", "zh/trials/alpha/index.html"),
        ("page_red_flags", "trials/gamma/index.html"),
        ("home", "index.html"),
        ("section", "trials/index.html"),
        ("taxonomy", "evidence/index.html"),
        ("term", "diseases/als/index.html"),
        ("matrix", "matrix/index.html"),
        ("trials", "trials/all/index.html"),
        ("overdue", "trials/overdue/index.html"),
        ("changes", "changes/index.html"),
        ("not_found", "404.html"),
    ];
    for (name, path) in shown {
        let context = jobs.get(path).unwrap_or_else(|| panic!("no job renders {path}: {:?}", jobs.keys()));
        insta::assert_json_snapshot!(format!("context_{name}"), context);
    }
}

#[test]
fn rendered_pages_match_their_snapshots() {
    let site = common::Site::fixture("contract");
    let run = common::cellbook()
        .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        .args(["build", "--root"])
        .arg(site.root())
        .output()
        .expect("run cellbook");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let pages = [
        ("page", "trials/alpha/index.html"),
        ("page_translated", "zh/trials/alpha/index.html"),
        ("home", "index.html"),
        ("term", "diseases/als/index.html"),
        ("trials", "trials/all/index.html"),
    ];
    for (name, path) in pages {
        insta::assert_snapshot!(format!("rendered_{name}"), site.output(path));
    }
}

/// A key path of a context, `page.taxonomies[].terms[]:TermLink`: `[]` for an array's items,
/// `*` for a key that is data (a language, a vocabulary), and `:Type` where a value is one of
/// the shapes docs/templates.md names, whose own keys are listed once under `[types]`.
fn key_paths(value: &Value, path: &str, kind: &mut BTreeSet<String>, types: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(shape) = shape(map) {
                kind.insert(format!("{path}:{shape}"));
                let mut inner = BTreeSet::new();
                for (key, value) in map {
                    key_paths(value, &format!("{shape}.{key}"), &mut inner, types);
                }
                types.extend(inner);
                return;
            }
            if !path.is_empty() {
                kind.insert(path.to_string());
            }
            // `i18n` is the strings of templates/i18n.toml: documented there, not here.
            if path == "i18n" {
                return;
            }
            let data_keys = ["navs", "topics", "page.terms", "PageSummary.terms"].contains(&path);
            for (key, value) in map {
                let key = if data_keys { "*" } else { key.as_str() };
                let inner = if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
                key_paths(value, &inner, kind, types);
            }
        }
        Value::Array(items) => {
            kind.insert(path.to_string());
            for item in items {
                key_paths(item, &format!("{path}[]"), kind, types);
            }
        }
        _ => {
            kind.insert(path.to_string());
        }
    }
}

/// The shapes docs/templates.md names, told by their keys.
fn shape(map: &serde_json::Map<String, Value>) -> Option<&'static str> {
    let keys: BTreeSet<&str> = map.keys().map(String::as_str).collect();
    let is = |names: &[&str]| keys == names.iter().copied().collect();
    Some(if keys.contains("design_rank") {
        "TrialRow"
    } else if keys.contains("rank_count") {
        "TermLink"
    } else if is(&["design", "result"]) {
        "EvidenceView"
    } else if is(&["title", "url", "description", "lang", "evidence", "terms"]) {
        "PageSummary"
    } else if is(&["n", "id", "title", "links"]) {
        "Reference"
    } else if is(&["title", "url"]) {
        "Link"
    } else if is(&["level", "symbols", "reason", "finding"]) {
        "Certainty"
    } else if is(&["title", "url", "pages", "more", "children"]) {
        "NavSection"
    } else if is(&["lang", "name", "url", "permalink", "current"]) {
        "Translation"
    } else if is(&["level", "id", "title", "children"]) {
        "TocEntry"
    } else {
        return None;
    })
}

/// Every key path, by kind of page: `[every render]` for the keys all kinds have (those of the
/// 404 page, whose context is only these), `[global]`, `[section]` for the home page too (one
/// view), `[types]` for the named shapes. A key that is null on some pages and a shape on others
/// is listed with its shape.
fn contract() -> BTreeMap<String, BTreeSet<String>> {
    let (global, jobs) = contexts();
    let mut kinds: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut types = BTreeSet::new();
    key_paths(&global, "", kinds.entry("global".into()).or_default(), &mut types);
    let common: BTreeSet<String> = jobs["404.html"].as_object().expect("a map").keys().cloned().collect();
    for context in jobs.values() {
        let kind = match context["kind"].as_str().expect("every context has a kind") {
            "home" => "section",
            kind => kind,
        };
        let mut keys = BTreeSet::new();
        key_paths(context, "", &mut keys, &mut types);
        for key in keys {
            let top = key.split(['.', '[', ':']).next().unwrap_or_default();
            let kind = if common.contains(top) { "every render" } else { kind };
            kinds.entry(kind.to_string()).or_default().insert(key);
        }
    }
    kinds.insert("types".into(), types);
    for keys in kinds.values_mut() {
        let shaped: Vec<String> = keys.iter().filter_map(|k| Some(k.split_once(':')?.0.to_string())).collect();
        for key in shaped {
            keys.remove(&key);
        }
    }
    kinds
}

/// The key list of docs/templates.md: the first ```text block after "## Every key".
fn documented() -> BTreeMap<String, BTreeSet<String>> {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/templates.md")).unwrap();
    let after = doc.split_once("## Every key").expect("docs/templates.md has a section \"## Every key\"").1;
    let block = after.split_once("```text\n").expect("a ```text block").1.split_once("```").unwrap().0;
    let mut kinds: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut kind = String::new();
    for line in block.lines() {
        if let Some(name) = line.trim().strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            kind = name.to_string();
            kinds.entry(kind.clone()).or_default();
        } else {
            kinds.entry(kind.clone()).or_default().extend(line.split_whitespace().map(str::to_string));
        }
    }
    kinds
}

/// The key list as docs/templates.md writes it: a line of keys at most 100 characters long.
fn key_list(kinds: &BTreeMap<String, BTreeSet<String>>) -> String {
    let mut text = String::new();
    for (kind, keys) in kinds {
        text.push_str(&format!("[{kind}]\n"));
        let mut line = String::new();
        for key in keys {
            if !line.is_empty() && line.len() + 1 + key.len() > 100 {
                text.push_str(&format!("{line}\n"));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(key);
        }
        text.push_str(&format!("{line}\n"));
    }
    text
}

#[test]
fn docs_templates_md_documents_every_key_and_no_other() {
    let actual = contract();
    let documented = documented();
    let mut problems = Vec::new();
    for kind in actual.keys().chain(documented.keys()).collect::<BTreeSet<_>>() {
        let (has, says) =
            (actual.get(kind).cloned().unwrap_or_default(), documented.get(kind).cloned().unwrap_or_default());
        for key in has.difference(&says) {
            problems.push(format!("[{kind}] `{key}` is in the context but not in docs/templates.md"));
        }
        for key in says.difference(&has) {
            problems.push(format!("[{kind}] `{key}` is in docs/templates.md but in no context"));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n\nThe key list the contexts give, for docs/templates.md (document each key in the prose too):\n{}",
        problems.join("\n"),
        key_list(&actual)
    );
}
