//! The application root: the open registry, the tabs, language, keyboard, and the screens.

use std::path::PathBuf;
use std::time::Instant;

use chrono::{Local, NaiveDate};
use iced::keyboard::{self};
use iced::widget::{button, column, container, row, text};
use iced::{Alignment, Element, Length, Subscription, Task, Theme};

use super::screens::{
    audit, children, dashboard, families, matching, panel, placements, refusal_text, settings,
    sign_in, welcome,
};
use super::{Env, Registry, style};
use crate::demo::{self, DemoOptions};
use crate::domain::Context;
use crate::geo::Gazetteer;
use crate::i18n::{Lang, tr, tr_args};
use crate::settings::UserSettings;
use crate::store::{self, Store, StoreError};
use crate::ui::widgets::RecordLink;

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
    /// The registry's passphrase when it is known already (`YUVA_PASSPHRASE`; tests).
    pub passphrase: Option<store::Passphrase>,
    /// Keep and look up passphrases in the operating system's credential store (tests: no).
    pub keystore: bool,
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
    /// The audit log's hash chain, checked in the background after the window opened: the
    /// first entry that does not fit, if any.
    AuditChecked(Result<Option<store::audit_chain::ChainBreak>, String>),
    /// Where to save a copy of the registry (`None`: no file chosen).
    BackupPath(Option<PathBuf>),
    /// Which backup to restore (`None`: none chosen).
    RestorePath(Option<PathBuf>),
    /// A backup made (or why not), on a worker thread.
    BackupDone(PathBuf, Result<(), String>),
    /// The chosen backup checked (or why it cannot be restored), on a worker thread.
    RestoreChecked(Result<settings::PendingRestore, String>),
    /// The sign-in (or lock) screen.
    SignIn(sign_in::Message),
    /// Which file to import (`None`: none chosen).
    ImportPath(settings::ImportKind, Option<PathBuf>),
    /// The chosen file read and checked on a worker thread (nothing written).
    ImportChecked(Result<settings::PendingImport, String>),
    /// The import done on a worker thread: the rows written, or why not.
    ImportDone(Result<usize, String>),
    /// How far the sync with the hub is.
    SyncProgress(crate::sync::SyncProgress),
    /// The sync done (online, or a bundle written or taken in): what it did, or why not.
    SyncDone(Result<SyncOutcome, String>),
    /// Where to write a bundle for the hub, or which of its bundles to take in.
    BundleExportPath(Option<PathBuf>),
    BundleImportPath(Option<PathBuf>),
    /// How far the import (or its check) is.
    ImportProgress(crate::exchange::import::Progress),
    /// Where to save an exported list (`None`: no file chosen).
    ExportPath(crate::exchange::List, Option<PathBuf>),
    /// Where to save the import template (`None`: no file chosen).
    TemplatePath(Option<PathBuf>),
    /// Where to save the indicators report of a period (`None`: no file chosen).
    ReportPath(crate::domain::indicators::Period, Option<PathBuf>),
    /// A click or a scroll: the person is there (keys count too).
    Activity,
    /// Every few seconds while a registry is open: lock when idle too long.
    IdleCheck(Instant),
    /// Lock the window now (the header's button).
    Lock,
    /// Sign out: the registry stays open behind the sign-in screen.
    SignOut,
}

/// The sign-in screen in front of the registry: before anyone signs in (`store` is the opened
/// registry, waiting), or over a locked workspace (`store` is `None`).
struct Gate {
    screen: sign_in::Screen,
    store: Option<Store>,
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
    /// The registry's key, for the connections worker threads open.
    passphrase: store::Passphrase,
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
    /// A list a screen asked to export, answered with the save dialog after the update.
    pending_export: Option<crate::exchange::List>,
    dashboard: dashboard::Screen,
    matching: matching::Screen,
    panel: panel::Screen,
    placements: placements::Screen,
    audit: audit::Screen,
    /// What the signed-in person may do (screens offer nothing else), as of the last sign-in.
    allowed: Vec<crate::domain::access::Action>,
}

pub struct App {
    lang: Lang,
    /// How the window was started (the workspace is built once someone signs in).
    launch: Launch,
    /// In front of everything while nobody is signed in or the window is locked.
    gate: Option<Gate>,
    /// The last key, click or scroll.
    last_input: Instant,
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
            allowed: &$ws.allowed,
        }
    };
}

mod events;
mod shortcuts;

use events::*;
use shortcuts::{keyboard_shortcut, report_startup};

impl Workspace {
    /// The screens on a registry someone has signed in to.
    fn open(launch: &Launch, lang: Lang, store: Store) -> Result<Workspace, String> {
        let gazetteer = Gazetteer::embedded().map_err(|e| e.to_string())?;
        let passphrase = store
            .passphrase()
            .cloned()
            .ok_or_else(|| String::from("the registry has no passphrase"))?;
        let registry = Registry::load(&store, &gazetteer).map_err(|e| e.to_string())?;
        let today = launch.today.unwrap_or_else(|| Local::now().date_naive());
        let is_demo = store.is_demo().map_err(|e| e.to_string())?;
        let env = Env {
            lang,
            gazetteer: &gazetteer,
            registry: &registry,
            today,
            allowed: &[],
        };
        let families = families::Screen::new(&env);
        let children = children::Screen::new(&env);
        let mut workspace = Workspace {
            show_welcome: registry.is_empty(),
            store,
            passphrase,
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
            pending_export: None,
            dashboard: dashboard::Screen::default(),
            matching: matching::Screen::new(today),
            panel: panel::Screen::new(),
            placements: placements::Screen::default(),
            audit: audit::Screen::new(lang),
            allowed: Vec::new(),
        };
        workspace.refresh_allowed();
        workspace.refresh_workflow().map_err(|e| e.to_string())?;
        Ok(workspace)
    }

    /// The settings screen's audit entries and (for administrators) accounts.
    fn refresh_settings(&mut self) -> store::Result<()> {
        self.settings.recent_audit = self.store.audit_entries(30)?;
        self.settings.pilot_districts = self.store.pilot_districts()?;
        self.settings.sync.status = crate::ui::screens::sync::Status {
            office: self.store.office()?,
            hub: self.store.setting(crate::store::sync::HUB_URL)?,
            last_sync: self.store.last_sync()?,
            is_demo: self.is_demo,
        };
        self.settings.sync.conflicts = self.store.sync_conflicts()?;
        self.settings.accounts = if self
            .store
            .may(crate::domain::access::Action::ManageAccounts)
            .is_ok()
        {
            self.store.accounts()?
        } else {
            Vec::new()
        };
        Ok(())
    }

    /// What the signed-in person may do here, for the screens to offer.
    fn refresh_allowed(&mut self) {
        self.allowed = crate::domain::access::Action::ALL
            .into_iter()
            .filter(|action| self.store.may(*action).is_ok())
            .collect();
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
                since: r.created_at.get(..10).unwrap_or_default().to_owned(),
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

    /// The registry's records in memory, with the locks and exclusions in force, for a run or
    /// a child's ranking of families.
    fn with_records<R>(
        &self,
        use_them: impl FnOnce(&crate::matching::registry::Records<'_>) -> R,
    ) -> store::Result<R> {
        let pair_rules = self.store.pair_rules()?;
        let registry = &self.registry;
        let occupied = |f: &crate::domain::Family| registry.occupied_of(f);
        Ok(use_them(&crate::matching::registry::Records {
            families: &registry.families,
            children: &registry.children,
            groups: &registry.groups,
            pair_rules: &pair_rules,
            occupied: &occupied,
        }))
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
        self.is_demo = true;
        Ok(summary)
    }

    /// Deletes the registry file and creates a fresh demo registry in its place (a copy of the
    /// demo as it was goes to the backups folder first, the last few kept).
    fn reset_demo(&mut self) -> store::Result<demo::DemoSummary> {
        if !self.store.is_demo()? {
            return Err(StoreError::Refused(crate::domain::Refusal::new(
                "refusal.not_a_demo",
                Vec::new(),
            )));
        }
        store::copy_before_reset(&self.store, &self.database)?;
        self.store.may(crate::domain::access::Action::LoadDemo)?;
        let actor = self.store.actor().cloned();
        // The same people sign in to the new demo: its accounts come from the copy just made.
        let accounts = Store::open_read_only(&self.database, &self.passphrase)?;
        // Close the file before deleting it (Windows refuses to delete an open file), delete it
        // only while no other window or command has it open, and open the file again whatever
        // happened — the window never goes on with edits that would not be kept.
        self.store = Store::open_in_memory()?;
        let deleted = store::hold_exclusive(&self.database).and_then(|_hold| {
            store::delete_registry_file(&self.database).map_err(|source| StoreError::Folder {
                path: self.database.display().to_string(),
                source,
            })
        });
        self.store = Store::open(&self.database, &self.passphrase)?;
        let carried = match &deleted {
            Ok(()) => self.store.adopt_accounts(&accounts).map(|_| ()),
            Err(_) => Ok(()),
        };
        drop(accounts);
        if let Some(actor) = &actor {
            self.store.resume(actor)?;
        }
        deleted?;
        carried?;
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
        // The registry opens now when its passphrase is known (a damaged or locked file says
        // so at once); its records are read once someone has signed in.
        let (gate, workspace) = match first_gate(&launch) {
            Ok(gate) => (Some(gate), Err(String::new())),
            Err(reason) => (None, Err(reason)),
        };
        App {
            lang,
            settings_file: launch.settings_file.clone(),
            started: launch.started,
            launch,
            gate,
            last_input: Instant::now(),
            user_settings,
            first_frame_seen: false,
            notice: None,
            workspace,
        }
    }

    /// Who is signed in, if anyone (and the window is not locked).
    pub fn signed_in(&self) -> Option<&store::Actor> {
        if self.gate.is_some() {
            return None;
        }
        self.workspace.as_ref().ok().and_then(|ws| ws.store.actor())
    }

    /// Whether the sign-in or lock screen is showing.
    pub fn at_the_door(&self) -> bool {
        self.gate.is_some()
    }

    /// Handles the sign-in screen; `None` when the message was not for it.
    fn update_gate(&mut self, message: sign_in::Message) -> Task<Message> {
        let lang = self.lang;
        let Some(gate) = &mut self.gate else {
            return Task::none();
        };
        let (task, event) = gate.screen.update(message);
        let task = task.map(Message::SignIn);
        let outcome = match event {
            None => return task,
            Some(sign_in::Event::Language(new)) => return self.update(Message::Language(new)),
            Some(sign_in::Event::SomeoneElse) => {
                self.sign_out();
                return task;
            }
            Some(sign_in::Event::Passphrase {
                passphrase,
                remember,
            }) => {
                let passphrase = store::Passphrase::given(&passphrase);
                match Store::open(&self.launch.database, &passphrase) {
                    Ok(store) => {
                        if remember && self.launch.keystore {
                            let _ = crate::keystore::remember(&self.launch.database, &passphrase);
                        }
                        *gate = account_gate(store);
                        return Task::batch([task, self.focus_gate()]);
                    }
                    Err(e) => Err(e),
                }
            }
            Some(sign_in::Event::Encrypt { passphrase }) => {
                match store::Passphrase::new(&passphrase)
                    .map_err(StoreError::Invalid)
                    .and_then(|p| Store::open(&self.launch.database, &p).map(|s| (s, p)))
                {
                    Ok((store, passphrase)) => {
                        if self.launch.keystore {
                            let _ = crate::keystore::remember(&self.launch.database, &passphrase);
                        }
                        *gate = account_gate(store);
                        return Task::batch([task, self.focus_gate()]);
                    }
                    Err(e) => Err(e),
                }
            }
            Some(sign_in::Event::CreateAdministrator {
                login,
                full_name,
                password,
                passphrase,
            }) => {
                // A new registry: checked before the file is made, then made with its key.
                let checked =
                    crate::domain::access::validate_account(&login, &full_name, &password);
                let mut errors = checked;
                let key = passphrase.map(|text| store::Passphrase::new(&text));
                if let Some(Err(key_errors)) = &key {
                    errors.extend(key_errors.clone());
                }
                if !errors.is_empty() {
                    Err(StoreError::Invalid(errors))
                } else {
                    if gate.store.is_none()
                        && let Some(Ok(passphrase)) = &key
                    {
                        match Store::open(&self.launch.database, passphrase) {
                            Ok(store) => {
                                if self.launch.keystore {
                                    let _ = crate::keystore::remember(
                                        &self.launch.database,
                                        passphrase,
                                    );
                                }
                                gate.store = Some(store);
                            }
                            Err(e) => {
                                let text = store_failure(lang, &e).0;
                                gate.screen.refused(Some(text), Default::default());
                                return task;
                            }
                        }
                    }
                    match gate.store.as_mut() {
                        Some(store) => store
                            .create_first_administrator(&login, &full_name, &password)
                            .map(|_| ()),
                        None => Ok(()),
                    }
                }
            }
            Some(sign_in::Event::SignIn { login, password }) => {
                let store = match gate.store.as_mut() {
                    Some(store) => Some(store),
                    None => self.workspace.as_mut().ok().map(|ws| &mut ws.store),
                };
                match store {
                    Some(store) => store.sign_in(&login, &password).map(|_| ()),
                    None => Ok(()),
                }
            }
        };
        match outcome {
            Err(StoreError::Invalid(errors)) => gate.screen.refused(None, errors),
            Err(StoreError::WrongPassphrase { .. }) => {
                gate.screen.refused(
                    Some(tr(lang, "sign_in.wrong_passphrase")),
                    Default::default(),
                );
            }
            // The lock asks for a password only: a wrong one is said so.
            Err(StoreError::Refused(refusal))
                if refusal.key == "refusal.sign_in_wrong"
                    && matches!(gate.screen.mode(), sign_in::Mode::Unlock { .. }) =>
            {
                gate.screen
                    .refused(Some(tr(lang, "sign_in.wrong_password")), Default::default());
            }
            Err(e) => {
                let text = store_failure(lang, &e).0;
                gate.screen.refused(Some(text), Default::default());
            }
            Ok(()) => {
                let Some(gate) = self.gate.take() else {
                    return task;
                };
                self.last_input = Instant::now();
                if let Some(store) = gate.store {
                    self.workspace = Workspace::open(&self.launch, lang, store).map(Box::new);
                    // The audit check and the day's copy, now that the registry is in use.
                    if self.first_frame_seen {
                        return self.check_audit();
                    }
                }
            }
        }
        task
    }

    /// The keyboard in the door's first field (nothing when there is no door).
    fn focus_gate(&self) -> Task<Message> {
        match &self.gate {
            Some(gate) => iced::widget::operation::focus(gate.screen.first_field()),
            None => Task::none(),
        }
    }

    /// The audit chain checked in the background (and the day's copy made).
    fn check_audit(&self) -> Task<Message> {
        match &self.workspace {
            Ok(ws) => Task::perform(
                verify_audit_in_background(ws.database.clone(), ws.passphrase.clone(), ws.today),
                Message::AuditChecked,
            ),
            Err(_) => Task::none(),
        }
    }

    /// Locks the window over the open workspace: the same person's password opens it again,
    /// with every screen as it was.
    fn lock(&mut self) {
        let Ok(ws) = &mut self.workspace else {
            return;
        };
        let Some(actor) = ws.store.actor().cloned() else {
            return;
        };
        // Nothing can be written while the window is locked.
        ws.store.sign_out();
        self.notice = None;
        self.gate = Some(Gate {
            screen: sign_in::Screen::new(sign_in::Mode::Unlock {
                login: actor.login().to_owned(),
                full_name: actor.full_name().to_owned(),
            }),
            store: None,
        });
    }

    /// Closes the screens (what was on them is let go) and shows the sign-in screen on the
    /// same registry.
    fn sign_out(&mut self) {
        let workspace = std::mem::replace(&mut self.workspace, Err(String::new()));
        self.notice = None;
        match workspace {
            Ok(ws) => {
                let mut store = ws.store;
                store.sign_out();
                self.gate = Some(Gate {
                    screen: sign_in::Screen::new(sign_in::Mode::SignIn),
                    store: Some(store),
                });
            }
            Err(reason) => self.workspace = Err(reason),
        }
    }

    /// Minutes without input before the window locks (the registry's setting).
    fn idle_limit(&self) -> std::time::Duration {
        let minutes = self
            .workspace
            .as_ref()
            .ok()
            .and_then(|ws| ws.store.idle_lock_minutes().ok())
            .unwrap_or(crate::domain::access::DEFAULT_IDLE_LOCK_MINUTES);
        std::time::Duration::from_secs(u64::from(minutes) * 60)
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
    /// Whether the settings are being priced (for tests).
    pub fn matching_pricing(&self) -> bool {
        self.workspace
            .as_ref()
            .is_ok_and(|ws| ws.matching.is_pricing())
    }

    /// The notice the window shows now, if any (for the headless tests).
    pub fn notice_text(&self) -> Option<&str> {
        self.notice.as_ref().map(|n| n.text.as_str())
    }

    pub fn matching_running(&self) -> bool {
        self.workspace
            .as_ref()
            .is_ok_and(|ws| ws.matching.is_running())
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let mut subscriptions = vec![
            keyboard::listen().map(Message::Keyboard),
            iced::event::listen_with(|event, _status, _window| match event {
                iced::Event::Mouse(
                    iced::mouse::Event::ButtonPressed(_) | iced::mouse::Event::WheelScrolled { .. },
                ) => Some(Message::Activity),
                _ => None,
            }),
        ];
        if self.gate.is_none() && self.workspace.is_ok() {
            subscriptions.push(
                iced::time::every(std::time::Duration::from_secs(15)).map(Message::IdleCheck),
            );
        }
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
        if matches!(message, Message::Keyboard(_)) {
            self.last_input = Instant::now();
        }
        match message {
            Message::SignIn(message) => return self.update_gate(message),
            Message::Activity => {
                self.last_input = Instant::now();
                return Task::none();
            }
            Message::IdleCheck(now) => {
                if self.gate.is_none()
                    && now.saturating_duration_since(self.last_input) >= self.idle_limit()
                {
                    self.lock();
                    return self.focus_gate();
                }
                return Task::none();
            }
            Message::Lock => {
                self.lock();
                return self.focus_gate();
            }
            Message::SignOut => {
                self.sign_out();
                return self.focus_gate();
            }
            // At the door, Tab moves between its fields; nothing else behind it is handled.
            Message::Keyboard(keyboard::Event::KeyPressed { key, modifiers, .. })
                if self.gate.is_some() =>
            {
                return match key {
                    keyboard::Key::Named(keyboard::key::Named::Tab) if modifiers.shift() => {
                        iced::widget::operation::focus_previous()
                    }
                    keyboard::Key::Named(keyboard::key::Named::Tab) => {
                        iced::widget::operation::focus_next()
                    }
                    _ => Task::none(),
                };
            }
            // Behind the door nothing of the registry is on screen, so what still arrives is the
            // answer of work started before the lock (a run, a backup): it is taken in, and shown
            // once the same person is back.
            Message::Language(new) => {
                self.lang = new;
                if let Ok(ws) = &mut self.workspace {
                    ws.audit.lang = new;
                }
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
                return Task::batch([self.check_audit(), self.focus_gate()]);
            }
            Message::AuditChecked(result) => {
                let lang = self.lang;
                self.notice = match result {
                    Ok(None) => return Task::none(),
                    Ok(Some(broken)) => {
                        let key = match broken.kind {
                            store::audit_chain::BreakKind::Altered => "audit.chain_altered",
                            store::audit_chain::BreakKind::OutOfSequence => {
                                "audit.chain_out_of_sequence"
                            }
                            store::audit_chain::BreakKind::Unsealed => "audit.chain_unsealed",
                        };
                        Some(Notice {
                            text: tr_args(
                                lang,
                                key,
                                &[
                                    ("entry", broken.entry_id.to_string()),
                                    ("at", broken.at.clone()),
                                ],
                            ),
                            is_error: true,
                            open: None,
                        })
                    }
                    Err(reason) => Some(Notice {
                        text: tr_args(lang, "audit.chain_unchecked", &[("reason", reason)]),
                        is_error: true,
                        open: None,
                    }),
                };
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
                // Each screen opens at its top, not at the scroll position the screen before
                // it was left at (the widget tree keeps scroll state by position).
                task = crate::ui::widgets::reveal::scroll_all_to_top();
                ws.tab = tab;
                ws.show_welcome = false;
                let refreshed = match tab {
                    Tab::Settings => ws.refresh_settings(),
                    Tab::Audit => ws.refresh_audit(),
                    Tab::Placements => {
                        ws.placements.show_all();
                        Ok(())
                    }
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
                if event.is_some() {
                    task = Task::batch([task, crate::ui::widgets::reveal::scroll_all_to_top()]);
                }
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
                    Some(dashboard::Event::Report(period, format)) => {
                        task = report_dialog(period, format);
                    }
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
            // No file chosen — or no file dialog could open on this computer: say so, and how
            // else a pack can be had, rather than nothing at all.
            Message::PackPath(_, None) => notice = Some((tr(lang, "pack.not_saved"), true)),
            Message::PackPath(request, Some(path)) => match write_pack(ws, lang, &request, &path) {
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
            },
            Message::Panel(message) => {
                let env = screen_env!(ws, lang);
                let (screen_task, event) = ws.panel.update(message, &env);
                task = screen_task.map(Message::Panel);
                if let Some(panel::Event::OpenRecord(record)) = event {
                    return open_record(ws, record);
                }
                notice = handle_panel_event(ws, lang, event);
            }
            Message::Placements(message) => {
                let env = screen_env!(ws, lang);
                let (screen_task, event) = ws.placements.update(message, &env);
                task = screen_task.map(Message::Placements);
                match &event {
                    Some(placements::Event::OpenChild(id)) => {
                        return open_record(ws, RecordLink::Child(*id));
                    }
                    Some(placements::Event::OpenFamily(id)) => {
                        return open_record(ws, RecordLink::Family(*id));
                    }
                    _ => {}
                }
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
                match event {
                    Some(audit::Event::FilterChanged) => {
                        if let Err(e) = ws.refresh_audit() {
                            notice = Some((e.to_string(), true));
                        }
                    }
                    Some(audit::Event::OpenRecord(record)) => {
                        return open_record(ws, record);
                    }
                    Some(audit::Event::Export) => {
                        ws.pending_export = Some(crate::exchange::List::Audit);
                    }
                    None => {}
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
            Message::Settings(message) => match ws
                .settings
                .update(message, &screen_env!(ws, lang))
                .1
            {
                Some(settings::Event::Language(new)) => return self.update(Message::Language(new)),
                Some(settings::Event::AddAccount {
                    login,
                    full_name,
                    role,
                    password,
                }) => {
                    let added = ws.store.add_account(&store::NewAccount {
                        login: &login,
                        full_name: &full_name,
                        role,
                        password: &password,
                    });
                    notice = match added {
                        Ok(_) => {
                            ws.settings.account_added();
                            settings_changed(
                                ws,
                                lang,
                                tr_args(lang, "settings.account_added", &[("login", login)]),
                            )
                        }
                        Err(StoreError::Invalid(errors)) => {
                            ws.settings.account_errors = errors;
                            Some((tr(lang, "error.form_has_errors"), true))
                        }
                        Err(e) => Some(store_failure(lang, &e)),
                    };
                }
                Some(settings::Event::SetDisabled(id, disabled)) => {
                    notice = match ws.store.set_account_disabled(id, disabled) {
                        Ok(()) => settings_changed(
                            ws,
                            lang,
                            tr(
                                lang,
                                if disabled {
                                    "settings.account_now_disabled"
                                } else {
                                    "settings.account_now_enabled"
                                },
                            ),
                        ),
                        Err(e) => Some(store_failure(lang, &e)),
                    };
                }
                Some(settings::Event::ResetPassword(id)) => {
                    let reset = store::generate_password().and_then(|password| {
                        ws.store.reset_password(id, &password).map(|()| password)
                    });
                    notice = match reset {
                        Ok(password) => {
                            let login = ws
                                .settings
                                .accounts
                                .iter()
                                .find(|a| a.id == id)
                                .map(|a| a.login.clone())
                                .unwrap_or_default();
                            settings_changed(
                                ws,
                                lang,
                                tr_args(
                                    lang,
                                    "settings.password_reset",
                                    &[("login", login), ("password", password)],
                                ),
                            )
                        }
                        Err(e) => Some(store_failure(lang, &e)),
                    };
                }
                Some(settings::Event::Sync(event)) => {
                    use crate::ui::screens::sync;
                    match event {
                        sync::Event::Enrol { hub, token } => {
                            ws.settings.sync.progress = Some(tr(lang, "sync.running"));
                            task = sync_on_worker(ws, lang, SyncJob::Online(Some((hub, token))));
                        }
                        sync::Event::Sync => {
                            ws.settings.sync.progress = Some(tr(lang, "sync.running"));
                            task = sync_on_worker(ws, lang, SyncJob::Online(None));
                        }
                        sync::Event::ExportBundle => task = bundle_export_dialog(ws),
                        sync::Event::ImportBundle => task = bundle_import_dialog(),
                        sync::Event::Resolve(id, keep) => {
                            let context = Context {
                                today: ws.today,
                                gazetteer: &ws.gazetteer,
                            };
                            notice = match ws.store.resolve_conflict(id, &keep, &context) {
                                Ok(()) => match ws.refresh_settings() {
                                    Ok(()) => reloaded(ws, lang, tr(lang, "sync.resolved")),
                                    Err(e) => Some(store_failure(lang, &e)),
                                },
                                Err(e) => Some(store_failure(lang, &e)),
                            };
                        }
                    }
                }
                Some(settings::Event::PilotDistricts(codes)) => {
                    let saved = ws.store.set_pilot_districts(&codes, &ws.gazetteer);
                    if saved.is_ok() {
                        ws.settings.pilot_saved();
                    }
                    notice = setting_saved(ws, lang, saved, tr(lang, "indicators.settings_saved"));
                }
                Some(settings::Event::IdleLock(minutes)) => {
                    let saved = ws.store.set_idle_lock_minutes(minutes);
                    let said = tr_args(
                        lang,
                        "settings.idle_lock_saved",
                        &[("minutes", minutes.to_string())],
                    );
                    notice = setting_saved(ws, lang, saved, said);
                }
                Some(settings::Event::ChooseImport(kind)) => task = import_dialog(kind),
                Some(settings::Event::SaveTemplate) => task = template_dialog(lang),
                Some(settings::Event::Import(pending)) => {
                    task = import_on_worker(ws, lang, pending, false);
                }
                Some(settings::Event::Recheck(pending)) => {
                    task = import_on_worker(ws, lang, pending, true);
                }
                Some(settings::Event::CreateDemo) => notice = Some(demo_outcome(ws, lang, false)),
                Some(settings::Event::ResetDemo) => notice = Some(demo_outcome(ws, lang, true)),
                Some(settings::Event::BackUp) => task = backup_dialog(ws),
                Some(settings::Event::ChooseBackup) => task = restore_dialog(),
                Some(settings::Event::Restore(path)) => {
                    let said = restore_outcome(ws, lang, &path);
                    if ws.store.actor().is_none() {
                        // The restored registry does not know this person: sign in again.
                        self.sign_out();
                        self.notify(said.0, said.1);
                        return Task::none();
                    }
                    notice = Some(said);
                }
                None => {}
            },
            Message::ImportPath(_, None) => {}
            Message::ImportPath(kind, Some(path)) => {
                let pending = settings::PendingImport {
                    kind,
                    path,
                    outcome: Default::default(),
                    update_duplicates: false,
                };
                task = import_on_worker(ws, lang, pending, true);
            }
            Message::ImportProgress(progress) => ws.settings.import_progress = Some(progress),
            Message::SyncProgress(progress) => {
                ws.settings.sync.progress =
                    Some(crate::ui::screens::sync::progress_text(lang, progress));
            }
            Message::BundleExportPath(None) | Message::BundleImportPath(None) => {}
            Message::BundleExportPath(Some(path)) => {
                ws.settings.sync.progress = Some(tr(lang, "sync.running"));
                task = sync_on_worker(ws, lang, SyncJob::Export(path));
            }
            Message::BundleImportPath(Some(path)) => {
                ws.settings.sync.progress = Some(tr(lang, "sync.running"));
                task = sync_on_worker(ws, lang, SyncJob::Import(path));
            }
            Message::SyncDone(result) => {
                ws.settings.sync.progress = None;
                let counts = |report: &crate::sync::SyncReport| {
                    vec![
                        ("sent", report.pushed.to_string()),
                        ("received", report.pulled.to_string()),
                        ("added", report.added.to_string()),
                        ("updated", report.updated.to_string()),
                        ("conflicts", report.conflicts.to_string()),
                    ]
                };
                let said = match result {
                    Ok(SyncOutcome::Synced { enrolled, report }) => {
                        if enrolled.is_some() {
                            ws.settings.sync.enrolled();
                        }
                        Ok(tr_args(lang, "sync.done", &counts(&report)))
                    }
                    Ok(SyncOutcome::Imported(report)) => {
                        Ok(tr_args(lang, "sync.bundle_imported", &counts(&report)))
                    }
                    Ok(SyncOutcome::Exported { path, export }) => Ok(tr_args(
                        lang,
                        "sync.bundle_exported",
                        &[
                            ("number", export.number.to_string()),
                            ("records", export.records.to_string()),
                            ("path", path.display().to_string()),
                        ],
                    )),
                    Err(reason) => Err(reason),
                };
                notice = match said {
                    Ok(said) => match ws.refresh_settings() {
                        Ok(()) => reloaded(ws, lang, said),
                        Err(e) => Some(store_failure(lang, &e)),
                    },
                    Err(reason) => {
                        // Enrolment may have happened before the sync failed.
                        let _ = ws.refresh_settings();
                        Some((tr_args(lang, "sync.failed", &[("reason", reason)]), true))
                    }
                };
            }
            Message::ImportChecked(Ok(pending)) => {
                ws.settings.import_progress = None;
                ws.settings.pending_import = Some(pending);
            }
            Message::ImportChecked(Err(reason)) | Message::ImportDone(Err(reason)) => {
                ws.settings.import_progress = None;
                notice = Some((tr_args(lang, "import.failed", &[("reason", reason)]), true));
            }
            Message::ImportDone(Ok(written)) => {
                ws.settings.import_progress = None;
                notice = reloaded(
                    ws,
                    lang,
                    tr_args(lang, "import.done", &[("count", written.to_string())]),
                );
            }
            Message::TemplatePath(None) => {}
            Message::TemplatePath(Some(path)) => {
                notice = Some(
                    match crate::exchange::import::write_template(&path, &ws.gazetteer, lang) {
                        Ok(()) => {
                            self.notice = Some(Notice {
                                text: tr_args(
                                    lang,
                                    "import.template_written",
                                    &[("path", path.display().to_string())],
                                ),
                                is_error: false,
                                open: Some(path),
                            });
                            return Task::none();
                        }
                        Err(e) => (
                            tr_args(lang, "import.template_failed", &[("reason", e.to_string())]),
                            true,
                        ),
                    },
                );
            }
            Message::ReportPath(_, None) => {
                notice = Some((tr(lang, "indicators.not_saved"), true));
            }
            Message::ReportPath(period, Some(path)) => {
                self.notice = Some(report_outcome(ws, lang, period, &path));
                return Task::none();
            }
            Message::ExportPath(_, None) => {}
            Message::ExportPath(list, Some(path)) => {
                self.notice = Some(export_outcome(ws, lang, list, &path));
                return Task::none();
            }
            Message::BackupPath(None) => {}
            // Copying and checking a registry takes a while: off the window's thread.
            Message::BackupPath(Some(path)) => {
                let database = ws.database.clone();
                let actor = ws.store.actor().cloned();
                let passphrase = ws.passphrase.clone();
                task = Task::perform(
                    on_worker(move || {
                        let made = Store::open_read_only(&database, &passphrase)
                            .and_then(|mut store| {
                                if let Some(actor) = &actor {
                                    store.resume(actor)?;
                                }
                                store.backup_to(&path)
                            })
                            .map_err(|e| e.to_string());
                        (path, made)
                    }),
                    |result| match result {
                        Ok((path, made)) => Message::BackupDone(path, made),
                        Err(e) => Message::BackupDone(PathBuf::new(), Err(e)),
                    },
                );
            }
            Message::BackupDone(path, result) => {
                notice = Some(match result {
                    Ok(()) => (
                        tr_args(
                            lang,
                            "settings.backup_done",
                            &[("path", path.display().to_string())],
                        ),
                        false,
                    ),
                    Err(reason) => (
                        tr_args(lang, "settings.backup_failed", &[("reason", reason)]),
                        true,
                    ),
                });
            }
            Message::RestorePath(None) => {}
            Message::RestorePath(Some(path)) => {
                // Checked before anything is asked: a damaged or foreign file is refused now.
                let passphrase = ws.passphrase.clone();
                task = Task::perform(
                    on_worker(move || {
                        store::check_backup(&path, &passphrase)
                            .and_then(|()| {
                                let backup = Store::open_read_only(&path, &passphrase)?;
                                Ok(settings::PendingRestore {
                                    families: backup.families()?.len(),
                                    children: backup.children()?.len(),
                                    path,
                                })
                            })
                            .map_err(|e| e.to_string())
                    }),
                    |result| Message::RestoreChecked(result.and_then(|checked| checked)),
                );
            }
            Message::RestoreChecked(Ok(pending)) => ws.settings.pending_restore = Some(pending),
            Message::RestoreChecked(Err(reason)) => {
                notice = Some((
                    tr_args(lang, "settings.restore_failed", &[("reason", reason)]),
                    true,
                ));
            }
            Message::Keyboard(event) => task = keyboard_shortcut(ws, lang, event, &mut notice),
            Message::Language(_)
            | Message::FirstFrame
            | Message::DismissNotice
            | Message::AuditChecked(_)
            | Message::OpenFile(_)
            | Message::SignIn(_)
            | Message::Activity
            | Message::IdleCheck(_)
            | Message::Lock
            | Message::SignOut => {}
        }
        if let Some(request) = ws.pending_print.take() {
            task = save_dialog(ws, request);
        }
        if let Some(list) = ws.pending_export.take() {
            task = export_dialog(ws, list);
        }
        if let Some((text, is_error)) = notice {
            self.notify(text, is_error);
        }
        task
    }

    pub fn view(&self) -> Element<'_, Message> {
        let lang = self.lang;
        let t = |key: &str| tr(lang, key);
        if let Some(gate) = &self.gate {
            return gate.screen.view(lang).map(Message::SignIn);
        }
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
                signed_in_menu(ws.store.actor(), lang),
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
                        is_demo: ws.is_demo,
                        is_empty: ws.registry.is_empty(),
                        allowed: &ws.allowed,
                        idle_lock_minutes: ws.store.idle_lock_minutes().unwrap_or_default(),
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
        crate::ui::widgets::shortcut_guard::shortcut_guard(page.push(content))
    }
}

/// Checks the registry's audit chain on a connection of its own, off the window's thread (a long
/// log takes a moment), and makes the day's automatic copy of the registry if there is none.
async fn verify_audit_in_background(
    database: PathBuf,
    passphrase: store::Passphrase,
    today: NaiveDate,
) -> Result<Option<store::audit_chain::ChainBreak>, String> {
    on_worker(move || {
        let result = Store::open_read_only(&database, &passphrase).and_then(|store| {
            let broken = store.verify_audit()?.broken;
            // An empty new registry has nothing to keep yet.
            if !store.is_empty()?
                && let Err(e) = store.daily_backup(today)
            {
                eprintln!("yuva: the daily copy of {} failed: {e}", database.display());
            }
            Ok(broken)
        });
        result.map_err(|e| e.to_string())
    })
    .await
    .and_then(|checked| checked)
}

/// Runs `work` on a thread of its own (file and database work that would freeze the window);
/// `Err` only if the thread died.
async fn on_worker<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let (sender, receiver) = iced::futures::channel::oneshot::channel();
    std::thread::spawn(move || {
        let _ = sender.send(work());
    });
    receiver.await.map_err(|_| String::from("the work stopped"))
}

fn save_failed(lang: Lang, error: &StoreError) -> (String, bool) {
    (
        tr_args(lang, "error.save_failed", &[("reason", error.to_string())]),
        true,
    )
}

/// The header's corner: who is signed in (name and role), Lock and Sign out.
fn signed_in_menu(actor: Option<&store::Actor>, lang: Lang) -> Element<'static, Message> {
    let Some(actor) = actor else {
        return row![].into();
    };
    row![
        column![
            text(actor.full_name().to_owned()).size(13),
            text(tr(lang, actor.role().locale_key())).size(11),
        ]
        .spacing(0),
        button(text(tr(lang, "sign_in.lock")).size(13))
            .on_press(Message::Lock)
            .padding([5, 8])
            .style(button::secondary),
        button(text(tr(lang, "sign_in.sign_out")).size(13))
            .on_press(Message::SignOut)
            .padding([5, 8])
            .style(button::secondary),
    ]
    .spacing(6)
    .align_y(Alignment::Center)
    .into()
}

/// After an account or setting changed: the settings screen shows it, with `said`.
/// What the window says after a registry setting was saved (or why not: the first thing
/// wrong with the value, else the store's reason).
fn setting_saved(
    ws: &mut Workspace,
    lang: Lang,
    saved: store::Result<()>,
    said: String,
) -> Option<(String, bool)> {
    match saved {
        Ok(()) => settings_changed(ws, lang, said),
        Err(StoreError::Invalid(errors)) => Some((
            errors
                .errors
                .first()
                .map(|e| tr_args(lang, e.key, &e.args))
                .unwrap_or_default(),
            true,
        )),
        Err(e) => Some(store_failure(lang, &e)),
    }
}

fn settings_changed(ws: &mut Workspace, lang: Lang, said: String) -> Option<(String, bool)> {
    match ws.refresh_settings() {
        Ok(()) => Some((said, false)),
        Err(e) => Some(store_failure(lang, &e)),
    }
}

/// The door a window starts at: the registry's passphrase when it is not known (or a new
/// registry's), else the account screen on the opened registry. `Err`: why the registry cannot
/// be opened at all.
fn first_gate(launch: &Launch) -> Result<Gate, String> {
    use crate::store::FileKind;
    let kind = store::encryption::file_kind(&launch.database)
        .map_err(|e| format!("{}: {e}", launch.database.display()))?;
    let remembered = || {
        launch
            .keystore
            .then(|| crate::keystore::remembered(&launch.database))
            .flatten()
    };
    let known = launch.passphrase.clone().or_else(remembered);
    let asking = |mode| Gate {
        screen: sign_in::Screen::new(mode),
        store: None,
    };
    let Some(passphrase) = known else {
        return Ok(asking(match kind {
            FileKind::New => sign_in::Mode::CreateAdministrator {
                with_passphrase: true,
            },
            FileKind::Plain => sign_in::Mode::Encrypt,
            FileKind::Encrypted => sign_in::Mode::Passphrase,
        }));
    };
    match Store::open(&launch.database, &passphrase) {
        Ok(store) => Ok(account_gate(store)),
        Err(StoreError::WrongPassphrase { .. }) => {
            // A passphrase kept on this computer that no longer opens the file (the registry
            // was restored from another): asked again.
            if launch.keystore && launch.passphrase.is_none() {
                crate::keystore::forget(&launch.database);
            }
            Ok(asking(sign_in::Mode::Passphrase))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// The account screen on an opened registry: its first administrator, or signing in.
fn account_gate(store: Store) -> Gate {
    let mode = match store.has_accounts() {
        Ok(false) => sign_in::Mode::CreateAdministrator {
            with_passphrase: false,
        },
        _ => sign_in::Mode::SignIn,
    };
    Gate {
        screen: sign_in::Screen::new(mode),
        store: Some(store),
    }
}
