//! The form to create or edit a family. What is typed stays in the form as text until it
//! saves, so a failed validation never loses input; errors show next to their fields.

use std::collections::BTreeSet;

use iced::widget::{button, column, row, text};
use iced::{Alignment, Element, Length};

use crate::domain::validation::validate_family;
use crate::domain::*;
use crate::i18n::{Lang, tr};
use crate::ui::Env;
use crate::ui::screens::{
    date_text, merge_errors, parse_optional_date, parse_required_date, remove_row, toggle, with_row,
};
use crate::ui::style;
use crate::ui::widgets::location::{self, LocationInput};
use crate::ui::widgets::{
    checkbox_set, choice_list, code_choices, error_of, field, form_actions, labelled_input,
    optional_choices, section,
};

/// The form's single-line text fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Code,
    MainName,
    MainBirth,
    MainPhone,
    SecondName,
    SecondBirth,
    SecondPhone,
    ApprovalDate,
    ReviewDue,
    AgeMin,
    AgeMax,
    Places,
    Notes,
}

#[derive(Debug, Clone)]
pub enum Message {
    Text(TextField, String),
    Location(location::Message),
    Language(Language, bool),
    Religion(Option<Religion>),
    Status(FamilyStatus),
    CareType(CareType, bool),
    Need(Need, bool),
    SexPreference(SexPreference),
    AddMember,
    RemoveMember(usize),
    MemberName(usize, String),
    MemberRelation(usize, Relation),
    MemberBirth(usize, String),
    AddTraining,
    RemoveTraining(usize),
    TrainingCourse(usize, String),
    TrainingDate(usize, String),
    AddCheck,
    RemoveCheck(usize),
    CheckKind(usize, CheckKind),
    CheckDate(usize, String),
    CheckOutcome(usize, CheckOutcome),
    CheckNote(usize, String),
    Save,
    Cancel,
}

/// What the form asks of its screen.
pub enum Event {
    Save(Box<Family>),
    Cancel,
}

#[derive(Debug, Clone)]
struct MemberRow {
    name: String,
    relation: Relation,
    birth: String,
}

#[derive(Debug, Clone)]
struct TrainingRow {
    course: String,
    date: String,
}

#[derive(Debug, Clone)]
struct CheckRow {
    kind: CheckKind,
    date: String,
    outcome: CheckOutcome,
    note: String,
}

#[derive(Debug, Clone)]
pub struct Form {
    id: Option<i64>,
    code: String,
    main_name: String,
    main_birth: String,
    main_phone: String,
    second_name: String,
    second_birth: String,
    second_phone: String,
    location: LocationInput,
    household: Vec<MemberRow>,
    languages: BTreeSet<Language>,
    religion: Option<Religion>,
    status: FamilyStatus,
    approval_date: String,
    review_due: String,
    care_types: BTreeSet<CareType>,
    age_min: String,
    age_max: String,
    sex_preference: SexPreference,
    places: String,
    needs: BTreeSet<Need>,
    training: Vec<TrainingRow>,
    checks: Vec<CheckRow>,
    notes: String,
    pub errors: ValidationErrors,
    /// Something was typed or chosen since the form opened (Esc then asks before leaving).
    dirty: bool,
}

impl Form {
    pub fn new(code: String, env: &Env<'_>) -> Self {
        let mut family = Family::new(code);
        family.languages.insert(Language::Azerbaijani);
        Self::edit(&family, env)
    }

    pub fn edit(family: &Family, env: &Env<'_>) -> Self {
        let second = family.second_carer.clone().unwrap_or_default();
        Form {
            id: family.id,
            code: family.code.clone(),
            main_name: family.main_carer.full_name.clone(),
            main_birth: date_text(family.main_carer.birth_date),
            main_phone: family.main_carer.phone.clone(),
            second_name: second.full_name,
            second_birth: date_text(second.birth_date),
            second_phone: second.phone,
            location: LocationInput::edit(&family.location, env),
            household: family
                .household
                .iter()
                .map(|m| MemberRow {
                    name: m.full_name.clone(),
                    relation: m.relation,
                    birth: date_text(m.birth_date),
                })
                .collect(),
            languages: family.languages.clone(),
            religion: family.religion,
            status: family.status,
            approval_date: date_text(family.approval_date),
            review_due: date_text(family.review_due),
            care_types: family.terms.care_types.clone(),
            age_min: family.terms.age_min.to_string(),
            age_max: family.terms.age_max.to_string(),
            sex_preference: family.terms.sex_preference,
            places: family.terms.places.to_string(),
            needs: family.terms.needs.clone(),
            training: family
                .training
                .iter()
                .map(|t| TrainingRow {
                    course: t.course.clone(),
                    date: date_text(Some(t.completed_on)),
                })
                .collect(),
            checks: family
                .checks
                .iter()
                .map(|c| CheckRow {
                    kind: c.kind,
                    date: date_text(Some(c.done_on)),
                    outcome: c.outcome,
                    note: c.note.clone(),
                })
                .collect(),
            notes: family.notes.clone(),
            errors: ValidationErrors::new(),
            dirty: false,
        }
    }

    pub fn is_new(&self) -> bool {
        self.id.is_none()
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    /// Reads the form into a family. Text that does not parse (dates, numbers) becomes a field
    /// error; the store adds the registry's rules when it saves.
    /// The family as typed, and the fields that could not be read (a number, a date).
    fn to_family(&self) -> (Family, ValidationErrors) {
        let mut errors = ValidationErrors::new();
        let number = |value: &str, field: &str, errors: &mut ValidationErrors| -> u8 {
            value.trim().parse::<u8>().unwrap_or_else(|_| {
                errors.push(field, "error.invalid_number");
                0
            })
        };
        let second_carer = Carer {
            full_name: self.second_name.clone(),
            birth_date: parse_optional_date(
                &self.second_birth,
                "second_carer.birth_date",
                &mut errors,
            ),
            phone: self.second_phone.clone(),
        };
        let location = self.location.location(&mut errors);
        let family = Family {
            id: self.id,
            code: self.code.clone(),
            main_carer: Carer {
                full_name: self.main_name.clone(),
                birth_date: parse_optional_date(
                    &self.main_birth,
                    "main_carer.birth_date",
                    &mut errors,
                ),
                phone: self.main_phone.clone(),
            },
            second_carer: (!second_carer.is_blank()).then_some(second_carer),
            location,
            household: self
                .household
                .iter()
                .enumerate()
                .map(|(i, m)| HouseholdMember {
                    full_name: m.name.clone(),
                    relation: m.relation,
                    birth_date: parse_optional_date(
                        &m.birth,
                        &format!("household.{i}.birth_date"),
                        &mut errors,
                    ),
                })
                .collect(),
            languages: self.languages.clone(),
            religion: self.religion,
            status: self.status,
            approval_date: parse_optional_date(&self.approval_date, "approval_date", &mut errors),
            review_due: parse_optional_date(&self.review_due, "review_due", &mut errors),
            terms: TermsOfApproval {
                care_types: self.care_types.clone(),
                age_min: number(&self.age_min, "terms.age_min", &mut errors),
                age_max: number(&self.age_max, "terms.age_max", &mut errors),
                sex_preference: self.sex_preference,
                places: number(&self.places, "terms.places", &mut errors),
                needs: self.needs.clone(),
            },
            training: self
                .training
                .iter()
                .enumerate()
                .filter_map(|(i, t)| {
                    let date = parse_required_date(
                        &t.date,
                        &format!("training.{i}.completed_on"),
                        &mut errors,
                    )?;
                    Some(TrainingRecord {
                        course: t.course.clone(),
                        completed_on: date,
                    })
                })
                .collect(),
            checks: self
                .checks
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    let date =
                        parse_required_date(&c.date, &format!("checks.{i}.done_on"), &mut errors)?;
                    Some(Check {
                        kind: c.kind,
                        done_on: date,
                        outcome: c.outcome,
                        note: c.note.clone(),
                    })
                })
                .collect(),
            notes: self.notes.clone(),
        };
        (family, errors)
    }

    /// Every error at once: the fields that could not be read, then the domain's rules on the
    /// rest (the store checks them again when it writes, with the codes already used).
    fn checked(&self, env: &Env<'_>) -> Result<Family, ValidationErrors> {
        let (family, mut errors) = self.to_family();
        let ctx = Context {
            today: env.today,
            gazetteer: env.gazetteer,
        };
        let occupied = env.registry.occupied_of(&family);
        merge_errors(&mut errors, validate_family(&family, occupied, &ctx));
        errors.into_result().map(|()| family)
    }

    /// Whether leaving now would lose what was typed.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    pub fn update(&mut self, message: Message, env: &Env<'_>) -> Option<Event> {
        if !matches!(message, Message::Save | Message::Cancel) {
            self.dirty = true;
        }
        match message {
            Message::Text(field, value) => {
                let target = match field {
                    TextField::Code => &mut self.code,
                    TextField::MainName => &mut self.main_name,
                    TextField::MainBirth => &mut self.main_birth,
                    TextField::MainPhone => &mut self.main_phone,
                    TextField::SecondName => &mut self.second_name,
                    TextField::SecondBirth => &mut self.second_birth,
                    TextField::SecondPhone => &mut self.second_phone,
                    TextField::ApprovalDate => &mut self.approval_date,
                    TextField::ReviewDue => &mut self.review_due,
                    TextField::AgeMin => &mut self.age_min,
                    TextField::AgeMax => &mut self.age_max,
                    TextField::Places => &mut self.places,
                    TextField::Notes => &mut self.notes,
                };
                *target = value;
            }
            Message::Location(message) => self.location.update(message, env),
            Message::Language(language, on) => toggle(&mut self.languages, language, on),
            Message::Religion(religion) => self.religion = religion,
            Message::Status(status) => self.status = status,
            Message::CareType(care, on) => toggle(&mut self.care_types, care, on),
            Message::Need(need, on) => toggle(&mut self.needs, need, on),
            Message::SexPreference(sex) => self.sex_preference = sex,
            Message::AddMember => self.household.push(MemberRow {
                name: String::new(),
                relation: Relation::Spouse,
                birth: String::new(),
            }),
            Message::RemoveMember(i) => remove_row(&mut self.household, i),
            Message::MemberName(i, v) => with_row(&mut self.household, i, |r| r.name = v),
            Message::MemberRelation(i, v) => with_row(&mut self.household, i, |r| r.relation = v),
            Message::MemberBirth(i, v) => with_row(&mut self.household, i, |r| r.birth = v),
            Message::AddTraining => self.training.push(TrainingRow {
                course: String::new(),
                date: String::new(),
            }),
            Message::RemoveTraining(i) => remove_row(&mut self.training, i),
            Message::TrainingCourse(i, v) => with_row(&mut self.training, i, |r| r.course = v),
            Message::TrainingDate(i, v) => with_row(&mut self.training, i, |r| r.date = v),
            Message::AddCheck => self.checks.push(CheckRow {
                kind: CheckKind::Medical,
                date: String::new(),
                outcome: CheckOutcome::Pending,
                note: String::new(),
            }),
            Message::RemoveCheck(i) => remove_row(&mut self.checks, i),
            Message::CheckKind(i, v) => with_row(&mut self.checks, i, |r| r.kind = v),
            Message::CheckDate(i, v) => with_row(&mut self.checks, i, |r| r.date = v),
            Message::CheckOutcome(i, v) => with_row(&mut self.checks, i, |r| r.outcome = v),
            Message::CheckNote(i, v) => with_row(&mut self.checks, i, |r| r.note = v),
            Message::Save => match self.checked(env) {
                Ok(family) => return Some(Event::Save(Box::new(family))),
                Err(errors) => self.errors = errors,
            },
            Message::Cancel => return Some(Event::Cancel),
        }
        // Once errors show, they follow the typing: a fixed field loses its error at once.
        if !self.errors.is_empty() {
            self.errors = self.checked(env).err().unwrap_or_default();
        }
        None
    }

    pub fn view<'a>(&'a self, env: &Env<'_>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let text_field =
            |label: &str, id: &'static str, value: &'a str, which: TextField, hint: &str| {
                self.text_field(lang, label, id, value, which, hint)
            };

        let title = if self.is_new() {
            t("family.new_title")
        } else {
            crate::i18n::tr_args(lang, "family.edit_title", &[("code", self.code.clone())])
        };

        let carers = self.carers_section(env);
        let location = self.location_section(env);
        let household = self.household_section(env);
        let approval = self.approval_section(env);
        let training = self.training_section(env);

        let other = section(
            t("family.section_other"),
            text_field("family.notes", "notes", &self.notes, TextField::Notes, ""),
        );

        let mut form = column![text(title).size(24)].spacing(14);
        if !self.errors.is_empty() {
            form = form.push(text(t("error.form_has_errors")).style(style::error_text));
        }
        form = form
            .push(carers)
            .push(location)
            .push(household)
            .push(approval)
            .push(training)
            .push(other);
        form = form.push(form_actions(lang, Message::Save, Message::Cancel));
        form.width(Length::Fill).into()
    }

    fn text_field<'a>(
        &self,
        lang: Lang,
        label: &str,
        id: &'static str,
        value: &'a str,
        which: TextField,
        hint: &str,
    ) -> Element<'a, Message> {
        labelled_input(lang, &self.errors, label, id, value, hint, move |v| {
            Message::Text(which, v)
        })
    }

    fn carers_section<'a>(&'a self, env: &Env<'_>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let text_field =
            |label: &str, id: &'static str, value: &'a str, which: TextField, hint: &str| {
                self.text_field(lang, label, id, value, which, hint)
            };
        let date_hint = t("common.date_hint");
        section(
            t("family.section_carers"),
            column![
                row![text_field(
                    "family.code",
                    "code",
                    &self.code,
                    TextField::Code,
                    "F-0001"
                )]
                .spacing(12),
                text(t("family.main_carer")).size(15),
                row![
                    text_field(
                        "family.full_name",
                        "main_carer.full_name",
                        &self.main_name,
                        TextField::MainName,
                        ""
                    ),
                    text_field(
                        "family.birth_date",
                        "main_carer.birth_date",
                        &self.main_birth,
                        TextField::MainBirth,
                        &date_hint
                    ),
                    text_field(
                        "family.phone",
                        "main_carer.phone",
                        &self.main_phone,
                        TextField::MainPhone,
                        "+994 50 000 00 00"
                    ),
                ]
                .spacing(12),
                text(t("family.second_carer")).size(15),
                row![
                    text_field(
                        "family.full_name",
                        "second_carer.full_name",
                        &self.second_name,
                        TextField::SecondName,
                        ""
                    ),
                    text_field(
                        "family.birth_date",
                        "second_carer.birth_date",
                        &self.second_birth,
                        TextField::SecondBirth,
                        &date_hint
                    ),
                    text_field(
                        "family.phone",
                        "second_carer.phone",
                        &self.second_phone,
                        TextField::SecondPhone,
                        ""
                    ),
                ]
                .spacing(12),
            ]
            .spacing(10),
        )
    }

    fn location_section<'a>(&'a self, env: &Env<'_>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        section(
            t("family.section_location"),
            column![
                self.location
                    .view(
                        env,
                        &self.errors,
                        &location::Labels {
                            district: "family.district",
                            settlement: "family.settlement",
                            address: "family.address",
                        },
                    )
                    .map(Message::Location),
                field(
                    t("family.languages"),
                    checkbox_set(
                        lang,
                        Language::ALL,
                        &self.languages,
                        Language::locale_key,
                        Message::Language
                    ),
                    None,
                ),
                field(
                    t("family.religion"),
                    choice_list(
                        optional_choices(lang, Religion::ALL, Religion::locale_key),
                        &self.religion,
                        Message::Religion,
                    ),
                    None,
                ),
            ]
            .spacing(10),
        )
    }

    fn household_section<'a>(&'a self, env: &Env<'_>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let err = |field: &str| error_of(lang, &self.errors, field);
        let date_hint = t("common.date_hint");
        let relation_choices = code_choices(lang, Relation::ALL, Relation::locale_key);
        let mut members = column![].spacing(8);
        for (i, member) in self.household.iter().enumerate() {
            let name_id = format!("household.{i}.full_name");
            let birth_id = format!("household.{i}.birth_date");
            members = members.push(
                row![
                    field(
                        t("family.member_name"),
                        dynamic_input(
                            &name_id,
                            "",
                            &member.name,
                            move |v| Message::MemberName(i, v),
                            err(&name_id).is_some()
                        ),
                        err(&name_id)
                    ),
                    field(
                        t("family.relation"),
                        choice_list(relation_choices.clone(), &member.relation, move |r| {
                            Message::MemberRelation(i, r)
                        }),
                        None
                    ),
                    field(
                        t("family.birth_date"),
                        dynamic_input(
                            &birth_id,
                            &date_hint,
                            &member.birth,
                            move |v| Message::MemberBirth(i, v),
                            err(&birth_id).is_some()
                        ),
                        err(&birth_id)
                    ),
                    button(text(t("common.remove")).size(13))
                        .on_press(Message::RemoveMember(i))
                        .style(button::danger),
                ]
                .spacing(10)
                .align_y(Alignment::End),
            );
        }
        section(
            t("family.section_household"),
            column![
                members,
                button(text(t("family.add_member")).size(14))
                    .on_press(Message::AddMember)
                    .style(button::secondary),
            ]
            .spacing(10),
        )
    }

    fn approval_section<'a>(&'a self, env: &Env<'_>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let err = |field: &str| error_of(lang, &self.errors, field);
        let text_field =
            |label: &str, id: &'static str, value: &'a str, which: TextField, hint: &str| {
                self.text_field(lang, label, id, value, which, hint)
            };
        let date_hint = t("common.date_hint");
        section(
            t("family.section_approval"),
            column![
                row![
                    field(
                        t("family.status"),
                        choice_list(
                            code_choices(lang, FamilyStatus::ALL, FamilyStatus::locale_key),
                            &self.status,
                            Message::Status
                        ),
                        err("status"),
                    ),
                    text_field(
                        "family.approval_date",
                        "approval_date",
                        &self.approval_date,
                        TextField::ApprovalDate,
                        &date_hint
                    ),
                    text_field(
                        "family.review_due",
                        "review_due",
                        &self.review_due,
                        TextField::ReviewDue,
                        &date_hint
                    ),
                ]
                .spacing(12),
                field(
                    t("family.care_types"),
                    checkbox_set(
                        lang,
                        CareType::ALL,
                        &self.care_types,
                        CareType::locale_key,
                        Message::CareType
                    ),
                    err("terms.care_types"),
                ),
                row![
                    text_field(
                        "family.age_min",
                        "terms.age_min",
                        &self.age_min,
                        TextField::AgeMin,
                        "0"
                    ),
                    text_field(
                        "family.age_max",
                        "terms.age_max",
                        &self.age_max,
                        TextField::AgeMax,
                        "17"
                    ),
                    field(
                        t("family.sex_preference"),
                        choice_list(
                            code_choices(lang, SexPreference::ALL, SexPreference::locale_key),
                            &self.sex_preference,
                            Message::SexPreference
                        ),
                        None,
                    ),
                    text_field(
                        "family.places",
                        "terms.places",
                        &self.places,
                        TextField::Places,
                        "1"
                    ),
                ]
                .spacing(12),
                field(
                    t("family.needs"),
                    checkbox_set(
                        lang,
                        Need::ALL,
                        &self.needs,
                        Need::locale_key,
                        Message::Need
                    ),
                    None,
                ),
            ]
            .spacing(10),
        )
    }

    fn training_section<'a>(&'a self, env: &Env<'_>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let err = |field: &str| error_of(lang, &self.errors, field);
        let date_hint = t("common.date_hint");
        let mut training_rows = column![].spacing(8);
        for (i, record) in self.training.iter().enumerate() {
            let course_id = format!("training.{i}.course");
            let date_id = format!("training.{i}.completed_on");
            training_rows = training_rows.push(
                row![
                    field(
                        t("family.course"),
                        dynamic_input(
                            &course_id,
                            "",
                            &record.course,
                            move |v| Message::TrainingCourse(i, v),
                            err(&course_id).is_some()
                        ),
                        err(&course_id)
                    ),
                    field(
                        t("family.completed_on"),
                        dynamic_input(
                            &date_id,
                            &date_hint,
                            &record.date,
                            move |v| Message::TrainingDate(i, v),
                            err(&date_id).is_some()
                        ),
                        err(&date_id)
                    ),
                    button(text(t("common.remove")).size(13))
                        .on_press(Message::RemoveTraining(i))
                        .style(button::danger),
                ]
                .spacing(10)
                .align_y(Alignment::End),
            );
        }
        let kind_choices = code_choices(lang, CheckKind::ALL, CheckKind::locale_key);
        let outcome_choices = code_choices(lang, CheckOutcome::ALL, CheckOutcome::locale_key);
        let mut check_rows = column![].spacing(8);
        for (i, check) in self.checks.iter().enumerate() {
            let date_id = format!("checks.{i}.done_on");
            let note_id = format!("checks.{i}.note");
            check_rows = check_rows.push(
                row![
                    field(
                        t("family.check_kind"),
                        choice_list(kind_choices.clone(), &check.kind, move |k| {
                            Message::CheckKind(i, k)
                        }),
                        None
                    ),
                    field(
                        t("family.done_on"),
                        dynamic_input(
                            &date_id,
                            &date_hint,
                            &check.date,
                            move |v| Message::CheckDate(i, v),
                            err(&date_id).is_some()
                        ),
                        err(&date_id)
                    ),
                    field(
                        t("family.outcome"),
                        choice_list(outcome_choices.clone(), &check.outcome, move |o| {
                            Message::CheckOutcome(i, o)
                        }),
                        None
                    ),
                    field(
                        t("family.note"),
                        dynamic_input(
                            &note_id,
                            "",
                            &check.note,
                            move |v| Message::CheckNote(i, v),
                            false
                        ),
                        None
                    ),
                    button(text(t("common.remove")).size(13))
                        .on_press(Message::RemoveCheck(i))
                        .style(button::danger),
                ]
                .spacing(10)
                .align_y(Alignment::End),
            );
        }
        section(
            t("family.section_training"),
            column![
                text(t("family.training")).size(15),
                training_rows,
                button(text(t("family.add_training")).size(14))
                    .on_press(Message::AddTraining)
                    .style(button::secondary),
                text(t("family.checks")).size(15),
                check_rows,
                button(text(t("family.add_check")).size(14))
                    .on_press(Message::AddCheck)
                    .style(button::secondary),
            ]
            .spacing(10),
        )
    }
}

/// A text input whose id is built at run time (rows of a list).
fn dynamic_input<'a>(
    id: &str,
    placeholder: &str,
    value: &'a str,
    on_input: impl Fn(String) -> Message + 'a,
    has_error: bool,
) -> Element<'a, Message> {
    iced::widget::text_input(placeholder, value)
        .id(id.to_owned())
        .on_input(on_input)
        .padding(6)
        .style(move |theme, status| style::input(theme, status, has_error))
        .into()
}
