//! The evidence model as editors and readers meet it: design labels that never appear without
//! their result, labels only on articles about a treatment, trials recorded once and cited by id,
//! claims no stronger than the studies cited, and the table of every trial.

mod common;

use common::{Site, copy_dir, real_site};
use std::fs;
use std::path::Path;

/// The `evidence` fixture with this repository's own theme.
fn graded_site() -> Site {
    let site = Site::fixture("evidence");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["templates", "static"] {
        copy_dir(&repo.join(folder), &site.path(folder));
    }
    site
}

fn edit(site: &Site, rel: &str, from: &str, to: &str) {
    let text = fs::read_to_string(site.path(rel)).unwrap();
    assert!(text.contains(from), "{rel} lacks {from:?}");
    site.write(rel, &text.replacen(from, to, 1));
}

/// Every HTML file of a built site, with its path.
fn html_files(dir: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| (e.path().display().to_string(), fs::read_to_string(e.path()).unwrap()))
        .collect()
}

/// Asserts that every design badge in `html` stands in an evidence pair that also holds a
/// result badge.
fn assert_designs_paired(name: &str, html: &str) -> usize {
    let designs = html.matches("class=\"badge badge-evidence").count();
    let pairs: Vec<&str> = html.split("<span class=\"evidence-pair\">").skip(1).collect();
    let paired = pairs
        .iter()
        .filter(|pair| {
            let design = pair.find("badge badge-evidence");
            let result = pair.find("badge badge-result");
            let next_pair_or_end = pair.len();
            matches!((design, result), (Some(d), Some(r)) if d < r && r < next_pair_or_end)
        })
        .count();
    assert_eq!(designs, paired, "{name}: {designs} design labels, {paired} of them beside their result");
    designs
}

#[test]
fn a_design_label_never_renders_without_its_result() {
    let site = graded_site();
    site.build().success();
    let mut shown = 0;
    for (name, html) in html_files(&site.path("book")) {
        shown += assert_designs_paired(&name, &html);
    }
    assert!(shown >= 4, "design labels shown on the article, cards, matrix and table: {shown}");
    let article = site.output("trials/alpha/index.html");
    assert!(article.contains("Randomised controlled trial"), "the design is named");
    assert!(article.contains("Primary endpoint missed"), "its result is named beside it");
}

#[test]
fn the_real_site_pairs_every_design_with_its_result() {
    let dir = real_site();
    let site = Site { dir };
    site.build().success();
    let mut shown = 0;
    for (name, html) in html_files(&site.path("book")) {
        shown += assert_designs_paired(&name, &html);
    }
    assert!(shown > 50, "{shown} design labels on the real site");
}

#[test]
fn a_design_without_its_result_is_an_error() {
    let site = graded_site();
    edit(&site, "content/trials/beta.md", "result: pending\n", "");
    site.build().failure().stderr_has(
        "content/trials/beta.md:7:1: error: a design label is always shown with what the evidence found: add `result:`",
    );
}

#[test]
fn guides_carry_no_evidence_label() {
    let site = graded_site();
    edit(
        &site,
        "content/guide/basics.md",
        "diseases: [als]\n",
        "diseases: [als]\nevidence: randomised-trial\nresult: benefit\n",
    );
    let run = site.build();
    run.failure().stderr_has(
        "content/guide/basics.md:6:1: error: `evidence` labels are for articles about a treatment, product or trial (in \
         `trials/`); this page is not one: remove `evidence`",
    );
    run.stderr_has("content/guide/basics.md:7:1: error: `result` labels are for articles");
}

#[test]
fn guides_are_on_no_evidence_page_of_the_real_site() {
    let dir = real_site();
    let site = Site { dir };
    site.build().success();
    for (name, html) in
        html_files(&site.path("book/evidence")).into_iter().chain(html_files(&site.path("book/results")))
    {
        for folder in ["/guide/", "/about/", "/outlook/", "/conditions/"] {
            let cards = html.split("class=\"card-title\"").skip(1);
            for card in cards {
                let link = card.split("href=\"").nth(1).unwrap_or("").split('"').next().unwrap_or("");
                assert!(!link.contains(folder), "{name} lists {link}");
            }
        }
    }
}

#[test]
fn an_unknown_trial_id_fails_at_its_line_with_a_hint() {
    let site = graded_site();
    edit(&site, "content/trials/alpha.md", "trials: [NCT00000001]", "trials: [NCT00000011]");
    site.build().failure().stderr_has(
        "content/trials/alpha.md:27:10: error: unknown trial `NCT00000011`: no record `trials/records/NCT00000011.yaml`; \
         did you mean `NCT00000001`?",
    );
}

#[test]
fn an_article_may_not_claim_more_than_the_studies_it_cites() {
    let site = graded_site();
    edit(&site, "content/trials/beta.md", "evidence: uncontrolled-trial", "evidence: randomised-trial");
    let expected = "content/trials/beta.md:7:1: error: claims `randomised-trial` evidence, but the strongest study it \
                    cites is `uncontrolled-trial` (NCT00000003): lower `evidence` or cite the study that supports it";
    site.build().failure().stderr_has(expected);
    site.run(&["check"]).failure().stderr_has(expected);
    // A systematic review cited with its design supports the claim.
    edit(
        &site,
        "content/trials/beta.md",
        "trials: [NCT00000002, NCT00000003]\n",
        "trials: [NCT00000002, NCT00000003]\nreferences:\n  - id: review\n    title: \"A review\"\n    doi: \"10.1000/r\"\n    design: \
         systematic-review\n",
    );
    edit(&site, "content/trials/beta.md", "Beta is being tested.", "Beta is being tested [@review].");
    site.build().success();
}

#[test]
fn historical_controls_do_not_make_a_controlled_study() {
    let site = graded_site();
    edit(&site, "content/trials/beta.md", "evidence: uncontrolled-trial", "evidence: non-randomised-controlled");
    site.build().failure().stderr_has("the strongest study it cites is `uncontrolled-trial` (NCT00000003)");
}

#[test]
fn the_regulatory_status_is_the_last_event_of_its_history() {
    let site = graded_site();
    edit(&site, "content/trials/alpha.md", "regulatory: application-refused-or-withdrawn", "regulatory: approved");
    site.build().failure().stderr_has(
        "content/trials/alpha.md:9:1: error: `regulatory` must be the status of the last `regulatory_history` event \
         (`application-refused-or-withdrawn`, 2023-10)",
    );
}

#[test]
fn trial_records_are_checked_like_front_matter() {
    let site = graded_site();
    edit(&site, "content/trials/records/NCT00000002.yaml", "phase: phase-1", "phase: phase-one");
    site.build()
        .failure()
        .stderr_has("content/trials/records/NCT00000002.yaml:3:8: error: `phase`: unknown variant `phase-one`");
    let site = graded_site();
    edit(&site, "content/trials/records/NCT00000002.yaml", "cell_types: [hsc]", "cell_types: [hscs]");
    site.build().failure().stderr_has(
        "content/trials/records/NCT00000002.yaml:10:14: error: unknown term `hscs` in `cell_types`; did you mean `hsc`?",
    );
    let site = graded_site();
    edit(&site, "content/trials/alpha.md", "trials: [NCT00000001]", "trials:\n  - id: NCT00000001\n    phase: phase-3");
    site.build().failure().stderr_has("a trial is named by its record id (`trials: [NCT03280056]`)");
}

#[test]
fn the_article_shows_its_trials_from_their_records() {
    let site = graded_site();
    site.build().success();
    let article = site.output("trials/alpha/index.html");
    let table = article.split("id=\"cb-trials\"").nth(1).expect("a trials section");
    for fact in [
        "Alpha phase 3",
        "https://clinicaltrials.gov/study/NCT00000001",
        "196",
        "Responders at week 28",
        "33% vs 28% responders, p=0.45",
        "double-blind",
        "placebo-controlled",
    ] {
        assert!(table.contains(fact), "the trial table lacks {fact:?}");
    }
    let json_ld = article.split("application/ld+json").nth(1).unwrap();
    assert!(
        json_ld.contains(r#""@type":"MedicalTrial""#) && json_ld.contains("https://schema.org/RandomizedTrial"),
        "{json_ld}"
    );
    assert!(json_ld.contains(r#""phase":"Phase 3""#) && json_ld.contains("https://schema.org/Completed"), "{json_ld}");
    assert!(article.contains("US FDA") && article.contains("Application withdrawn"), "the regulatory history is shown");
}

#[test]
fn the_table_of_every_trial_is_complete_without_javascript() {
    let site = graded_site();
    site.build().success();
    let table = site.output("trials/all/index.html");
    for id in ["NCT00000001", "NCT00000002", "NCT00000003"] {
        assert!(table.contains(&format!("<tr id=\"trial-{id}\"")), "a row for {id}");
    }
    assert!(
        table.contains("data-f-evidence=\"randomised-trial\"") && table.contains("data-f-result=\"primary-missed\"")
    );
    // The filters are hidden until the script shows them; the rows never are.
    assert!(table.contains("<form class=\"trial-filters\" hidden"));
    assert!(!table.contains("<tr hidden"));
    let svg = table.split("<svg class=\"timeline\"").nth(1).expect("a timeline").split("</svg>").next().unwrap();
    assert!(svg.contains("role=\"img\" aria-labelledby=\"timeline-title timeline-desc\""));
    assert!(svg.contains("<title id=\"timeline-title\">Timeline of the trials</title>"));
    assert!(svg.contains("<desc id=\"timeline-desc\">3 trials drawn as bars"));
    assert!(svg.contains("tl-result-pending tl-ongoing"), "the running trial is drawn as such");
    assert!(
        svg.contains(
            "<title>Alpha phase 3 (NCT00000001): Randomised controlled trial, Primary endpoint missed</title>"
        )
    );
    let zh = site.output("zh/trials/all/index.html");
    assert!(zh.contains("<h1 class=\"doc-title\">全部试验</h1>") && zh.contains("试验时间线"));
}

#[test]
fn a_matrix_cell_shows_the_strongest_design_with_its_result() {
    let site = graded_site();
    site.build().success();
    let matrix = site.output("matrix/index.html");
    let msc = matrix.split("href=\"/cell-types/msc/\">MSC</a></th>").nth(1).unwrap().split("</tr>").next().unwrap();
    let als_cell = msc.split("<td").nth(1).unwrap();
    assert!(
        als_cell.contains("Randomised controlled trial") && als_cell.contains("Primary endpoint missed"),
        "{als_cell}"
    );
    assert!(als_cell.contains("Alpha phase 3"), "the cell lists its trials: {als_cell}");
    let ms_cell = msc.split("<td").nth(2).unwrap();
    assert!(ms_cell.contains("is-empty"), "{ms_cell}");
}

#[test]
fn check_warns_about_a_stale_registry_status() {
    let site = graded_site();
    edit(&site, "content/trials/records/NCT00000002.yaml", "status_checked: 2026-12-01", "status_checked: 2020-01-01");
    site.run(&["check"]).success().stderr_has(
        "content/trials/records/NCT00000002.yaml:15:1: warning: status last checked on 2020-01-01, more than 6 months ago",
    );
}

#[test]
fn a_finding_worded_beyond_its_certainty_fails_check() {
    let site = graded_site();
    edit(&site, "content/trials/alpha.md", "level: moderate", "level: very-low");
    edit(
        &site,
        "content/trials/alpha.md",
        "Alpha probably results in little or no difference in decline.",
        "Alpha improves survival.",
    );
    site.run(&["check"]).failure().stderr_has(
        "content/trials/alpha.md:19:3: error: the finding is not worded at `very-low` certainty: GRADE's wording is \"the \
         evidence is very uncertain about ...\"",
    );
    edit(
        &site,
        "content/trials/alpha.md",
        "Alpha improves survival.",
        "The evidence is very uncertain about whether Alpha improves survival.",
    );
    site.run(&["check"]).success();
}

#[test]
fn the_article_shows_its_certainty_search_date_and_changes() {
    let site = graded_site();
    site.build().success();
    let article = site.output("trials/alpha/index.html");
    let certainty =
        article.split("class=\"fact fact-certainty\"").nth(1).expect("certainty shown").split("</div>").next().unwrap();
    assert!(certainty.contains("⊕⊕⊕◯") && certainty.contains("Moderate"), "{certainty}");
    assert!(certainty.contains("Alpha probably results in little or no difference in decline."));
    assert!(article.contains("Last searched for new evidence") && article.contains("<time datetime=\"2026-12-01\">"));
    assert!(article.contains("phase-3 → randomised-trial. The atlas grades study design, not phase."));
}

#[test]
fn every_matrix_cell_shows_its_evidence_or_its_gap() {
    let site = graded_site();
    site.build().success();
    let matrix = site.output("matrix/index.html");
    let cells: Vec<&str> =
        matrix.split("<td class=\"matrix-cell").skip(1).map(|c| c.split("</td>").next().unwrap()).collect();
    assert_eq!(cells.len(), 4, "2 cell types x 2 diseases");
    for cell in &cells {
        if cell.contains("cell-details") && cell.contains("cell-trials") {
            assert!(cell.contains("class=\"cell-studies\""), "a count: {cell}");
            assert!(cell.contains("badge-evidence") && cell.contains("badge-result"), "design and result: {cell}");
        }
        if !cell.contains("cell-trials") {
            assert!(cell.contains("class=\"gap\""), "an empty cell names its gap: {cell}");
        }
    }
    let msc_als = cells[0];
    assert!(msc_als.contains("1 × Randomised controlled trial") && msc_als.contains("⊕⊕⊕◯"), "{msc_als}");
    assert!(msc_als.contains("Gap: randomised trials, but no systematic review"), "{msc_als}");
    assert!(cells[1].contains("Gap: no study in people"), "{}", cells[1]);
    assert!(cells[3].contains("Gap: no randomised trial"), "{}", cells[3]);
}

#[test]
fn trials_without_results_a_year_after_completion_are_overdue() {
    let site = graded_site();
    site.build().success();
    let overdue = site.output("trials/overdue/index.html");
    assert!(overdue.contains("Gamma pilot") && overdue.contains("Results overdue ("), "{overdue}");
    assert!(!overdue.contains("Alpha phase 3"), "a trial with a publication is not overdue");
    let beta = site.output("trials/beta/index.html");
    assert!(beta.contains("chip-overdue"), "the article that cites it shows it too");
    // With a publication, it is not overdue any more.
    edit(
        &site,
        "content/trials/records/NCT00000003.yaml",
        "result: no-results-posted",
        "result: safety-only\npublications:\n  - title: \"Gamma pilot results\"\n    doi: \"10.1000/gamma\"",
    );
    site.build().success();
    assert!(!site.output("trials/overdue/index.html").contains("Gamma pilot"));
}

#[test]
fn changes_and_term_feeds_are_valid_atom_listing_a_planted_change() {
    let site = graded_site();
    site.build().success();
    let changes = site.output("changes/index.html");
    assert!(changes.contains("Alpha cells for ALS") && changes.contains("The atlas grades study design, not phase."));
    let feed = atom_syndication::Feed::read_from(site.output("changes/atom.xml").as_bytes()).expect("valid Atom");
    let entry = feed.entries().first().expect("an entry");
    assert!(
        entry.title().as_str().contains("Alpha cells for ALS")
            && entry.title().as_str().contains("phase-3 → randomised-trial")
    );
    assert_eq!(entry.updated().to_rfc3339(), "2026-11-20T00:00:00+00:00");
    for term in ["diseases/als", "cell-types/msc", "zh/diseases/als"] {
        let feed =
            atom_syndication::Feed::read_from(site.output(&format!("{term}/atom.xml")).as_bytes()).expect("valid Atom");
        assert!(!feed.entries().is_empty(), "{term}: {feed:?}");
    }
    let als = atom_syndication::Feed::read_from(site.output("diseases/als/atom.xml").as_bytes()).unwrap();
    assert!(
        als.entries().iter().all(|e| e.title().as_str() != "Beta cells for MS"),
        "only ALS articles in the ALS feed"
    );
    assert!(
        site.output("diseases/als/index.html").contains("href=\"/diseases/als/atom.xml\""),
        "the term page links its feed"
    );
}

#[test]
fn products_sold_without_approval_show_red_flags() {
    let site = graded_site();
    let config = fs::read_to_string(site.path("book.toml")).unwrap();
    site.write(
        "book.toml",
        &format!("{config}red-flags = {{ status = \"sold-outside-trials\", page = \"guide/basics.md\" }}\n"),
    );
    edit(&site, "content/trials/beta.md", "result: pending\n", "result: pending\nregulatory: sold-outside-trials\n");
    site.build().success();
    let beta = site.output("trials/beta/index.html");
    let flags =
        beta.split("<aside class=\"red-flags\"").nth(1).expect("a red-flags box").split("</aside>").next().unwrap();
    assert!(flags.contains("href=\"/guide/basics/\""), "{flags}");
    assert!(!site.output("trials/alpha/index.html").contains("red-flags"));
}

/// Builds the good site, breaks it with `breaking`, builds again: the second build must fail
/// with `expected` in its errors, without a panic, and leave the first build's files as they were.
fn refused(breaking: impl FnOnce(&Site), expected: &str) {
    let site = graded_site();
    site.build().success();
    let before = common::snapshot(&site.path("book"));
    breaking(&site);
    let run = site.build();
    run.failure().stderr_has(expected);
    assert_eq!(common::snapshot(&site.path("book")), before, "the previous site is left as it was");
}

#[test]
fn bad_trial_records_are_refused_and_the_previous_site_kept() {
    let record = "content/trials/records/NCT00000002.yaml";
    refused(
        |site| fs::copy(site.path(record), site.path("content/trials/records/NCT00000002.yml")).map(drop).unwrap(),
        "content/trials/records/NCT00000002.yml:1:1: error: trial `NCT00000002` is recorded twice: also in \
         content/trials/records/NCT00000002.yaml; keep one file",
    );
    refused(
        |site| edit(site, record, "status: recruiting", "status: recruting"),
        "NCT00000002.yaml:14:9: error: `status`: unknown variant `recruting`",
    );
    refused(|site| edit(site, record, "phase: phase-1", "phase: [phase-1"), "content/trials/records/NCT00000002.yaml:");
    refused(
        |site| {
            edit(
                site,
                "content/trials/beta.md",
                "trials: [NCT00000002, NCT00000003]",
                "trials: [NCT00000002, NCT00000004]",
            )
        },
        "unknown trial `NCT00000004`",
    );
    refused(
        |site| edit(site, "content/trials/alpha.md", "ref: alpha2022", "ref: alpha2023"),
        "content/trials/alpha.md:15:10: error: `regulatory_history` cites `alpha2023`, which is not a reference of this \
         page; did you mean `alpha2022`?",
    );
    refused(
        |site| {
            let text = fs::read_to_string(site.path(record)).unwrap();
            site.write(record, &format!("{text}publications:\n  - title: \"x\"\n    url: \"JaVaScRiPt:alert(1)\"\n"));
        },
        "NCT00000002.yaml:19:11: error: `publications`: `JaVaScRiPt:alert(1)` is a `javascript:` URL",
    );
    refused(
        |site| {
            let text = fs::read_to_string(site.path(record)).unwrap();
            let bomb: String = (0..9)
                .map(|i| {
                    format!(
                        "x{i}: &x{i} [{}]\n",
                        vec![if i == 0 { "lol".to_string() } else { format!("*x{}", i - 1) }; 9].join(", ")
                    )
                })
                .collect();
            site.write(record, &format!("{text}{bomb}"));
        },
        "YAML aliases (`*name`) expand",
    );
    refused(
        |site| {
            let text = fs::read_to_string(site.path(record)).unwrap();
            site.write(record, &format!("{text}harms: \"{}\"\n", "x".repeat(2 * 1024 * 1024)));
        },
        "content/trials/records/NCT00000002.yaml:1:1: error: a trial record is at most 1 MiB",
    );
}
