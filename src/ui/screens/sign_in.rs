//! The door of the window: the registry's passphrase when this computer does not keep it (or
//! a new one for a registry not encrypted yet); the first start creates the registry's
//! administrator (and its passphrase); every start signs in; after minutes without input the
//! window locks and asks for the same person's password (or lets someone else sign in).

use iced::widget::{button, column, container, row, text, text_input};
use iced::{Alignment, Element, Length, Task};

use crate::domain::ValidationErrors;
use crate::i18n::{Lang, tr};
use crate::ui::style;
use crate::ui::widgets::{error_of, field};

pub const LOGIN_ID: &str = "sign_in.login";
pub const FULL_NAME_ID: &str = "sign_in.full_name";
pub const PASSWORD_ID: &str = "sign_in.password";
pub const REPEAT_ID: &str = "sign_in.repeat";
pub const PASSPHRASE_ID: &str = "sign_in.passphrase";
pub const PASSPHRASE_REPEAT_ID: &str = "sign_in.passphrase_repeat";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// An encrypted registry whose passphrase this computer does not keep.
    Passphrase,
    /// A registry from before encryption: the passphrase it will be encrypted with.
    Encrypt,
    /// A registry without accounts: its first account, an administrator (and, for a new
    /// file, the registry's passphrase).
    CreateAdministrator {
        with_passphrase: bool,
    },
    SignIn,
    /// Locked after idle minutes: the same person's password.
    Unlock {
        login: String,
        full_name: String,
    },
}

#[derive(Debug, Clone)]
pub enum Message {
    Login(String),
    FullName(String),
    Password(String),
    Repeat(String),
    Passphrase(String),
    PassphraseRepeat(String),
    Remember(bool),
    Submit,
    Language(Lang),
    /// From the lock: let someone else sign in.
    SomeoneElse,
}

pub enum Event {
    /// Open the registry with this passphrase (kept on this computer if `remember`).
    Passphrase {
        passphrase: String,
        remember: bool,
    },
    /// Encrypt the plain registry with this passphrase.
    Encrypt {
        passphrase: String,
    },
    CreateAdministrator {
        login: String,
        full_name: String,
        password: String,
        /// The new registry's passphrase, when the screen asked for it.
        passphrase: Option<String>,
    },
    SignIn {
        login: String,
        password: String,
    },
    Language(Lang),
    SomeoneElse,
}

pub struct Screen {
    mode: Mode,
    login: String,
    full_name: String,
    password: String,
    repeat: String,
    passphrase: String,
    passphrase_repeat: String,
    remember: bool,
    /// Why the last attempt failed (a sign-in refusal), in the interface language.
    pub error: Option<String>,
    /// The first administrator's fields that are wrong.
    pub errors: ValidationErrors,
}

impl Screen {
    pub fn new(mode: Mode) -> Screen {
        let login = match &mode {
            Mode::CreateAdministrator { .. } => String::from("admin"),
            Mode::Unlock { login, .. } => login.clone(),
            _ => String::new(),
        };
        Screen {
            mode,
            login,
            full_name: String::new(),
            password: String::new(),
            repeat: String::new(),
            passphrase: String::new(),
            passphrase_repeat: String::new(),
            remember: true,
            error: None,
            errors: ValidationErrors::new(),
        }
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// The field the keyboard starts in (the screen opens with it focused).
    pub fn first_field(&self) -> &'static str {
        match self.mode {
            Mode::Passphrase | Mode::Encrypt => PASSPHRASE_ID,
            Mode::CreateAdministrator { .. } => FULL_NAME_ID,
            Mode::SignIn if !self.login.is_empty() => PASSWORD_ID,
            Mode::SignIn => LOGIN_ID,
            Mode::Unlock { .. } => PASSWORD_ID,
        }
    }

    /// After a refused attempt: the password is typed again.
    pub fn refused(&mut self, error: Option<String>, errors: ValidationErrors) {
        self.error = error;
        self.errors = errors;
        self.password.clear();
        self.repeat.clear();
        self.passphrase.clear();
        self.passphrase_repeat.clear();
    }

    pub fn update(&mut self, message: Message) -> (Task<Message>, Option<Event>) {
        let event = match message {
            Message::Login(value) => {
                self.login = value;
                None
            }
            Message::FullName(value) => {
                self.full_name = value;
                None
            }
            Message::Password(value) => {
                self.password = value;
                None
            }
            Message::Repeat(value) => {
                self.repeat = value;
                None
            }
            Message::Passphrase(value) => {
                self.passphrase = value;
                None
            }
            Message::PassphraseRepeat(value) => {
                self.passphrase_repeat = value;
                None
            }
            Message::Remember(value) => {
                self.remember = value;
                None
            }
            Message::Language(lang) => Some(Event::Language(lang)),
            Message::SomeoneElse => Some(Event::SomeoneElse),
            Message::Submit => self.submit(),
        };
        (Task::none(), event)
    }

    fn submit(&mut self) -> Option<Event> {
        self.error = None;
        self.errors = ValidationErrors::new();
        let with_passphrase = matches!(
            self.mode,
            Mode::Encrypt
                | Mode::CreateAdministrator {
                    with_passphrase: true
                }
        );
        if with_passphrase && self.passphrase != self.passphrase_repeat {
            self.errors
                .push("passphrase_repeat", "error.passphrases_differ");
            self.passphrase.clear();
            self.passphrase_repeat.clear();
            return None;
        }
        match &self.mode {
            Mode::Passphrase => Some(Event::Passphrase {
                passphrase: std::mem::take(&mut self.passphrase),
                remember: self.remember,
            }),
            Mode::Encrypt => Some(Event::Encrypt {
                passphrase: std::mem::take(&mut self.passphrase),
            }),
            Mode::CreateAdministrator { with_passphrase } => {
                if self.password != self.repeat {
                    self.errors.push("repeat", "error.passwords_differ");
                    // Both typed again: nobody can see which one was wrong.
                    self.password.clear();
                    self.repeat.clear();
                    return None;
                }
                Some(Event::CreateAdministrator {
                    login: self.login.clone(),
                    full_name: self.full_name.clone(),
                    password: std::mem::take(&mut self.password),
                    passphrase: with_passphrase.then(|| self.passphrase.clone()),
                })
            }
            Mode::SignIn | Mode::Unlock { .. } => Some(Event::SignIn {
                login: self.login.clone(),
                password: std::mem::take(&mut self.password),
            }),
        }
    }

    pub fn view(&self, lang: Lang) -> Element<'_, Message> {
        let t = |key: &str| tr(lang, key);
        let error = |field: &str| error_of(lang, &self.errors, field);
        let input = |id: &'static str, value: &str, on_input: fn(String) -> Message, secure| {
            text_input("", value)
                .id(id)
                .on_input(on_input)
                .on_submit(Message::Submit)
                .secure(secure)
                .padding(8)
                .width(Length::Fixed(360.0))
        };
        let (title, note, submit) = match &self.mode {
            Mode::Passphrase => (
                t("sign_in.passphrase_title"),
                t("sign_in.passphrase_note"),
                t("sign_in.open"),
            ),
            Mode::Encrypt => (
                t("sign_in.encrypt_title"),
                t("sign_in.encrypt_note"),
                t("sign_in.encrypt"),
            ),
            Mode::CreateAdministrator { .. } => (
                t("sign_in.first_title"),
                t("sign_in.first_note"),
                t("sign_in.create"),
            ),
            Mode::SignIn => (t("sign_in.title"), t("sign_in.note"), t("sign_in.submit")),
            Mode::Unlock { full_name, login } => (
                t("sign_in.locked_title"),
                crate::i18n::tr_args(
                    lang,
                    "sign_in.locked_note",
                    &[("name", full_name.clone()), ("login", login.clone())],
                ),
                t("sign_in.unlock"),
            ),
        };
        let mut form = column![
            text(t("app.title")).size(15).style(style::muted_text),
            text(title).size(26),
            text(note).size(14).width(Length::Fixed(360.0)),
        ]
        .spacing(12);
        let creating = matches!(self.mode, Mode::CreateAdministrator { .. });
        let asks_passphrase = matches!(
            self.mode,
            Mode::Passphrase
                | Mode::Encrypt
                | Mode::CreateAdministrator {
                    with_passphrase: true
                }
        );
        let asks_password = !matches!(self.mode, Mode::Passphrase | Mode::Encrypt);
        if asks_password && !matches!(self.mode, Mode::Unlock { .. }) {
            form = form.push(field(
                t("sign_in.login"),
                input(LOGIN_ID, &self.login, Message::Login, false),
                error("login"),
            ));
        }
        if creating {
            form = form.push(field(
                t("sign_in.full_name"),
                input(FULL_NAME_ID, &self.full_name, Message::FullName, false),
                error("full_name"),
            ));
        }
        if asks_password {
            form = form.push(field(
                t("sign_in.password"),
                input(PASSWORD_ID, &self.password, Message::Password, true),
                error("password"),
            ));
        }
        if creating {
            form = form.push(field(
                t("sign_in.repeat"),
                input(REPEAT_ID, &self.repeat, Message::Repeat, true),
                error("repeat"),
            ));
        }
        if asks_passphrase {
            if creating {
                form = form.push(
                    text(t("sign_in.passphrase_new_note"))
                        .size(13)
                        .style(style::muted_text)
                        .width(Length::Fixed(360.0)),
                );
            }
            form = form.push(field(
                t("sign_in.passphrase"),
                input(PASSPHRASE_ID, &self.passphrase, Message::Passphrase, true),
                error("passphrase"),
            ));
            if self.mode == Mode::Passphrase {
                form = form.push(
                    iced::widget::checkbox(self.remember)
                        .label(t("sign_in.remember"))
                        .on_toggle(Message::Remember)
                        .size(16),
                );
            } else {
                form = form.push(field(
                    t("sign_in.passphrase_repeat"),
                    input(
                        PASSPHRASE_REPEAT_ID,
                        &self.passphrase_repeat,
                        Message::PassphraseRepeat,
                        true,
                    ),
                    error("passphrase_repeat"),
                ));
            }
        }
        if let Some(error) = &self.error {
            form = form.push(
                text(error.clone())
                    .size(14)
                    .style(style::error_text)
                    .width(Length::Fixed(360.0)),
            );
        }
        let mut buttons = row![
            button(text(submit).size(16))
                .on_press(Message::Submit)
                .style(button::primary)
                .padding([8, 24])
        ]
        .spacing(10);
        if matches!(self.mode, Mode::Unlock { .. }) {
            buttons = buttons.push(
                button(text(t("sign_in.someone_else")).size(16))
                    .on_press(Message::SomeoneElse)
                    .style(button::secondary)
                    .padding([8, 16]),
            );
        }
        form = form.push(buttons);
        form = form.push(
            row(Lang::ALL.iter().map(|&l| {
                button(text(l.native_name()).size(13))
                    .on_press(Message::Language(l))
                    .style(if l == lang {
                        button::secondary
                    } else {
                        button::text
                    })
                    .into()
            }))
            .spacing(6),
        );
        container(
            container(form.align_x(Alignment::Start))
                .padding(32)
                .max_width(460)
                .style(style::section),
        )
        .center(Length::Fill)
        .into()
    }
}
