//! The evidence model's fixed vocabularies: study design, result, trial phase, status and design
//! details, each an enum with its id (as written in front matter and trial records) and, where
//! schema.org has one, its schema.org value. Labels and translations live in `book.toml`; the
//! ids here are what the build checks and ranks.
//!
//! In: ids as written. Out: typed values, their order and their schema.org mapping.

use serde::{Deserialize, Serialize};

/// Declares an enum of kebab-case ids with `ALL`, `id()` and serde in that form.
macro_rules! id_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $id:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $id)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &[$name] = &[$($name::$variant),+];

            /// The id as written in YAML and `book.toml`.
            pub fn id(self) -> &'static str {
                match self {
                    $($name::$variant => $id),+
                }
            }

            pub fn from_id(id: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.id() == id)
            }

            /// Every id, for error messages and hints.
            pub fn ids() -> impl Iterator<Item = &'static str> {
                $name::ALL.iter().map(|v| v.id())
            }
        }
    };
}

id_enum! {
    /// The design of a study, weakest to strongest (Oxford CEBM 2011 levels 5 to 1). Phase is
    /// not a rung: it is a property of a trial.
    Design {
        Preclinical = "preclinical",
        CaseSeries = "case-series",
        UncontrolledTrial = "uncontrolled-trial",
        NonRandomisedControlled = "non-randomised-controlled",
        RandomisedTrial = "randomised-trial",
        SystematicReview = "systematic-review",
    }
}

id_enum! {
    /// What the evidence showed, judged by the primary endpoint.
    Outcome {
        Benefit = "benefit",
        Mixed = "mixed",
        PrimaryMissed = "primary-missed",
        SubgroupOrPostHocOnly = "subgroup-or-post-hoc-only",
        SafetyOnly = "safety-only",
        Harm = "harm",
        Pending = "pending",
        NoResultsPosted = "no-results-posted",
        /// For laboratory and animal evidence: nothing has been tested in people.
        NotTestedInPeople = "not-tested-in-people",
    }
}

id_enum! {
    /// A trial's phase, as ClinicalTrials.gov and HL7 FHIR name them.
    Phase {
        EarlyPhase1 = "early-phase-1",
        Phase1 = "phase-1",
        Phase1Phase2 = "phase-1-phase-2",
        Phase2 = "phase-2",
        Phase2Phase3 = "phase-2-phase-3",
        Phase3 = "phase-3",
        Phase4 = "phase-4",
        NotApplicable = "not-applicable",
    }
}

id_enum! {
    /// A trial's recruitment status, as ClinicalTrials.gov names it.
    Status {
        NotYetRecruiting = "not-yet-recruiting",
        Recruiting = "recruiting",
        EnrollingByInvitation = "enrolling-by-invitation",
        ActiveNotRecruiting = "active-not-recruiting",
        Suspended = "suspended",
        Terminated = "terminated",
        Withdrawn = "withdrawn",
        Completed = "completed",
        Unknown = "unknown",
    }
}

id_enum! {
    /// What kind of study a record describes.
    StudyKind {
        Interventional = "interventional",
        Observational = "observational",
        CaseSeries = "case-series",
    }
}

id_enum! {
    Blinding {
        Open = "open",
        Single = "single",
        Double = "double",
    }
}

id_enum! {
    /// What the treated group is compared with.
    Control {
        None = "none",
        Placebo = "placebo",
        Sham = "sham",
        Active = "active",
        UsualCare = "usual-care",
        Historical = "historical",
        External = "external",
    }
}

id_enum! {
    /// GRADE's certainty of a body of evidence, lowest first.
    Certainty {
        VeryLow = "very-low",
        Low = "low",
        Moderate = "moderate",
        High = "high",
    }
}

impl Certainty {
    /// GRADE's symbols: one filled circle per level, ⊕⊕◯◯ for low.
    pub(crate) fn symbols(self) -> String {
        let filled = self as usize + 1;
        format!("{}{}", "⊕".repeat(filled), "◯".repeat(4 - filled))
    }

    /// Whether a plain-language finding is worded at this level, as GRADE's standard statements
    /// word it (Santesso et al. 2020): "very uncertain" at very low, "may" at low, "probably" at
    /// moderate; a plain verb ("reduces", "improves") only at high. Chinese wordings count too.
    pub(crate) fn worded_in(self, finding: &str) -> bool {
        let text = finding.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
        let very_uncertain = has(&["very uncertain", "not known", "非常不确定", "尚不清楚", "不知道"]);
        let may = has(&["may ", "might ", "可能"]);
        let probably = has(&["probably", "likely", "很可能", "大概"]);
        match self {
            Certainty::VeryLow => very_uncertain,
            Certainty::Low => may && !probably && !very_uncertain,
            Certainty::Moderate => probably && !very_uncertain,
            Certainty::High => !(very_uncertain || may || probably),
        }
    }
}

impl Design {
    /// The design a study has, from how it was run. A comparison with historical or external
    /// controls is CEBM level 4, like a single-arm trial; only a concurrent control group makes a
    /// non-randomised study level 3.
    pub(crate) fn of(kind: StudyKind, randomised: bool, control: Control) -> Design {
        match (kind, randomised, control) {
            (StudyKind::CaseSeries, _, _) => Design::CaseSeries,
            (_, true, _) => Design::RandomisedTrial,
            (_, false, Control::None | Control::Historical | Control::External) => Design::UncontrolledTrial,
            (_, false, _) => Design::NonRandomisedControlled,
        }
    }
}

impl Phase {
    /// schema.org's `phase` text for a MedicalTrial.
    pub(crate) fn schema_org(self) -> Option<&'static str> {
        Some(match self {
            Phase::EarlyPhase1 => "Early Phase 1",
            Phase::Phase1 => "Phase 1",
            Phase::Phase1Phase2 => "Phase 1/Phase 2",
            Phase::Phase2 => "Phase 2",
            Phase::Phase2Phase3 => "Phase 2/Phase 3",
            Phase::Phase3 => "Phase 3",
            Phase::Phase4 => "Phase 4",
            Phase::NotApplicable => return None,
        })
    }
}

impl Status {
    /// schema.org's MedicalStudyStatus.
    pub(crate) fn schema_org(self) -> Option<&'static str> {
        Some(match self {
            Status::NotYetRecruiting => "https://schema.org/NotYetRecruiting",
            Status::Recruiting => "https://schema.org/Recruiting",
            Status::EnrollingByInvitation => "https://schema.org/EnrollingByInvitation",
            Status::ActiveNotRecruiting => "https://schema.org/ActiveNotRecruiting",
            Status::Suspended => "https://schema.org/Suspended",
            Status::Terminated => "https://schema.org/Terminated",
            Status::Withdrawn => "https://schema.org/Withdrawn",
            Status::Completed => "https://schema.org/Completed",
            Status::Unknown => return None,
        })
    }

    /// Whether the trial has stopped taking part in new ways (its results are due or in).
    pub(crate) fn is_over(self) -> bool {
        matches!(self, Status::Completed | Status::Terminated | Status::Withdrawn)
    }
}

/// schema.org's MedicalTrialDesign values that describe a trial.
pub(crate) fn schema_org_designs(randomised: bool, blinding: Blinding, control: Control) -> Vec<&'static str> {
    let mut designs = Vec::new();
    if randomised {
        designs.push("https://schema.org/RandomizedTrial");
    }
    match blinding {
        Blinding::Double => designs.push("https://schema.org/DoubleBlindedTrial"),
        Blinding::Single => designs.push("https://schema.org/SingleBlindedTrial"),
        Blinding::Open => designs.push("https://schema.org/OpenTrial"),
    }
    if matches!(control, Control::Placebo | Control::Sham) {
        designs.push("https://schema.org/PlaceboControlledTrial");
    }
    designs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_designs_are_ordered_weakest_first() {
        for design in Design::ALL {
            assert_eq!(Design::from_id(design.id()), Some(*design));
        }
        assert!(Design::RandomisedTrial > Design::UncontrolledTrial);
        assert_eq!(Design::from_id("phase-3"), None, "a phase is not a design");
    }

    #[test]
    fn findings_are_worded_at_their_certainty() {
        let improves = "NurOwn improves function in ALS.";
        assert!(!Certainty::VeryLow.worded_in(improves) && Certainty::High.worded_in(improves));
        assert!(Certainty::VeryLow.worded_in("The evidence is very uncertain about whether NurOwn slows ALS."));
        assert!(Certainty::Low.worded_in("aHSCT may reduce relapses in active relapsing MS."));
        assert!(!Certainty::Low.worded_in("aHSCT probably reduces relapses."));
        assert!(Certainty::Moderate.worded_in("MSCs probably result in little or no difference in new lesions."));
        assert_eq!(Certainty::Low.symbols(), "⊕⊕◯◯");
    }

    #[test]
    fn a_randomised_phase_1_2_outranks_an_uncontrolled_phase_2() {
        let randomised = Design::of(StudyKind::Interventional, true, Control::Placebo);
        let uncontrolled = Design::of(StudyKind::Interventional, false, Control::None);
        let historical = Design::of(StudyKind::Interventional, false, Control::Historical);
        let concurrent = Design::of(StudyKind::Observational, false, Control::Active);
        assert_eq!((randomised, uncontrolled), (Design::RandomisedTrial, Design::UncontrolledTrial));
        assert_eq!(historical, Design::UncontrolledTrial, "historical controls are CEBM level 4");
        assert_eq!(concurrent, Design::NonRandomisedControlled);
        assert!(randomised > concurrent && concurrent > uncontrolled);
    }
}
