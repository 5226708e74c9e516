//! Settings: interface language, the user's name for the audit log, the registry file, the
//! demo registry (create, reset), licences, and the latest audit entries.

use iced::widget::{button, column, row, scrollable, text, text_input};
use iced::{Alignment, Element, Length, Task};

use crate::i18n::{Lang, tr, tr_args};
use crate::store::AuditEntry;
use crate::ui::Env;
use crate::ui::style;
use crate::ui::widgets::{field, section};

pub const USER_NAME_ID: &str = "settings.user_name";

#[derive(Debug, Clone)]
pub enum Message {
    Language(Lang),
    UserName(String),
    CreateDemo,
    AskReset,
    ConfirmReset,
    CancelReset,
    BackUp,
    Restore,
    ConfirmRestore,
    CancelRestore,
}

pub enum Event {
    Language(Lang),
    UserName(String),
    CreateDemo,
    ResetDemo,
    /// Ask where to save a copy of the registry.
    BackUp,
    /// Ask which backup to restore.
    ChooseBackup,
    /// Restore this (checked) backup.
    Restore(std::path::PathBuf),
}

/// A backup chosen for restoring, checked, waiting for the user's yes.
#[derive(Debug, Clone)]
pub struct PendingRestore {
    pub path: std::path::PathBuf,
    pub families: usize,
    pub children: usize,
}

#[derive(Default)]
pub struct Screen {
    confirming_reset: bool,
    /// Set by the application once the chosen backup has been checked.
    pub pending_restore: Option<PendingRestore>,
    /// The newest audit entries, refreshed when the screen opens.
    pub recent_audit: Vec<AuditEntry>,
}

/// What the settings screen shows about the open registry.
pub struct RegistryInfo<'a> {
    pub path: String,
    pub user_name: &'a str,
    pub is_demo: bool,
    pub is_empty: bool,
}

impl Screen {
    fn backups_view<'a>(&'a self, lang: Lang, path: &str) -> Element<'a, Message> {
        let t = |key: &str| tr(lang, key);
        let folder = crate::store::backups_folder(std::path::Path::new(path));
        let mut content = column![
            text(tr_args(
                lang,
                "settings.backups_daily",
                &[
                    ("count", crate::store::DAILY_BACKUPS_KEPT.to_string()),
                    ("folder", folder.display().to_string()),
                ],
            ))
            .size(13)
            .style(style::muted_text),
            row![
                button(text(t("settings.backup_now")))
                    .on_press(Message::BackUp)
                    .style(button::primary),
                button(text(t("settings.restore")))
                    .on_press(Message::Restore)
                    .style(button::secondary),
            ]
            .spacing(10),
        ]
        .spacing(8);
        if let Some(pending) = &self.pending_restore {
            content = content.push(
                text(tr_args(
                    lang,
                    "settings.restore_question",
                    &[
                        ("path", pending.path.display().to_string()),
                        ("families", pending.families.to_string()),
                        ("children", pending.children.to_string()),
                    ],
                ))
                .size(14),
            );
            content = content.push(
                row![
                    button(text(t("settings.restore_confirm")))
                        .on_press(Message::ConfirmRestore)
                        .style(button::danger),
                    button(text(t("common.cancel")))
                        .on_press(Message::CancelRestore)
                        .style(button::secondary),
                ]
                .spacing(10),
            );
        }
        content.into()
    }

    pub fn update(&mut self, message: Message, _env: &Env<'_>) -> (Task<Message>, Option<Event>) {
        (Task::none(), self.handle(message))
    }

    fn handle(&mut self, message: Message) -> Option<Event> {
        match message {
            Message::Language(lang) => Some(Event::Language(lang)),
            Message::UserName(name) => Some(Event::UserName(name)),
            Message::CreateDemo => Some(Event::CreateDemo),
            Message::AskReset => {
                self.confirming_reset = true;
                None
            }
            Message::ConfirmReset => {
                self.confirming_reset = false;
                Some(Event::ResetDemo)
            }
            Message::CancelReset => {
                self.confirming_reset = false;
                None
            }
            Message::BackUp => Some(Event::BackUp),
            Message::Restore => Some(Event::ChooseBackup),
            Message::ConfirmRestore => self.pending_restore.take().map(|p| Event::Restore(p.path)),
            Message::CancelRestore => {
                self.pending_restore = None;
                None
            }
        }
    }

    pub fn view<'a>(&'a self, env: &Env<'a>, info: RegistryInfo<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);

        let languages = row(Lang::ALL.iter().map(|&l| {
            button(text(l.native_name()))
                .on_press(Message::Language(l))
                .style(if l == lang {
                    button::primary
                } else {
                    button::secondary
                })
                .into()
        }))
        .spacing(8);

        let mut demo = column![].spacing(10);
        if info.is_empty {
            demo = demo.push(
                button(text(t("settings.demo_create")))
                    .on_press(Message::CreateDemo)
                    .style(button::primary),
            );
        } else if info.is_demo {
            demo = demo.push(text(t("settings.demo_reset_warning")).size(14));
            demo = if self.confirming_reset {
                demo.push(
                    row![
                        button(text(t("settings.demo_reset_confirm")))
                            .on_press(Message::ConfirmReset)
                            .style(button::danger),
                        button(text(t("common.cancel")))
                            .on_press(Message::CancelReset)
                            .style(button::secondary),
                    ]
                    .spacing(10),
                )
            } else {
                demo.push(
                    button(text(t("settings.demo_reset")))
                        .on_press(Message::AskReset)
                        .style(button::secondary),
                )
            };
        }

        let mut audit = column![].spacing(4);
        for entry in &self.recent_audit {
            audit = audit.push(
                row![
                    text(entry.at.clone())
                        .size(13)
                        .style(style::muted_text)
                        .width(Length::Fixed(160.0)),
                    text(entry.user_name.clone())
                        .size(13)
                        .width(Length::Fixed(140.0)),
                    text(match &entry.details {
                        Some(details) => crate::i18n::audit_text(lang, details),
                        None => entry.summary.clone(),
                    })
                    .size(13),
                ]
                .spacing(10),
            );
        }

        let content = column![
            text(t("settings.title")).size(24),
            section(t("settings.language"), languages),
            section(
                t("settings.user_name"),
                field(
                    String::new(),
                    text_input("", info.user_name)
                        .id(USER_NAME_ID)
                        .on_input(Message::UserName)
                        .padding(6),
                    None,
                ),
            ),
            section(
                t("settings.database"),
                column![
                    text(info.path.clone()).size(14),
                    text(t("settings.database_hint"))
                        .size(13)
                        .style(style::muted_text)
                ]
                .spacing(6),
            ),
            section(t("settings.demo_title"), demo),
            section(t("settings.backups"), self.backups_view(lang, &info.path)),
            section(t("settings.audit_title"), audit),
            section(
                t("settings.about"),
                column![
                    text(tr_args(
                        lang,
                        "settings.version",
                        &[("version", env!("CARGO_PKG_VERSION").to_owned())]
                    ))
                    .size(14),
                    text(t("settings.gazetteer")).size(13),
                    text(t("settings.font")).size(13),
                ]
                .spacing(6)
                .align_x(Alignment::Start),
            ),
        ]
        .spacing(14)
        .padding(20);
        scrollable(content).height(Length::Fill).into()
    }
}
