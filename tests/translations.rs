//! Translations that know their original: marked with `cellbook translated`, reported by
//! `check` and shown to readers when the original changes; language links only to pages that
//! exist; and Chinese pages with no English interface text left.

mod common;

use common::{Site, copy_dir, real_site};
use std::fs;
use std::path::Path;

/// The `evidence` fixture with the repository's theme and a Chinese translation of `alpha`.
fn translated_site() -> Site {
    let site = Site::fixture("evidence");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["templates", "static"] {
        copy_dir(&repo.join(folder), &site.path(folder));
    }
    let original = fs::read_to_string(site.path("content/trials/alpha.md")).unwrap();
    let translation = original
        .replace("title: \"Alpha cells for ALS\"", "title: \"阿尔法细胞治疗 ALS\"")
        .replace("- Alpha missed its primary endpoint [@alpha2022].", "- 阿尔法未达到主要终点 [@alpha2022]。");
    site.write("content/trials/alpha.zh.md", &translation);
    site
}

#[test]
fn a_marked_translation_is_current_until_its_original_changes() {
    let site = translated_site();
    let run = site.run(&["check"]);
    run.success().stderr_has(
        "content/trials/alpha.zh.md:1:1: warning: translates content/trials/alpha.md but records no `translated_from`: \
         once it matches its original, run `cellbook translated content/trials/alpha.zh.md`",
    );
    site.run(&["translated", "content/trials/alpha.zh.md"]).success();
    let marked = fs::read_to_string(site.path("content/trials/alpha.zh.md")).unwrap();
    assert!(marked.lines().nth(2).is_some_and(|l| l.starts_with("translated_from: \"")), "{marked}");
    let run = site.run(&["check"]);
    assert!(!run.stderr.contains("alpha.zh.md"), "a current translation is not reported: {}", run.stderr);
    site.build().success();
    assert!(!site.output("zh/trials/alpha/index.html").contains("notice-outdated"));

    // The original changes: check says so, and the translated page tells its readers.
    let original = fs::read_to_string(site.path("content/trials/alpha.md")).unwrap();
    site.write("content/trials/alpha.md", &original.replace("Alpha missed", "Alpha clearly missed"));
    site.run(&["check"]).success().stderr_has(
        "content/trials/alpha.zh.md:1:1: warning: its original content/trials/alpha.md has changed since it was \
         translated: update the translation, then run `cellbook translated content/trials/alpha.zh.md`",
    );
    let json = site.run(&["check", "--format", "json"]);
    assert!(
        json.stdout
            .lines()
            .any(|l| l.contains("\"page\":\"content/trials/alpha.md\"") && l.contains("\"zh\":\"outdated\"")),
        "{}",
        json.stdout
    );
    assert!(json.stdout.lines().any(|l| l.contains("content/trials/beta.md") && l.contains("\"zh\":\"missing\"")));
    site.build().success();
    let page = site.output("zh/trials/alpha/index.html");
    let notice = page.split("class=\"notice notice-outdated\"").nth(1).expect("a notice").split("</p>").next().unwrap();
    assert!(notice.contains("原文在翻译之后已有更新") && notice.contains("href=\"/trials/alpha/\""), "{notice}");

    // A date or tag changed in the original does not make the translation out of date.
    site.run(&["translated", "content/trials/alpha.zh.md"]).success();
    let original = fs::read_to_string(site.path("content/trials/alpha.md")).unwrap();
    site.write("content/trials/alpha.md", &original.replace("description:", "tags: [alpha]\ndescription:"));
    assert!(!site.run(&["check"]).stderr.contains("alpha.zh.md"));
}

#[test]
fn a_page_without_a_translation_links_to_none() {
    let site = translated_site();
    site.build().success();
    let beta = site.output("trials/beta/index.html");
    assert!(!beta.contains("hreflang=\"zh\" href=\"https://") && !beta.contains("/zh/trials/beta/"), "{beta}");
    // The language menu offers the Chinese home page instead.
    assert!(beta.contains("<a href=\"/zh/\" hreflang=\"zh\""), "the switcher falls back to the Chinese home page");
    let alpha = site.output("trials/alpha/index.html");
    assert!(alpha.contains("href=\"/zh/trials/alpha/\" hreflang=\"zh\""), "a translated page links its translation");
}

/// English interface strings (several words, different in Chinese) never appear on a Chinese page.
#[test]
fn chinese_pages_carry_no_english_interface_text() {
    let dir = real_site();
    let site = Site { dir };
    site.build().success();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let strings: toml::Table = fs::read_to_string(repo.join("templates/i18n.toml")).unwrap().parse().unwrap();
    let (en, zh) = (strings["en"].as_table().unwrap(), strings["zh"].as_table().unwrap());
    let labels: Vec<&str> = en
        .iter()
        .filter_map(|(key, value)| Some((value.as_str()?, zh.get(key)?.as_str()?)))
        .filter(|(en, zh)| en != zh && en.contains(' ') && en.is_ascii())
        .map(|(en, _)| en.split('{').next().unwrap_or(en).trim())
        .filter(|label| label.len() > 6)
        .collect();
    assert!(labels.len() > 50, "{} labels", labels.len());
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(site.path("book/zh")).into_iter().filter_map(Result::ok) {
        if entry.path().extension().is_none_or(|x| x != "html") {
            continue;
        }
        let html = fs::read_to_string(entry.path()).unwrap();
        // Reference titles stay in the language they were published in (the list and JSON-LD).
        let html =
            without(&without(&html, "<section class=\"references\"", "</section>"), "application/ld+json", "</script>");
        for label in &labels {
            assert!(!html.contains(label), "{}: English interface text {label:?}", entry.path().display());
        }
        for marker in ["Unverified:", "In brief"] {
            assert!(!html.contains(marker), "{}: {marker:?}", entry.path().display());
        }
        checked += 1;
    }
    assert!(checked > 100, "{checked} Chinese pages");
}

#[test]
fn every_english_page_has_a_chinese_counterpart() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut missing = Vec::new();
    for entry in walkdir::WalkDir::new(&repo).into_iter().filter_map(Result::ok) {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy();
        if !name.ends_with(".md") || name.ends_with(".zh.md") {
            continue;
        }
        if !path.with_file_name(name.replace(".md", ".zh.md")).exists() {
            missing.push(path.strip_prefix(&repo).unwrap().display().to_string());
        }
    }
    assert!(missing.is_empty(), "no Chinese version of {missing:?}");
}

/// `html` without the part from `start` to the next `end`.
fn without(html: &str, start: &str, end: &str) -> String {
    match html.split_once(start) {
        Some((before, after)) => format!("{before}{}", after.split_once(end).map_or("", |(_, rest)| rest)),
        None => html.to_string(),
    }
}
