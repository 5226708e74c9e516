//! Coded values of the data model. The matching, the store and the files all use the codes
//! (`short_term`, `disability`…); people see them through the locale key `<prefix>.<code>`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A coded value: every value, its code in files and the database, and its label's key.
pub trait Coded: Copy + 'static {
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    fn locale_key(self) -> String;
}

/// Defines a coded enum: its codes, `ALL`, parsing from a code, and the locale key prefix.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $prefix:literal { $($variant:ident => $code:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            // Files and the database use the codes, e.g. "short_term", "az".
            $(#[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Locale key prefix; the label of a value is `<prefix>.<code>`.
            pub const LOCALE_PREFIX: &'static str = $prefix;

            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }

            pub fn locale_key(self) -> String {
                format!("{}.{}", $prefix, self.code())
            }
        }

        impl Coded for $name {
            fn all() -> &'static [Self] {
                $name::ALL
            }

            fn code(self) -> &'static str {
                $name::code(self)
            }

            fn locale_key(self) -> String {
                $name::locale_key(self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

code_enum! {
    /// Where a family stands in the approval process.
    FamilyStatus, "family_status" {
        Applicant => "applicant",
        InAssessment => "in_assessment",
        Approved => "approved",
        Suspended => "suspended",
        Deregistered => "deregistered",
    }
}

code_enum! {
    CareType, "care_type" {
        Emergency => "emergency",
        ShortTerm => "short_term",
        LongTerm => "long_term",
        Respite => "respite",
    }
}

code_enum! {
    SexPreference, "sex_preference" {
        Any => "any",
        Female => "female",
        Male => "male",
    }
}

code_enum! {
    Sex, "sex" {
        Female => "female",
        Male => "male",
    }
}

code_enum! {
    /// Needs of a child, and the needs a family is trained and approved for.
    Need, "need" {
        Disability => "disability",
        ChronicMedical => "chronic_medical",
        Behavioural => "behavioural",
        Psychosocial => "psychosocial",
        Learning => "learning",
    }
}

code_enum! {
    Urgency, "urgency" {
        Routine => "routine",
        Priority => "priority",
        Emergency => "emergency",
    }
}

code_enum! {
    ChildStatus, "child_status" {
        Awaiting => "awaiting",
        Proposed => "proposed",
        Placed => "placed",
        Reunified => "reunified",
        Exited => "exited",
    }
}

code_enum! {
    /// The child's legal status under the Family Code.
    LegalStatus, "legal_status" {
        Orphan => "orphan",
        DeprivedOfParentalCare => "deprived_of_parental_care",
        ParentalRightsRestricted => "parental_rights_restricted",
        TemporaryCareByAgreement => "temporary_care_by_agreement",
        CourtDecisionPending => "court_decision_pending",
    }
}

code_enum! {
    /// Where the child lives now.
    Situation, "situation" {
        Institution => "institution",
        KinshipCare => "kinship_care",
        EmergencyShelter => "emergency_shelter",
        BirthFamilyAtRisk => "birth_family_at_risk",
    }
}

code_enum! {
    CheckKind, "check_kind" {
        Medical => "medical",
        CriminalRecord => "criminal_record",
        References => "references",
        HomeSafety => "home_safety",
    }
}

code_enum! {
    CheckOutcome, "check_outcome" {
        Pending => "pending",
        Passed => "passed",
        Concerns => "concerns",
        Failed => "failed",
    }
}

code_enum! {
    Religion, "religion" {
        Islam => "islam",
        Christianity => "christianity",
        Judaism => "judaism",
        NoReligion => "none",
        Other => "other",
    }
}

code_enum! {
    /// Relation of a household member to the main carer.
    Relation, "relation" {
        Spouse => "spouse",
        Son => "son",
        Daughter => "daughter",
        Parent => "parent",
        Sibling => "sibling",
        Grandchild => "grandchild",
        OtherRelative => "other_relative",
        Lodger => "lodger",
    }
}

code_enum! {
    /// Languages spoken at home or by the child (ISO 639 codes).
    Language, "language" {
        Azerbaijani => "az",
        Russian => "ru",
        English => "en",
        Turkish => "tr",
        Lezgian => "lez",
        Talysh => "tly",
        Avar => "av",
        Georgian => "ka",
        Tat => "ttt",
        Kurdish => "ku",
    }
}

code_enum! {
    /// A placement panel's decision on a proposed match.
    Decision, "decision" {
        Approve => "approve",
        ApproveWithConditions => "approve_with_conditions",
        Defer => "defer",
        Reject => "reject",
    }
}

impl Decision {
    /// The locale key of the decision as an outcome ("Approved"), where `locale_key` names
    /// the choice ("Approve").
    pub fn outcome_key(self) -> String {
        format!("decision_outcome.{}", self.code())
    }

    /// An approval (with or without conditions) creates a placement.
    pub fn approves(self) -> bool {
        matches!(self, Decision::Approve | Decision::ApproveWithConditions)
    }
}

code_enum! {
    /// Why a placement ended.
    EndReason, "end_reason" {
        Reunified => "reunified",
        Adopted => "adopted",
        Moved => "moved",
        Breakdown => "breakdown",
        AgedOut => "aged_out",
    }
}

impl EndReason {
    /// The child's status once a placement ends this way: home or adopted children leave
    /// care, a move or a breakdown puts the child back among those awaiting a family.
    /// A placement that broke down excludes the pair from later runs (until lifted).
    pub fn excludes_pair(self) -> bool {
        self == EndReason::Breakdown
    }

    pub fn child_status_after(self) -> ChildStatus {
        match self {
            EndReason::Reunified => ChildStatus::Reunified,
            EndReason::Adopted | EndReason::AgedOut => ChildStatus::Exited,
            EndReason::Moved | EndReason::Breakdown => ChildStatus::Awaiting,
        }
    }
}

/// Every coded enum's locale prefix with its codes, for the locale completeness test and for
/// tools that list the codes a file may use.
pub fn all_code_keys() -> Vec<String> {
    fn keys<T: Copy>(all: &[T], key: impl Fn(T) -> String) -> Vec<String> {
        all.iter().map(|v| key(*v)).collect()
    }
    [
        keys(FamilyStatus::ALL, FamilyStatus::locale_key),
        keys(CareType::ALL, CareType::locale_key),
        keys(SexPreference::ALL, SexPreference::locale_key),
        keys(Sex::ALL, Sex::locale_key),
        keys(Need::ALL, Need::locale_key),
        keys(Urgency::ALL, Urgency::locale_key),
        keys(ChildStatus::ALL, ChildStatus::locale_key),
        keys(LegalStatus::ALL, LegalStatus::locale_key),
        keys(Situation::ALL, Situation::locale_key),
        keys(CheckKind::ALL, CheckKind::locale_key),
        keys(CheckOutcome::ALL, CheckOutcome::locale_key),
        keys(Religion::ALL, Religion::locale_key),
        keys(Relation::ALL, Relation::locale_key),
        keys(Language::ALL, Language::locale_key),
        keys(Decision::ALL, Decision::locale_key),
        keys(Decision::ALL, Decision::outcome_key),
        keys(EndReason::ALL, EndReason::locale_key),
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_uses_the_codes() {
        assert_eq!(
            serde_json::to_string(&Language::Azerbaijani)
                .ok()
                .as_deref(),
            Some("\"az\"")
        );
        assert_eq!(
            serde_json::to_string(&CareType::ShortTerm).ok().as_deref(),
            Some("\"short_term\"")
        );
        assert_eq!(
            serde_json::from_str::<Religion>("\"none\"").ok(),
            Some(Religion::NoReligion)
        );
        for need in Need::ALL {
            assert_eq!(Need::from_code(need.code()), Some(*need));
        }
    }
}
