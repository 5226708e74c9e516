//! What each pack says, section by section, from the registry. Values that are not recorded
//! print as "not recorded", never as a blank.

use super::{Block, Pack, PackInfo, ReportError};
use crate::domain::advice::{Explanation, NotChosen};
use crate::domain::*;
use crate::geo::Gazetteer;
use crate::i18n::{Lang, km, rule_label, rule_values, tr, tr_args};
use crate::store::Store;

struct Writer<'a> {
    lang: Lang,
    gazetteer: &'a Gazetteer,
    today: NaiveDate,
    blocks: Vec<Block>,
}

use chrono::NaiveDate;

impl Writer<'_> {
    fn t(&self, key: &str) -> String {
        tr(self.lang, key)
    }

    fn or_not_recorded(&self, value: impl Into<String>) -> String {
        let value = value.into();
        if value.trim().is_empty() {
            self.t("common.not_recorded")
        } else {
            value
        }
    }

    fn date(&self, date: Option<NaiveDate>) -> String {
        date.map(format_date)
            .unwrap_or_else(|| self.t("common.not_recorded"))
    }

    fn labels(&self, keys: impl IntoIterator<Item = String>) -> String {
        let list: Vec<String> = keys.into_iter().map(|k| tr(self.lang, &k)).collect();
        if list.is_empty() {
            self.t("pack.none")
        } else {
            list.join(", ")
        }
    }

    fn place(&self, location: &Location) -> String {
        let district = self
            .gazetteer
            .unit(&location.district_code)
            .map(|u| u.name(self.lang).to_owned())
            .unwrap_or_else(|| location.district_code.clone());
        let settlement = location
            .settlement_code
            .as_deref()
            .and_then(|s| self.gazetteer.unit(s))
            .map(|u| u.name(self.lang).to_owned());
        let mut parts = vec![district];
        parts.extend(settlement.filter(|s| !parts.contains(s)));
        if !location.address.trim().is_empty() {
            parts.push(location.address.clone());
        }
        parts.join(", ")
    }

    fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    fn heading(&mut self, key: &str) {
        let text = self.t(key);
        self.push(Block::Heading(text));
    }

    fn subheading(&mut self, key: &str) {
        let text = self.t(key);
        self.push(Block::Subheading(text));
    }

    fn field(&mut self, key: &str, value: impl Into<String>) {
        let value = self.or_not_recorded(value);
        let label = self.t(key);
        self.push(Block::Field(label, value));
    }

    fn table(&mut self, header_keys: &[&str], widths: &[f32], rows: Vec<Vec<String>>) {
        if rows.is_empty() {
            let text = self.t("common.not_recorded");
            self.push(Block::Paragraph(text));
            return;
        }
        let headers = header_keys.iter().map(|k| self.t(k)).collect();
        self.push(Block::Table {
            headers,
            widths: widths.to_vec(),
            rows,
        });
    }

    fn child_profile(&mut self, child: &Child, group: Option<&SiblingGroup>, siblings: &[Child]) {
        self.heading("pack.child_profile");
        let lang = self.lang;
        let mut birth = format_date(child.birth_date);
        if child.birth_date_estimated {
            birth = format!("{birth} ({})", self.t("child.birth_estimated"));
        }
        self.field("child.code", child.code.clone());
        self.field("pack.name", child.full_name());
        self.field("child.birth_date", birth);
        self.field(
            "child.age",
            tr_args(
                lang,
                "child.age_years",
                &[("years", child.age_on(self.today).to_string())],
            ),
        );
        self.field("child.sex", self.t(&child.sex.locale_key()));
        self.field(
            "child.legal_status",
            self.t(&child.legal_status.locale_key()),
        );
        self.field("child.situation", self.t(&child.situation.locale_key()));
        self.field("child.district", self.place(&child.location));
        self.field("child.school", child.school.clone());
        self.field(
            "child.languages",
            self.labels(child.languages.iter().map(|l| l.locale_key())),
        );
        self.field(
            "child.needs",
            self.labels(child.needs.iter().map(|n| n.locale_key())),
        );
        self.field("child.needs_description", child.needs_description.clone());
        self.field("child.urgency", self.t(&child.urgency.locale_key()));
        self.field("child.care_type", self.t(&child.care_type.locale_key()));
        self.field("child.referral_date", format_date(child.referral_date));
        self.field(
            "child.days_waiting",
            tr_args(
                lang,
                "child.days",
                &[("days", child.days_waiting(self.today).to_string())],
            ),
        );
        self.subheading("pack.siblings");
        match group {
            Some(group) => {
                let names: Vec<String> = siblings
                    .iter()
                    .filter(|s| s.id != child.id)
                    .map(|s| format!("{} {}", s.code, s.full_name()))
                    .collect();
                self.field("pack.sibling_group", group.code.clone());
                self.field("pack.siblings_in_care", names.join("; "));
                let together = if group.may_split {
                    tr_args(
                        lang,
                        "pack.may_split_because",
                        &[("reason", group.split_reason.clone())],
                    )
                } else {
                    self.t("pack.stay_together")
                };
                self.field("pack.together", together);
            }
            None => {
                let text = self.t("pack.no_siblings");
                self.push(Block::Paragraph(text));
            }
        }
        self.subheading("child.wishes");
        let wishes = self.or_not_recorded(child.wishes.clone());
        self.push(Block::Paragraph(wishes));
        self.subheading("child.contact");
        let contact = self.or_not_recorded(child.contact_arrangements.clone());
        self.push(Block::Paragraph(contact));
    }

    fn household(&mut self, family: &Family) {
        let carers = std::iter::once(&family.main_carer).chain(family.second_carer.as_ref());
        let rows: Vec<Vec<String>> = carers
            .map(|c| {
                vec![
                    self.or_not_recorded(c.full_name.clone()),
                    self.t("pack.carer"),
                    self.date(c.birth_date),
                ]
            })
            .chain(family.household.iter().map(|m| {
                vec![
                    self.or_not_recorded(m.full_name.clone()),
                    self.t(&m.relation.locale_key()),
                    self.date(m.birth_date),
                ]
            }))
            .collect();
        self.table(
            &["pack.name", "family.relation", "family.birth_date"],
            &[3.0, 2.0, 1.5],
            rows,
        );
    }

    fn terms(&mut self, family: &Family, occupied: u32) {
        let terms = &family.terms;
        self.field(
            "family.care_types",
            self.labels(terms.care_types.iter().map(|c| c.locale_key())),
        );
        self.field(
            "pack.ages",
            tr_args(
                self.lang,
                "pack.age_range",
                &[
                    ("min", terms.age_min.to_string()),
                    ("max", terms.age_max.to_string()),
                ],
            ),
        );
        self.field(
            "family.sex_preference",
            self.t(&terms.sex_preference.locale_key()),
        );
        self.field(
            "pack.places",
            tr_args(
                self.lang,
                "pack.places_taken",
                &[
                    ("places", terms.places.to_string()),
                    ("occupied", occupied.to_string()),
                    (
                        "free",
                        u32::from(terms.places).saturating_sub(occupied).to_string(),
                    ),
                ],
            ),
        );
        self.field(
            "family.needs",
            self.labels(terms.needs.iter().map(|n| n.locale_key())),
        );
    }

    fn checks_and_training(&mut self, family: &Family) {
        self.subheading("pack.checks");
        let rows = family
            .checks
            .iter()
            .map(|c| {
                vec![
                    self.t(&c.kind.locale_key()),
                    format_date(c.done_on),
                    self.t(&c.outcome.locale_key()),
                    c.note.clone(),
                ]
            })
            .collect();
        self.table(
            &["pack.check", "pack.date", "pack.outcome", "pack.note"],
            &[2.0, 1.3, 1.3, 3.0],
            rows,
        );
        self.subheading("pack.training");
        let rows = family
            .training
            .iter()
            .map(|t| vec![t.course.clone(), format_date(t.completed_on)])
            .collect();
        self.table(&["pack.course", "pack.date"], &[4.0, 1.3], rows);
    }

    /// Where the family lives, its languages and religion.
    fn home(&mut self, family: &Family) {
        self.field("family.district", self.place(&family.location));
        self.field(
            "family.languages",
            self.labels(family.languages.iter().map(|l| l.locale_key())),
        );
        self.field(
            "family.religion",
            family
                .religion
                .map(|r| self.t(&r.locale_key()))
                .unwrap_or_default(),
        );
    }

    fn family_profile(&mut self, family: &Family, occupied: u32) {
        self.heading("pack.family_profile");
        self.field("family.code", family.code.clone());
        self.field("pack.carers", family.display_name());
        self.home(family);
        self.field("family.status", self.t(&family.status.locale_key()));
        self.field("family.approval_date", self.date(family.approval_date));
        self.field("family.review_due", self.date(family.review_due));
        self.subheading("pack.household");
        self.household(family);
        self.subheading("pack.terms");
        self.terms(family, occupied);
        self.checks_and_training(family);
    }

    fn match_analysis(&mut self, explanation: Option<&Explanation>, problem: Option<&str>) {
        self.heading("pack.match_analysis");
        let Some(e) = explanation else {
            let text = problem
                .map(str::to_owned)
                .unwrap_or_else(|| self.t("pack.no_explanation"));
            self.push(Block::Paragraph(text));
            return;
        };
        let rows: Vec<Vec<String>> = e
            .rules
            .iter()
            .map(|outcome| {
                let (child, family) = rule_values(self.lang, outcome);
                vec![
                    rule_label(self.lang, outcome.rule()),
                    if outcome.passed { "✓" } else { "✗" }.to_owned(),
                    child,
                    family,
                ]
            })
            .collect();
        self.table(
            &[
                "pack.rule",
                "pack.met",
                "pack.child_value",
                "pack.family_value",
            ],
            &[1.6, 0.6, 2.2, 2.6],
            rows,
        );
        self.field(
            "pack.distance",
            tr_args(
                self.lang,
                "pack.distance_of",
                &[
                    ("km", format!("{:.1}", e.distance_km)),
                    ("limit", format!("{:.0}", e.limit_km)),
                ],
            ),
        );
        self.field(
            "pack.language",
            self.t(if e.language.fits {
                "pack.language_fits"
            } else {
                "pack.language_mismatch"
            }),
        );
        let siblings = match &e.siblings {
            Some(s) => tr_args(
                self.lang,
                "pack.siblings_placed",
                &[
                    ("group", s.group.clone()),
                    ("with", self.or_not_recorded(s.placed_with.join(", "))),
                ],
            ),
            None => self.t("pack.no_siblings"),
        };
        self.field("pack.siblings", siblings);
        self.field("pack.value", format!("{:.1}", e.value));
        self.subheading("pack.alternatives");
        let rows: Vec<Vec<String>> = e
            .alternatives
            .iter()
            .map(|a| {
                let (why, taken) = match &a.why_not {
                    NotChosen::Full { taken_by } => (self.t("pack.why_full"), taken_by.as_slice()),
                    NotChosen::GroupLimit { taken_by } => {
                        (self.t("pack.why_group_limit"), taken_by.as_slice())
                    }
                    NotChosen::LowerValue => (self.t("pack.why_lower_value"), &[][..]),
                };
                let why = if taken.is_empty() {
                    why
                } else {
                    format!("{why}: {}", taken.join(", "))
                };
                vec![
                    a.family.clone(),
                    km(self.lang, a.distance_km, 1),
                    format!("{:.0}", a.value),
                    why,
                ]
            })
            .collect();
        self.table(
            &["pack.family", "pack.distance", "pack.value", "pack.why_not"],
            &[1.2, 1.0, 0.8, 4.0],
            rows,
        );
    }

    fn placement_plan(
        &mut self,
        child: &Child,
        family: &Family,
        start: Option<NaiveDate>,
        explanation: Option<&Explanation>,
    ) {
        self.heading("pack.placement_plan");
        self.field(
            "pack.start_date",
            start
                .map(format_date)
                .unwrap_or_else(|| self.t("pack.to_be_agreed")),
        );
        self.field("pack.contact", child.contact_arrangements.clone());
        let km = crate::geo::haversine_km(
            child.location.lat,
            child.location.lon,
            family.location.lat,
            family.location.lon,
        );
        self.field(
            "pack.schooling",
            tr_args(
                self.lang,
                "pack.schooling_text",
                &[
                    ("school", self.or_not_recorded(child.school.clone())),
                    ("km", format!("{km:.1}")),
                ],
            ),
        );
        // Support to close the gaps the analysis shows.
        let mut support = Vec::new();
        if explanation.is_some_and(|e| !e.language.fits) {
            support.push(self.t("pack.support_language"));
        }
        for need in &child.needs {
            support.push(tr_args(
                self.lang,
                "pack.support_need",
                &[("need", self.t(&need.locale_key()))],
            ));
        }
        if km > 30.0 {
            support.push(self.t("pack.support_transport"));
        }
        if support.is_empty() {
            support.push(self.t("pack.support_none"));
        }
        self.subheading("pack.support");
        for line in support {
            self.push(Block::Paragraph(format!("• {line}")));
        }
        let lines = vec![self.t("pack.other_support"), String::new()];
        self.push(Block::WritingLines(lines));
    }

    fn decision_sheet(&mut self, session: Option<&PanelSession>) {
        self.push(Block::PageBreak);
        self.heading("pack.decision_sheet");
        if let Some(s) = session {
            self.field("panel.date", format_date(s.date));
            self.field("panel.chair", s.chair.clone());
            self.field("panel.members", s.members.join(", "));
            self.field(
                "panel.quorum",
                self.t(if s.quorum { "common.yes" } else { "common.no" }),
            );
        } else {
            let lines = vec![
                self.t("panel.date"),
                self.t("panel.chair"),
                self.t("panel.members"),
            ];
            self.push(Block::WritingLines(lines));
        }
        self.subheading("pack.decision");
        for decision in Decision::ALL {
            let label = self.t(&decision.locale_key());
            self.push(Block::Paragraph(format!("☐  {label}")));
        }
        let lines = vec![
            self.t("panel.conditions"),
            String::new(),
            self.t("panel.reasons"),
            String::new(),
        ];
        self.push(Block::WritingLines(lines));
        self.subheading("pack.signatures");
        let mut lines = vec![
            tr_args(
                self.lang,
                "pack.signature_of",
                &[("who", self.t("panel.chair"))],
            ),
            self.t("pack.date"),
        ];
        let members = session.map_or(3, |s| s.members.len().max(1));
        for n in 1..=members {
            let who = session
                .and_then(|s| s.members.get(n - 1).cloned())
                .unwrap_or_else(|| tr_args(self.lang, "pack.member_n", &[("n", n.to_string())]));
            lines.push(tr_args(self.lang, "pack.signature_of", &[("who", who)]));
        }
        self.push(Block::WritingLines(lines));
    }
}

/// The child, the family, the child's sibling group and its members, the family's places taken.
type Pair = (Child, Family, Option<SiblingGroup>, Vec<Child>, u32);

/// Everything a match pack needs from the store.
fn load_pair(store: &Store, child_id: i64, family_id: i64) -> Result<Pair, ReportError> {
    let child = store.child(child_id)?;
    let family = store.family(family_id)?;
    let group = match child.sibling_group_id {
        Some(g) => store
            .sibling_groups()?
            .into_iter()
            .find(|s| s.id == Some(g)),
        None => None,
    };
    let siblings = match child.sibling_group_id {
        Some(g) => store
            .children()?
            .into_iter()
            .filter(|c| c.sibling_group_id == Some(g))
            .collect(),
        None => Vec::new(),
    };
    let occupied = store
        .occupied_places()?
        .get(&family_id)
        .copied()
        .unwrap_or(0);
    Ok((child, family, group, siblings, occupied))
}

/// The explanation of a pair: the one its latest agenda item was proposed with, else the
/// optimizer's on `date` with the pair locked (what the plan would be with it).
fn explanation_of(
    store: &Store,
    child: &Child,
    family: &Family,
    date: NaiveDate,
) -> Result<(Option<Explanation>, Option<String>), ReportError> {
    let (Some(child_id), Some(family_id)) = (child.id, family.id) else {
        return Ok((None, None));
    };
    if let Some(item) = store
        .agenda_items_of_child(child_id)?
        .into_iter()
        .rev()
        .find(|i| i.family_id == family_id)
    {
        return Ok((item.explanation, None));
    }
    let mut probe = child.clone();
    probe.status = ChildStatus::Awaiting;
    let families = store.families()?;
    let occupied = store.occupied_places()?;
    let mut instance = crate::matching::registry::instance_from_records(
        &families,
        |f| f.id.and_then(|id| occupied.get(&id)).copied().unwrap_or(0),
        std::slice::from_ref(&probe),
        &store.sibling_groups()?,
        date,
        crate::matching::Settings::default(),
    );
    instance.locked.push(crate::matching::instance::PairInput {
        child: child.code.clone(),
        family: family.code.clone(),
    });
    match crate::matching::solve(&instance, None) {
        Ok(plan) => Ok((
            plan.placements
                .iter()
                .find(|p| p.child == child.code)
                .map(|p| p.explanation.clone()),
            None,
        )),
        Err(e) => Ok((None, Some(e.to_string()))),
    }
}

fn match_blocks(
    w: &mut Writer<'_>,
    store: &Store,
    child_id: i64,
    family_id: i64,
    explanation: Option<Explanation>,
    session: Option<&PanelSession>,
    start: Option<NaiveDate>,
) -> Result<(), ReportError> {
    let (child, family, group, siblings, occupied) = load_pair(store, child_id, family_id)?;
    let (explanation, problem) = match explanation {
        Some(e) => (Some(e), None),
        None => explanation_of(store, &child, &family, w.today)?,
    };
    // Cover.
    let title = w.t("pack.match_title");
    w.push(Block::Title(title));
    w.push(Block::Subheading(format!(
        "{} {} — {} {}",
        child.code,
        child.full_name(),
        family.code,
        family.display_name()
    )));
    w.field("pack.prepared_on", format_date(w.today));
    if let Some(s) = session {
        w.field(
            "pack.for_session",
            tr_args(
                w.lang,
                "panel.session_title",
                &[("date", format_date(s.date))],
            ),
        );
    }
    let note = w.t("pack.cover_note");
    w.push(Block::Note(note));
    w.push(Block::PageBreak);
    w.child_profile(&child, group.as_ref(), &siblings);
    w.push(Block::PageBreak);
    w.family_profile(&family, occupied);
    w.push(Block::PageBreak);
    w.match_analysis(explanation.as_ref(), problem.as_deref());
    // A placement of this pair that has already ended needs no draft plan: say how it ended.
    let ended = store
        .placements()?
        .into_iter()
        .filter(|p| p.child_id == child_id && p.family_id == family_id)
        .max_by_key(|p| p.start_date)
        .filter(|p| !p.is_active());
    match ended {
        Some(placement) => {
            w.heading("pack.placement_plan");
            let reason = placement
                .end_reason
                .map(|r| w.t(&r.locale_key()))
                .unwrap_or_default();
            w.push(Block::Paragraph(tr_args(
                w.lang,
                "pack.placement_ended",
                &[
                    ("start", format_date(placement.start_date)),
                    (
                        "end",
                        placement.end_date.map(format_date).unwrap_or_default(),
                    ),
                    ("reason", reason),
                ],
            )));
        }
        None => w.placement_plan(&child, &family, start, explanation.as_ref()),
    }
    w.decision_sheet(session);
    Ok(())
}

fn writer<'a>(info: &PackInfo, gazetteer: &'a Gazetteer) -> Writer<'a> {
    Writer {
        lang: info.lang,
        gazetteer,
        today: info.today,
        blocks: Vec::new(),
    }
}

/// The match pack of one proposed placement. `explanation` is the one the window shows (from
/// a run); without it, the agenda's or a fresh one is used.
pub fn match_pack(
    store: &Store,
    gazetteer: &Gazetteer,
    child_id: i64,
    family_id: i64,
    explanation: Option<Explanation>,
    info: &PackInfo,
) -> Result<Pack, ReportError> {
    let mut w = writer(info, gazetteer);
    let item = store
        .agenda_items_of_child(child_id)?
        .into_iter()
        .rev()
        .find(|i| i.family_id == family_id);
    let session = match &item {
        Some(i) => Some(store.panel_session(i.session_id)?),
        None => None,
    };
    let start = item
        .as_ref()
        .and_then(|i| i.decision())
        .and_then(|d| d.start_date);
    match_blocks(
        &mut w,
        store,
        child_id,
        family_id,
        explanation,
        session.as_ref(),
        start,
    )?;
    Ok(Pack {
        title: w.t("pack.match_title"),
        blocks: w.blocks,
    })
}

/// The family assessment pack (approval or annual review), in the manner of Form F.
pub fn family_pack(
    store: &Store,
    gazetteer: &Gazetteer,
    family_id: i64,
    info: &PackInfo,
) -> Result<Pack, ReportError> {
    let family = store.family(family_id)?;
    let occupied = store
        .occupied_places()?
        .get(&family_id)
        .copied()
        .unwrap_or(0);
    let mut w = writer(info, gazetteer);
    let title = w.t("pack.family_title");
    w.push(Block::Title(title.clone()));
    w.push(Block::Subheading(format!(
        "{} {}",
        family.code,
        family.display_name()
    )));
    w.field("pack.prepared_on", format_date(w.today));
    w.field("family.status", w.t(&family.status.locale_key()));
    w.field("family.review_due", w.date(family.review_due));
    let note = w.t("pack.cover_note");
    w.push(Block::Note(note));
    w.push(Block::PageBreak);

    w.heading("pack.section_household");
    w.field("pack.carers", family.display_name());
    for (key, carer) in [
        ("family.main_carer", Some(&family.main_carer)),
        ("family.second_carer", family.second_carer.as_ref()),
    ] {
        if let Some(c) = carer {
            let text = format!(
                "{} · {} · {}",
                w.or_not_recorded(c.full_name.clone()),
                w.date(c.birth_date),
                w.or_not_recorded(c.phone.clone())
            );
            w.field(key, text);
        }
    }
    w.home(&family);
    w.subheading("pack.household");
    w.household(&family);

    w.heading("pack.section_history");
    let notes = w.or_not_recorded(family.notes.clone());
    w.push(Block::Paragraph(notes));
    let lines = vec![w.t("pack.motivation"), String::new(), String::new()];
    w.push(Block::WritingLines(lines));

    w.heading("pack.section_checks");
    w.checks_and_training(&family);

    w.heading("pack.section_terms");
    w.terms(&family, occupied);
    w.field("family.approval_date", w.date(family.approval_date));

    w.heading("pack.section_strengths");
    let strengths: Vec<String> = family
        .checks
        .iter()
        .filter(|c| c.outcome == CheckOutcome::Passed)
        .map(|c| {
            tr_args(
                w.lang,
                "pack.check_passed",
                &[("check", w.t(&c.kind.locale_key()))],
            )
        })
        .chain((!family.training.is_empty()).then(|| {
            tr_args(
                w.lang,
                "pack.training_done",
                &[("count", family.training.len().to_string())],
            )
        }))
        .collect();
    let concerns: Vec<String> = family
        .checks
        .iter()
        .filter(|c| {
            matches!(
                c.outcome,
                CheckOutcome::Concerns | CheckOutcome::Failed | CheckOutcome::Pending
            )
        })
        .map(|c| {
            let text = format!(
                "{}: {}",
                w.t(&c.kind.locale_key()),
                w.t(&c.outcome.locale_key())
            );
            if c.note.is_empty() {
                text
            } else {
                format!("{text} — {}", c.note)
            }
        })
        .chain(
            family
                .review_overdue(w.today)
                .then(|| w.t("pack.review_overdue")),
        )
        // An approval with no check or no training on record is a gap the panel must see.
        .chain(family.checks.is_empty().then(|| w.t("pack.no_checks")))
        .chain(family.training.is_empty().then(|| w.t("pack.no_training")))
        .collect();
    w.subheading("pack.strengths");
    for s in if strengths.is_empty() {
        vec![w.t("common.not_recorded")]
    } else {
        strengths
    } {
        w.push(Block::Paragraph(format!("• {s}")));
    }
    w.subheading("pack.concerns");
    for c in if concerns.is_empty() {
        vec![w.t("pack.none")]
    } else {
        concerns
    } {
        w.push(Block::Paragraph(format!("• {c}")));
    }

    w.heading("pack.section_recommendation");
    for key in [
        "pack.recommend_approve",
        "pack.recommend_review",
        "pack.recommend_not_approve",
    ] {
        let label = w.t(key);
        w.push(Block::Paragraph(format!("☐  {label}")));
    }
    let lines = vec![w.t("pack.recommendation_reasons"), String::new()];
    w.push(Block::WritingLines(lines));
    w.subheading("pack.signatures");
    let lines = vec![
        tr_args(
            w.lang,
            "pack.signature_of",
            &[("who", w.t("pack.assessor"))],
        ),
        tr_args(w.lang, "pack.signature_of", &[("who", w.t("pack.carers"))]),
        w.t("pack.date"),
    ];
    w.push(Block::WritingLines(lines));
    Ok(Pack {
        title,
        blocks: w.blocks,
    })
}

/// The panel agenda pack: the session, its agenda, then each match pack in order.
pub fn panel_pack(
    store: &Store,
    gazetteer: &Gazetteer,
    session_id: i64,
    info: &PackInfo,
) -> Result<Pack, ReportError> {
    let session = store.panel_session(session_id)?;
    let agenda = store.agenda(session_id)?;
    let mut w = writer(info, gazetteer);
    let title = tr_args(
        w.lang,
        "pack.panel_title",
        &[("date", format_date(session.date))],
    );
    w.push(Block::Title(title.clone()));
    w.field("panel.chair", session.chair.clone());
    w.field("panel.members", session.members.join(", "));
    w.field(
        "panel.quorum",
        w.t(if session.quorum {
            "common.yes"
        } else {
            "common.no"
        }),
    );
    w.heading("pack.agenda");
    let codes = |table: &str, id: i64| -> String {
        match table {
            "child" => store
                .child(id)
                .map(|c| format!("{} {}", c.code, c.full_name()))
                .unwrap_or_default(),
            _ => store
                .family(id)
                .map(|f| format!("{} {}", f.code, f.display_name()))
                .unwrap_or_default(),
        }
    };
    let rows: Vec<Vec<String>> = agenda
        .iter()
        .map(|item| {
            vec![
                item.position.to_string(),
                codes("child", item.child_id),
                codes("family", item.family_id),
                km(w.lang, item.distance_km, 1),
                item.decision()
                    .and_then(|d| d.decision)
                    .map(|d| w.t(&d.outcome_key()))
                    .unwrap_or_else(|| w.t("panel.pending")),
            ]
        })
        .collect();
    w.table(
        &[
            "pack.number",
            "pack.child",
            "pack.family",
            "pack.distance",
            "pack.decision",
        ],
        &[0.4, 2.4, 2.6, 0.9, 1.4],
        rows,
    );
    for item in &agenda {
        w.push(Block::PageBreak);
        let explanation = item.explanation.clone();
        let start = item.decision().and_then(|d| d.start_date);
        match_blocks(
            &mut w,
            store,
            item.child_id,
            item.family_id,
            explanation,
            Some(&session),
            start,
        )?;
    }
    Ok(Pack {
        title,
        blocks: w.blocks,
    })
}
