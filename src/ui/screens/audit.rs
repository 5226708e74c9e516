//! The audit trail: every create, update, decision and end, with who, when and what changed,
//! newest first, filtered by text, user, record kind and action. Read-only: the log has no
//! edit or delete path.

use iced::widget::{button, column, container, row, scrollable, text, text_input};
use iced::{Element, Length, Task};

use crate::i18n::{tr, tr_args};
use crate::store::{AuditEntry, AuditFilter};
use crate::ui::Env;
use crate::ui::style;
use crate::ui::widgets::{Choice, RecordLink, choice_list, link, table_row};

pub const SEARCH_ID: &str = "audit.search";
/// Rows shown at once; the filters narrow a longer log.
pub const LIMIT: usize = 300;

#[derive(Debug, Clone)]
pub enum Message {
    Search(String),
    User(Option<String>),
    Entity(Option<String>),
    Action(Option<String>),
    /// Open the record an entry is about.
    OpenRecord(RecordLink),
    /// Export the entries shown.
    Export,
}

/// What the application is asked to do.
pub enum Event {
    /// The filter changed: query the entries again.
    FilterChanged,
    OpenRecord(RecordLink),
    /// Export the entries shown (ask where).
    Export,
}

/// The record an entry is about, where a page shows it.
fn record_of(entry: &AuditEntry) -> Option<RecordLink> {
    let id = entry.entity_id?;
    match entry.entity.as_str() {
        "child" => Some(RecordLink::Child(id)),
        "family" => Some(RecordLink::Family(id)),
        "panel_session" => Some(RecordLink::Session(id)),
        _ => None,
    }
}

#[derive(Default)]
pub struct Screen {
    filter: AuditFilter,
    /// The interface language, in which the search also reads each entry.
    pub lang: crate::i18n::Lang,
    /// The entries matching the filter (set by the application).
    pub entries: Vec<AuditEntry>,
    pub users: Vec<String>,
    pub entities: Vec<String>,
    pub actions: Vec<String>,
}

impl Screen {
    pub fn new(lang: crate::i18n::Lang) -> Self {
        Screen {
            lang,
            ..Screen::default()
        }
    }

    pub fn filter(&self) -> AuditFilter {
        AuditFilter {
            limit: LIMIT,
            lang: Some(self.lang),
            ..self.filter.clone()
        }
    }

    pub fn update(&mut self, message: Message, _env: &Env<'_>) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Search(v) => self.filter.text = v,
            Message::User(v) => self.filter.user = v,
            Message::Entity(v) => self.filter.entity = v,
            Message::Action(v) => self.filter.action = v,
            Message::OpenRecord(record) => return (Task::none(), Some(Event::OpenRecord(record))),
            Message::Export => return (Task::none(), Some(Event::Export)),
        }
        (Task::none(), Some(Event::FilterChanged))
    }

    pub fn view<'a>(&'a self, env: &Env<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        // Entity and action codes have labels where the locale has them.
        let label = |prefix: &str, code: &str| crate::i18n::audit_label(lang, prefix, code);
        let choices = |values: &[String], prefix: &str| -> Vec<Choice<Option<String>>> {
            std::iter::once(Choice {
                value: None,
                label: t("common.all"),
            })
            .chain(values.iter().map(|v| Choice {
                value: Some(v.clone()),
                label: if prefix.is_empty() {
                    v.clone()
                } else {
                    label(prefix, v)
                },
            }))
            .collect()
        };
        let filters = row![
            text_input(&t("audit.search"), &self.filter.text)
                .id(SEARCH_ID)
                .on_input(Message::Search)
                .padding(8)
                .width(Length::FillPortion(2)),
            container(choice_list(
                choices(&self.users, ""),
                &self.filter.user,
                Message::User
            ))
            .width(Length::FillPortion(1)),
            container(choice_list(
                choices(&self.entities, "audit.entity"),
                &self.filter.entity,
                Message::Entity
            ))
            .width(Length::FillPortion(1)),
            container(choice_list(
                choices(&self.actions, "audit.action"),
                &self.filter.action,
                Message::Action
            ))
            .width(Length::FillPortion(1)),
        ]
        .spacing(10);
        let head = container(table_row(
            [
                (text(t("audit.at")).size(13).into(), 160.0),
                (text(t("audit.user")).size(13).into(), 130.0),
                (text(t("audit.what")).size(13).into(), 200.0),
                (text(t("audit.summary")).size(13).into(), 0.0),
            ]
            .into_iter(),
        ))
        .padding([6, 8])
        .style(style::table_header);
        let mut body = column![].spacing(2);
        for e in &self.entries {
            let what = format!(
                "{} · {}",
                label("audit.action", &e.action),
                label("audit.entity", &e.entity)
            );
            body = body.push(
                container(table_row(
                    [
                        (text(e.at.clone()).size(13).into(), 160.0),
                        (text(e.user_name.clone()).size(13).into(), 130.0),
                        (
                            match record_of(e) {
                                Some(record) => link(what, Message::OpenRecord(record)),
                                None => text(what).size(13).into(),
                            },
                            200.0,
                        ),
                        (
                            text(match &e.details {
                                Some(details) => crate::i18n::audit_text(lang, details),
                                None => e.summary.clone(),
                            })
                            .size(13)
                            .into(),
                            0.0,
                        ),
                    ]
                    .into_iter(),
                ))
                .padding([3, 8]),
            );
        }
        column![
            row![
                text(t("audit.title")).size(24),
                iced::widget::space::horizontal()
            ]
            .push(env.may(crate::domain::access::Action::ExportData).then(|| {
                button(text(t("export.button")))
                    .on_press(Message::Export)
                    .style(button::secondary)
            })),
            text(tr_args(
                lang,
                "audit.count",
                &[("count", self.entries.len().to_string())]
            ))
            .size(13)
            .style(style::muted_text),
            filters,
            head,
            scrollable(body).height(Length::Fill),
        ]
        .spacing(10)
        .padding(20)
        .into()
    }
}
