//! Placements: the active ones (and, on request, the ended ones), searchable by child or
//! family, ending a placement with its date and reason, and the history of every child and
//! family.

use iced::widget::{button, checkbox, column, container, row, scrollable, text, text_input};
use iced::{Alignment, Element, Length, Task};

use super::parse_optional_date;
use crate::domain::text::{fold_for_search, matches_query};
use crate::domain::*;
use crate::i18n::{tr, tr_args};
use crate::ui::style;
use crate::ui::widgets::{choice_list, error_of, field, input, link, optional_choices, table_row};
use crate::ui::{Env, Registry};

pub const SEARCH_ID: &str = "placements.search";
const MAX_ROWS: usize = 200;

#[derive(Debug, Clone)]
pub enum Message {
    Search(String),
    ShowEnded(bool),
    StartEnd(i64),
    EndDate(String),
    EndReason(Option<EndReason>),
    EndNote(String),
    ConfirmEnd,
    CancelEnd,
    /// Open the child's page.
    OpenChild(i64),
    /// Open the family's page.
    OpenFamily(i64),
}

pub enum Event {
    OpenChild(i64),
    OpenFamily(i64),
    End {
        placement_id: i64,
        end_date: Option<chrono::NaiveDate>,
        reason: Option<EndReason>,
        note: String,
    },
}

struct EndForm {
    placement_id: i64,
    date: String,
    reason: Option<EndReason>,
    note: String,
}

#[derive(Default)]
pub struct Screen {
    search: String,
    show_ended: bool,
    form: Option<EndForm>,
    errors: ValidationErrors,
    /// Every placement, newest first, with its folded search text (child and family codes and
    /// names), built once when the placements load rather than on every frame.
    placements: Vec<(PlacementRecord, String)>,
}

impl Screen {
    /// The placement records on the screen.
    pub fn records(&self) -> Vec<PlacementRecord> {
        self.placements.iter().map(|(p, _)| p.clone()).collect()
    }

    pub fn set_placements(&mut self, placements: Vec<PlacementRecord>, registry: &Registry) {
        self.placements = placements
            .into_iter()
            .map(|p| {
                let child = registry.child(p.child_id);
                let family = registry.family(p.family_id);
                let search = fold_for_search(&format!(
                    "{} {} {} {}",
                    child.map(|c| c.code.as_str()).unwrap_or_default(),
                    child.map(Child::full_name).unwrap_or_default(),
                    family.map(|f| f.code.as_str()).unwrap_or_default(),
                    family.map(Family::display_name).unwrap_or_default(),
                ));
                (p, search)
            })
            .collect();
    }

    pub fn rejected(&mut self, errors: ValidationErrors) {
        self.errors = errors;
    }

    pub fn ended(&mut self) {
        self.form = None;
        self.errors = ValidationErrors::new();
    }

    /// Shows the history of one child or family (by code).
    pub fn show_history(&mut self, code: &str) {
        self.search = code.to_owned();
        self.show_ended = true;
    }

    /// Opened from the tab bar: the whole list again, not the last record's history.
    pub fn show_all(&mut self) {
        self.search.clear();
        self.show_ended = false;
    }

    pub fn update(&mut self, message: Message, env: &Env<'_>) -> (Task<Message>, Option<Event>) {
        (Task::none(), self.handle(message, env))
    }

    fn handle(&mut self, message: Message, env: &Env<'_>) -> Option<Event> {
        match message {
            Message::Search(v) => self.search = v,
            Message::ShowEnded(v) => self.show_ended = v,
            Message::StartEnd(id) => {
                self.form = Some(EndForm {
                    placement_id: id,
                    date: format_date(env.today),
                    reason: None,
                    note: String::new(),
                });
                self.errors = ValidationErrors::new();
            }
            Message::EndDate(v) => {
                if let Some(f) = &mut self.form {
                    f.date = v;
                }
            }
            Message::EndReason(v) => {
                if let Some(f) = &mut self.form {
                    f.reason = v;
                }
            }
            Message::EndNote(v) => {
                if let Some(f) = &mut self.form {
                    f.note = v;
                }
            }
            Message::CancelEnd => self.ended(),
            Message::OpenChild(id) => return Some(Event::OpenChild(id)),
            Message::OpenFamily(id) => return Some(Event::OpenFamily(id)),
            Message::ConfirmEnd => {
                let form = self.form.as_ref()?;
                let mut errors = ValidationErrors::new();
                let end_date = parse_optional_date(&form.date, "end_date", &mut errors);
                if !errors.is_empty() {
                    self.errors = errors;
                    return None;
                }
                return Some(Event::End {
                    placement_id: form.placement_id,
                    end_date,
                    reason: form.reason,
                    note: form.note.clone(),
                });
            }
        }
        None
    }

    pub fn view<'a>(&'a self, env: &Env<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let folded = fold_for_search(&self.search);
        let registry = env.registry;
        let rows: Vec<&PlacementRecord> = self
            .placements
            .iter()
            .filter(|(p, search)| {
                (self.show_ended || p.is_active()) && matches_query(search, &folded)
            })
            .map(|(p, _)| p)
            .collect();
        let header = row![
            text(t("placement.title")).size(24),
            iced::widget::space::horizontal(),
            checkbox(self.show_ended)
                .label(t("placement.show_ended"))
                .on_toggle(Message::ShowEnded),
        ]
        .align_y(Alignment::Center);
        let search = text_input(&t("placement.search"), &self.search)
            .id(SEARCH_ID)
            .on_input(Message::Search)
            .padding(8);
        let head = container(table_row(
            [
                (text(t("placement.child")).size(13).into(), 0.0),
                (text(t("placement.family")).size(13).into(), 0.0),
                (text(t("placement.start")).size(13).into(), 110.0),
                (text(t("placement.end")).size(13).into(), 220.0),
                (text("").into(), 140.0),
            ]
            .into_iter(),
        ))
        .padding([6, 8])
        .style(style::table_header);
        let mut body = column![].spacing(2);
        for p in rows.iter().take(MAX_ROWS) {
            let child = registry.child(p.child_id);
            let family = registry.family(p.family_id);
            let ended = match (p.end_date, p.end_reason) {
                (Some(end), Some(reason)) => {
                    format!("{} · {}", format_date(end), tr(lang, &reason.locale_key()))
                }
                // A placement whose start is still ahead is not yet ongoing.
                _ if p.start_date > env.today => tr_args(
                    lang,
                    "placement.starts_on",
                    &[("date", format_date(p.start_date))],
                ),
                _ => t("placement.active"),
            };
            let action: Element<'a, Message> = if p.is_active() {
                button(text(t("placement.end_action")).size(13))
                    .on_press(Message::StartEnd(p.id))
                    .style(button::secondary)
                    .padding([2, 8])
                    .into()
            } else {
                text("").into()
            };
            body = body.push(
                container(table_row(
                    [
                        (
                            link(
                                format!(
                                    "{} · {}",
                                    child.map(|c| c.code.as_str()).unwrap_or_default(),
                                    child.map(Child::full_name).unwrap_or_default()
                                ),
                                Message::OpenChild(p.child_id),
                            ),
                            0.0,
                        ),
                        (
                            link(
                                format!(
                                    "{} · {}",
                                    family.map(|f| f.code.as_str()).unwrap_or_default(),
                                    family.map(Family::display_name).unwrap_or_default()
                                ),
                                Message::OpenFamily(p.family_id),
                            ),
                            0.0,
                        ),
                        (text(format_date(p.start_date)).size(14).into(), 110.0),
                        (text(ended).size(14).into(), 220.0),
                        (action, 140.0),
                    ]
                    .into_iter(),
                ))
                .padding([4, 8]),
            );
            if let Some(form) = self.form.as_ref().filter(|f| f.placement_id == p.id) {
                body = body.push(self.end_form(form, lang));
            }
        }
        if rows.is_empty() {
            body = body
                .push(container(text(t("placement.none")).style(style::muted_text)).padding(20));
        }
        column![header, search, head, scrollable(body).height(Length::Fill)]
            .spacing(12)
            .padding(20)
            .into()
    }

    fn end_form<'a>(&'a self, form: &'a EndForm, lang: crate::i18n::Lang) -> Element<'a, Message> {
        let t = |key: &str| tr(lang, key);
        let err = |f: &str| error_of(lang, &self.errors, f);
        let has = |f: &str| self.errors.for_field(f).is_some();
        container(
            column![
                row![
                    field(
                        t("placement.end_date"),
                        input(
                            "placement.end_date",
                            &t("common.date_hint"),
                            &form.date,
                            Message::EndDate,
                            has("end_date")
                        ),
                        err("end_date")
                    ),
                    field(
                        t("placement.end_reason"),
                        choice_list(
                            optional_choices(lang, EndReason::ALL, EndReason::locale_key),
                            &form.reason,
                            Message::EndReason
                        ),
                        err("end_reason")
                    ),
                ]
                .spacing(12),
                field(
                    t("placement.end_note"),
                    input(
                        "placement.end_note",
                        "",
                        &form.note,
                        Message::EndNote,
                        false
                    ),
                    None
                ),
                row![
                    button(text(t("placement.confirm_end")).size(14))
                        .on_press(Message::ConfirmEnd)
                        .style(button::danger),
                    button(text(t("common.cancel")).size(14))
                        .on_press(Message::CancelEnd)
                        .style(button::secondary),
                ]
                .spacing(10),
            ]
            .spacing(8),
        )
        .padding(12)
        .style(style::section)
        .into()
    }
}
