//! What the application does with the screens' events: saves, workflow steps, runs, packs.

use chrono::Local;
use iced::Task;

use super::*;

pub(super) fn handle_family_event(
    ws: &mut Workspace,
    lang: Lang,
    event: Option<families::Event>,
) -> Option<(String, bool)> {
    match event? {
        families::Event::Export => {
            ws.pending_export = Some(crate::exchange::List::Families);
            None
        }
        families::Event::Print(id) => {
            ws.pending_print = Some(PackRequest::Family(id));
            None
        }
        families::Event::History(code) => {
            ws.placements.show_history(&code);
            ws.tab = Tab::Placements;
            None
        }
        families::Event::OpenChild(id) => {
            ws.children.show(id);
            ws.tab = Tab::Children;
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

pub(super) fn handle_child_event(
    ws: &mut Workspace,
    lang: Lang,
    event: Option<children::Event>,
) -> Option<(String, bool)> {
    match event? {
        children::Event::Export => {
            ws.pending_export = Some(crate::exchange::List::Children);
            None
        }
        children::Event::History(code) => {
            ws.placements.show_history(&code);
            ws.tab = Tab::Placements;
            None
        }
        children::Event::FindFamily(id) => {
            let child = ws.registry.child(id).cloned()?;
            let today = ws.today;
            let fits = ws.with_records(|records| {
                crate::matching::registry::families_for_child(
                    records,
                    &child,
                    today,
                    crate::matching::Settings::default(),
                )
            });
            let fits = match fits {
                Ok(fits) => fits,
                Err(e) => return Some(save_failed(lang, &e)),
            };
            match fits {
                Ok(fits) => {
                    ws.children.show_fits(id, fits);
                    None
                }
                Err(e) => Some((e.to_string(), true)),
            }
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
pub(super) fn save_dialog(ws: &Workspace, request: PackRequest) -> Task<Message> {
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

/// The native open dialog for a spreadsheet to import.
pub(super) fn import_dialog(kind: crate::ui::screens::settings::ImportKind) -> Task<Message> {
    Task::perform(
        async move {
            rfd::AsyncFileDialog::new()
                .add_filter("Excel, CSV", &["xlsx", "xls", "ods", "csv"])
                .pick_file()
                .await
                .map(|file| file.path().to_path_buf())
        },
        move |path| Message::ImportPath(kind, path),
    )
}

/// How a worker thread opens the registry: a connection of its own, signed in as the same
/// person.
fn worker_store(ws: &Workspace) -> impl FnOnce() -> Result<Store, String> + Send + 'static {
    let database = ws.database.clone();
    let passphrase = ws.passphrase.clone();
    let actor = ws.store.actor().cloned();
    move || {
        let mut store = Store::open(&database, &passphrase).map_err(|e| e.to_string())?;
        if let Some(actor) = &actor {
            store.resume(actor).map_err(|e| e.to_string())?;
        }
        Ok(store)
    }
}

/// Reads and checks (`dry_run`), or imports, a file on a worker thread, on a connection of its
/// own signed in as the same person; the window stays responsive meanwhile.
pub(super) fn import_on_worker(
    ws: &Workspace,
    lang: Lang,
    pending: crate::ui::screens::settings::PendingImport,
    dry_run: bool,
) -> Task<Message> {
    use crate::exchange::import;
    let open = worker_store(ws);
    let today = ws.today;
    // Importing after a check: the valid rows only when the check found wrong ones (the
    // person saw them and chose to go on).
    let valid_rows_only = !dry_run && !pending.outcome.problems.is_empty();
    let work = move |_: &std::sync::atomic::AtomicBool,
                     report: &(dyn Fn(import::Progress) + Sync)|
          -> Result<crate::ui::screens::settings::PendingImport, String> {
        let gazetteer = Gazetteer::embedded().map_err(|e| e.to_string())?;
        let mut store = open()?;
        let outcome = import::import_with_progress(
            &mut store,
            &gazetteer,
            pending.kind,
            &pending.path,
            lang,
            today,
            import::Options {
                dry_run,
                valid_rows_only,
                update_duplicates: pending.update_duplicates,
            },
            report,
        )
        .map_err(|e| match e {
            import::ImportError::Store(StoreError::Refused(refusal)) => refusal.message(lang),
            other => other.to_string(),
        })?;
        Ok(crate::ui::screens::settings::PendingImport { outcome, ..pending })
    };
    let finished = |result: std::sync::Arc<Result<_, String>>| {
        std::sync::Arc::try_unwrap(result).unwrap_or_else(|shared| (*shared).clone())
    };
    Task::sip(
        crate::ui::background::in_background(work),
        Message::ImportProgress,
        move |result| {
            let result = finished(result);
            if dry_run {
                Message::ImportChecked(result)
            } else {
                Message::ImportDone(result.map(|done| done.outcome.written))
            }
        },
    )
}

/// What the hub's panel asked for.
pub(super) enum SyncJob {
    /// Sync over the connection (enrolling first, when given a hub and a token).
    Online(Option<(String, String)>),
    /// Write a bundle for the hub here.
    Export(PathBuf),
    /// Take in the hub's bundle from here.
    Import(PathBuf),
}

/// What a sync job did.
#[derive(Debug, Clone)]
pub enum SyncOutcome {
    Synced {
        /// The office, when the registry was enrolled by this job.
        enrolled: Option<String>,
        report: crate::sync::SyncReport,
    },
    Exported {
        path: PathBuf,
        export: crate::sync::BundleExport,
    },
    Imported(crate::sync::SyncReport),
}

/// Runs a sync job on a worker thread, on a connection of its own signed in as the same
/// person, its progress shown as it goes.
pub(super) fn sync_on_worker(ws: &Workspace, lang: Lang, job: SyncJob) -> Task<Message> {
    let open = worker_store(ws);
    let today = ws.today;
    let work = move |_: &std::sync::atomic::AtomicBool,
                     report: &(dyn Fn(crate::sync::SyncProgress) + Sync)|
          -> Result<SyncOutcome, String> {
        let gazetteer = Gazetteer::embedded().map_err(|e| e.to_string())?;
        let mut store = open()?;
        let said = |e: crate::sync::SyncError| sync_error_text(lang, e);
        let context = Context {
            today,
            gazetteer: &gazetteer,
        };
        match job {
            SyncJob::Online(enrol) => {
                let enrolled = match enrol {
                    Some((hub, token)) => {
                        let name = std::env::var("COMPUTERNAME")
                            .or_else(|_| std::env::var("HOSTNAME"))
                            .unwrap_or_else(|_| String::from("yuva"));
                        Some(
                            crate::sync::enrol(&mut store, &hub, &token, &name)
                                .map_err(said)?
                                .office,
                        )
                    }
                    None => None,
                };
                let done = crate::sync::sync(&mut store, &context, &|p| report(p)).map_err(said)?;
                Ok(SyncOutcome::Synced {
                    enrolled,
                    report: done,
                })
            }
            SyncJob::Export(path) => {
                let export = crate::sync::export_bundle(&mut store, &path).map_err(said)?;
                Ok(SyncOutcome::Exported { path, export })
            }
            SyncJob::Import(path) => {
                crate::sync::import_bundle(&mut store, &context, &path, &|p| report(p))
                    .map(SyncOutcome::Imported)
                    .map_err(said)
            }
        }
    };
    Task::sip(
        crate::ui::background::in_background(work),
        Message::SyncProgress,
        |result| {
            Message::SyncDone(
                std::sync::Arc::try_unwrap(result).unwrap_or_else(|shared| (*shared).clone()),
            )
        },
    )
}

/// The native save dialog for a bundle for the hub, named by the office and the day.
pub(super) fn bundle_export_dialog(ws: &Workspace) -> Task<Message> {
    let office = ws.settings.sync.status.office.clone().unwrap_or_default();
    let name = format!(
        "yuva-{}-{}.{}",
        office.to_lowercase(),
        ws.today,
        crate::sync::bundle::EXTENSION
    );
    Task::perform(
        async move {
            rfd::AsyncFileDialog::new()
                .set_file_name(name)
                .add_filter("Yuva", &[crate::sync::bundle::EXTENSION])
                .save_file()
                .await
                .map(|file| file.path().to_path_buf())
        },
        Message::BundleExportPath,
    )
}

/// The native open dialog for a bundle from the hub.
pub(super) fn bundle_import_dialog() -> Task<Message> {
    Task::perform(
        async move {
            rfd::AsyncFileDialog::new()
                .add_filter("Yuva", &[crate::sync::bundle::EXTENSION])
                .pick_file()
                .await
                .map(|file| file.path().to_path_buf())
        },
        Message::BundleImportPath,
    )
}

/// Why a sync did not happen, in the interface language (the technical detail in brackets).
fn sync_error_text(lang: Lang, error: crate::sync::SyncError) -> String {
    use crate::sync::SyncError;
    match error {
        SyncError::Store(StoreError::Refused(refusal)) => refusal.message(lang),
        SyncError::Store(e) => e.to_string(),
        SyncError::NotEnrolled => tr(lang, "sync.not_enrolled"),
        SyncError::Token => tr(lang, "sync.bad_token"),
        SyncError::Network { url, reason } => {
            // The hub's address, without the endpoint's path.
            let hub = url
                .find("://")
                .and_then(|start| {
                    url[start + 3..]
                        .find('/')
                        .map(|end| &url[..start + 3 + end])
                })
                .unwrap_or(&url)
                .to_owned();
            tr_args(
                lang,
                "sync.unreachable",
                &[("hub", hub), ("reason", reason)],
            )
        }
        SyncError::Refused(reason) => tr_args(lang, "sync.hub_refused", &[("reason", reason)]),
        SyncError::File { path, reason } => tr_args(
            lang,
            "sync.bundle_file",
            &[("path", path), ("reason", reason)],
        ),
        SyncError::Bundle(error) => bundle_error_text(lang, error),
    }
}

/// Why a bundle was refused, in the interface language.
fn bundle_error_text(lang: Lang, error: crate::sync::BundleError) -> String {
    use crate::sync::BundleError;
    match error {
        BundleError::NotABundle => tr(lang, "sync.bundle_not_one"),
        BundleError::Tampered => tr(lang, "sync.bundle_tampered"),
        BundleError::Replayed { sequence } => tr_args(
            lang,
            "sync.bundle_replayed",
            &[("number", sequence.to_string())],
        ),
        BundleError::OtherDevice { office, .. } => {
            tr_args(lang, "sync.bundle_other_device", &[("office", office)])
        }
        BundleError::ForTheHub | BundleError::ForARegistry => tr(lang, "sync.bundle_wrong_way"),
        BundleError::Unanswered => tr(lang, "sync.bundle_unanswered"),
        BundleError::NoKeys => tr(lang, "sync.bundle_no_keys"),
        BundleError::NoRandom => error.to_string(),
    }
}

/// The native save dialog for an exported list (XLSX, or CSV by the name's extension).
pub(super) fn export_dialog(ws: &Workspace, list: crate::exchange::List) -> Task<Message> {
    let name = format!("{}-{}.xlsx", list.code(), ws.today);
    Task::perform(
        async move {
            rfd::AsyncFileDialog::new()
                .set_file_name(name)
                .add_filter("Excel", &["xlsx"])
                .add_filter("CSV", &["csv"])
                .save_file()
                .await
                .map(|file| file.path().to_path_buf())
        },
        move |path| Message::ExportPath(list, path),
    )
}

/// Writes the rows a list shows now to `path` and says how it went.
pub(super) fn export_outcome(
    ws: &mut Workspace,
    lang: Lang,
    list: crate::exchange::List,
    path: &std::path::Path,
) -> Notice {
    use crate::exchange;
    let registry = &ws.registry;
    let table = match list {
        exchange::List::Audit => exchange::audit_table(&ws.audit.entries, lang),
        exchange::List::Families => {
            let families: Vec<crate::domain::Family> = ws
                .families
                .shown_rows()
                .iter()
                .filter_map(|&i| registry.families.get(i).cloned())
                .collect();
            exchange::families_table(&families, &registry.occupied, &ws.gazetteer, lang)
        }
        _ => {
            let children: Vec<crate::domain::Child> = ws
                .children
                .shown_rows()
                .iter()
                .filter_map(|&i| registry.children.get(i).cloned())
                .collect();
            exchange::children_table(&children, &registry.groups, &ws.gazetteer, lang, ws.today)
        }
    };
    match exchange::export_table(&mut ws.store, list, &table, path) {
        Ok(rows) => Notice {
            text: tr_args(
                lang,
                "export.done",
                &[
                    ("rows", rows.to_string()),
                    ("path", path.display().to_string()),
                ],
            ),
            is_error: false,
            open: Some(path.to_path_buf()),
        },
        Err(crate::exchange::ExportError::Store(e)) => {
            let (text, is_error) = store_failure(lang, &e);
            Notice {
                text,
                is_error,
                open: None,
            }
        }
        Err(e) => Notice {
            text: tr_args(lang, "export.failed", &[("reason", e.to_string())]),
            is_error: true,
            open: None,
        },
    }
}

/// The native save dialog for the import template (XLSX, named in the interface language).
pub(super) fn template_dialog(lang: Lang) -> Task<Message> {
    let name = format!("yuva-import-{}.xlsx", lang.code());
    Task::perform(
        async move {
            rfd::AsyncFileDialog::new()
                .set_file_name(name)
                .add_filter("Excel", &["xlsx"])
                .save_file()
                .await
                .map(|file| file.path().to_path_buf())
        },
        Message::TemplatePath,
    )
}

/// The native save dialog for the indicators report, named by its period.
pub(super) fn report_dialog(
    period: crate::domain::indicators::Period,
    format: crate::report::indicators::ReportFormat,
) -> Task<Message> {
    use crate::report::indicators::{ReportFormat, indicators_file_name};
    let name = indicators_file_name(period, format);
    Task::perform(
        async move {
            let dialog = rfd::AsyncFileDialog::new().set_file_name(name);
            let dialog = match format {
                ReportFormat::Pdf => dialog.add_filter("PDF", &["pdf"]),
                ReportFormat::Xlsx => dialog.add_filter("Excel", &["xlsx"]),
            };
            dialog
                .save_file()
                .await
                .map(|file| file.path().to_path_buf())
        },
        move |path| Message::ReportPath(period, path),
    )
}

/// Writes the indicators of `period` to `path` and says how it went.
pub(super) fn report_outcome(
    ws: &mut Workspace,
    lang: Lang,
    period: crate::domain::indicators::Period,
    path: &std::path::Path,
) -> Notice {
    use crate::report::{self, indicators};
    let info = report::PackInfo {
        lang,
        user: String::new(),
        generated: Local::now().naive_local(),
        today: ws.today,
    };
    match indicators::write_indicators(&mut ws.store, &ws.gazetteer, period, &info, path) {
        Ok(_) => Notice {
            text: tr_args(
                lang,
                "indicators.written",
                &[("path", path.display().to_string())],
            ),
            is_error: false,
            open: Some(path.to_path_buf()),
        },
        Err(report::ReportError::Store(e)) => {
            let (text, is_error) = store_failure(lang, &e);
            Notice {
                text,
                is_error,
                open: None,
            }
        }
        Err(e) => Notice {
            text: tr_args(lang, "indicators.failed", &[("reason", e.to_string())]),
            is_error: true,
            open: None,
        },
    }
}

/// The native save dialog for a copy of the registry, named by the day.
pub(super) fn backup_dialog(ws: &Workspace) -> Task<Message> {
    let name = format!("yuva-backup-{}.db", ws.today);
    Task::perform(
        async move {
            rfd::AsyncFileDialog::new()
                .set_file_name(name)
                .add_filter("Yuva", &["db"])
                .save_file()
                .await
                .map(|file| file.path().to_path_buf())
        },
        Message::BackupPath,
    )
}

/// The native open dialog for a backup to restore.
pub(super) fn restore_dialog() -> Task<Message> {
    Task::perform(
        async move {
            rfd::AsyncFileDialog::new()
                .add_filter("Yuva", &["db"])
                .pick_file()
                .await
                .map(|file| file.path().to_path_buf())
        },
        Message::RestorePath,
    )
}

/// Restores a checked backup in place of the open registry: the window lets go of the file,
/// the library swaps it (keeping the old one aside), and the window opens the restored one.
pub(super) fn restore_outcome(
    ws: &mut Workspace,
    lang: Lang,
    from: &std::path::Path,
) -> (String, bool) {
    let Some(actor) = ws.store.actor().cloned() else {
        return store_failure(
            lang,
            &StoreError::Refused(crate::domain::Refusal::new(
                "refusal.not_signed_in",
                Vec::new(),
            )),
        );
    };
    if let Err(e) = ws.store.may(crate::domain::access::Action::BackUpRestore) {
        return store_failure(lang, &e);
    }
    let result = Store::open_in_memory()
        .map(|memory| ws.store = memory)
        .and_then(|()| crate::store::restore(&ws.database, from, &actor, &ws.passphrase));
    // Whatever happened, the window opens the registry file again, signed in as the same
    // person if the restored registry has their account (else the application shows the
    // sign-in screen).
    let reopened = Store::open(&ws.database, &ws.passphrase).map(|store| {
        ws.store = store;
        let _ = ws.store.resume(&actor);
        // What was restored decides whether it is a demo.
        ws.is_demo = ws.store.is_demo().unwrap_or(false);
    });
    match (result, reopened.and_then(|()| ws.reload(lang))) {
        (Ok(kept), Ok(())) => (
            tr_args(
                lang,
                "settings.restore_done",
                &[
                    ("from", from.display().to_string()),
                    (
                        "kept",
                        kept.map(|k| k.display().to_string()).unwrap_or_default(),
                    ),
                ],
            ),
            false,
        ),
        (Err(e), _) | (_, Err(e)) => (
            tr_args(
                lang,
                "settings.restore_failed",
                &[("reason", e.to_string())],
            ),
            true,
        ),
    }
}

/// Writes a pack where the user chose (the file appears whole or not at all).
pub(super) fn write_pack(
    ws: &Workspace,
    lang: Lang,
    request: &PackRequest,
    path: &std::path::Path,
) -> Result<(), String> {
    let info = crate::report::PackInfo {
        lang,
        // The library signs the pack with the signed-in person.
        user: String::new(),
        generated: Local::now().naive_local(),
        today: ws.today,
    };
    crate::report::write_pack(&ws.store, &ws.gazetteer, request, &info, path)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Says how a store step failed: a refusal in the user's language, anything else as a failed
/// save.
pub(super) fn store_failure(lang: Lang, error: &StoreError) -> (String, bool) {
    match error {
        StoreError::Refused(refusal) => (refusal_text(lang, refusal), true),
        other => save_failed(lang, other),
    }
}

/// Reloads the registry after a workflow step and confirms it with `text`.
pub(super) fn reloaded(ws: &mut Workspace, lang: Lang, text: String) -> Option<(String, bool)> {
    match ws.reload(lang) {
        Ok(()) => Some((text, false)),
        Err(e) => Some(save_failed(lang, &e)),
    }
}

/// Record ids by code through the store's unique index (sending hundreds of proposals must not
/// scan the whole registry once per proposal).
pub(super) fn child_id(ws: &Workspace, code: &str) -> Option<i64> {
    ws.store.child_id_by_code(code).ok().flatten()
}

pub(super) fn family_id(ws: &Workspace, code: &str) -> Option<i64> {
    ws.store.family_id_by_code(code).ok().flatten()
}

/// The instance a run of the matching screen asks for, built from the registry.
fn instance_of_request(
    ws: &Workspace,
    request: &matching::RunRequest,
) -> Result<crate::matching::Instance, StoreError> {
    let gazetteer = &ws.gazetteer;
    ws.with_records(|records| {
        crate::matching::registry::instance_for(
            records,
            &request.scope,
            gazetteer,
            request.planning_date,
            request.settings,
        )
    })
}

/// Carries out what the matching screen asked; a run comes back as the solver's task.
pub(super) fn handle_matching_event(
    ws: &mut Workspace,
    lang: Lang,
    event: Option<matching::Event>,
) -> (Task<matching::Message>, Option<(String, bool)>) {
    let Some(event) = event else {
        return (Task::none(), None);
    };
    if let matching::Event::Prices(request) = &event {
        return match instance_of_request(ws, request) {
            Ok(instance) => (ws.matching.start_prices(instance, request.time_limit), None),
            Err(e) => (Task::none(), Some(save_failed(lang, &e))),
        };
    }
    if let matching::Event::Run(request) = event {
        let mut instance = match instance_of_request(ws, &request) {
            Ok(instance) => instance,
            Err(e) => return (Task::none(), Some(save_failed(lang, &e))),
        };
        if let Some((child, relaxation)) = &request.what_if {
            instance = crate::matching::what_if::apply_relaxation(&instance, child, relaxation);
        }
        let task = ws.matching.start(
            instance,
            request.planning_date,
            request.time_limit,
            request.what_if,
        );
        return (task, None);
    }
    (Task::none(), handle_registry_event(ws, lang, event))
}

/// The matching screen's changes to the registry: locks, exclusions, proposals, packs.
pub(super) fn handle_registry_event(
    ws: &mut Workspace,
    lang: Lang,
    event: matching::Event,
) -> Option<(String, bool)> {
    match event {
        matching::Event::Run(_) | matching::Event::Prices(_) => None,
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

pub(super) fn handle_panel_event(
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
        // Opened by the application before this (it changes tab).
        panel::Event::OpenRecord(_) => None,
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

pub(super) fn panel_outcome(
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
pub(super) fn after_save(
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
pub(super) fn demo_outcome(ws: &mut Workspace, lang: Lang, reset: bool) -> (String, bool) {
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

/// Opens a record's page from a link on another screen.
pub(super) fn open_record(ws: &mut Workspace, record: RecordLink) -> Task<Message> {
    ws.show_welcome = false;
    let to_top = crate::ui::widgets::reveal::scroll_all_to_top();
    let open = match record {
        RecordLink::Child(id) => {
            ws.children.show(id);
            ws.tab = Tab::Children;
            Task::none()
        }
        RecordLink::Family(id) => {
            ws.families.show(id);
            ws.tab = Tab::Families;
            Task::none()
        }
        // Through the panel's own message, so that the session's agenda is read as on a click.
        RecordLink::Session(id) => {
            ws.tab = Tab::Panel;
            Task::done(Message::Panel(panel::Message::Open(id)))
        }
    };
    Task::batch([to_top, open])
}
