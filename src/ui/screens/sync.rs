//! The national hub, shown in Settings: enrolment (an administrator types the hub's address and
//! the one-time token), *Sync now* with its progress and the time of the last sync, and the
//! conflicts — each record changed here and at the hub shown field by field, to keep mine,
//! keep theirs, or combine the fields chosen.

use std::collections::BTreeMap;

use iced::widget::{button, column, radio, row, text};
use iced::{Alignment, Element, Length, Task};
use serde_json::Value;

use crate::domain::access::Action;
use crate::i18n::{Lang, tr, tr_args};
use crate::store::sync::{Conflict, Keep};
use crate::ui::Env;
use crate::ui::style;
use crate::ui::widgets::{field, input};

pub const HUB_URL_ID: &str = "sync.hub_url";
pub const TOKEN_ID: &str = "sync.token";

/// Which side of a conflict a field is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Mine,
    Theirs,
}

#[derive(Debug, Clone)]
pub enum Message {
    HubUrl(String),
    Token(String),
    Enrol,
    SyncNow,
    ExportBundle,
    ImportBundle,
    /// A field of a conflict taken from one side.
    Choose(i64, String, Side),
    KeepMine(i64),
    KeepTheirs(i64),
    KeepChosen(i64),
}

pub enum Event {
    /// Enrol with this hub and token, then sync.
    Enrol {
        hub: String,
        token: String,
    },
    Sync,
    /// Without a connection: write a bundle for the hub, or take in the hub's answer (the
    /// file is chosen in the native dialog).
    ExportBundle,
    ImportBundle,
    Resolve(i64, Keep),
}

/// What the screen shows of the registry's sync, refreshed by the application.
#[derive(Debug, Clone, Default)]
pub struct Status {
    pub office: Option<String>,
    pub hub: Option<String>,
    pub last_sync: Option<String>,
    pub is_demo: bool,
}

#[derive(Default)]
pub struct Screen {
    hub_url: String,
    token: String,
    pub status: Status,
    pub conflicts: Vec<Conflict>,
    /// The fields chosen from my side, by conflict (the others are theirs).
    chosen: BTreeMap<i64, BTreeMap<String, Side>>,
    /// What the sync running now has done ("120 sent…"), while it runs.
    pub progress: Option<String>,
}

/// A payload's fields as dotted paths ("main_carer.phone") with their values as shown.
fn fields(payload: &Value, prefix: &str, out: &mut BTreeMap<String, String>) {
    match payload {
        Value::Object(map) => {
            for (key, value) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                fields(value, &path, out);
            }
        }
        Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        Value::Null => {
            out.insert(prefix.to_owned(), String::new());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

/// The fields that differ between the two sides: (path, mine, theirs).
pub fn differences(conflict: &Conflict) -> Vec<(String, String, String)> {
    let (mut mine, mut theirs) = (BTreeMap::new(), BTreeMap::new());
    fields(&conflict.mine, "", &mut mine);
    fields(&conflict.theirs, "", &mut theirs);
    let mut paths: Vec<&String> = mine.keys().chain(theirs.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|path| {
            let (a, b) = (
                mine.get(path).cloned().unwrap_or_default(),
                theirs.get(path).cloned().unwrap_or_default(),
            );
            (a != b).then(|| (path.clone(), a, b))
        })
        .collect()
}

/// Their record with the chosen fields of mine put in.
pub fn combined(conflict: &Conflict, chosen: &BTreeMap<String, Side>) -> Value {
    let mut result = conflict.theirs.clone();
    for (path, side) in chosen {
        if *side != Side::Mine {
            continue;
        }
        let parts: Vec<&str> = path.split('.').collect();
        let mut from = &conflict.mine;
        for part in &parts {
            from = &from[*part];
        }
        let value = from.clone();
        let mut to = &mut result;
        for part in &parts {
            to = &mut to[*part];
        }
        *to = value;
    }
    result
}

/// A record's name as a person knows it: its code and name, from either side.
fn title(conflict: &Conflict) -> String {
    let record = if conflict.mine.get("record").is_some() {
        &conflict.mine["record"]
    } else {
        &conflict.mine
    };
    let code = record["code"].as_str().unwrap_or_default();
    let name = record["main_carer"]["full_name"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| {
            format!(
                "{} {}",
                record["first_name"].as_str().unwrap_or_default(),
                record["last_name"].as_str().unwrap_or_default()
            )
        });
    format!("{code} — {}", name.trim())
}

impl Screen {
    pub fn update(&mut self, message: Message, _env: &Env<'_>) -> (Task<Message>, Option<Event>) {
        let event = match message {
            Message::HubUrl(value) => {
                self.hub_url = value;
                None
            }
            Message::Token(value) => {
                self.token = value;
                None
            }
            Message::Enrol => Some(Event::Enrol {
                hub: self.hub_url.trim().to_owned(),
                token: self.token.trim().to_owned(),
            }),
            Message::SyncNow => Some(Event::Sync),
            Message::ExportBundle => Some(Event::ExportBundle),
            Message::ImportBundle => Some(Event::ImportBundle),
            Message::Choose(id, path, side) => {
                self.chosen.entry(id).or_default().insert(path, side);
                None
            }
            Message::KeepMine(id) => Some(Event::Resolve(id, Keep::Mine)),
            Message::KeepTheirs(id) => Some(Event::Resolve(id, Keep::Theirs)),
            Message::KeepChosen(id) => {
                let chosen = self.chosen.remove(&id).unwrap_or_default();
                self.conflicts
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| Event::Resolve(id, Keep::Combined(combined(c, &chosen))))
            }
        };
        (Task::none(), event)
    }

    /// The token was used: the fields empty.
    pub fn enrolled(&mut self) {
        self.hub_url.clear();
        self.token.clear();
    }

    pub fn view<'a>(&'a self, env: &Env<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let running = self.progress.is_some();
        let mut content = column![].spacing(10);
        match (&self.status.office, &self.status.hub) {
            (Some(office), Some(hub)) => {
                content = content.push(
                    text(tr_args(
                        lang,
                        "sync.enrolled_as",
                        &[("office", office.clone()), ("hub", hub.clone())],
                    ))
                    .size(14),
                );
                content = content.push(
                    text(match &self.status.last_sync {
                        Some(at) => tr_args(lang, "sync.last", &[("at", at.clone())]),
                        None => t("sync.never"),
                    })
                    .size(13)
                    .style(style::muted_text),
                );
                let mut actions = row![
                    button(text(t("sync.now")))
                        .on_press_maybe(
                            (env.may(Action::EditRecords) && !running).then_some(Message::SyncNow)
                        )
                        .style(button::primary)
                ]
                .spacing(10)
                .align_y(Alignment::Center);
                if let Some(progress) = &self.progress {
                    actions = actions.push(text(progress.clone()).size(14));
                }
                content = content.push(actions);
                // An office without a connection carries the same changes on a USB stick.
                let may_sync = env.may(Action::EditRecords) && !running;
                content = content.push(
                    text(t("sync.bundle_hint"))
                        .size(13)
                        .style(style::muted_text),
                );
                content = content.push(
                    row![
                        button(text(t("sync.bundle_export")))
                            .on_press_maybe(may_sync.then_some(Message::ExportBundle))
                            .style(button::secondary),
                        button(text(t("sync.bundle_import")))
                            .on_press_maybe(may_sync.then_some(Message::ImportBundle))
                            .style(button::secondary),
                    ]
                    .spacing(10),
                );
            }
            _ if self.status.is_demo => {
                content = content.push(text(t("refusal.demo_not_synced")).size(14));
            }
            _ if env.may(Action::ChangeSettings) => {
                content =
                    content.push(text(t("sync.enrol_hint")).size(13).style(style::muted_text));
                content = content.push(
                    row![
                        container_width(
                            field(
                                t("sync.hub_url"),
                                input(
                                    HUB_URL_ID,
                                    "https://",
                                    &self.hub_url,
                                    Message::HubUrl,
                                    false
                                ),
                                None,
                            ),
                            320.0
                        ),
                        container_width(
                            field(
                                t("sync.token"),
                                input(TOKEN_ID, "yuva1.", &self.token, Message::Token, false),
                                None,
                            ),
                            460.0
                        ),
                    ]
                    .spacing(12),
                );
                content = content.push(
                    button(text(t("sync.enrol")))
                        .on_press_maybe(
                            (!running
                                && !self.hub_url.trim().is_empty()
                                && !self.token.trim().is_empty())
                            .then_some(Message::Enrol),
                        )
                        .style(button::primary),
                );
                if let Some(progress) = &self.progress {
                    content = content.push(text(progress.clone()).size(14));
                }
            }
            _ => {
                content = content.push(text(t("sync.not_enrolled")).size(14));
            }
        }
        if !self.conflicts.is_empty() {
            content = content.push(
                text(tr_args(
                    lang,
                    "sync.conflicts",
                    &[("count", self.conflicts.len().to_string())],
                ))
                .size(15)
                .style(style::heading_text),
            );
        }
        for conflict in &self.conflicts {
            content = content.push(self.conflict_view(conflict, env));
        }
        content.into()
    }

    fn conflict_view<'a>(&'a self, conflict: &'a Conflict, env: &Env<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let chosen = self.chosen.get(&conflict.id);
        let header = row![
            text(t("sync.field")).size(13).width(Length::Fixed(200.0)),
            text(t("sync.mine")).size(13).width(Length::FillPortion(1)),
            text(t("sync.theirs"))
                .size(13)
                .width(Length::FillPortion(1)),
        ]
        .spacing(10);
        let mut table = column![header].spacing(4);
        for (path, mine, theirs) in differences(conflict) {
            let side = chosen
                .and_then(|c| c.get(&path))
                .copied()
                .unwrap_or(Side::Theirs);
            let id = conflict.id;
            let (p1, p2) = (path.clone(), path.clone());
            table = table.push(
                row![
                    text(path.clone()).size(13).width(Length::Fixed(200.0)),
                    row![
                        radio("", Side::Mine, Some(side), move |s| {
                            Message::Choose(id, p1.clone(), s)
                        })
                        .size(14),
                        text(mine).size(13),
                    ]
                    .spacing(4)
                    .width(Length::FillPortion(1)),
                    row![
                        radio("", Side::Theirs, Some(side), move |s| {
                            Message::Choose(id, p2.clone(), s)
                        })
                        .size(14),
                        text(theirs).size(13),
                    ]
                    .spacing(4)
                    .width(Length::FillPortion(1)),
                ]
                .spacing(10)
                .align_y(Alignment::Center),
            );
        }
        let may = env.may(Action::EditRecords);
        column![
            text(title(conflict)).size(14),
            text(tr_args(
                lang,
                "sync.conflict_detected",
                &[("at", conflict.detected_at.clone())]
            ))
            .size(12)
            .style(style::muted_text),
            table,
            row![
                button(text(t("sync.keep_mine")))
                    .on_press_maybe(may.then_some(Message::KeepMine(conflict.id)))
                    .style(button::secondary),
                button(text(t("sync.keep_theirs")))
                    .on_press_maybe(may.then_some(Message::KeepTheirs(conflict.id)))
                    .style(button::secondary),
                button(text(t("sync.keep_chosen")))
                    .on_press_maybe(may.then_some(Message::KeepChosen(conflict.id)))
                    .style(button::primary),
            ]
            .spacing(10),
        ]
        .spacing(6)
        .into()
    }
}

fn container_width<'a, M: 'a>(content: Element<'a, M>, width: f32) -> Element<'a, M> {
    iced::widget::container(content)
        .width(Length::Fixed(width))
        .into()
}

/// The progress of a sync as the screen says it.
pub fn progress_text(lang: Lang, progress: crate::sync::SyncProgress) -> String {
    match progress {
        crate::sync::SyncProgress::Pushed { records } => tr_args(
            lang,
            "sync.progress_sent",
            &[("count", records.to_string())],
        ),
        crate::sync::SyncProgress::Pulled { records } => tr_args(
            lang,
            "sync.progress_received",
            &[("count", records.to_string())],
        ),
    }
}
