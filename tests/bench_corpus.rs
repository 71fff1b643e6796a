//! The benchmark corpus (scripts/bench/corpus.py) is a site cellbook builds: its articles take
//! their terms from the book.toml given with `--vocab`, and every internal link resolves.

mod common;

use common::{Site, cellbook};
use std::path::Path;
use std::process::Command;

fn corpus(out: &Path, flavor: &str, vocab: &Path) {
    let run = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/bench/corpus.py"))
        .args(["--pages", "60", "--flavor", flavor, "--out"])
        .arg(out)
        .arg("--vocab")
        .arg(vocab)
        .output()
        .expect("python3 is installed (scripts/install-test-deps.sh)");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
}

#[test]
fn a_corpus_uses_the_vocabularies_it_is_given_and_checks_clean() {
    // Another site's vocabularies: the corpus's terms must be its terms.
    let site = Site::fixture("own-subject");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("corpus");
    corpus(&out, "yaml", &site.path("book.toml"));
    std::fs::copy(site.path("book.toml"), out.join("book.toml")).unwrap();
    let check = cellbook().args(["check", "--root"]).arg(&out).output().unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success() && stderr.contains("checked: 0 errors"), "{stderr}");

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join(".bench-manifest.json")).unwrap()).unwrap();
    let probe = std::fs::read_to_string(out.join(manifest["probe_source"].as_str().unwrap())).unwrap();
    assert!(probe.contains("readiness: ") && probe.contains("products: ["), "{probe}");
    let build = cellbook().args(["build", "--root"]).arg(&out).output().unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    assert!(out.join("book").join(manifest["probe_output"].as_str().unwrap()).is_file());
}

#[test]
fn every_flavor_holds_the_same_articles() {
    let dir = tempfile::tempdir().unwrap();
    let vocab = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/book.toml");
    for flavor in ["yaml", "hugo", "mdbook"] {
        corpus(&dir.path().join(flavor), flavor, &vocab);
    }
    let manifest = |flavor: &str| -> serde_json::Value {
        let path = dir.path().join(flavor).join(".bench-manifest.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let text = |flavor: &str| {
        std::fs::read_to_string(dir.path().join(flavor).join(manifest(flavor)["probe_source"].as_str().unwrap()))
            .unwrap()
    };
    // The first paragraph of the body: after the front matter, or after mdBook's title and terms.
    let first_paragraph = |text: &str| {
        let prose = |p: &&str| p.len() > 200 && !p.starts_with(['-', '#', '*']);
        text.split("\n\n").find(prose).unwrap_or("").to_string()
    };
    let yaml = first_paragraph(&text("yaml"));
    assert!(!yaml.is_empty());
    assert_eq!(first_paragraph(&text("hugo")), yaml);
    assert_eq!(first_paragraph(&text("mdbook")), yaml);
    assert!(dir.path().join("hugo/hugo.toml").is_file() && dir.path().join("mdbook/src/SUMMARY.md").is_file());
}
