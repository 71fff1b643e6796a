//! A page's or a trial record's references, numbered as in-text citations number them, each
//! with links to the registries and indexes that hold it.
//!
//! In: the references of the front matter or a record. Out: [`ReferenceView`]s whose links
//! (PubMed, DOI, ClinicalTrials.gov, ISRCTN, a plain URL) are made here and nowhere else.

use crate::content::front_matter::Reference;
use serde::Serialize;

#[derive(Serialize)]
pub(crate) struct ReferenceView<'a> {
    n: usize,
    id: String,
    title: &'a str,
    links: Vec<ReferenceLink>,
}

#[derive(Serialize)]
struct ReferenceLink {
    label: &'static str,
    text: String,
    href: String,
}

pub(crate) fn references(references: &[Reference]) -> Vec<ReferenceView<'_>> {
    references
        .iter()
        .enumerate()
        .map(|(i, r)| ReferenceView {
            n: i + 1,
            id: r.id.clone().unwrap_or_else(|| (i + 1).to_string()),
            title: &r.title,
            links: links(r),
        })
        .collect()
}

/// Where a reference can be read, registry by registry, then its own URL.
fn links(r: &Reference) -> Vec<ReferenceLink> {
    let mut links = Vec::new();
    if let Some(pmid) = &r.pmid {
        links.push(ReferenceLink {
            label: "PubMed",
            text: format!("PMID {pmid}"),
            href: format!("https://pubmed.ncbi.nlm.nih.gov/{pmid}/"),
        });
    }
    if let Some(doi) = &r.doi {
        links.push(ReferenceLink { label: "DOI", text: format!("doi:{doi}"), href: format!("https://doi.org/{doi}") });
    }
    if let Some(nct) = &r.nct {
        links.push(ReferenceLink {
            label: "ClinicalTrials.gov",
            text: nct.clone(),
            href: format!("https://clinicaltrials.gov/study/{nct}"),
        });
    }
    if let Some(isrctn) = &r.isrctn {
        links.push(ReferenceLink {
            label: "ISRCTN",
            text: isrctn.clone(),
            href: format!("https://www.isrctn.com/{isrctn}"),
        });
    }
    if let Some(url) = &r.url {
        links.push(ReferenceLink { label: "Link", text: url.clone(), href: url.clone() });
    }
    links
}
