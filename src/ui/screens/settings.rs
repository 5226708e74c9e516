//! Settings: interface language, the registry file, accounts and the idle lock
//! (administrators), the demo registry (create, reset), backups, licences, and the latest
//! audit entries.

use iced::widget::{
    button, checkbox, column, pick_list, progress_bar, row, scrollable, text, text_input,
};
use iced::{Alignment, Element, Length, Task};

use crate::domain::ValidationErrors;
use crate::domain::access::{Action, Role};
use crate::i18n::{Lang, tr, tr_args};
use crate::store::{Account, AuditEntry};
use crate::ui::Env;
use crate::ui::style;
use crate::ui::widgets::{Choice, code_choices, error_of, field, section};

pub const NEW_LOGIN_ID: &str = "accounts.new_login";
pub const NEW_NAME_ID: &str = "accounts.new_name";
pub const NEW_PASSWORD_ID: &str = "accounts.new_password";
pub const IDLE_MINUTES_ID: &str = "accounts.idle_minutes";

#[derive(Debug, Clone)]
pub enum Message {
    Language(Lang),
    NewLogin(String),
    NewName(String),
    NewRole(Choice<Role>),
    NewPassword(String),
    AddAccount,
    SetDisabled(i64, bool),
    ResetPassword(i64),
    IdleMinutes(String),
    SaveIdleMinutes,
    /// The district chosen in the pilot districts' list, to add.
    PilotChoose(Choice<String>),
    PilotAdd,
    PilotRemove(String),
    SavePilot,
    ChooseImport(ImportKind),
    /// Save the import template (ask where).
    SaveTemplate,
    /// Whether rows with the code of a record already in the registry update it.
    UpdateDuplicates(bool),
    ConfirmImport,
    CancelImport,
    CreateDemo,
    AskReset,
    ConfirmReset,
    CancelReset,
    BackUp,
    Restore,
    ConfirmRestore,
    CancelRestore,
    /// The national hub's part of the screen.
    Sync(super::sync::Message),
}

pub enum Event {
    Language(Lang),
    AddAccount {
        login: String,
        full_name: String,
        role: Role,
        password: String,
    },
    SetDisabled(i64, bool),
    /// Give the account a new generated password (shown once).
    ResetPassword(i64),
    IdleLock(u32),
    /// Save these pilot districts (gazetteer codes, in order).
    PilotDistricts(Vec<String>),
    /// Ask which file to import.
    ChooseImport(ImportKind),
    /// Ask where to save the import template.
    SaveTemplate,
    /// Import the checked file (the valid rows only when some are wrong).
    Import(PendingImport),
    /// Check the file again (updating records already in the registry, or not).
    Recheck(PendingImport),
    CreateDemo,
    ResetDemo,
    /// Ask where to save a copy of the registry.
    BackUp,
    /// Ask which backup to restore.
    ChooseBackup,
    /// Restore this (checked) backup.
    Restore(std::path::PathBuf),
    Sync(super::sync::Event),
}

pub use crate::exchange::import::Kind as ImportKind;

/// A file chosen for importing, read and checked (nothing written yet), waiting for the
/// user's yes.
#[derive(Debug, Clone)]
pub struct PendingImport {
    pub kind: ImportKind,
    pub path: std::path::PathBuf,
    pub outcome: crate::exchange::import::Outcome,
    /// Rows with the code of a record already in the registry update it (else skipped).
    pub update_duplicates: bool,
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
    /// The registry's accounts (administrators see them), refreshed when the screen opens.
    pub accounts: Vec<Account>,
    new_login: String,
    new_name: String,
    new_role: Option<Role>,
    new_password: String,
    /// What is wrong with the new account, by field.
    pub account_errors: ValidationErrors,
    idle_minutes: Option<String>,
    /// Set by the application once the chosen file has been checked.
    pub pending_import: Option<PendingImport>,
    /// How far the import (or its check) running now is.
    pub import_progress: Option<crate::exchange::import::Progress>,
    /// The national hub: enrolment, syncs, conflicts.
    pub sync: super::sync::Screen,
    /// The pilot districts as saved (gazetteer codes), refreshed when the screen opens.
    pub pilot_districts: Vec<String>,
    /// The pilot districts being edited (`None`: as saved).
    pilot_edit: Option<Vec<String>>,
    pilot_choice: Option<String>,
}

/// What the settings screen shows about the open registry.
pub struct RegistryInfo<'a> {
    pub path: String,
    pub is_demo: bool,
    pub is_empty: bool,
    /// What the signed-in person may do (what they may not is not offered).
    pub allowed: &'a [Action],
    pub idle_lock_minutes: u32,
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

    pub fn update(&mut self, message: Message, env: &Env<'_>) -> (Task<Message>, Option<Event>) {
        let saved_pilot = self.pilot_districts.clone();
        let saved_pilot = move || saved_pilot;
        match message {
            Message::PilotChoose(choice) => {
                self.pilot_choice = Some(choice.value);
                (Task::none(), None)
            }
            Message::PilotAdd => {
                if let Some(code) = self.pilot_choice.take() {
                    let list = self.pilot_edit.get_or_insert_with(saved_pilot);
                    if !list.contains(&code) {
                        list.push(code);
                    }
                }
                (Task::none(), None)
            }
            Message::PilotRemove(code) => {
                self.pilot_edit
                    .get_or_insert_with(saved_pilot)
                    .retain(|c| c != &code);
                (Task::none(), None)
            }
            Message::SavePilot => (
                Task::none(),
                self.pilot_edit.clone().map(Event::PilotDistricts),
            ),
            Message::Sync(message) => {
                let (task, event) = self.sync.update(message, env);
                (task.map(Message::Sync), event.map(Event::Sync))
            }
            other => (Task::none(), self.handle(other)),
        }
    }

    /// The pilot districts were saved: the list shows them as saved.
    pub fn pilot_saved(&mut self) {
        self.pilot_edit = None;
        self.pilot_choice = None;
    }

    /// The pilot districts: each with a remove button, a list of districts to add from, and
    /// Save.
    fn pilot_view<'a>(&'a self, env: &Env<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let codes = self.pilot_edit.as_deref().unwrap_or(&self.pilot_districts);
        let name = |code: &str| {
            env.gazetteer
                .unit(code)
                .map(|u| u.name(lang).to_owned())
                .unwrap_or_else(|| code.to_owned())
        };
        let mut chosen = row![].spacing(8).align_y(Alignment::Center);
        for code in codes {
            let label = name(code);
            chosen = chosen.push(
                button(text(format!("{label}  ×")).size(14))
                    .on_press(Message::PilotRemove(code.clone()))
                    .style(button::secondary),
            );
        }
        let mut districts: Vec<Choice<String>> = env
            .gazetteer
            .districts()
            .filter(|u| !codes.contains(&u.code))
            .map(|u| Choice {
                value: u.code.clone(),
                label: u.name(lang).to_owned(),
            })
            .collect();
        districts.sort_by(|a, b| {
            crate::domain::text::fold_for_search(&a.label)
                .cmp(&crate::domain::text::fold_for_search(&b.label))
        });
        let selected = self
            .pilot_choice
            .as_ref()
            .and_then(|code| districts.iter().find(|c| &c.value == code).cloned());
        column![
            text(t("indicators.settings_hint"))
                .size(13)
                .style(style::muted_text),
            chosen.wrap(),
            row![
                pick_list(districts, selected, Message::PilotChoose)
                    .placeholder(t("indicators.settings_choose"))
                    .width(Length::Fixed(260.0)),
                button(text(t("indicators.settings_add")))
                    .on_press_maybe(self.pilot_choice.as_ref().map(|_| Message::PilotAdd))
                    .style(button::secondary),
                button(text(t("indicators.settings_save")))
                    .on_press_maybe(self.pilot_edit.as_ref().map(|_| Message::SavePilot))
                    .style(button::primary),
            ]
            .spacing(10)
            .align_y(Alignment::Center),
        ]
        .spacing(8)
        .into()
    }

    /// The new account was added: the form empties.
    pub fn account_added(&mut self) {
        self.new_login.clear();
        self.new_name.clear();
        self.new_role = None;
        self.new_password.clear();
        self.account_errors = ValidationErrors::new();
    }

    fn handle(&mut self, message: Message) -> Option<Event> {
        match message {
            Message::Language(lang) => Some(Event::Language(lang)),
            Message::NewLogin(value) => {
                self.new_login = value;
                None
            }
            Message::NewName(value) => {
                self.new_name = value;
                None
            }
            Message::NewRole(choice) => {
                self.new_role = Some(choice.value);
                None
            }
            Message::NewPassword(value) => {
                self.new_password = value;
                None
            }
            Message::AddAccount => {
                let Some(role) = self.new_role else {
                    self.account_errors = ValidationErrors::new();
                    self.account_errors.push("role", "error.required");
                    return None;
                };
                Some(Event::AddAccount {
                    login: self.new_login.clone(),
                    full_name: self.new_name.clone(),
                    role,
                    password: self.new_password.clone(),
                })
            }
            Message::SetDisabled(id, disabled) => Some(Event::SetDisabled(id, disabled)),
            Message::ResetPassword(id) => Some(Event::ResetPassword(id)),
            Message::IdleMinutes(value) => {
                self.idle_minutes = Some(value);
                None
            }
            Message::ChooseImport(kind) => Some(Event::ChooseImport(kind)),
            Message::SaveTemplate => Some(Event::SaveTemplate),
            Message::UpdateDuplicates(update) => self.pending_import.take().map(|pending| {
                Event::Recheck(PendingImport {
                    update_duplicates: update,
                    ..pending
                })
            }),
            Message::ConfirmImport => self.pending_import.take().map(Event::Import),
            Message::CancelImport => {
                self.pending_import = None;
                None
            }
            Message::SaveIdleMinutes => {
                let minutes = self
                    .idle_minutes
                    .as_deref()
                    .and_then(|m| m.trim().parse().ok())
                    .unwrap_or(0);
                Some(Event::IdleLock(minutes))
            }
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
            // Handled in `update` (they need the saved list, or the sync's screen).
            Message::PilotChoose(_)
            | Message::PilotAdd
            | Message::PilotRemove(_)
            | Message::SavePilot
            | Message::Sync(_) => None,
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
        if !info.allowed.contains(&Action::LoadDemo) {
            demo = demo.push(text(t("settings.demo_not_yours")).size(13));
        } else if info.is_empty {
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

        let mut content = column![
            text(t("settings.title")).size(24),
            section(t("settings.language"), languages),
        ]
        .spacing(14)
        .padding(20);
        if info.allowed.contains(&Action::ManageAccounts) {
            content = content.push(section(t("settings.accounts"), self.accounts_view(lang)));
        }
        if info.allowed.contains(&Action::ChangeSettings) {
            let minutes = self
                .idle_minutes
                .clone()
                .unwrap_or_else(|| info.idle_lock_minutes.to_string());
            content = content.push(section(
                t("settings.idle_lock"),
                row![
                    text_input("", &minutes)
                        .id(IDLE_MINUTES_ID)
                        .on_input(Message::IdleMinutes)
                        .on_submit(Message::SaveIdleMinutes)
                        .padding(6)
                        .width(Length::Fixed(80.0)),
                    text(t("settings.idle_lock_minutes")).size(14),
                    button(text(t("common.save")))
                        .on_press(Message::SaveIdleMinutes)
                        .style(button::secondary),
                ]
                .spacing(10)
                .align_y(Alignment::Center),
            ));
        }
        content = content.push(section(
            t("sync.title"),
            self.sync.view(env).map(Message::Sync),
        ));
        if info.allowed.contains(&Action::ChangeSettings) {
            content = content.push(section(
                t("indicators.settings_title"),
                self.pilot_view(env),
            ));
        }
        if info.allowed.contains(&Action::EditRecords) {
            content = content.push(section(t("import.title"), self.import_view(lang)));
        }
        let content = content.extend([
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
            section(
                t("settings.backups"),
                if info.allowed.contains(&Action::BackUpRestore) {
                    self.backups_view(lang, &info.path)
                } else {
                    text(t("settings.backups_not_yours")).size(13).into()
                },
            ),
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
        ]);
        scrollable(content).height(Length::Fill).into()
    }

    /// Import: choose a file; once it is checked, what it holds and each problem by row and
    /// column, then Import or Cancel.
    fn import_view(&self, lang: Lang) -> Element<'_, Message> {
        let t = |key: &str| tr(lang, key);
        // One import at a time.
        let idle = self.import_progress.is_none();
        let mut content = column![
            text(t("import.hint")).size(13).style(style::muted_text),
            row![
                button(text(t("import.families")))
                    .on_press_maybe(idle.then_some(Message::ChooseImport(ImportKind::Families)))
                    .style(button::secondary),
                button(text(t("import.children")))
                    .on_press_maybe(idle.then_some(Message::ChooseImport(ImportKind::Children)))
                    .style(button::secondary),
                button(text(t("import.template_button")))
                    .on_press(Message::SaveTemplate)
                    .style(button::secondary),
            ]
            .spacing(10),
        ]
        .spacing(8);
        if let Some(progress) = self.import_progress {
            use crate::exchange::import::Stage;
            let args = [
                ("done", progress.done.to_string()),
                ("total", progress.total.to_string()),
            ];
            let said = match progress.stage {
                Stage::Reading => t("import.progress_reading"),
                Stage::Checking => tr_args(lang, "import.progress_checking", &args),
                Stage::Writing => tr_args(lang, "import.progress_writing", &args),
            };
            let share = if progress.total == 0 {
                0.0
            } else {
                progress.done as f32 / progress.total as f32
            };
            return content
                .push(text(said).size(14))
                .push(progress_bar(0.0..=1.0, share).girth(8))
                .into();
        }
        let Some(pending) = &self.pending_import else {
            return content.into();
        };
        let outcome = &pending.outcome;
        content = content.push(
            text(tr_args(
                lang,
                "import.checked",
                &[
                    ("file", pending.path.display().to_string()),
                    ("rows", outcome.rows.to_string()),
                    ("valid", outcome.valid.to_string()),
                    ("duplicates", outcome.duplicates.len().to_string()),
                    (
                        "wrong",
                        (outcome.rows - outcome.valid - outcome.duplicates.len()).to_string(),
                    ),
                ],
            ))
            .size(14),
        );
        const SHOWN: usize = 50;
        for problem in outcome
            .problems
            .iter()
            .chain(&outcome.duplicates)
            .take(SHOWN)
        {
            let place = match &problem.column {
                Some(column) => tr_args(
                    lang,
                    "import.row_column",
                    &[("row", problem.row.to_string()), ("column", column.clone())],
                ),
                None => tr_args(lang, "import.row", &[("row", problem.row.to_string())]),
            };
            content = content.push(
                row![
                    text(place).size(13).width(Length::Fixed(260.0)),
                    text(problem.message.clone())
                        .size(13)
                        .style(style::error_text),
                ]
                .spacing(8),
            );
        }
        let listed = outcome.problems.len() + outcome.duplicates.len();
        if listed > SHOWN {
            content = content.push(
                text(tr_args(
                    lang,
                    "import.more",
                    &[("count", (listed - SHOWN).to_string())],
                ))
                .size(13),
            );
        }
        if !outcome.duplicates.is_empty() || pending.update_duplicates {
            content = content.push(
                checkbox(pending.update_duplicates)
                    .label(t("import.update_duplicates"))
                    .on_toggle(Message::UpdateDuplicates)
                    .text_size(14),
            );
        }
        if outcome.updates > 0 {
            content = content.push(
                text(tr_args(
                    lang,
                    "import.will_update",
                    &[("count", outcome.updates.to_string())],
                ))
                .size(14),
            );
        }
        let confirm = if outcome.valid == 0 {
            None
        } else if outcome.problems.is_empty() {
            Some(tr_args(
                lang,
                "import.confirm",
                &[("count", outcome.valid.to_string())],
            ))
        } else {
            Some(tr_args(
                lang,
                "import.confirm_valid_only",
                &[("count", outcome.valid.to_string())],
            ))
        };
        content
            .push(
                row![]
                    .push(confirm.map(|label| {
                        button(text(label))
                            .on_press(Message::ConfirmImport)
                            .style(button::primary)
                    }))
                    .push(
                        button(text(t("common.cancel")))
                            .on_press(Message::CancelImport)
                            .style(button::secondary),
                    )
                    .spacing(10),
            )
            .into()
    }

    /// The accounts, each with its state and buttons, then the form for a new one.
    fn accounts_view(&self, lang: Lang) -> Element<'_, Message> {
        let t = |key: &str| tr(lang, key);
        let mut list = column![].spacing(6);
        for account in &self.accounts {
            let state = if account.disabled {
                t("settings.account_disabled")
            } else if account.locked_until.is_some() {
                tr_args(
                    lang,
                    "settings.account_locked",
                    &[("until", account.locked_until.clone().unwrap_or_default())],
                )
            } else {
                t("settings.account_active")
            };
            let toggle = if account.disabled {
                button(text(t("settings.enable")).size(13))
                    .on_press(Message::SetDisabled(account.id, false))
                    .style(button::secondary)
            } else {
                button(text(t("settings.disable")).size(13))
                    .on_press(Message::SetDisabled(account.id, true))
                    .style(button::secondary)
            };
            list = list.push(
                row![
                    text(account.login.clone())
                        .size(14)
                        .width(Length::Fixed(120.0)),
                    text(account.full_name.clone())
                        .size(14)
                        .width(Length::Fixed(200.0)),
                    text(t(account.role.locale_key()))
                        .size(14)
                        .width(Length::Fixed(160.0)),
                    text(state).size(13).width(Length::Fixed(150.0)),
                    text(tr_args(
                        lang,
                        "settings.last_sign_in",
                        &[(
                            "at",
                            account
                                .last_sign_in
                                .clone()
                                .unwrap_or_else(|| t("settings.never")),
                        )],
                    ))
                    .size(12)
                    .style(style::muted_text)
                    .width(Length::Fill),
                    toggle,
                    button(text(t("settings.new_password")).size(13))
                        .on_press(Message::ResetPassword(account.id))
                        .style(button::secondary),
                ]
                .spacing(8)
                .align_y(Alignment::Center),
            );
        }
        let roles = code_choices(lang, &Role::ALL, |r| r.locale_key().to_owned());
        let selected = self
            .new_role
            .and_then(|role| roles.iter().find(|c| c.value == role).cloned());
        let error = |field: &str| error_of(lang, &self.account_errors, field);
        let form = row![
            field(
                t("sign_in.login"),
                text_input("", &self.new_login)
                    .id(NEW_LOGIN_ID)
                    .on_input(Message::NewLogin)
                    .padding(6),
                error("login"),
            ),
            field(
                t("sign_in.full_name"),
                text_input("", &self.new_name)
                    .id(NEW_NAME_ID)
                    .on_input(Message::NewName)
                    .padding(6),
                error("full_name"),
            ),
            field(
                t("settings.role"),
                pick_list(roles, selected, Message::NewRole).placeholder(t("common.choose")),
                error("role"),
            ),
            field(
                t("sign_in.password"),
                text_input("", &self.new_password)
                    .id(NEW_PASSWORD_ID)
                    .secure(true)
                    .on_input(Message::NewPassword)
                    .padding(6),
                error("password"),
            ),
            column![
                text(" ").size(13),
                button(text(t("settings.add_account")))
                    .on_press(Message::AddAccount)
                    .style(button::primary)
            ]
            .spacing(3),
        ]
        .spacing(10);
        column![list, text(t("settings.add_account_title")).size(15), form]
            .spacing(12)
            .into()
    }
}
