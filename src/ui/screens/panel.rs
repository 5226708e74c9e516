//! Placement panel: sessions (date, chair, members present, quorum), each session's agenda of
//! proposed matches with their explanations, and the decision on each — approve, approve with
//! conditions, defer, reject — with reasons. A recorded decision is never edited: a correction
//! is a new entry under it.

use crate::domain::access::Action;
use iced::widget::{button, checkbox, column, container, row, scrollable, text};
use iced::{Alignment, Element, Length, Task};

use super::{date_text, parse_optional_date};
use crate::domain::advice::Explanation;
use crate::domain::*;
use crate::i18n::{Lang, rule_label, rule_values, tr, tr_args};
use crate::ui::Env;
use crate::ui::style;
use crate::ui::widgets::{RecordLink, choice_list, error_of, field, input, link, optional_choices};

#[derive(Debug, Clone)]
pub enum Message {
    NewSession,
    SessionDate(String),
    Chair(String),
    Members(String),
    CreateSession,
    Open(i64),
    Back,
    Select(i64),
    Decision(Decision),
    Conditions(String),
    Reasons(String),
    ExcludePair(bool),
    StartDate(String),
    /// Check the decision and say what it will do.
    Record,
    /// Record it, as said.
    Confirm,
    /// Back to the decision's fields from the confirmation.
    ChangeDecision,
    Correction(String),
    AddCorrection,
    Rerun,
    PrintSession(i64),
    PrintItem(i64, i64),
    /// Open the page of the item's child or family.
    OpenRecord(RecordLink),
}

pub enum Event {
    OpenRecord(RecordLink),
    CreateSession(SessionInput),
    Open(i64),
    Decide(i64, DecisionInput),
    Correct(i64, String),
    Rerun,
    PrintSession(i64),
    PrintItem(i64, i64),
}

#[derive(Default)]
struct SessionForm {
    date: String,
    chair: String,
    members: String,
}

impl SessionForm {
    fn members(&self) -> Vec<String> {
        self.members
            .split([',', ';', '\n'])
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty())
            .collect()
    }
}

struct DecisionForm {
    item_id: i64,
    /// None until the panel chooses: no decision is preselected.
    decision: Option<Decision>,
    /// The decision is checked and its consequences are shown, waiting for "Confirm".
    confirming: bool,
    conditions: String,
    reasons: String,
    exclude_pair: bool,
    start_date: String,
    correction: String,
}

impl DecisionForm {
    /// The decision as the domain checks it: every missing field at once.
    fn input(&self) -> Result<DecisionInput, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let start_date = parse_optional_date(&self.start_date, "start_date", &mut errors);
        let Some(decision) = self.decision else {
            errors.push("decision", "error.choose_decision");
            return Err(errors);
        };
        let input = DecisionInput {
            decision,
            conditions: self.conditions.clone(),
            reasons: self.reasons.clone(),
            exclude_pair: self.exclude_pair,
            start_date,
        };
        errors.extend(validate_decision(&input));
        errors.into_result().map(|()| input)
    }
}

enum Mode {
    List,
    New(SessionForm),
    Session(i64),
}

pub struct Screen {
    mode: Mode,
    form: Option<DecisionForm>,
    errors: ValidationErrors,
    /// A refusal of the last step (the state changed since the proposal).
    refusal: Option<String>,
    /// Every session, newest first (set by the application).
    pub sessions: Vec<PanelSession>,
    /// The open session's agenda (set by the application).
    pub agenda: Vec<AgendaItem>,
}

impl Screen {
    pub fn new() -> Self {
        Screen {
            mode: Mode::List,
            form: None,
            errors: ValidationErrors::new(),
            refusal: None,
            sessions: Vec::new(),
            agenda: Vec::new(),
        }
    }

    pub fn open_session(&self) -> Option<i64> {
        match self.mode {
            Mode::Session(id) => Some(id),
            _ => None,
        }
    }

    /// The application created a session: show it.
    pub fn created(&mut self, id: i64) {
        self.mode = Mode::Session(id);
        self.errors = ValidationErrors::new();
    }

    pub fn rejected(&mut self, errors: ValidationErrors) {
        self.errors = errors;
    }

    pub fn refused(&mut self, message: String) {
        self.refusal = Some(message);
    }

    /// A decision or correction was recorded.
    pub fn recorded(&mut self) {
        self.form = None;
        self.errors = ValidationErrors::new();
        self.refusal = None;
    }

    pub fn update(&mut self, message: Message, env: &Env<'_>) -> (Task<Message>, Option<Event>) {
        (Task::none(), self.handle(message, env))
    }

    fn handle(&mut self, message: Message, env: &Env<'_>) -> Option<Event> {
        match message {
            Message::NewSession => {
                self.mode = Mode::New(SessionForm {
                    date: format_date(env.today),
                    ..SessionForm::default()
                });
                self.errors = ValidationErrors::new();
            }
            Message::SessionDate(v) => self.with_session_form(|f| f.date = v),
            Message::Chair(v) => self.with_session_form(|f| f.chair = v),
            Message::Members(v) => self.with_session_form(|f| f.members = v),
            Message::CreateSession => {
                let Mode::New(form) = &self.mode else {
                    return None;
                };
                let mut errors = ValidationErrors::new();
                let date = parse_optional_date(&form.date, "date", &mut errors);
                if form.date.trim().is_empty() {
                    errors.push("date", "error.required");
                }
                if !errors.is_empty() {
                    self.errors = errors;
                    return None;
                }
                let input = SessionInput {
                    date,
                    chair: form.chair.clone(),
                    members: form.members(),
                };
                let errors = validate_session(&input);
                if !errors.is_empty() {
                    self.errors = errors;
                    return None;
                }
                return Some(Event::CreateSession(input));
            }
            Message::Open(id) => {
                self.mode = Mode::Session(id);
                self.form = None;
                self.refusal = None;
                return Some(Event::Open(id));
            }
            Message::OpenRecord(record) => return Some(Event::OpenRecord(record)),
            Message::Back => {
                self.mode = Mode::List;
                self.form = None;
                self.refusal = None;
            }
            Message::Select(item_id) => {
                let session_date = self
                    .open_session()
                    .and_then(|id| self.sessions.iter().find(|s| s.id == id))
                    .map_or(env.today, |s| s.date);
                self.form = Some(DecisionForm {
                    item_id,
                    decision: None,
                    confirming: false,
                    conditions: String::new(),
                    reasons: String::new(),
                    exclude_pair: false,
                    start_date: format_date(session_date),
                    correction: String::new(),
                });
                self.errors = ValidationErrors::new();
                self.refusal = None;
            }
            Message::Decision(v) => {
                self.with_form(|f| {
                    f.decision = Some(v);
                    f.confirming = false;
                });
                // The decision is chosen: its "choose the decision" error goes.
                self.errors.errors.retain(|e| e.field != "decision");
            }
            Message::ChangeDecision => self.with_form(|f| f.confirming = false),
            Message::Conditions(v) => self.with_form(|f| f.conditions = v),
            Message::Reasons(v) => self.with_form(|f| f.reasons = v),
            Message::ExcludePair(v) => self.with_form(|f| f.exclude_pair = v),
            Message::StartDate(v) => self.with_form(|f| f.start_date = v),
            Message::Correction(v) => self.with_form(|f| f.correction = v),
            Message::Record => {
                // The domain's rules first, all of them at once; then what it will do.
                match self.form.as_ref().map(DecisionForm::input) {
                    Some(Ok(_)) => {
                        self.errors = ValidationErrors::new();
                        self.with_form(|f| f.confirming = true);
                    }
                    Some(Err(errors)) => self.errors = errors,
                    None => {}
                }
            }
            Message::Confirm => {
                let form = self.form.as_ref()?;
                match form.input() {
                    Ok(input) if form.confirming => {
                        return Some(Event::Decide(form.item_id, input));
                    }
                    Ok(_) => {}
                    Err(errors) => self.errors = errors,
                }
            }
            Message::AddCorrection => {
                let form = self.form.as_ref()?;
                return Some(Event::Correct(form.item_id, form.correction.clone()));
            }
            Message::Rerun => return Some(Event::Rerun),
            Message::PrintSession(id) => return Some(Event::PrintSession(id)),
            Message::PrintItem(child, family) => return Some(Event::PrintItem(child, family)),
        }
        None
    }

    fn with_session_form(&mut self, change: impl FnOnce(&mut SessionForm)) {
        if let Mode::New(form) = &mut self.mode {
            change(form);
        }
    }

    fn with_form(&mut self, change: impl FnOnce(&mut DecisionForm)) {
        if let Some(form) = &mut self.form {
            change(form);
        }
    }

    pub fn view<'a>(&'a self, env: &Env<'a>) -> Element<'a, Message> {
        let content = match &self.mode {
            Mode::List => self.list_view(env),
            Mode::New(form) => self.new_view(form, env),
            Mode::Session(id) => self.session_view(*id, env),
        };
        scrollable(container(content).padding(20))
            .height(Length::Fill)
            .into()
    }

    fn list_view<'a>(&'a self, env: &Env<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let mut list = column![
            row![
                text(t("panel.title")).size(24),
                iced::widget::space::horizontal(),
                button(text(t("panel.new_session")).size(15)).on_press_maybe(
                    env.may(Action::ManageSessions)
                        .then_some(Message::NewSession)
                ),
            ]
            .align_y(Alignment::Center)
        ]
        .spacing(8);
        if self.sessions.is_empty() {
            list = list.push(text(t("panel.no_sessions")).style(style::muted_text));
        }
        for s in &self.sessions {
            let quorum = t(if s.quorum {
                "panel.quorum_reached"
            } else {
                "panel.quorum_not_reached"
            });
            list = list.push(
                button(
                    row![
                        text(format_date(s.date))
                            .size(15)
                            .width(Length::Fixed(120.0)),
                        text(tr_args(
                            lang,
                            "panel.chair_is",
                            &[("chair", s.chair.clone())]
                        ))
                        .size(15)
                        .width(Length::Fill),
                        text(tr_args(
                            lang,
                            "panel.members_count",
                            &[("count", s.members.len().to_string())]
                        ))
                        .size(14),
                        text(quorum).size(14),
                    ]
                    .spacing(12),
                )
                .on_press(Message::Open(s.id))
                .style(button::text)
                .width(Length::Fill),
            );
        }
        list.into()
    }

    fn new_view<'a>(&'a self, form: &'a SessionForm, env: &Env<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let err = |f: &str| error_of(lang, &self.errors, f);
        let has = |f: &str| self.errors.for_field(f).is_some();
        column![
            text(t("panel.new_session")).size(24),
            field(
                t("panel.date"),
                input(
                    "session.date",
                    &t("common.date_hint"),
                    &form.date,
                    Message::SessionDate,
                    has("date")
                ),
                err("date")
            ),
            field(
                t("panel.chair"),
                input(
                    "session.chair",
                    "",
                    &form.chair,
                    Message::Chair,
                    has("chair")
                ),
                err("chair")
            ),
            field(
                t("panel.members"),
                input(
                    "session.members",
                    &t("panel.members_hint"),
                    &form.members,
                    Message::Members,
                    has("members")
                ),
                err("members")
            ),
            text({
                let present = people_present(&form.chair, &form.members());
                tr_args(
                    lang,
                    if present >= PANEL_QUORUM {
                        "panel.quorum_met"
                    } else {
                        "panel.quorum_not_met"
                    },
                    &[
                        ("present", present.to_string()),
                        ("needed", PANEL_QUORUM.to_string()),
                    ],
                )
            })
            .size(14)
            .style(style::muted_text),
            row![
                button(text(t("panel.create")).size(15)).on_press_maybe(
                    env.may(Action::ManageSessions)
                        .then_some(Message::CreateSession)
                ),
                button(text(t("common.cancel")).size(15))
                    .on_press(Message::Back)
                    .style(button::secondary),
            ]
            .spacing(10),
        ]
        .spacing(12)
        .max_width(640)
        .into()
    }

    fn session_view<'a>(&'a self, id: i64, env: &Env<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let Some(session) = self.sessions.iter().find(|s| s.id == id) else {
            return button(text(t("common.back")))
                .on_press(Message::Back)
                .into();
        };
        let members = if session.members.is_empty() {
            t("common.not_recorded")
        } else {
            session.members.join(", ")
        };
        let mut page = column![
            row![
                button(text(t("common.back")).size(14))
                    .on_press(Message::Back)
                    .style(button::secondary),
                iced::widget::space::horizontal(),
                button(text(t("pack.print")).size(14))
                    .on_press_maybe(
                        env.may(Action::PrintPacks)
                            .then_some(Message::PrintSession(id))
                    )
                    .style(button::secondary),
            ],
            text(tr_args(
                lang,
                "panel.session_title",
                &[("date", format_date(session.date))]
            ))
            .size(24),
            text(tr_args(
                lang,
                "panel.chair_is",
                &[("chair", session.chair.clone())]
            ))
            .size(15),
            text(format!("{}: {members}", t("panel.members"))).size(15),
            text(t(if session.quorum {
                "panel.quorum_reached"
            } else {
                "panel.quorum_not_reached"
            }))
            .size(15),
        ]
        .spacing(8);
        if let Some(refusal) = &self.refusal {
            page = page.push(
                row![
                    text(refusal.clone()).size(14).style(style::error_text),
                    button(text(t("panel.rerun")).size(14))
                        .on_press(Message::Rerun)
                        .style(button::secondary),
                ]
                .spacing(12)
                .align_y(Alignment::Center),
            );
        }
        if self.agenda.is_empty() {
            page = page.push(text(t("panel.empty_agenda")).style(style::muted_text));
        }
        for item in &self.agenda {
            page = page.push(self.item_view(item, env));
        }
        page.into()
    }

    fn item_view<'a>(&'a self, item: &'a AgendaItem, env: &Env<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let child = env.registry.child(item.child_id);
        let family = env.registry.family(item.family_id);
        // The child and the family open their pages.
        let title = row![
            text(format!("{}.", item.position)).size(16),
            link(
                format!(
                    "{} {}",
                    child.map(|c| c.code.as_str()).unwrap_or_default(),
                    child.map(Child::full_name).unwrap_or_default()
                ),
                Message::OpenRecord(RecordLink::Child(item.child_id)),
            ),
            text("→").size(16),
            link(
                format!(
                    "{} {}",
                    family.map(|f| f.code.as_str()).unwrap_or_default(),
                    family.map(Family::display_name).unwrap_or_default()
                ),
                Message::OpenRecord(RecordLink::Family(item.family_id)),
            ),
        ]
        .spacing(6)
        .align_y(Alignment::Center)
        .width(Length::Fill);
        let status = match item.decision() {
            Some(d) => tr(
                lang,
                &d.decision
                    .map(|d| d.outcome_key())
                    .unwrap_or_else(|| String::from("panel.pending")),
            ),
            None => t("panel.pending"),
        };
        let mut content = column![
            row![title, text(status).size(14).style(style::heading_text),].spacing(10),
            text(tr_args(
                lang,
                "matching.distance_of",
                &[
                    ("km", format!("{:.1}", item.distance_km)),
                    ("limit", explanation_limit(item.explanation.as_ref()))
                ]
            ))
            .size(14),
        ]
        .spacing(6);
        if item.carried_from.is_some() {
            content = content.push(text(t("panel.carried")).size(13).style(style::muted_text));
        }
        content = content.push(explanation_rules(lang, item.explanation.as_ref()));
        for d in &item.decisions {
            content = content.push(decision_line(lang, d));
        }
        let selected = self.form.as_ref().filter(|f| f.item_id == item.id);
        match selected {
            Some(form) => content = content.push(self.form_view(form, item, env)),
            None => {
                let label = if item.is_pending() {
                    "panel.decide"
                } else {
                    "panel.correct"
                };
                content = content.push(
                    row![
                        button(text(t(label)).size(14))
                            .on_press(Message::Select(item.id))
                            .style(button::secondary),
                        button(text(t("pack.print")).size(14))
                            .on_press_maybe(
                                env.may(Action::PrintPacks)
                                    .then_some(Message::PrintItem(item.child_id, item.family_id)),
                            )
                            .style(button::secondary),
                    ]
                    .spacing(8),
                );
            }
        }
        container(content)
            .padding(12)
            .width(Length::Fill)
            .style(style::section)
            .into()
    }

    fn form_view<'a>(
        &'a self,
        form: &'a DecisionForm,
        item: &AgendaItem,
        env: &Env<'_>,
    ) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let err = |f: &str| error_of(lang, &self.errors, f);
        let has = |f: &str| self.errors.for_field(f).is_some();
        if !item.is_pending() {
            return column![
                field(
                    t("panel.correction"),
                    input(
                        "decision.correction",
                        "",
                        &form.correction,
                        Message::Correction,
                        has("correction")
                    ),
                    err("correction")
                ),
                button(text(t("panel.add_correction")).size(14)).on_press(Message::AddCorrection),
            ]
            .spacing(8)
            .into();
        }
        if form.confirming {
            return self.confirm_view(form, item, env);
        }
        let mut decisions = optional_choices(lang, Decision::ALL, Decision::locale_key);
        if let Some(first) = decisions.first_mut() {
            first.label = t("panel.choose_decision");
        }
        let mut form_view = column![field(
            t("panel.decision"),
            choice_list(decisions, &form.decision, |d: Option<Decision>| {
                d.map_or(Message::ChangeDecision, Message::Decision)
            }),
            err("decision")
        )]
        .spacing(8);
        if form.decision.is_some_and(Decision::approves) {
            form_view = form_view.push(field(
                t("panel.start_date"),
                input(
                    "decision.start_date",
                    &t("common.date_hint"),
                    &form.start_date,
                    Message::StartDate,
                    has("start_date"),
                ),
                err("start_date"),
            ));
        }
        if form.decision == Some(Decision::ApproveWithConditions) {
            form_view = form_view.push(field(
                t("panel.conditions"),
                input(
                    "decision.conditions",
                    "",
                    &form.conditions,
                    Message::Conditions,
                    has("conditions"),
                ),
                err("conditions"),
            ));
        }
        form_view = form_view.push(field(
            t("panel.reasons"),
            input(
                "decision.reasons",
                "",
                &form.reasons,
                Message::Reasons,
                has("reasons"),
            ),
            err("reasons"),
        ));
        if form.decision == Some(Decision::Reject) {
            form_view = form_view.push(
                checkbox(form.exclude_pair)
                    .label(t("panel.exclude_pair"))
                    .on_toggle(Message::ExcludePair),
            );
        }
        form_view
            .push(
                button(text(t("panel.record")).size(14))
                    .on_press_maybe(env.may(Action::RecordDecisions).then_some(Message::Record)),
            )
            .into()
    }
}

impl Screen {
    /// What the decision will do, said before it is recorded (decisions are never edited).
    fn confirm_view<'a>(
        &'a self,
        form: &'a DecisionForm,
        item: &AgendaItem,
        env: &Env<'_>,
    ) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let child = env
            .registry
            .child(item.child_id)
            .map(|c| format!("{} {}", c.code, c.full_name()))
            .unwrap_or_default();
        let family = env
            .registry
            .family(item.family_id)
            .map(|f| format!("{} {}", f.code, f.display_name()))
            .unwrap_or_default();
        let mut lines = Vec::new();
        match form.decision {
            Some(Decision::Approve | Decision::ApproveWithConditions) => {
                lines.push(tr_args(
                    lang,
                    "panel.confirm_approve",
                    &[
                        ("child", child),
                        ("family", family),
                        ("date", form.start_date.clone()),
                    ],
                ));
                if form.decision == Some(Decision::ApproveWithConditions) {
                    lines.push(tr_args(
                        lang,
                        "panel.confirm_conditions",
                        &[("conditions", form.conditions.clone())],
                    ));
                }
            }
            Some(Decision::Defer) => lines.push(t("panel.confirm_defer")),
            Some(Decision::Reject) => {
                lines.push(tr_args(lang, "panel.confirm_reject", &[("child", child)]));
                if form.exclude_pair {
                    lines.push(t("panel.confirm_exclude"));
                }
            }
            None => {}
        }
        lines.push(t("panel.confirm_final"));
        let mut content = column![].spacing(6);
        for line in lines {
            content = content.push(text(line).size(14));
        }
        content
            .push(
                row![
                    button(text(t("panel.confirm")).size(14)).on_press(Message::Confirm),
                    button(text(t("panel.change_decision")).size(14))
                        .on_press(Message::ChangeDecision)
                        .style(button::secondary),
                ]
                .spacing(10),
            )
            .into()
    }
}

impl Default for Screen {
    fn default() -> Self {
        Self::new()
    }
}

fn explanation_limit(explanation: Option<&Explanation>) -> String {
    explanation
        .map(|e| format!("{:.0}", e.limit_km))
        .unwrap_or_default()
}

/// The rules of the explanation kept with the item, ✓/✗ with the values compared.
fn explanation_rules<'a>(lang: Lang, explanation: Option<&Explanation>) -> Element<'a, Message> {
    let mut rules = column![].spacing(2);
    for outcome in explanation.into_iter().flat_map(|e| &e.rules) {
        let (child, family) = rule_values(lang, outcome);
        rules = rules.push(
            text(format!(
                "{} {}: {child} / {family}",
                if outcome.passed { "✓" } else { "✗" },
                rule_label(lang, outcome.rule()),
            ))
            .size(13),
        );
    }
    rules.into()
}

fn decision_line<'a>(lang: Lang, d: &DecisionRecord) -> Element<'a, Message> {
    let what = match d.decision {
        Some(decision) => tr(lang, &decision.outcome_key()),
        None => tr(lang, "panel.correction"),
    };
    let mut line = format!("{what} — {} ({})", d.recorded_by, d.recorded_at);
    if let Some(start) = d.start_date {
        line.push_str(&format!(
            " · {}: {}",
            tr(lang, "panel.start_date"),
            date_text(Some(start))
        ));
    }
    let mut content = column![text(line).size(13).style(style::heading_text)].spacing(2);
    if !d.conditions.is_empty() {
        content = content.push(
            text(format!(
                "{}: {}",
                tr(lang, "panel.conditions"),
                d.conditions
            ))
            .size(13),
        );
    }
    if !d.reasons.is_empty() {
        content = content.push(text(d.reasons.clone()).size(13));
    }
    if d.exclude_pair {
        content = content.push(text(tr(lang, "panel.pair_excluded")).size(13));
    }
    content.into()
}
