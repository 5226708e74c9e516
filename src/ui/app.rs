//! The application root: the open registry, the tabs, language, keyboard, and the screens.

use std::path::PathBuf;
use std::time::Instant;

use chrono::{Local, NaiveDate};
use iced::keyboard::{self, Key, key};
use iced::widget::{button, column, container, operation, row, text};
use iced::{Alignment, Element, Length, Subscription, Task, Theme};

use super::screens::{children, families, settings, welcome};
use super::{Env, Registry, style};
use crate::demo::{self, DemoOptions};
use crate::domain::Context;
use crate::geo::Gazetteer;
use crate::i18n::{Lang, tr, tr_args};
use crate::settings::UserSettings;
use crate::store::{self, Store, StoreError};

/// Registry setting that marks a registry created as a demo (only those can be reset).
const REGISTRY_KIND: &str = "registry_kind";

/// How the window is started.
#[derive(Debug, Clone)]
pub struct Launch {
    pub database: PathBuf,
    /// Where the user's preferences are remembered; `None` keeps them for this run only.
    pub settings_file: Option<PathBuf>,
    /// The date the registry is viewed on (tests fix it; normally today).
    pub today: Option<NaiveDate>,
    /// When the process started, for the start-up timing report.
    pub started: Instant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Children,
    Families,
    Settings,
}

#[derive(Debug, Clone)]
pub enum Message {
    Tab(Tab),
    Language(Lang),
    Welcome(welcome::Message),
    Families(families::Message),
    Children(children::Message),
    Settings(settings::Message),
    Keyboard(keyboard::Event),
    FirstFrame,
    DismissNotice,
}

struct Notice {
    text: String,
    is_error: bool,
}

/// An open registry and the screens on it.
struct Workspace {
    store: Store,
    gazetteer: Gazetteer,
    registry: Registry,
    database: PathBuf,
    today: NaiveDate,
    tab: Tab,
    show_welcome: bool,
    is_demo: bool,
    families: families::Screen,
    children: children::Screen,
    settings: settings::Screen,
}

pub struct App {
    lang: Lang,
    user_settings: UserSettings,
    settings_file: Option<PathBuf>,
    started: Instant,
    first_frame_seen: bool,
    notice: Option<Notice>,
    /// The open registry, or why it could not be opened.
    workspace: Result<Box<Workspace>, String>,
}

/// Builds the screens' read-only view of a workspace.
macro_rules! env {
    ($ws:expr, $lang:expr) => {
        Env {
            lang: $lang,
            gazetteer: &$ws.gazetteer,
            registry: &$ws.registry,
            today: $ws.today,
        }
    };
}

impl Workspace {
    fn open(launch: &Launch, lang: Lang, user: &str) -> Result<Workspace, String> {
        let gazetteer = Gazetteer::embedded().map_err(|e| e.to_string())?;
        let mut store = Store::open(&launch.database).map_err(|e| e.to_string())?;
        store.set_user(user);
        let registry = Registry::load(&store, &gazetteer).map_err(|e| e.to_string())?;
        let today = launch.today.unwrap_or_else(|| Local::now().date_naive());
        let is_demo = store
            .setting(REGISTRY_KIND)
            .map_err(|e| e.to_string())?
            .as_deref()
            == Some("demo");
        let env = Env {
            lang,
            gazetteer: &gazetteer,
            registry: &registry,
            today,
        };
        let families = families::Screen::new(&env);
        let children = children::Screen::new(&env);
        Ok(Workspace {
            show_welcome: registry.is_empty(),
            store,
            registry,
            gazetteer,
            database: launch.database.clone(),
            today,
            tab: Tab::Children,
            is_demo,
            families,
            children,
            settings: settings::Screen::default(),
        })
    }

    /// Reloads the registry after a change and re-runs the lists' queries.
    fn reload(&mut self, lang: Lang) -> store::Result<()> {
        self.registry = Registry::load(&self.store, &self.gazetteer)?;
        let env = env!(self, lang);
        self.families.refresh(&env);
        self.children.refresh(&env);
        self.settings.recent_audit = self.store.audit_entries(30)?;
        Ok(())
    }

    fn create_demo(&mut self) -> store::Result<demo::DemoSummary> {
        let summary = demo::populate(
            &mut self.store,
            &DemoOptions::new(self.today),
            &self.gazetteer,
        )?;
        self.store.set_setting(REGISTRY_KIND, "demo")?;
        self.is_demo = true;
        Ok(summary)
    }

    /// Deletes the registry file and creates a fresh demo registry in its place.
    fn reset_demo(&mut self) -> store::Result<demo::DemoSummary> {
        let user = self.store.user().to_owned();
        // Close the file before deleting it (Windows refuses to delete an open file).
        self.store = Store::open_in_memory()?;
        store::delete_registry_file(&self.database).map_err(|source| StoreError::Folder {
            path: self.database.display().to_string(),
            source,
        })?;
        self.store = Store::open(&self.database)?;
        self.store.set_user(&user);
        self.create_demo()
    }
}

impl App {
    pub fn new(launch: Launch) -> App {
        let user_settings = launch
            .settings_file
            .as_deref()
            .map(UserSettings::load)
            .unwrap_or_default();
        let lang = user_settings.language;
        let workspace = Workspace::open(&launch, lang, &user_settings.user_name).map(Box::new);
        App {
            lang,
            user_settings,
            settings_file: launch.settings_file,
            started: launch.started,
            first_frame_seen: false,
            notice: None,
            workspace,
        }
    }

    pub fn title(&self) -> String {
        tr(self.lang, "app.title")
    }

    pub fn theme(&self) -> Theme {
        style::theme()
    }

    pub fn language(&self) -> Lang {
        self.lang
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let keys = keyboard::listen().map(Message::Keyboard);
        if self.first_frame_seen {
            keys
        } else {
            Subscription::batch([keys, iced::window::frames().map(|_| Message::FirstFrame)])
        }
    }

    fn notify(&mut self, text: String, is_error: bool) {
        self.notice = Some(Notice { text, is_error });
    }

    fn save_user_settings(&mut self) {
        if let Some(path) = &self.settings_file
            && let Err(error) = self.user_settings.save(path)
        {
            let text = format!("{}: {error}", path.display());
            self.notify(text, true);
        }
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        let lang = self.lang;
        match message {
            Message::Language(new) => {
                self.lang = new;
                self.user_settings.language = new;
                self.save_user_settings();
                return Task::none();
            }
            Message::FirstFrame => {
                if self.first_frame_seen {
                    return Task::none();
                }
                self.first_frame_seen = true;
                if std::env::var_os("YUVA_STARTUP_TIMING").is_some() {
                    report_startup(self.started, self.workspace.as_deref().ok());
                }
                return Task::none();
            }
            Message::DismissNotice => {
                self.notice = None;
                return Task::none();
            }
            _ => {}
        }
        let Ok(ws) = self.workspace.as_deref_mut() else {
            return Task::none();
        };
        let mut notice: Option<(String, bool)> = None;
        let mut task = Task::none();
        match message {
            Message::Tab(tab) => {
                ws.tab = tab;
                if tab == Tab::Settings {
                    match ws.store.audit_entries(30) {
                        Ok(entries) => ws.settings.recent_audit = entries,
                        Err(e) => notice = Some((e.to_string(), true)),
                    }
                }
            }
            Message::Welcome(message) => {
                ws.show_welcome = false;
                if let welcome::Event::CreateDemo = welcome::update(message) {
                    notice = Some(demo_outcome(ws, lang, false));
                }
            }
            Message::Families(message) => {
                let env = env!(ws, lang);
                let event = ws.families.update(message, &env);
                notice = handle_family_event(ws, lang, event);
            }
            Message::Children(message) => {
                let env = env!(ws, lang);
                let event = ws.children.update(message, &env);
                notice = handle_child_event(ws, lang, event);
            }
            Message::Settings(message) => match ws.settings.update(message) {
                Some(settings::Event::Language(new)) => return self.update(Message::Language(new)),
                Some(settings::Event::UserName(name)) => {
                    ws.store.set_user(&name);
                    self.user_settings.user_name = name;
                    self.save_user_settings();
                    return Task::none();
                }
                Some(settings::Event::CreateDemo) => notice = Some(demo_outcome(ws, lang, false)),
                Some(settings::Event::ResetDemo) => notice = Some(demo_outcome(ws, lang, true)),
                None => {}
            },
            Message::Keyboard(event) => task = keyboard_shortcut(ws, lang, event, &mut notice),
            Message::Language(_) | Message::FirstFrame | Message::DismissNotice => {}
        }
        if let Some((text, is_error)) = notice {
            self.notify(text, is_error);
        }
        task
    }

    pub fn view(&self) -> Element<'_, Message> {
        let lang = self.lang;
        let t = |key: &str| tr(lang, key);
        let ws = match &self.workspace {
            Ok(ws) => ws,
            Err(reason) => {
                return container(
                    column![
                        text(t("common.error_prefix"))
                            .size(24)
                            .style(style::error_text),
                        text(reason.clone()).size(16),
                    ]
                    .spacing(12),
                )
                .center(Length::Fill)
                .into();
            }
        };
        let env = env!(ws, lang);

        let tab_button = |tab: Tab, key: &str| {
            button(text(t(key)).size(16))
                .on_press(Message::Tab(tab))
                .padding([8, 16])
                .style(if ws.tab == tab && !ws.show_welcome {
                    button::secondary
                } else {
                    button::primary
                })
        };
        let language_buttons = row(Lang::ALL.iter().map(|&l| {
            button(text(l.code().to_uppercase()).size(14))
                .on_press(Message::Language(l))
                .padding([6, 10])
                .style(if l == lang {
                    button::secondary
                } else {
                    button::primary
                })
                .into()
        }))
        .spacing(4);
        let header = container(
            row![
                text("Yuva").size(22),
                tab_button(Tab::Children, "nav.children"),
                tab_button(Tab::Families, "nav.families"),
                tab_button(Tab::Settings, "nav.settings"),
                iced::widget::space::horizontal(),
                language_buttons,
            ]
            .spacing(12)
            .align_y(Alignment::Center),
        )
        .padding([8, 16])
        .style(style::header);

        let content: Element<'_, Message> = if ws.show_welcome {
            welcome::view(&env).map(Message::Welcome)
        } else {
            match ws.tab {
                Tab::Children => ws.children.view(&env).map(Message::Children),
                Tab::Families => ws.families.view(&env).map(Message::Families),
                Tab::Settings => {
                    let info = settings::RegistryInfo {
                        path: ws.database.display().to_string(),
                        user_name: &self.user_settings.user_name,
                        is_demo: ws.is_demo,
                        is_empty: ws.registry.is_empty(),
                    };
                    ws.settings.view(&env, info).map(Message::Settings)
                }
            }
        };

        let mut page = column![header].height(Length::Fill);
        if let Some(notice) = &self.notice {
            let is_error = notice.is_error;
            page = page.push(
                container(
                    row![
                        text(notice.text.clone()).size(14).width(Length::Fill),
                        button(text("×").size(14))
                            .on_press(Message::DismissNotice)
                            .style(button::text),
                    ]
                    .align_y(Alignment::Center),
                )
                .padding([6, 16])
                .width(Length::Fill)
                .style(move |theme| style::status_bar(theme, is_error)),
            );
        }
        page.push(content).into()
    }
}

fn save_failed(lang: Lang, error: &StoreError) -> (String, bool) {
    (
        tr_args(lang, "error.save_failed", &[("reason", error.to_string())]),
        true,
    )
}

fn handle_family_event(
    ws: &mut Workspace,
    lang: Lang,
    event: Option<families::Event>,
) -> Option<(String, bool)> {
    match event? {
        families::Event::NeedCode => match ws.store.next_code("F-") {
            Ok(code) => {
                let env = env!(ws, lang);
                ws.families.open_form_new(code, &env);
                None
            }
            Err(e) => Some(save_failed(lang, &e)),
        },
        families::Event::Save(family) => {
            let context = Context {
                today: ws.today,
                gazetteer: &ws.gazetteer,
            };
            let result = ws.store.save_family(&family, &context);
            after_save(ws, lang, result, &family.code, Tab::Families)
        }
    }
}

fn handle_child_event(
    ws: &mut Workspace,
    lang: Lang,
    event: Option<children::Event>,
) -> Option<(String, bool)> {
    match event? {
        children::Event::NeedCodes => match (ws.store.next_code("C-"), ws.store.next_code("G-")) {
            (Ok(code), Ok(group_code)) => {
                let env = env!(ws, lang);
                ws.children.open_form_new(code, group_code, &env);
                None
            }
            (Err(e), _) | (_, Err(e)) => Some(save_failed(lang, &e)),
        },
        children::Event::EditWithCodes(id) => match ws.store.next_code("G-") {
            Ok(group_code) => {
                let env = env!(ws, lang);
                ws.children.open_form_edit(id, group_code, &env);
                None
            }
            Err(e) => Some(save_failed(lang, &e)),
        },
        children::Event::Save(child, group) => {
            let context = Context {
                today: ws.today,
                gazetteer: &ws.gazetteer,
            };
            let result = ws.store.save_child(&child, &group, &context);
            after_save(ws, lang, result, &child.code, Tab::Children)
        }
    }
}

/// After a save on the families or children screen: reload and show the record, or hand the
/// validation errors back to the form, and say what happened.
fn after_save(
    ws: &mut Workspace,
    lang: Lang,
    result: store::Result<i64>,
    code: &str,
    tab: Tab,
) -> Option<(String, bool)> {
    match result {
        Ok(id) => {
            if let Err(e) = ws.reload(lang) {
                return Some(save_failed(lang, &e));
            }
            let env = env!(ws, lang);
            match tab {
                Tab::Families => ws.families.saved(id, &env),
                Tab::Children => ws.children.saved(id, &env),
                Tab::Settings => {}
            }
            Some((
                tr_args(lang, "common.saved", &[("code", code.to_owned())]),
                false,
            ))
        }
        Err(StoreError::Invalid(errors)) => {
            match tab {
                Tab::Families => ws.families.rejected(errors),
                Tab::Children => ws.children.rejected(errors),
                Tab::Settings => {}
            }
            Some((tr(lang, "error.form_has_errors"), true))
        }
        Err(e) => Some(save_failed(lang, &e)),
    }
}

/// Creates (or resets to) a demo registry and says how it went.
fn demo_outcome(ws: &mut Workspace, lang: Lang, reset: bool) -> (String, bool) {
    let result = if reset {
        ws.reset_demo()
    } else {
        ws.create_demo()
    };
    match result.and_then(|summary| ws.reload(lang).map(|()| summary)) {
        Ok(summary) => {
            ws.show_welcome = false;
            (
                tr_args(
                    lang,
                    "settings.demo_done",
                    &[
                        ("families", summary.families.to_string()),
                        ("children", summary.children.to_string()),
                    ],
                ),
                false,
            )
        }
        Err(e) => save_failed(lang, &e),
    }
}

/// Tab/Shift+Tab move between fields, Ctrl+S saves a form, Escape leaves it, Ctrl+F goes to
/// the search box, Ctrl+1/2/3 switch tabs.
fn keyboard_shortcut(
    ws: &mut Workspace,
    lang: Lang,
    event: keyboard::Event,
    notice: &mut Option<(String, bool)>,
) -> Task<Message> {
    let keyboard::Event::KeyPressed { key, modifiers, .. } = event else {
        return Task::none();
    };
    match key.as_ref() {
        Key::Named(key::Named::Tab) if modifiers.shift() => operation::focus_previous(),
        Key::Named(key::Named::Tab) => operation::focus_next(),
        Key::Named(key::Named::Escape) => {
            let env = env!(ws, lang);
            match ws.tab {
                Tab::Families => ws.families.escape(&env),
                Tab::Children => ws.children.escape(&env),
                Tab::Settings => {}
            }
            Task::none()
        }
        Key::Character("s") if modifiers.command() => {
            let env = env!(ws, lang);
            match ws.tab {
                Tab::Families if ws.families.is_editing() => {
                    let event = ws.families.save_shortcut(&env);
                    *notice = handle_family_event(ws, lang, event);
                }
                Tab::Children if ws.children.is_editing() => {
                    let event = ws.children.save_shortcut(&env);
                    *notice = handle_child_event(ws, lang, event);
                }
                _ => {}
            }
            Task::none()
        }
        Key::Character("f") if modifiers.command() => match ws.tab {
            Tab::Families => operation::focus(families::SEARCH_ID),
            Tab::Children => operation::focus(children::SEARCH_ID),
            Tab::Settings => Task::none(),
        },
        Key::Character(digit @ ("1" | "2" | "3")) if modifiers.command() => {
            ws.tab = match digit {
                "1" => Tab::Children,
                "2" => Tab::Families,
                _ => Tab::Settings,
            };
            ws.show_welcome = false;
            Task::none()
        }
        _ => Task::none(),
    }
}

/// Prints the time from process start to the first frame and the resident memory
/// (`YUVA_STARTUP_TIMING=1`), for the measurements in the README.
fn report_startup(started: Instant, workspace: Option<&Workspace>) {
    let (families, children) = workspace.map_or((0, 0), |ws| {
        (ws.registry.families.len(), ws.registry.children.len())
    });
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(|l| l.trim_start_matches("VmRSS:").trim().to_owned())
        })
        .unwrap_or_else(|| String::from("n/a"));
    eprintln!(
        "yuva: first frame after {} ms ({families} families, {children} children), resident memory {rss}",
        started.elapsed().as_millis()
    );
}
