//! The form to register or edit a child, with the child's sibling group.

use std::collections::BTreeSet;

use iced::widget::{checkbox, column, row, text};
use iced::{Element, Length};

use crate::domain::validation::validate_child;
use crate::domain::*;
use crate::i18n::{tr, tr_args};
use crate::store::GroupChange;
use crate::ui::Env;
use crate::ui::screens::{merge_errors, parse_required_date, toggle};
use crate::ui::style;
use crate::ui::widgets::location::{self, LocationInput};
use crate::ui::widgets::{
    Choice, checkbox_set, choice_list, code_choices, error_of, field, form_actions, input,
    labelled_input, optional_choices, section,
};
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Code,
    FirstName,
    LastName,
    BirthDate,
    ReferralDate,
    School,
    NeedsDescription,
    MaxDistance,
    GroupCode,
    SplitReason,
    Wishes,
    Contact,
    Notes,
}

/// The sibling-group choice of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupChoice {
    NoGroup,
    New,
    Existing(i64),
}

#[derive(Debug, Clone)]
pub enum Message {
    Text(TextField, String),
    BirthEstimated(bool),
    Sex(Sex),
    SexCleared,
    LegalStatus(LegalStatus),
    Situation(Situation),
    Status(ChildStatus),
    Location(location::Message),
    Language(Language, bool),
    Need(Need, bool),
    Urgency(Urgency),
    CareType(CareType),
    Group(GroupChoice),
    MaySplit(bool),
    Save,
    Cancel,
}

pub enum Event {
    Save(Box<Child>, GroupChange),
    Cancel,
}

#[derive(Debug, Clone)]
pub struct Form {
    id: Option<i64>,
    code: String,
    first_name: String,
    last_name: String,
    birth_date: String,
    birth_estimated: bool,
    /// None until chosen: a new child's sex is never assumed.
    sex: Option<Sex>,
    legal_status: LegalStatus,
    situation: Situation,
    status: ChildStatus,
    referral_date: String,
    location: LocationInput,
    school: String,
    languages: BTreeSet<Language>,
    needs: BTreeSet<Need>,
    needs_description: String,
    urgency: Urgency,
    care_type: CareType,
    max_distance: String,
    group: GroupChoice,
    group_code: String,
    may_split: bool,
    split_reason: String,
    /// The code a new group gets when "new sibling group" is chosen.
    next_group_code: String,
    wishes: String,
    contact: String,
    notes: String,
    pub errors: ValidationErrors,
    /// Something was typed or chosen since the form opened (Esc then asks before leaving).
    dirty: bool,
}

impl Form {
    pub fn new(code: String, next_group_code: String, env: &Env<'_>) -> Self {
        let mut form = Form {
            id: None,
            code,
            first_name: String::new(),
            last_name: String::new(),
            birth_date: String::new(),
            birth_estimated: false,
            sex: None,
            legal_status: LegalStatus::DeprivedOfParentalCare,
            situation: Situation::Institution,
            status: ChildStatus::Awaiting,
            referral_date: format_date(env.today),
            location: LocationInput::default(),
            school: String::new(),
            languages: BTreeSet::from([Language::Azerbaijani]),
            needs: BTreeSet::new(),
            needs_description: String::new(),
            urgency: Urgency::Routine,
            care_type: CareType::LongTerm,
            max_distance: String::new(),
            group: GroupChoice::NoGroup,
            group_code: String::new(),
            may_split: false,
            split_reason: String::new(),
            next_group_code,
            wishes: String::new(),
            contact: String::new(),
            notes: String::new(),
            errors: ValidationErrors::new(),
            dirty: false,
        };
        form.group_code = form.next_group_code.clone();
        form
    }

    pub fn edit(
        child: &Child,
        group: Option<&SiblingGroup>,
        next_group_code: String,
        env: &Env<'_>,
    ) -> Self {
        Form {
            id: child.id,
            code: child.code.clone(),
            first_name: child.first_name.clone(),
            last_name: child.last_name.clone(),
            birth_date: format_date(child.birth_date),
            birth_estimated: child.birth_date_estimated,
            sex: Some(child.sex),
            legal_status: child.legal_status,
            situation: child.situation,
            status: child.status,
            referral_date: format_date(child.referral_date),
            location: LocationInput::edit(&child.location, env),
            school: child.school.clone(),
            languages: child.languages.clone(),
            needs: child.needs.clone(),
            needs_description: child.needs_description.clone(),
            urgency: child.urgency,
            care_type: child.care_type,
            max_distance: child
                .max_distance_km
                .map(|d| d.to_string())
                .unwrap_or_default(),
            group: match group.and_then(|g| g.id) {
                Some(id) => GroupChoice::Existing(id),
                None => GroupChoice::NoGroup,
            },
            group_code: group.map_or_else(|| next_group_code.clone(), |g| g.code.clone()),
            may_split: group.is_some_and(|g| g.may_split),
            split_reason: group.map(|g| g.split_reason.clone()).unwrap_or_default(),
            next_group_code,
            wishes: child.wishes.clone(),
            contact: child.contact_arrangements.clone(),
            notes: child.notes.clone(),
            errors: ValidationErrors::new(),
            dirty: false,
        }
    }

    pub fn is_new(&self) -> bool {
        self.id.is_none()
    }

    pub fn id(&self) -> Option<i64> {
        self.id
    }

    /// The child as typed, and the fields that could not be read (a number, a date).
    fn to_child(&self, today: NaiveDate) -> (Child, GroupChange, ValidationErrors) {
        let mut errors = ValidationErrors::new();
        let birth_date = parse_required_date(&self.birth_date, "birth_date", &mut errors);
        let referral_date = parse_required_date(&self.referral_date, "referral_date", &mut errors);
        let location = self.location.location(&mut errors);
        let max_distance_km = if self.max_distance.trim().is_empty() {
            None
        } else {
            match self.max_distance.trim().replace(',', ".").parse::<f64>() {
                Ok(km) => Some(km),
                Err(_) => {
                    errors.push("max_distance_km", "error.invalid_number");
                    None
                }
            }
        };
        if self.sex.is_none() {
            errors.push("sex", "error.required");
        }
        // A date that could not be read stands in as today for the other checks; its own error
        // is the one shown.
        let (birth_date, referral_date) =
            (birth_date.unwrap_or(today), referral_date.unwrap_or(today));
        let group = SiblingGroup {
            id: match self.group {
                GroupChoice::Existing(id) => Some(id),
                _ => None,
            },
            code: self.group_code.clone(),
            may_split: self.may_split,
            split_reason: if self.may_split {
                self.split_reason.clone()
            } else {
                String::new()
            },
        };
        let change = match self.group {
            GroupChoice::NoGroup => GroupChange::NoGroup,
            GroupChoice::New => GroupChange::New(group),
            GroupChoice::Existing(_) => GroupChange::Existing(group),
        };
        let child = Child {
            id: self.id,
            code: self.code.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            birth_date,
            birth_date_estimated: self.birth_estimated,
            sex: self.sex.unwrap_or(Sex::Female),
            legal_status: self.legal_status,
            situation: self.situation,
            location,
            school: self.school.clone(),
            languages: self.languages.clone(),
            needs: self.needs.clone(),
            needs_description: self.needs_description.clone(),
            urgency: self.urgency,
            care_type: self.care_type,
            sibling_group_id: None,
            wishes: self.wishes.clone(),
            contact_arrangements: self.contact.clone(),
            status: self.status,
            referral_date,
            max_distance_km,
            notes: self.notes.clone(),
        };
        (child, change, errors)
    }

    /// Every error at once: the fields that could not be read, then the domain's rules on the
    /// rest (the store checks them again when it writes, with the codes already used).
    fn checked(&self, env: &Env<'_>) -> Result<(Child, GroupChange), ValidationErrors> {
        let (child, change, mut errors) = self.to_child(env.today);
        let ctx = Context {
            today: env.today,
            gazetteer: env.gazetteer,
        };
        let group = match &change {
            GroupChange::NoGroup => None,
            GroupChange::Existing(g) | GroupChange::New(g) => Some(g),
        };
        merge_errors(&mut errors, validate_child(&child, group, &ctx));
        errors.into_result().map(|()| (child, change))
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
                    TextField::FirstName => &mut self.first_name,
                    TextField::LastName => &mut self.last_name,
                    TextField::BirthDate => &mut self.birth_date,
                    TextField::ReferralDate => &mut self.referral_date,
                    TextField::School => &mut self.school,
                    TextField::NeedsDescription => &mut self.needs_description,
                    TextField::MaxDistance => &mut self.max_distance,
                    TextField::GroupCode => &mut self.group_code,
                    TextField::SplitReason => &mut self.split_reason,
                    TextField::Wishes => &mut self.wishes,
                    TextField::Contact => &mut self.contact,
                    TextField::Notes => &mut self.notes,
                };
                *target = value;
            }
            Message::BirthEstimated(on) => self.birth_estimated = on,
            Message::Sex(sex) => self.sex = Some(sex),
            Message::SexCleared => self.sex = None,
            Message::LegalStatus(status) => self.legal_status = status,
            Message::Situation(situation) => self.situation = situation,
            Message::Status(status) => self.status = status,
            Message::Location(message) => self.location.update(message, env),
            Message::Language(language, on) => toggle(&mut self.languages, language, on),
            Message::Need(need, on) => toggle(&mut self.needs, need, on),
            Message::Urgency(urgency) => self.urgency = urgency,
            Message::CareType(care) => self.care_type = care,
            Message::Group(choice) => {
                self.group = choice;
                match choice {
                    GroupChoice::Existing(id) => {
                        if let Some(group) = env.registry.group(id) {
                            self.group_code = group.code.clone();
                            self.may_split = group.may_split;
                            self.split_reason = group.split_reason.clone();
                        }
                    }
                    GroupChoice::New | GroupChoice::NoGroup => {
                        self.group_code = self.next_group_code.clone();
                        self.may_split = false;
                        self.split_reason.clear();
                    }
                }
            }
            Message::MaySplit(on) => self.may_split = on,
            Message::Save => match self.checked(env) {
                Ok((child, group)) => return Some(Event::Save(Box::new(child), group)),
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

    pub fn view<'a>(&'a self, env: &Env<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let err = |field: &str| error_of(lang, &self.errors, field);
        let text_field =
            |label: &str, id: &'static str, value: &'a str, which: TextField, hint: &str| {
                labelled_input(lang, &self.errors, label, id, value, hint, move |v| {
                    Message::Text(which, v)
                })
            };
        let date_hint = t("common.date_hint");
        let title = if self.is_new() {
            t("child.new_title")
        } else {
            tr_args(lang, "child.edit_title", &[("code", self.code.clone())])
        };

        // Status changes that follow from placements and panel decisions are made there; the
        // form offers only the statuses a record can be given by hand.
        let mut statuses = vec![
            ChildStatus::Awaiting,
            ChildStatus::Reunified,
            ChildStatus::Exited,
        ];
        if !statuses.contains(&self.status) {
            statuses.insert(0, self.status);
        }

        let identity = section(
            t("child.section_identity"),
            column![
                row![
                    text_field("child.code", "code", &self.code, TextField::Code, "C-0001"),
                    text_field(
                        "child.last_name",
                        "last_name",
                        &self.last_name,
                        TextField::LastName,
                        ""
                    ),
                    text_field(
                        "child.first_name",
                        "first_name",
                        &self.first_name,
                        TextField::FirstName,
                        ""
                    ),
                ]
                .spacing(12),
                row![
                    field(
                        t("child.birth_date"),
                        column![
                            input(
                                "birth_date",
                                &date_hint,
                                &self.birth_date,
                                |v| Message::Text(TextField::BirthDate, v),
                                err("birth_date").is_some()
                            ),
                            checkbox(self.birth_estimated)
                                .label(t("child.birth_estimated"))
                                .on_toggle(Message::BirthEstimated)
                                .size(16),
                        ]
                        .spacing(4),
                        err("birth_date"),
                    ),
                    field(
                        t("child.sex"),
                        choice_list(
                            {
                                let mut choices = optional_choices(lang, Sex::ALL, Sex::locale_key);
                                if let Some(first) = choices.first_mut() {
                                    first.label = t("common.choose");
                                }
                                choices
                            },
                            &self.sex,
                            |sex: Option<Sex>| sex.map_or(Message::SexCleared, Message::Sex)
                        ),
                        err("sex")
                    ),
                    field(
                        t("child.legal_status"),
                        choice_list(
                            code_choices(lang, LegalStatus::ALL, LegalStatus::locale_key),
                            &self.legal_status,
                            Message::LegalStatus
                        ),
                        None
                    ),
                ]
                .spacing(12),
                row![
                    field(
                        t("child.situation"),
                        choice_list(
                            code_choices(lang, Situation::ALL, Situation::locale_key),
                            &self.situation,
                            Message::Situation
                        ),
                        None
                    ),
                    field(
                        t("child.status"),
                        choice_list(
                            code_choices(lang, &statuses, ChildStatus::locale_key),
                            &self.status,
                            Message::Status
                        ),
                        None
                    ),
                    text_field(
                        "child.referral_date",
                        "referral_date",
                        &self.referral_date,
                        TextField::ReferralDate,
                        &date_hint
                    ),
                ]
                .spacing(12),
            ]
            .spacing(10),
        );

        let location = section(
            t("child.section_location"),
            column![
                self.location
                    .view(
                        env,
                        &self.errors,
                        &location::Labels {
                            district: "child.district",
                            settlement: "child.settlement",
                            address: "child.address",
                        },
                    )
                    .map(Message::Location),
                text_field(
                    "child.school",
                    "school",
                    &self.school,
                    TextField::School,
                    ""
                ),
                field(
                    t("child.languages"),
                    checkbox_set(
                        lang,
                        Language::ALL,
                        &self.languages,
                        Language::locale_key,
                        Message::Language
                    ),
                    None
                ),
            ]
            .spacing(10),
        );

        let needs = section(
            t("child.section_needs"),
            column![
                field(
                    t("child.needs"),
                    checkbox_set(
                        lang,
                        Need::ALL,
                        &self.needs,
                        Need::locale_key,
                        Message::Need
                    ),
                    None
                ),
                text_field(
                    "child.needs_description",
                    "needs_description",
                    &self.needs_description,
                    TextField::NeedsDescription,
                    ""
                ),
                row![
                    field(
                        t("child.urgency"),
                        choice_list(
                            code_choices(lang, Urgency::ALL, Urgency::locale_key),
                            &self.urgency,
                            Message::Urgency
                        ),
                        None
                    ),
                    field(
                        t("child.care_type"),
                        choice_list(
                            code_choices(lang, CareType::ALL, CareType::locale_key),
                            &self.care_type,
                            Message::CareType
                        ),
                        None
                    ),
                    text_field(
                        "child.max_distance",
                        "max_distance_km",
                        &self.max_distance,
                        TextField::MaxDistance,
                        &t("child.max_distance_hint")
                    ),
                ]
                .spacing(12),
            ]
            .spacing(10),
        );

        let group_choices = group_choices(env);
        let mut siblings = column![field(
            t("child.sibling_group"),
            choice_list(group_choices, &self.group, Message::Group),
            None
        )]
        .spacing(10);
        if self.group != GroupChoice::NoGroup {
            siblings = siblings.push(
                row![
                    text_field(
                        "child.group_code",
                        "group.code",
                        &self.group_code,
                        TextField::GroupCode,
                        "G-0001"
                    ),
                    field(
                        String::new(),
                        checkbox(self.may_split)
                            .label(t("child.may_split"))
                            .on_toggle(Message::MaySplit)
                            .size(16),
                        None,
                    ),
                ]
                .spacing(12),
            );
            if self.may_split {
                siblings = siblings.push(text_field(
                    "child.split_reason",
                    "group.split_reason",
                    &self.split_reason,
                    TextField::SplitReason,
                    "",
                ));
            }
            if let GroupChoice::Existing(id) = self.group {
                let names: Vec<String> = env
                    .registry
                    .group_members(id)
                    .filter(|c| c.id != self.id)
                    .map(|c| format!("{} ({})", c.full_name(), c.code))
                    .collect();
                siblings = siblings.push(crate::ui::widgets::detail_line(
                    lang,
                    t("child.siblings"),
                    Some(names.join(", ")),
                ));
            }
        }
        let siblings = section(t("child.section_siblings"), siblings);

        let views = section(
            t("child.section_views"),
            column![
                text_field(
                    "child.wishes",
                    "wishes",
                    &self.wishes,
                    TextField::Wishes,
                    ""
                ),
                text_field(
                    "child.contact",
                    "contact_arrangements",
                    &self.contact,
                    TextField::Contact,
                    ""
                ),
                text_field("child.notes", "notes", &self.notes, TextField::Notes, ""),
            ]
            .spacing(10),
        );

        let mut form = column![text(title).size(24)].spacing(14);
        if !self.errors.is_empty() {
            form = form.push(text(t("error.form_has_errors")).style(style::error_text));
        }
        form.push(identity)
            .push(location)
            .push(needs)
            .push(siblings)
            .push(views)
            .push(form_actions(lang, Message::Save, Message::Cancel))
            .width(Length::Fill)
            .into()
    }
}

/// "No siblings in care", "New sibling group", then every group with its members' names.
fn group_choices(env: &Env<'_>) -> Vec<Choice<GroupChoice>> {
    let lang = env.lang;
    let mut choices = vec![
        Choice {
            value: GroupChoice::NoGroup,
            label: tr(lang, "child.group_none"),
        },
        Choice {
            value: GroupChoice::New,
            label: tr(lang, "child.group_new"),
        },
    ];
    for group in &env.registry.groups {
        let Some(id) = group.id else { continue };
        let names: Vec<String> = env
            .registry
            .group_members(id)
            .map(Child::full_name)
            .collect();
        choices.push(Choice {
            value: GroupChoice::Existing(id),
            label: format!("{}: {}", group.code, names.join(", ")),
        });
    }
    choices
}
