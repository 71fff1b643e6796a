//! The structured data of each page: schema.org JSON-LD for search engines.
//!
//! In: the [`Site`] and a page, section, generated page or trial record. Out: the JSON-LD text
//! for `base.html`'s `<script type="application/ld+json">`, escaped so that no title can end the
//! script element. Kept as JSON values: schema.org's vocabulary is open, and these are output,
//! not a template contract.

use crate::content::trials::TrialRecord;
use crate::evidence::schema_org_designs;
use crate::site::{PageId, Site, TrialId};
use serde_json::{Value, json};

const AUDIENCE: [&str; 3] = ["Patient", "Clinician", "MedicalResearcher"];

/// The text of the script element.
pub(crate) fn script_text(value: &Value) -> String {
    // `</script>` inside a title must not end the script element.
    value.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// An article as a MedicalWebPage, about its conditions and the trials it lists.
pub(crate) fn page(site: &Site, p: PageId, last_modified: Option<&str>) -> Value {
    let page = site.page(p);
    let front = &page.front;
    let lang = page.lang.as_str();
    let conditions_key = site.config.evidence.as_ref().and_then(|e| e.conditions.as_deref()).unwrap_or("");
    let conditions: Vec<_> = site
        .config
        .taxonomy(conditions_key)
        .map(|t| {
            front
                .terms
                .get(conditions_key)
                .map_or(&[][..], |d| d.ids())
                .iter()
                .filter_map(|id| t.term(id))
                .map(|term| json!({ "@type": "MedicalCondition", "name": term.label_in(lang) }))
                .collect()
        })
        .unwrap_or_default();
    let mut about = conditions.clone();
    for t in front.trials.iter().filter_map(|id| site.find_trial(id)) {
        about.push(trial(site, t, &conditions));
    }
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page.title(),
        "headline": page.title(),
        "description": front.description,
        "url": site.base.absolute(&crate::site::links::encode_path(&page.url)),
        "inLanguage": lang,
        "audience": AUDIENCE.iter().map(|a| json!({ "@type": "MedicalAudience", "audienceType": a })).collect::<Vec<_>>(),
        "about": about,
        "citation": front.references.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(),
    });
    let dates = [
        ("lastReviewed", front.reviewed.map(|d| d.to_string())),
        ("datePublished", front.date.map(|d| d.to_string())),
        ("dateModified", last_modified.map(str::to_string)),
    ];
    for (key, date) in dates {
        if let Some(date) = date {
            value[key] = json!(date);
        }
    }
    value
}

/// schema.org's MedicalTrial for a record.
fn trial(site: &Site, t: TrialId, conditions: &[Value]) -> Value {
    let record: &TrialRecord = site.trial(t);
    let mut value = json!({
        "@type": "MedicalTrial",
        "name": record.name,
        "identifier": record.id,
        "trialDesign": schema_org_designs(record.design.randomised, record.design.blinding, record.design.control),
    });
    if let Some(url) = record.registry_url() {
        value["url"] = json!(url);
    }
    if let Some(phase) = record.phase.schema_org() {
        value["phase"] = json!(phase);
    }
    if let Some(status) = record.status.schema_org() {
        value["status"] = json!(status);
    }
    if let Some(sponsor) = &record.sponsor {
        value["sponsor"] = json!({ "@type": "Organization", "name": sponsor });
    }
    if let Some(size) = record.size() {
        value["description"] = json!(format!("{} participants", size));
    }
    if !conditions.is_empty() {
        value["healthCondition"] = json!(conditions);
    }
    value
}

/// A list page: the home page is the `WebSite`, any other a `CollectionPage`. `url` is absolute.
pub(crate) fn collection(home: bool, title: &str, description: &str, url: &str, lang: &str) -> Value {
    json!({ "@context": "https://schema.org", "@type": if home { "WebSite" } else { "CollectionPage" }, "name": title, "description": description, "url": url, "inLanguage": lang })
}
