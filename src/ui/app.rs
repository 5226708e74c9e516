//! The application root: the open registry, the tabs, language, keyboard, and the screens.

use std::path::PathBuf;
use std::time::Instant;

use chrono::{Local, NaiveDate};
use iced::keyboard::{self, Key, key};
use iced::widget::{button, column, container, operation, row, text};
use iced::{Alignment, Element, Length, Subscription, Task, Theme};

use super::screens::{
    audit, children, dashboard, families, matching, panel, placements, refusal_text, settings,
    welcome,
};
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
    Dashboard,
    Children,
    Families,
    Matching,
    Panel,
    Placements,
    Audit,
    Settings,
}

impl Tab {
    /// In the order of the header and of Ctrl+1 … Ctrl+8.
    pub const ALL: [Tab; 8] = [
        Tab::Dashboard,
        Tab::Children,
        Tab::Families,
        Tab::Matching,
        Tab::Panel,
        Tab::Placements,
        Tab::Audit,
        Tab::Settings,
    ];

    fn locale_key(self) -> &'static str {
        match self {
            Tab::Dashboard => "nav.dashboard",
            Tab::Children => "nav.children",
            Tab::Families => "nav.families",
            Tab::Matching => "nav.matching",
            Tab::Panel => "nav.panel",
            Tab::Placements => "nav.placements",
            Tab::Audit => "nav.audit",
            Tab::Settings => "nav.settings",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    Tab(Tab),
    Language(Lang),
    Welcome(welcome::Message),
    Families(families::Message),
    Children(children::Message),
    Settings(settings::Message),
    Dashboard(dashboard::Message),
    Matching(matching::Message),
    Panel(panel::Message),
    Placements(placements::Message),
    Audit(audit::Message),
    /// While the optimizer runs: redraw the time it has taken.
    Tick,
    /// Ask where to save a pack (native dialog), then write it.
    PrintPack(PackRequest),
    /// The dialog's answer: write the pack there (`None`: cancelled).
    PackPath(PackRequest, Option<PathBuf>),
    /// Open a written pack with the system's PDF viewer.
    OpenFile(PathBuf),
    Keyboard(keyboard::Event),
    FirstFrame,
    DismissNotice,
}

struct Notice {
    text: String,
    is_error: bool,
    /// A file the notice offers to open.
    open: Option<PathBuf>,
}

pub use crate::report::PackRequest;

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
    welcome: welcome::Screen,
    families: families::Screen,
    children: children::Screen,
    settings: settings::Screen,
    /// A pack a screen asked to print, answered with the save dialog after the update.
    pending_print: Option<PackRequest>,
    dashboard: dashboard::Screen,
    matching: matching::Screen,
    panel: panel::Screen,
    placements: placements::Screen,
    audit: audit::Screen,
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
macro_rules! screen_env {
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
        let mut workspace = Workspace {
            show_welcome: registry.is_empty(),
            store,
            registry,
            gazetteer,
            database: launch.database.clone(),
            today,
            tab: Tab::Dashboard,
            is_demo,
            welcome: welcome::Screen,
            families,
            children,
            settings: settings::Screen::default(),
            pending_print: None,
            dashboard: dashboard::Screen::default(),
            matching: matching::Screen::new(today),
            panel: panel::Screen::new(),
            placements: placements::Screen::default(),
            audit: audit::Screen::default(),
        };
        workspace.refresh_workflow().map_err(|e| e.to_string())?;
        Ok(workspace)
    }

    /// Reloads what the workflow screens show: sessions and the open agenda, placements,
    /// locks and exclusions, the dashboard's figures and the audit trail.
    fn refresh_workflow(&mut self) -> store::Result<()> {
        let sessions = self.store.panel_sessions()?;
        if let Some(id) = self.panel.open_session() {
            self.panel.agenda = self.store.agenda(id)?;
        }
        self.matching.sessions = sessions.clone();
        self.panel.sessions = sessions;
        let placements = self.store.placements()?;
        self.dashboard.figures = crate::domain::dashboard::Dashboard::compute(
            &self.registry.families,
            &self.registry.children,
            &self.registry.occupied,
            &placements,
            self.today,
        );
        self.placements.set_placements(placements, &self.registry);
        let registry = &self.registry;
        self.matching.pair_rules = self
            .store
            .pair_rules()?
            .into_iter()
            .map(|r| matching::PairRuleRow {
                id: r.id,
                kind: r.kind,
                child: registry
                    .child(r.child_id)
                    .map(|c| c.code.clone())
                    .unwrap_or_default(),
                family: registry
                    .family(r.family_id)
                    .map(|f| f.code.clone())
                    .unwrap_or_default(),
                reason: r.reason,
            })
            .collect();
        self.refresh_audit()
    }

    fn refresh_audit(&mut self) -> store::Result<()> {
        self.audit.entries = self.store.audit_query(&self.audit.filter())?;
        let (users, entities, actions) = self.store.audit_facets()?;
        self.audit.users = users;
        self.audit.entities = entities;
        self.audit.actions = actions;
        Ok(())
    }

    /// Reloads the registry after a change and re-runs the lists' queries.
    fn reload(&mut self, lang: Lang) -> store::Result<()> {
        self.registry = Registry::load(&self.store, &self.gazetteer)?;
        let env = screen_env!(self, lang);
        self.families.refresh(&env);
        self.children.refresh(&env);
        self.settings.recent_audit = self.store.audit_entries(30)?;
        self.refresh_workflow()
    }

    /// After a family or a child was saved: reads that record (and, for a child, the sibling
    /// groups) again instead of the whole registry, then refreshes what shows it.
    fn reload_record(&mut self, lang: Lang, tab: Tab, id: i64) -> store::Result<()> {
        match tab {
            Tab::Families => {
                let family = self.store.family(id)?;
                self.registry.put_family(family, &self.gazetteer);
            }
            Tab::Children => {
                let child = self.store.child(id)?;
                let groups = self.store.sibling_groups()?;
                self.registry.put_child(child, groups, &self.gazetteer);
            }
            _ => return self.reload(lang),
        }
        let env = screen_env!(self, lang);
        self.families.refresh(&env);
        self.children.refresh(&env);
        let placements = self.placements.records();
        self.dashboard.figures = crate::domain::dashboard::Dashboard::compute(
            &self.registry.families,
            &self.registry.children,
            &self.registry.occupied,
            &placements,
            self.today,
        );
        self.placements.set_placements(placements, &self.registry);
        self.settings.recent_audit = self.store.audit_entries(30)?;
        self.refresh_audit()
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

    /// The plan on the matching screen, if a run has finished (for tests and timing).
    pub fn matching_plan(&self) -> Option<&crate::matching::Plan> {
        self.workspace
            .as_ref()
            .ok()
            .and_then(|ws| ws.matching.outcome())
            .map(|o| &o.plan)
    }

    /// True while the optimizer runs on its worker thread.
    pub fn matching_running(&self) -> bool {
        self.workspace
            .as_ref()
            .is_ok_and(|ws| ws.matching.is_running())
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let mut subscriptions = vec![keyboard::listen().map(Message::Keyboard)];
        if !self.first_frame_seen {
            subscriptions.push(iced::window::frames().map(|_| Message::FirstFrame));
        }
        if self
            .workspace
            .as_ref()
            .is_ok_and(|ws| ws.matching.is_running())
        {
            subscriptions.push(
                iced::time::every(std::time::Duration::from_millis(500)).map(|_| Message::Tick),
            );
        }
        Subscription::batch(subscriptions)
    }

    fn notify(&mut self, text: String, is_error: bool) {
        self.notice = Some(Notice {
            text,
            is_error,
            open: None,
        });
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
            Message::OpenFile(path) => {
                if let Err(error) = opener::open(&path) {
                    let text = tr_args(lang, "pack.failed", &[("reason", error.to_string())]);
                    self.notify(text, true);
                }
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
                ws.show_welcome = false;
                let refreshed = match tab {
                    Tab::Settings => ws
                        .store
                        .audit_entries(30)
                        .map(|entries| ws.settings.recent_audit = entries),
                    Tab::Audit => ws.refresh_audit(),
                    _ => Ok(()),
                };
                if let Err(e) = refreshed {
                    notice = Some((e.to_string(), true));
                }
            }
            Message::Dashboard(message) => {
                let env = screen_env!(ws, lang);
                let (screen_task, event) = ws.dashboard.update(message, &env);
                task = screen_task.map(Message::Dashboard);
                match event {
                    Some(dashboard::Event::Children(query)) => {
                        ws.children.show_query(query, &env);
                        ws.tab = Tab::Children;
                    }
                    Some(dashboard::Event::Families(query)) => {
                        ws.families.show_query(query, &env);
                        ws.tab = Tab::Families;
                    }
                    Some(dashboard::Event::Placements) => ws.tab = Tab::Placements,
                    None => {}
                }
            }
            Message::Matching(message) => {
                let env = screen_env!(ws, lang);
                let (screen_task, event) = ws.matching.update(message, &env);
                let (run, said) = handle_matching_event(ws, lang, event);
                notice = said;
                task = Task::batch([screen_task, run]).map(Message::Matching);
            }
            Message::Tick => {}
            Message::PrintPack(request) => ws.pending_print = Some(request),
            Message::PackPath(_, None) => {}
            Message::PackPath(request, Some(path)) => {
                match write_pack(ws, lang, &self.user_settings.user_name, &request, &path) {
                    Ok(()) => {
                        let text = tr_args(
                            lang,
                            "pack.written",
                            &[("path", path.display().to_string())],
                        );
                        self.notice = Some(Notice {
                            text,
                            is_error: false,
                            open: Some(path),
                        });
                    }
                    Err(e) => {
                        notice = Some((tr_args(lang, "pack.failed", &[("reason", e)]), true));
                    }
                }
            }
            Message::Panel(message) => {
                let env = screen_env!(ws, lang);
                let (screen_task, event) = ws.panel.update(message, &env);
                task = screen_task.map(Message::Panel);
                notice = handle_panel_event(ws, lang, event);
            }
            Message::Placements(message) => {
                let env = screen_env!(ws, lang);
                let (screen_task, event) = ws.placements.update(message, &env);
                task = screen_task.map(Message::Placements);
                if let Some(placements::Event::End {
                    placement_id,
                    end_date,
                    reason,
                    note,
                }) = event
                {
                    let result =
                        ws.store
                            .end_placement(placement_id, end_date, reason, &note, ws.today);
                    notice = match result {
                        Ok(()) => {
                            ws.placements.ended();
                            reloaded(ws, lang, tr(lang, "placement.ended"))
                        }
                        Err(StoreError::Invalid(errors)) => {
                            ws.placements.rejected(errors);
                            Some((tr(lang, "error.form_has_errors"), true))
                        }
                        Err(e) => Some(store_failure(lang, &e)),
                    };
                }
            }
            Message::Audit(message) => {
                let env = screen_env!(ws, lang);
                let (screen_task, event) = ws.audit.update(message, &env);
                task = screen_task.map(Message::Audit);
                if let Some(audit::Event::FilterChanged) = event
                    && let Err(e) = ws.refresh_audit()
                {
                    notice = Some((e.to_string(), true));
                }
            }
            Message::Welcome(message) => {
                ws.show_welcome = false;
                let env = screen_env!(ws, lang);
                let (screen_task, event) = ws.welcome.update(message, &env);
                task = screen_task.map(Message::Welcome);
                if let Some(welcome::Event::CreateDemo) = event {
                    notice = Some(demo_outcome(ws, lang, false));
                }
            }
            Message::Families(message) => {
                let env = screen_env!(ws, lang);
                let (screen_task, event) = ws.families.update(message, &env);
                task = screen_task.map(Message::Families);
                notice = handle_family_event(ws, lang, event);
            }
            Message::Children(message) => {
                let env = screen_env!(ws, lang);
                let (screen_task, event) = ws.children.update(message, &env);
                task = screen_task.map(Message::Children);
                notice = handle_child_event(ws, lang, event);
            }
            Message::Settings(message) => match ws.settings.update(message, &screen_env!(ws, lang)).1 {
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
            Message::Language(_)
            | Message::FirstFrame
            | Message::DismissNotice
            | Message::OpenFile(_) => {}
        }
        if let Some(request) = ws.pending_print.take() {
            task = save_dialog(ws, request);
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
        let env = screen_env!(ws, lang);

        let tab_button = |tab: Tab, key: &str| {
            button(text(t(key)).size(15))
                .on_press(Message::Tab(tab))
                .padding([7, 10])
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
                row(Tab::ALL.map(|tab| tab_button(tab, tab.locale_key()).into())).spacing(6),
                iced::widget::space::horizontal(),
                language_buttons,
            ]
            .spacing(12)
            .align_y(Alignment::Center),
        )
        .padding([8, 16])
        .style(style::header);

        let content: Element<'_, Message> = if ws.show_welcome {
            ws.welcome.view(&env).map(Message::Welcome)
        } else {
            match ws.tab {
                Tab::Dashboard => ws.dashboard.view(&env).map(Message::Dashboard),
                Tab::Matching => ws.matching.view(&env).map(Message::Matching),
                Tab::Panel => ws.panel.view(&env).map(Message::Panel),
                Tab::Placements => ws.placements.view(&env).map(Message::Placements),
                Tab::Audit => ws.audit.view(&env).map(Message::Audit),
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
                    row![text(notice.text.clone()).size(14).width(Length::Fill),]
                        .push(notice.open.clone().map(|path| {
                            button(text(t("pack.open")).size(14))
                                .on_press(Message::OpenFile(path))
                                .style(button::secondary)
                        }))
                        .push(
                            button(text("×").size(14))
                                .on_press(Message::DismissNotice)
                                .style(button::text),
                        )
                        .spacing(10)
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
        families::Event::Print(id) => {
            ws.pending_print = Some(PackRequest::Family(id));
            None
        }
        families::Event::History(code) => {
            ws.placements.show_history(&code);
            ws.tab = Tab::Placements;
            None
        }
        families::Event::NeedCode => match ws.store.next_code("F-") {
            Ok(code) => {
                let env = screen_env!(ws, lang);
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
        children::Event::History(code) => {
            ws.placements.show_history(&code);
            ws.tab = Tab::Placements;
            None
        }
        children::Event::NeedCodes => match (ws.store.next_code("C-"), ws.store.next_code("G-")) {
            (Ok(code), Ok(group_code)) => {
                let env = screen_env!(ws, lang);
                ws.children.open_form_new(code, group_code, &env);
                None
            }
            (Err(e), _) | (_, Err(e)) => Some(save_failed(lang, &e)),
        },
        children::Event::EditWithCodes(id) => match ws.store.next_code("G-") {
            Ok(group_code) => {
                let env = screen_env!(ws, lang);
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

/// The native save dialog (asynchronous: a blocking dialog can hang the window on Windows),
/// with a sensible file name.
fn save_dialog(ws: &Workspace, request: PackRequest) -> Task<Message> {
    let name = crate::report::pack_file_name(&ws.store, &request, ws.today)
        .unwrap_or_else(|_| String::from("pack.pdf"));
    Task::perform(
        async move {
            rfd::AsyncFileDialog::new()
                .set_file_name(name)
                .add_filter("PDF", &["pdf"])
                .save_file()
                .await
                .map(|file| file.path().to_path_buf())
        },
        move |path| Message::PackPath(request.clone(), path),
    )
}

/// Writes a pack where the user chose (the file appears whole or not at all).
fn write_pack(
    ws: &Workspace,
    lang: Lang,
    user: &str,
    request: &PackRequest,
    path: &std::path::Path,
) -> Result<(), String> {
    let info = crate::report::PackInfo {
        lang,
        user: if user.trim().is_empty() {
            ws.store.user().to_owned()
        } else {
            user.to_owned()
        },
        generated: Local::now().naive_local(),
        today: ws.today,
    };
    crate::report::write_pack(&ws.store, &ws.gazetteer, request, &info, path)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Says how a store step failed: a refusal in the user's language, anything else as a failed
/// save.
fn store_failure(lang: Lang, error: &StoreError) -> (String, bool) {
    match error {
        StoreError::Refused(refusal) => (refusal_text(lang, refusal), true),
        other => save_failed(lang, other),
    }
}

/// Reloads the registry after a workflow step and confirms it with `text`.
fn reloaded(ws: &mut Workspace, lang: Lang, text: String) -> Option<(String, bool)> {
    match ws.reload(lang) {
        Ok(()) => Some((text, false)),
        Err(e) => Some(save_failed(lang, &e)),
    }
}

/// Record ids by code through the store's unique index (sending hundreds of proposals must not
/// scan the whole registry once per proposal).
fn child_id(ws: &Workspace, code: &str) -> Option<i64> {
    ws.store.child_id_by_code(code).ok().flatten()
}

fn family_id(ws: &Workspace, code: &str) -> Option<i64> {
    ws.store.family_id_by_code(code).ok().flatten()
}

/// Carries out what the matching screen asked; a run comes back as the solver's task.
fn handle_matching_event(
    ws: &mut Workspace,
    lang: Lang,
    event: Option<matching::Event>,
) -> (Task<matching::Message>, Option<(String, bool)>) {
    let Some(event) = event else {
        return (Task::none(), None);
    };
    if let matching::Event::Run(request) = event {
        let pair_rules = match ws.store.pair_rules() {
            Ok(rules) => rules,
            Err(e) => return (Task::none(), Some(save_failed(lang, &e))),
        };
        let registry = &ws.registry;
        let occupied = |f: &crate::domain::Family| registry.occupied_of(f);
        let records = crate::matching::registry::Records {
            families: &registry.families,
            children: &registry.children,
            groups: &registry.groups,
            pair_rules: &pair_rules,
            occupied: &occupied,
        };
        let mut instance = crate::matching::registry::instance_for(
            &records,
            &request.scope,
            &ws.gazetteer,
            request.planning_date,
            request.settings,
        );
        let mut label = None;
        if let Some((child, relaxation)) = &request.what_if {
            instance = crate::matching::what_if::apply_relaxation(&instance, child, relaxation);
            label = Some(format!(
                "{child}: {}",
                crate::i18n::relaxation_text(lang, relaxation)
            ));
        }
        let task = ws
            .matching
            .start(instance, request.planning_date, request.time_limit, label);
        return (task, None);
    }
    (Task::none(), handle_registry_event(ws, lang, event))
}

/// The matching screen's changes to the registry: locks, exclusions, proposals, packs.
fn handle_registry_event(
    ws: &mut Workspace,
    lang: Lang,
    event: matching::Event,
) -> Option<(String, bool)> {
    match event {
        matching::Event::Run(_) => None,
        matching::Event::PairRule {
            kind,
            child,
            family,
            reason,
        } => {
            let (Some(c), Some(f)) = (child_id(ws, &child), family_id(ws, &family)) else {
                return None;
            };
            match ws.store.add_pair_rule(kind, c, f, &reason) {
                Ok(_) => {
                    let key = match kind {
                        crate::domain::PairRuleKind::Lock => "matching.lock_done",
                        crate::domain::PairRuleKind::Exclude => "matching.exclude_done",
                    };
                    let text = tr_args(lang, key, &[("child", child), ("family", family)]);
                    reloaded(ws, lang, text)
                }
                Err(e) => Some(store_failure(lang, &e)),
            }
        }
        matching::Event::Print {
            child,
            family,
            explanation,
        } => {
            if let (Some(child_id), Some(family_id)) =
                (child_id(ws, &child), family_id(ws, &family))
            {
                ws.pending_print = Some(PackRequest::Match {
                    child_id,
                    family_id,
                    explanation: Some(explanation),
                });
            }
            None
        }
        matching::Event::Lift(id) => match ws.store.lift_pair_rule(id) {
            Ok(()) => reloaded(ws, lang, tr(lang, "matching.lift_done")),
            Err(e) => Some(store_failure(lang, &e)),
        },
        matching::Event::Send {
            session_id,
            proposals,
        } => {
            let mut rows = Vec::with_capacity(proposals.len());
            for p in &proposals {
                let (Some(child_id), Some(family_id)) =
                    (child_id(ws, &p.child), family_id(ws, &p.family))
                else {
                    continue;
                };
                rows.push(crate::store::Proposal {
                    child_id,
                    family_id,
                    distance_km: p.distance_km,
                    value: p.value,
                    planning_date: p.planning_date,
                    explanation: Some(p.explanation.clone()),
                });
            }
            match ws.store.propose(session_id, &rows) {
                Ok(ids) => {
                    ws.matching.sent();
                    let text = tr_args(lang, "matching.sent", &[("count", ids.len().to_string())]);
                    reloaded(ws, lang, text)
                }
                Err(e) => Some(store_failure(lang, &e)),
            }
        }
    }
}

fn handle_panel_event(
    ws: &mut Workspace,
    lang: Lang,
    event: Option<panel::Event>,
) -> Option<(String, bool)> {
    match event? {
        panel::Event::CreateSession(input) => match ws.store.create_session(&input) {
            Ok(id) => {
                ws.panel.created(id);
                reloaded(ws, lang, tr(lang, "panel.session_created"))
            }
            Err(StoreError::Invalid(errors)) => {
                ws.panel.rejected(errors);
                Some((tr(lang, "error.form_has_errors"), true))
            }
            Err(e) => Some(store_failure(lang, &e)),
        },
        panel::Event::Open(_) => match ws.refresh_workflow() {
            Ok(()) => None,
            Err(e) => Some(save_failed(lang, &e)),
        },
        panel::Event::Decide(item, input) => {
            let result = ws.store.decide(item, &input);
            panel_outcome(ws, lang, result.map(|_| ()), "panel.decision_recorded")
        }
        panel::Event::Correct(item, text) => {
            let result = ws.store.add_correction(item, &text);
            panel_outcome(ws, lang, result.map(|_| ()), "panel.correction_recorded")
        }
        panel::Event::PrintSession(id) => {
            ws.pending_print = Some(PackRequest::Panel(id));
            None
        }
        panel::Event::PrintItem(child_id, family_id) => {
            ws.pending_print = Some(PackRequest::Match {
                child_id,
                family_id,
                explanation: None,
            });
            None
        }
        panel::Event::Rerun => {
            ws.tab = Tab::Matching;
            None
        }
    }
}

fn panel_outcome(
    ws: &mut Workspace,
    lang: Lang,
    result: store::Result<()>,
    done_key: &str,
) -> Option<(String, bool)> {
    match result {
        Ok(()) => {
            ws.panel.recorded();
            reloaded(ws, lang, tr(lang, done_key))
        }
        Err(StoreError::Invalid(errors)) => {
            ws.panel.rejected(errors);
            Some((tr(lang, "error.form_has_errors"), true))
        }
        Err(StoreError::Refused(refusal)) => {
            let text = refusal_text(lang, &refusal);
            ws.panel.refused(text.clone());
            Some((text, true))
        }
        Err(e) => Some(save_failed(lang, &e)),
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
            if let Err(e) = ws.reload_record(lang, tab, id) {
                return Some(save_failed(lang, &e));
            }
            let env = screen_env!(ws, lang);
            match tab {
                Tab::Families => ws.families.saved(id, &env),
                Tab::Children => ws.children.saved(id, &env),
                _ => {}
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
                _ => {}
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
/// the search box, Ctrl+1 … Ctrl+8 switch tabs.
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
            let env = screen_env!(ws, lang);
            match ws.tab {
                Tab::Families => ws.families.escape(&env),
                Tab::Children => ws.children.escape(&env),
                _ => {}
            }
            Task::none()
        }
        Key::Character("s") if modifiers.command() => {
            let env = screen_env!(ws, lang);
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
            Tab::Placements => operation::focus(placements::SEARCH_ID),
            Tab::Audit => operation::focus(audit::SEARCH_ID),
            _ => Task::none(),
        },
        Key::Character(digit) if modifiers.command() => {
            if let Some(tab) = digit
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| Tab::ALL.get(i))
            {
                ws.tab = *tab;
                ws.show_welcome = false;
            }
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
