//! The door of the window: the first start creates the registry's administrator; every start
//! signs in; after minutes without input the window locks and asks for the same person's
//! password (or lets someone else sign in).

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// A registry without accounts: its first account, an administrator.
    CreateAdministrator,
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
    Submit,
    Language(Lang),
    /// From the lock: let someone else sign in.
    SomeoneElse,
}

pub enum Event {
    CreateAdministrator {
        login: String,
        full_name: String,
        password: String,
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
    /// Why the last attempt failed (a sign-in refusal), in the interface language.
    pub error: Option<String>,
    /// The first administrator's fields that are wrong.
    pub errors: ValidationErrors,
}

impl Screen {
    pub fn new(mode: Mode) -> Screen {
        let login = match &mode {
            Mode::CreateAdministrator => String::from("admin"),
            Mode::Unlock { login, .. } => login.clone(),
            Mode::SignIn => String::new(),
        };
        Screen {
            mode,
            login,
            full_name: String::new(),
            password: String::new(),
            repeat: String::new(),
            error: None,
            errors: ValidationErrors::new(),
        }
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// After a refused attempt: the password is typed again.
    pub fn refused(&mut self, error: Option<String>, errors: ValidationErrors) {
        self.error = error;
        self.errors = errors;
        self.password.clear();
        self.repeat.clear();
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
            Message::Language(lang) => Some(Event::Language(lang)),
            Message::SomeoneElse => Some(Event::SomeoneElse),
            Message::Submit => self.submit(),
        };
        (Task::none(), event)
    }

    fn submit(&mut self) -> Option<Event> {
        self.error = None;
        self.errors = ValidationErrors::new();
        match &self.mode {
            Mode::CreateAdministrator => {
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
            Mode::CreateAdministrator => (
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
        if !matches!(self.mode, Mode::Unlock { .. }) {
            form = form.push(field(
                t("sign_in.login"),
                input(LOGIN_ID, &self.login, Message::Login, false),
                error("login"),
            ));
        }
        if self.mode == Mode::CreateAdministrator {
            form = form.push(field(
                t("sign_in.full_name"),
                input(FULL_NAME_ID, &self.full_name, Message::FullName, false),
                error("full_name"),
            ));
        }
        form = form.push(field(
            t("sign_in.password"),
            input(PASSWORD_ID, &self.password, Message::Password, true),
            error("password"),
        ));
        if self.mode == Mode::CreateAdministrator {
            form = form.push(field(
                t("sign_in.repeat"),
                input(REPEAT_ID, &self.repeat, Message::Repeat, true),
                error("repeat"),
            ));
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
                .style(style::section),
        )
        .center(Length::Fill)
        .into()
    }
}
