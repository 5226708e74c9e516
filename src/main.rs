// A release build on Windows opens no console window.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

//! `yuva` starts the window; `yuva <subcommand>` works on the command line and never opens it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use chrono::{Local, NaiveDate};
use clap::{Parser, Subcommand};

use yuva::demo::{self, DemoOptions};
use yuva::geo::Gazetteer;
use yuva::matching;
use yuva::settings::DataPaths;
use yuva::store::{self, Store};

mod cli_accounts;
use cli_accounts::{Failure, UserCommand};

#[derive(Parser)]
#[command(
    name = "yuva",
    version,
    about = "Foster-care registry and placement matching"
)]
struct Cli {
    /// The registry file to open (default: yuva.db in the user's data folder).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,

    /// Draw with the software renderer (for laptops whose graphics driver fails).
    #[arg(long)]
    safe_graphics: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Propose placements: solve an instance file (or the registry) to proven optimality and
    /// write the plan as JSON (stdout unless --output). A summary goes to stderr.
    Match {
        /// The instance file (JSON); without it, the registry given by --db is solved.
        instance: Option<PathBuf>,
        /// Where to write the plan (JSON); without it the plan goes to stdout.
        #[arg(long, value_name = "PLAN.json")]
        output: Option<PathBuf>,
        /// Run the greedy baseline instead of the optimizer.
        #[arg(long)]
        greedy: bool,
        /// Planning date when solving the registry (YYYY-MM-DD; default: today).
        #[arg(long, value_parser = parse_iso_date)]
        date: Option<NaiveDate>,
        /// Stop proving after this many seconds: the best plan found is written, marked
        /// "proven_optimal": false, with its "upper_bound".
        #[arg(long, value_name = "SECONDS")]
        time_limit: Option<f64>,
        /// How long checking unplaced children's hints may take (each is checked by solving
        /// again; 0: state none). Hints not checked in time are not stated
        /// ("hint_check": "not_checked").
        #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_HINT_TIME_S)]
        hint_time: f64,
    },
    /// The price of each setting: solve again with one setting changed at a time (one more
    /// sibling group per family, a longer distance limit, each weight at its default) and print
    /// how many more children each would place, and how many more km.
    Prices {
        /// The instance file (JSON); without it, the registry given by --db is priced.
        instance: Option<PathBuf>,
        /// Planning date when pricing the registry (YYYY-MM-DD; default: today).
        #[arg(long, value_parser = parse_iso_date)]
        date: Option<NaiveDate>,
        /// Stop proving each solve after this many seconds (its best plan then counts, marked).
        #[arg(long, value_name = "SECONDS")]
        time_limit: Option<f64>,
        /// Print the prices as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Create an empty registry (the file must not hold one already) with its administrator
    /// `admin` (password from YUVA_PASSWORD, else generated and printed).
    Init,
    /// Copy the registry into a new file, as it is now, and check the copy whole.
    Backup {
        /// The backup file to create (it must not exist).
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Replace the registry with a backup: the backup is checked first, the registry must be
    /// open nowhere else, and the registry as it was is kept beside it.
    Restore {
        /// The backup to restore.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
    /// Export a list as a spreadsheet: `yuva export children|families|placements|decisions|audit
    /// --db X --output F.xlsx|F.csv` (the file carries personal data: it is owner-only, and the
    /// export is recorded in the audit log).
    Export {
        /// children, families, placements, decisions or audit.
        #[arg(value_parser = parse_list)]
        list: yuva::exchange::List,
        #[arg(long, value_name = "FILE.xlsx|FILE.csv")]
        output: PathBuf,
        /// Language of the headers and labels: az, ru or en (default: the interface language).
        #[arg(long, value_parser = parse_lang)]
        lang: Option<yuva::i18n::Lang>,
        /// The date days waiting are counted on (YYYY-MM-DD; default: today).
        #[arg(long, value_parser = parse_iso_date)]
        date: Option<NaiveDate>,
    },
    /// Import families or children from a spreadsheet (XLSX or CSV): every row is checked
    /// first; nothing is written when a row is wrong (unless --valid-rows-only), and rows that
    /// are already in the registry are skipped. Exit 2 with the row and column of each error.
    /// `yuva import template --output t.xlsx [--lang az]` writes the template to fill in.
    Import {
        /// families, children, or template.
        #[arg(value_parser = parse_import_what)]
        what: ImportWhat,
        /// The file to import (families or children).
        #[arg(
            long,
            value_name = "FILE.xlsx|FILE.csv",
            required_unless_present = "output"
        )]
        from: Option<PathBuf>,
        /// Where to write the template (template).
        #[arg(long, value_name = "FILE.xlsx", conflicts_with = "from")]
        output: Option<PathBuf>,
        /// Check and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the valid rows even when others are wrong.
        #[arg(long)]
        valid_rows_only: bool,
        /// A row with the code of a record already in the registry updates that record (the
        /// file's columns replace its values); without it such rows are skipped.
        #[arg(long)]
        update_duplicates: bool,
        /// Language of the messages (and of the template): az, ru or en (default: the
        /// interface language).
        #[arg(long, value_parser = parse_lang)]
        lang: Option<yuva::i18n::Lang>,
    },
    /// Sync with the national hub: local changes up, others' down. The first time, enrol with
    /// `--hub URL --token T` (from `yuva hub enroll`); then `yuva sync --db X`.
    /// `yuva sync conflicts` lists records changed both here and at the hub;
    /// `yuva sync resolve --id N --keep mine|theirs` settles one (the choice syncs too).
    /// Without a connection: `yuva sync export --output F.yuvasync` for the hub, and
    /// `yuva sync import --from R.yuvasync` for its answer.
    Sync {
        #[command(subcommand)]
        action: Option<SyncAction>,
        /// The hub's address, e.g. https://hub.example.az:8443 (enrolment only).
        #[arg(long, value_name = "URL", requires = "token")]
        hub: Option<String>,
        /// The one-time enrolment token `yuva hub enroll` printed.
        #[arg(long, value_name = "TOKEN", requires = "hub")]
        token: Option<String>,
    },
    /// The national hub (a server build): `yuva hub init|enroll|serve --database-url postgres://…`.
    #[cfg(feature = "hub")]
    Hub {
        #[command(subcommand)]
        action: HubAction,
    },
    /// Reports: `yuva report indicators --db X [--from D --to D] --output F.pdf|F.xlsx`.
    Report {
        #[command(subcommand)]
        kind: ReportKind,
    },
    /// Accounts: `yuva user add|list|disable|enable|reset --db X --login NAME [--role ROLE]`.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The audit log: `yuva audit verify --db X`.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Write the registry's awaiting children and its families as an instance file, so that a
    /// plan can be reproduced and re-checked outside Yuva.
    ExportInstance {
        #[arg(long, value_name = "INSTANCE.json")]
        output: PathBuf,
        /// Planning date (YYYY-MM-DD; default: today).
        #[arg(long, value_parser = parse_iso_date)]
        date: Option<NaiveDate>,
    },
    /// Print an assessment pack as PDF: a match pack, a family assessment pack or a panel
    /// agenda pack.
    Pack {
        #[command(subcommand)]
        kind: PackKind,
        /// Where to write the PDF.
        #[arg(long, global = true, value_name = "FILE.pdf")]
        output: Option<PathBuf>,
        /// Language of the pack: az, ru or en (default: the interface language).
        #[arg(long, global = true, value_parser = parse_lang)]
        lang: Option<yuva::i18n::Lang>,
        /// The date ages and waiting times are counted on (YYYY-MM-DD; default: today).
        #[arg(long, global = true, value_parser = parse_iso_date)]
        date: Option<NaiveDate>,
    },
    /// Create a synthetic registry for training and tests (reproducible for a seed).
    Demo {
        /// Seed of the generator: the same seed and date give the same registry.
        #[arg(long, default_value_t = DemoOptions::DEFAULT_SEED)]
        seed: u64,
        /// How many foster families to invent (at most 100,000).
        #[arg(long, default_value_t = DemoOptions::DEFAULT_FAMILIES, value_parser = demo_count)]
        families: usize,
        /// How many children to invent, sibling groups included (at most 100,000).
        #[arg(long, default_value_t = DemoOptions::DEFAULT_CHILDREN, value_parser = demo_count)]
        children: usize,
        /// The date the registry is "as of" (YYYY-MM-DD; default: today).
        #[arg(long, value_parser = parse_iso_date)]
        date: Option<NaiveDate>,
        /// Delete an existing registry file first (otherwise a non-empty registry is refused).
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Subcommand)]
enum SyncAction {
    /// List the conflicts waiting for a person.
    Conflicts,
    /// Settle a conflict: keep this registry's version or the hub's.
    Resolve {
        #[arg(long)]
        id: i64,
        /// mine or theirs.
        #[arg(long, value_parser = ["mine", "theirs"])]
        keep: String,
    },
    /// Write the changes not yet sent into a bundle for the hub (to carry on a USB stick):
    /// sealed to the hub, signed by this device. They are sent again until the answer is in.
    Export {
        #[arg(long, value_name = "FILE.yuvasync")]
        output: PathBuf,
    },
    /// Take in the hub's answer to a bundle: what it did with the changes, and the records
    /// this office may see. A changed, foreign or already taken bundle is refused.
    Import {
        #[arg(long, value_name = "FILE.yuvasync")]
        from: PathBuf,
    },
}

#[cfg(feature = "hub")]
#[derive(Subcommand)]
enum HubAction {
    /// Create the hub's tables in PostgreSQL and its TLS certificate (if it has none).
    Init {
        #[arg(long, value_name = "postgres://…")]
        database_url: String,
        /// Where the hub's certificate and key are kept.
        #[arg(long, value_name = "DIR", default_value = "hub-tls")]
        tls_dir: PathBuf,
        /// Host names and addresses the certificate is for (default: localhost, 127.0.0.1).
        #[arg(long = "host", value_name = "NAME")]
        hosts: Vec<String>,
    },
    /// Print a one-time enrolment token for a device of an office (a district or city code,
    /// e.g. AZ-SM, or NAT for the national office).
    Enroll {
        #[arg(long, value_name = "postgres://…")]
        database_url: String,
        #[arg(long, value_name = "DIR", default_value = "hub-tls")]
        tls_dir: PathBuf,
        #[arg(long, value_name = "CODE")]
        office: String,
    },
    /// List the enrolled devices: office, last sync, records, conflicts met, and whether a
    /// device's audit log was found changed after a sync (to look into).
    Status {
        #[arg(long, value_name = "postgres://…")]
        database_url: String,
    },
    /// Take in an office's bundle (`yuva sync export` on its laptop) and write the answer for
    /// it to carry back (`yuva sync import` there).
    Bundle {
        #[arg(long, value_name = "postgres://…")]
        database_url: String,
        #[arg(long, value_name = "DIR", default_value = "hub-tls")]
        tls_dir: PathBuf,
        #[arg(long, value_name = "FILE.yuvasync")]
        from: PathBuf,
        #[arg(long, value_name = "FILE.yuvasync")]
        output: PathBuf,
    },
    /// Serve the hub over HTTPS until stopped.
    Serve {
        #[arg(long, value_name = "postgres://…")]
        database_url: String,
        #[arg(long, value_name = "DIR", default_value = "hub-tls")]
        tls_dir: PathBuf,
        #[arg(long, value_name = "ADDR", default_value = "0.0.0.0:8443")]
        listen: String,
    },
}

#[derive(Subcommand)]
enum ReportKind {
    /// The programme's indicators for a period: children in foster families by district and
    /// month, placed, reunified, adopted, aged out, moved out of institutions, sibling groups
    /// kept together, days waiting, breakdowns, families; the pilot districts beside the rest.
    /// PDF with charts, or an Excel workbook, by the output's extension.
    Indicators {
        /// The period's first day (DD.MM.YYYY or YYYY-MM-DD; default: 1 January of this year).
        #[arg(long, value_parser = parse_any_date)]
        from: Option<NaiveDate>,
        /// The period's last day (DD.MM.YYYY or YYYY-MM-DD; default: today).
        #[arg(long, value_parser = parse_any_date)]
        to: Option<NaiveDate>,
        #[arg(long, value_name = "FILE.pdf|FILE.xlsx")]
        output: PathBuf,
        /// Language of the report: az, ru or en (default: the interface language).
        #[arg(long, value_parser = parse_lang)]
        lang: Option<yuva::i18n::Lang>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the audit log's hash chain: exit 0 when every entry fits, 1 naming the first
    /// entry that was edited, removed, inserted or moved.
    Verify,
}

#[derive(Subcommand)]
enum PackKind {
    /// One proposed placement: child, family, match analysis, draft plan, decision sheet.
    Match {
        /// The child's code, e.g. C-0012 (letter case does not matter).
        #[arg(long, value_name = "CODE")]
        child: String,
        /// The family's code, e.g. F-0007 (letter case does not matter).
        #[arg(long, value_name = "CODE")]
        family: String,
    },
    /// A family's assessment (approval or annual review).
    Family {
        /// The family's code, e.g. F-0007 (letter case does not matter).
        #[arg(long, value_name = "CODE")]
        family: String,
    },
    /// A panel session: its agenda, then each match pack.
    Panel {
        /// The panel session's number, as the window lists it.
        #[arg(long, value_name = "ID")]
        session: i64,
    },
}

/// The language asked for, else the interface language of this user's settings.
fn interface_lang(lang: Option<yuva::i18n::Lang>, paths: Option<&DataPaths>) -> yuva::i18n::Lang {
    lang.unwrap_or_else(|| {
        paths
            .map(|p| yuva::settings::UserSettings::load(&p.settings))
            .unwrap_or_default()
            .language
    })
}

/// What `yuva import` does: import records of a kind, or write the template.
#[derive(Debug, Clone, Copy)]
enum ImportWhat {
    Records(yuva::exchange::import::Kind),
    Template,
}

fn parse_import_what(value: &str) -> Result<ImportWhat, String> {
    use yuva::exchange::import::Kind;
    match value {
        "families" => Ok(ImportWhat::Records(Kind::Families)),
        "children" => Ok(ImportWhat::Records(Kind::Children)),
        "template" => Ok(ImportWhat::Template),
        _ => Err(format!("{value:?} is not families, children or template")),
    }
}

fn parse_list(value: &str) -> Result<yuva::exchange::List, String> {
    yuva::exchange::List::from_code(value).ok_or_else(|| {
        format!("{value:?} is not children, families, placements, decisions or audit")
    })
}

fn parse_lang(value: &str) -> Result<yuva::i18n::Lang, String> {
    yuva::i18n::Lang::from_code(value).ok_or_else(|| format!("{value:?} is not az, ru or en"))
}

fn parse_any_date(value: &str) -> Result<NaiveDate, String> {
    yuva::domain::parse_date(value)
        .ok_or_else(|| format!("{value:?} is not a date (DD.MM.YYYY or YYYY-MM-DD)"))
}

fn parse_iso_date(value: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| format!("{value:?} is not a date (YYYY-MM-DD)"))
}

fn main() -> ExitCode {
    let code = run();
    #[cfg(all(windows, feature = "highs"))]
    exit_through_exit_process(code);
    code
}

/// On Windows, leaves through ExitProcess: HiGHS's worker threads, parked in its global
/// scheduler, are not joined by C++ static destructors at exit (which hung yuva.exe after a
/// solve under Wine). Every value of `run` has been dropped by now.
#[cfg(all(windows, feature = "highs"))]
fn exit_through_exit_process(code: ExitCode) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    let status = if code == ExitCode::SUCCESS {
        0
    } else if code == ExitCode::from(1) {
        1
    } else if code == ExitCode::from(cli_accounts::EXIT_ACCESS) {
        i32::from(cli_accounts::EXIT_ACCESS)
    } else {
        2
    };
    std::process::exit(status)
}

fn run() -> ExitCode {
    let started = Instant::now();
    let cli = Cli::parse();
    let paths = DataPaths::for_user();
    let database = match cli
        .db
        .clone()
        .or_else(|| paths.as_ref().map(|p| p.database.clone()))
    {
        Some(path) => path,
        None => {
            eprintln!("yuva: no data folder for this user; pass --db PATH");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        None => open_window(database, paths, cli.safe_graphics, started),
        Some(Command::Match {
            instance,
            output,
            greedy,
            date,
            time_limit,
            hint_time,
        }) => {
            let (instance, time_limit) =
                match instance_and_limit(instance.as_deref(), &database, date, time_limit) {
                    Ok(loaded) => loaded,
                    Err(code) => return code,
                };
            let Some(hint_time) = (hint_time.is_finite() && hint_time >= 0.0)
                .then(|| std::time::Duration::try_from_secs_f64(hint_time).ok())
            else {
                eprintln!("yuva: --hint-time {hint_time} must be a number of seconds, 0 or more");
                return ExitCode::from(2);
            };
            run_match(&instance, output.as_deref(), greedy, time_limit, hint_time)
        }
        Some(Command::Prices {
            instance,
            date,
            time_limit,
            json,
        }) => {
            let (instance, time_limit) =
                match instance_and_limit(instance.as_deref(), &database, date, time_limit) {
                    Ok(loaded) => loaded,
                    Err(code) => return code,
                };
            run_prices(&instance, time_limit, json)
        }
        Some(Command::Audit {
            command: AuditCommand::Verify,
        }) => verify_audit(&database),
        Some(Command::Export {
            list,
            output,
            lang,
            date,
        }) => {
            let lang = interface_lang(lang, paths.as_ref());
            let today = date.unwrap_or_else(|| Local::now().date_naive());
            let exported = (|| {
                if yuva::exchange::Format::of(&output).is_none() {
                    return Err(Failure::input(format!(
                        "{} must end in .xlsx or .csv",
                        output.display()
                    )));
                }
                let gazetteer = Gazetteer::embedded().map_err(|e| e.to_string())?;
                let mut store = cli_accounts::open(&database)?;
                yuva::exchange::export_list(&mut store, &gazetteer, list, lang, today, &output)
                    .map_err(|e| match e {
                        yuva::exchange::ExportError::Store(e) => cli_accounts::store_failure(e),
                        other => Failure::input(other.to_string()),
                    })
            })();
            finish(exported.map(|rows| {
                eprintln!(
                    "yuva: {} rows of {} written to {} (it holds personal data: keep it safe)",
                    rows,
                    list.code(),
                    output.display()
                );
                ExitCode::SUCCESS
            }))
        }
        Some(Command::Import {
            what,
            from,
            output,
            dry_run,
            valid_rows_only,
            update_duplicates,
            lang,
        }) => {
            let lang = interface_lang(lang, paths.as_ref());
            finish(match (what, from, output) {
                (ImportWhat::Template, _, Some(output)) => write_template(&output, lang),
                (ImportWhat::Template, _, None) => Err(Failure::input(
                    "yuva import template needs --output FILE.xlsx",
                )),
                (ImportWhat::Records(kind), Some(from), None) => run_import(
                    &database,
                    kind,
                    &from,
                    lang,
                    yuva::exchange::import::Options {
                        dry_run,
                        valid_rows_only,
                        update_duplicates,
                    },
                ),
                (ImportWhat::Records(_), _, _) => Err(Failure::input(
                    "yuva import families|children needs --from FILE (--output is for the template)",
                )),
            })
        }
        Some(Command::Sync { action, hub, token }) => finish(run_sync(
            &database,
            action.as_ref(),
            hub.as_deref(),
            token.as_deref(),
        )),
        #[cfg(feature = "hub")]
        Some(Command::Hub { action }) => finish(run_hub(action)),
        Some(Command::Report {
            kind:
                ReportKind::Indicators {
                    from,
                    to,
                    output,
                    lang,
                },
        }) => {
            let lang = interface_lang(lang, paths.as_ref());
            finish(run_indicators(&database, from, to, &output, lang))
        }
        Some(Command::User { command }) => {
            finish(cli_accounts::run_user(&database, &command).map(|()| ExitCode::SUCCESS))
        }
        Some(Command::Init) => {
            let result = (|| {
                if std::fs::metadata(&database).is_ok_and(|m| m.len() > 0) {
                    return Err(Failure::input(format!(
                        "{} exists already",
                        database.display()
                    )));
                }
                let mut store = cli_accounts::open_unsigned(&database)?;
                // Another `init` may have set the same new file up a moment before.
                let exists = || Failure::input(format!("{} exists already", database.display()));
                if store.has_accounts().map_err(cli_accounts::store_failure)? {
                    return Err(exists());
                }
                cli_accounts::create_administrator(&mut store).map_err(|failure| {
                    match store.has_accounts() {
                        Ok(true) => exists(),
                        _ => failure,
                    }
                })?;
                Ok(())
            })();
            finish(result.map(|()| {
                eprintln!(
                    "yuva: empty registry {} with its administrator admin",
                    database.display()
                );
                ExitCode::SUCCESS
            }))
        }
        Some(Command::Backup { output }) => {
            let backed_up = cli_accounts::open_read_only(&database)
                .and_then(|s| s.backup_to(&output).map_err(cli_accounts::store_failure));
            match backed_up {
                Ok(()) => {
                    let bytes = std::fs::metadata(&output).map(|m| m.len()).unwrap_or(0);
                    eprintln!(
                        "yuva: backup {} ({bytes} bytes), checked whole",
                        output.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(failure) => finish(Err(failure)),
            }
        }
        Some(Command::Restore { from }) => {
            match cli_accounts::open_read_only(&database).and_then(|store| {
                let actor = store
                    .actor()
                    .cloned()
                    .ok_or_else(|| Failure::input("not signed in"))?;
                let passphrase = store
                    .passphrase()
                    .cloned()
                    .ok_or_else(|| Failure::input("no passphrase"))?;
                drop(store);
                store::restore(&database, &from, &actor, &passphrase)
                    .map_err(cli_accounts::store_failure)
            }) {
                Ok(kept) => {
                    eprintln!(
                        "yuva: {} restored from {}{}",
                        database.display(),
                        from.display(),
                        kept.map(|k| format!(
                            "; the registry as it was is kept as {}",
                            k.display()
                        ))
                        .unwrap_or_default()
                    );
                    ExitCode::SUCCESS
                }
                Err(failure) => finish(Err(failure)),
            }
        }
        Some(Command::ExportInstance { output, date }) => {
            let today = date.unwrap_or_else(|| Local::now().date_naive());
            match registry_instance(&database, today).and_then(|instance| {
                // Only an instance `match` accepts is written.
                instance.validate().map_err(|e| {
                    Failure::input(format!(
                        "{} was not written: the registry has a record the optimizer refuses — {}",
                        output.display(),
                        instance.naming_record(&e)
                    ))
                })?;
                let text = serde_json::to_string_pretty(&instance).map_err(|e| e.to_string())?;
                write_atomically(&output, &text)?;
                Ok(instance)
            }) {
                Ok(instance) => {
                    eprintln!(
                        "yuva: instance {}: {} children awaiting placement, {} families",
                        output.display(),
                        instance.children.len(),
                        instance.families.len()
                    );
                    ExitCode::SUCCESS
                }
                Err(failure) => finish(Err(failure)),
            }
        }
        Some(Command::Pack {
            kind,
            output,
            lang,
            date,
        }) => {
            let lang = interface_lang(lang, paths.as_ref());
            match run_pack(&database, &kind, output, lang, date) {
                Ok((path, pages, bytes, ms)) => {
                    eprintln!(
                        "yuva: pack {}: {pages} pages, {bytes} bytes, {ms:.0} ms",
                        path.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(failure) => finish(Err(failure)),
            }
        }
        Some(Command::Demo {
            seed,
            families,
            children,
            date,
            replace,
        }) => {
            let options = DemoOptions {
                seed,
                families,
                children,
                today: date.unwrap_or_else(|| Local::now().date_naive()),
            };
            match run_demo(&database, &options, replace) {
                Ok(summary) => {
                    eprintln!(
                        "yuva: demo registry {}: {} families, {} children, {} sibling groups, {} placements in force, {} ended",
                        database.display(),
                        summary.families,
                        summary.children,
                        summary.groups,
                        summary.placements,
                        summary.ended_placements
                    );
                    ExitCode::SUCCESS
                }
                Err(failure) => finish(Err(failure)),
            }
        }
    }
}

/// `yuva import`: the outcome on stderr, a line per problem (row, column, message).
/// Writes the import template; no registry is opened.
fn write_template(output: &std::path::Path, lang: yuva::i18n::Lang) -> Result<ExitCode, Failure> {
    if yuva::exchange::Format::of(output) != Some(yuva::exchange::Format::Xlsx) {
        return Err(Failure::input(format!(
            "{}: {}",
            output.display(),
            yuva::i18n::tr(lang, "import.template_xlsx_only")
        )));
    }
    let gazetteer = Gazetteer::embedded().map_err(|e| e.to_string())?;
    yuva::exchange::import::write_template(output, &gazetteer, lang)
        .map_err(|e| Failure::input(e.to_string()))?;
    eprintln!(
        "yuva: import template ({}) written to {}: fill in its families or children sheet",
        lang.code(),
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn run_import(
    database: &std::path::Path,
    kind: yuva::exchange::import::Kind,
    from: &std::path::Path,
    lang: yuva::i18n::Lang,
    options: yuva::exchange::import::Options,
) -> Result<ExitCode, Failure> {
    use yuva::exchange::import;
    let gazetteer = Gazetteer::embedded().map_err(|e| e.to_string())?;
    let mut store = cli_accounts::open(database)?;
    let outcome = import::import(
        &mut store,
        &gazetteer,
        kind,
        from,
        lang,
        Local::now().date_naive(),
        options,
    )
    .map_err(|e| match e {
        import::ImportError::Store(e) => cli_accounts::store_failure(e),
        import::ImportError::File(message) => Failure::input(message),
    })?;
    let name = from.display();
    for problem in outcome.problems.iter().chain(&outcome.duplicates) {
        match &problem.column {
            Some(column) => eprintln!("{name}: row {}, {column}: {}", problem.row, problem.message),
            None => eprintln!("{name}: row {}: {}", problem.row, problem.message),
        }
    }
    eprintln!(
        "yuva: {} rows read, {} valid ({} of them updating records in the registry), {} already in the registry and skipped, {} with errors; {} written{}",
        outcome.rows,
        outcome.valid,
        outcome.updates,
        outcome.duplicates.len(),
        outcome.rows - outcome.valid - outcome.duplicates.len(),
        outcome.written,
        if options.dry_run {
            " (dry run)"
        } else if outcome.written == 0 && !outcome.problems.is_empty() {
            " (nothing is written while a row is wrong: correct the file, or pass --valid-rows-only)"
        } else {
            ""
        }
    );
    Ok(if outcome.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// The exit code of a command: its own, or its failure's after the message on stderr.
fn finish(result: Result<ExitCode, Failure>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("yuva: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

#[cfg(feature = "ui")]
fn open_window(
    database: PathBuf,
    paths: Option<DataPaths>,
    safe_graphics: bool,
    started: Instant,
) -> ExitCode {
    if safe_graphics {
        // SAFETY: set before the window or any other thread starts; iced reads its renderer
        // choice only from the environment.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("ICED_BACKEND", "tiny-skia")
        };
    }
    let launch = yuva::ui::Launch {
        database,
        settings_file: paths.map(|p| p.settings),
        today: None,
        started,
        // YUVA_PASSPHRASE for a script or a kiosk; otherwise this computer's credential store,
        // or the window asks.
        passphrase: std::env::var("YUVA_PASSPHRASE")
            .ok()
            .map(|text| yuva::store::Passphrase::given(&text)),
        keystore: true,
    };
    match yuva::ui::run(launch) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("yuva: the window could not start: {error}");
            ExitCode::FAILURE
        }
    }
}

/// A build without the `ui` feature (a server, scripts) has only the subcommands.
#[cfg(not(feature = "ui"))]
fn open_window(
    _database: PathBuf,
    _paths: Option<DataPaths>,
    _safe_graphics: bool,
    _started: Instant,
) -> ExitCode {
    eprintln!("yuva: this build has no window (built without the `ui` feature); see `yuva --help`");
    ExitCode::from(2)
}

/// Enrols (with --hub and --token), syncs, lists or resolves conflicts.
fn run_sync(
    database: &std::path::Path,
    action: Option<&SyncAction>,
    hub: Option<&str>,
    token: Option<&str>,
) -> Result<ExitCode, Failure> {
    use yuva::store::sync::Keep;
    let gazetteer = Gazetteer::embedded().map_err(|e| e.to_string())?;
    let today = Local::now().date_naive();
    let ctx = yuva::domain::Context {
        today,
        gazetteer: &gazetteer,
    };
    let mut store = cli_accounts::open(database)?;
    let failure = |e: yuva::sync::SyncError| match e {
        yuva::sync::SyncError::Store(e) => cli_accounts::store_failure(e),
        other => Failure::input(other.to_string()),
    };
    match action {
        Some(SyncAction::Conflicts) => {
            let conflicts = store
                .sync_conflicts()
                .map_err(cli_accounts::store_failure)?;
            for c in &conflicts {
                println!(
                    "{}\t{}\t{}\tdetected {}\n  mine:   {}\n  theirs: {} (hub version {})",
                    c.id,
                    c.entity.code(),
                    c.gid,
                    c.detected_at,
                    c.mine,
                    c.theirs,
                    c.their_version
                );
            }
            eprintln!("yuva: {} conflict(s) waiting", conflicts.len());
            return Ok(ExitCode::SUCCESS);
        }
        Some(SyncAction::Resolve { id, keep }) => {
            let keep = if keep == "mine" {
                Keep::Mine
            } else {
                Keep::Theirs
            };
            store
                .resolve_conflict(*id, &keep, &ctx)
                .map_err(cli_accounts::store_failure)?;
            eprintln!("yuva: conflict {id} resolved; the choice goes to the hub at the next sync");
            return Ok(ExitCode::SUCCESS);
        }
        Some(SyncAction::Export { output }) => {
            let exported = yuva::sync::export_bundle(&mut store, output).map_err(failure)?;
            eprintln!(
                "yuva: bundle no. {} written to {}: {} record(s) in {} batch(es), sealed to the hub; they are sent again until its answer is taken in",
                exported.number,
                output.display(),
                exported.records,
                exported.batches
            );
            return Ok(ExitCode::SUCCESS);
        }
        Some(SyncAction::Import { from }) => {
            let report = yuva::sync::import_bundle(&mut store, &ctx, from, &|_| {}).map_err(
                |e| match e {
                    yuva::sync::SyncError::Store(e) => cli_accounts::store_failure(e),
                    file @ yuva::sync::SyncError::File { .. } => Failure::input(file.to_string()),
                    other => Failure::input(format!("{}: {other}", from.display())),
                },
            )?;
            eprintln!("{}", sync_summary("bundle taken in", "answered", &report));
            return Ok(ExitCode::SUCCESS);
        }
        None => {}
    }
    if let (Some(hub), Some(token)) = (hub, token) {
        let name = std::env::var("COMPUTERNAME")
            .or_else(|_| std::env::var("HOSTNAME"))
            .unwrap_or_else(|_| String::from("yuva"));
        let enrolled = yuva::sync::enrol(&mut store, hub, token, &name).map_err(failure)?;
        eprintln!(
            "yuva: enrolled with {hub} as a device of {}{}",
            enrolled.office,
            if enrolled.national {
                " (national office)"
            } else {
                ""
            }
        );
    }
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let report = yuva::sync::sync(&mut store, &ctx, &|p| {
        if terminal {
            match p {
                yuva::sync::SyncProgress::Pushed { records } => {
                    eprint!("\ryuva: {records} sent…   ")
                }
                yuva::sync::SyncProgress::Pulled { records } => {
                    eprint!("\ryuva: {records} received…   ")
                }
            }
        }
    })
    .map_err(failure)?;
    if terminal {
        eprintln!();
    }
    eprintln!("{}", sync_summary("synced", "sent", &report));
    Ok(ExitCode::SUCCESS)
}

/// What a sync or a bundle did, in one line.
fn sync_summary(done: &str, sent: &str, report: &yuva::sync::SyncReport) -> String {
    format!(
        "yuva: {done} — {} {sent}, {} received ({} new, {} updated), {} conflict(s){}",
        report.pushed,
        report.pulled,
        report.added,
        report.updated,
        report.conflicts,
        if report.conflicts > 0 {
            ": see `yuva sync conflicts`"
        } else {
            ""
        }
    )
}

#[cfg(feature = "hub")]
fn run_hub(action: HubAction) -> Result<ExitCode, Failure> {
    use yuva::hub;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let failure = |e: hub::HubError| Failure::input(e.to_string());
    match action {
        HubAction::Init {
            database_url,
            tls_dir,
            hosts,
        } => {
            let sha = runtime
                .block_on(hub::init(&database_url, &tls_dir, &hosts))
                .map_err(failure)?;
            eprintln!(
                "yuva hub: tables ready; certificate {} (SHA-256 {sha})",
                hub::certificate_paths(&tls_dir).0.display()
            );
        }
        HubAction::Enroll {
            database_url,
            tls_dir,
            office,
        } => {
            let token = runtime
                .block_on(hub::enroll(&database_url, &tls_dir, &office))
                .map_err(failure)?;
            println!("{}", token.text());
            eprintln!(
                "yuva hub: one-time token for a device of {} (on the device: yuva sync --db X --hub URL --token …)",
                token.office
            );
        }
        HubAction::Status { database_url } => {
            let devices = runtime
                .block_on(hub::status(&database_url))
                .map_err(failure)?;
            println!("office\tdevice\tname\tenrolled\tlast seen\trecords\tconflicts\taudit log");
            for d in &devices {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    d.office,
                    d.device,
                    d.name,
                    d.enrolled_at,
                    d.last_seen.as_deref().unwrap_or("never"),
                    d.records,
                    d.conflicts,
                    match &d.audit_rewritten_at {
                        Some(at) => format!("CHANGED AFTER A SYNC (found {at})"),
                        None => String::from("intact"),
                    }
                );
            }
            let rewritten = devices
                .iter()
                .filter(|d| d.audit_rewritten_at.is_some())
                .count();
            eprintln!(
                "yuva hub: {} device(s){}",
                devices.len(),
                if rewritten > 0 {
                    format!("; {rewritten} with an audit log changed after a sync: look into them")
                } else {
                    String::new()
                }
            );
        }
        HubAction::Bundle {
            database_url,
            tls_dir,
            from,
            output,
        } => {
            let taken = runtime
                .block_on(hub::take_bundle(&database_url, &tls_dir, &from, &output))
                .map_err(|e| Failure::input(format!("{}: {e}", from.display())))?;
            match &taken.refused {
                Some(reason) => eprintln!(
                    "yuva hub: bundle no. {} of {} ({}) NOT taken in: {reason}; the answer saying so is in {}",
                    taken.number,
                    taken.office,
                    taken.device,
                    output.display()
                ),
                None => eprintln!(
                    "yuva hub: bundle no. {} of {} ({}) taken in: {} record(s); the answer, with {} record(s) for the office, is in {}",
                    taken.number,
                    taken.office,
                    taken.device,
                    taken.records_in,
                    taken.records_out,
                    output.display()
                ),
            }
        }
        HubAction::Serve {
            database_url,
            tls_dir,
            listen,
        } => {
            let listener = std::net::TcpListener::bind(&listen)
                .map_err(|e| Failure::input(format!("cannot listen on {listen}: {e}")))?;
            eprintln!("yuva hub: serving on https://{listen}");
            runtime
                .block_on(hub::serve(
                    &database_url,
                    &tls_dir,
                    listener,
                    axum_server::Handle::new(),
                ))
                .map_err(failure)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the indicators report and says what it holds.
fn run_indicators(
    database: &std::path::Path,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    output: &std::path::Path,
    lang: yuva::i18n::Lang,
) -> Result<ExitCode, Failure> {
    use yuva::domain::indicators::Period;
    use yuva::report::{self, indicators};
    if indicators::ReportFormat::of(output).is_none() {
        return Err(Failure::input(format!(
            "{} must end in .pdf or .xlsx",
            output.display()
        )));
    }
    let now = Local::now().naive_local();
    let year = Period::year_to_date(now.date());
    let (from, to) = (from.unwrap_or(year.from), to.unwrap_or(now.date()));
    let period = Period::new(from, to).ok_or_else(|| {
        Failure::input(format!(
            "the period ends ({to}) before it starts ({from}): --to must not be before --from"
        ))
    })?;
    let gazetteer = Gazetteer::embedded().map_err(|e| e.to_string())?;
    let mut store = cli_accounts::open(database)?;
    let info = report::PackInfo {
        lang,
        user: String::new(),
        generated: now,
        today: now.date(),
    };
    let figures = indicators::write_indicators(&mut store, &gazetteer, period, &info, output)
        .map_err(|e| match e {
            report::ReportError::Store(e) => cli_accounts::store_failure(e),
            other => Failure::input(other.to_string()),
        })?;
    eprintln!(
        "yuva: indicators {} – {} written to {}: {} children in foster families at the end, {} placed, {} reunified, {} waiting",
        period.from,
        period.to,
        output.display(),
        figures.all.in_families_at_end,
        figures.all.placed,
        figures.all.reunified,
        figures.all.waiting_at_end
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes a pack; returns its path, pages, size and the time it took.
fn run_pack(
    database: &std::path::Path,
    kind: &PackKind,
    output: Option<PathBuf>,
    lang: yuva::i18n::Lang,
    date: Option<NaiveDate>,
) -> Result<(PathBuf, usize, usize, f64), Failure> {
    use yuva::report;
    let started = Instant::now();
    // Reading only: the registry file is never changed by printing.
    let store = cli_accounts::open_read_only(database)?;
    let gazetteer = Gazetteer::embedded().map_err(|e| e.to_string())?;
    let now = Local::now().naive_local();
    let today = date.unwrap_or_else(|| now.date());
    let user = store
        .pack_signature()
        .map_err(cli_accounts::store_failure)?;
    let info = report::PackInfo {
        lang,
        user,
        generated: now,
        today,
    };
    let child_id = |code: &str| -> Result<i64, Failure> {
        store
            .child_id_by_code(code)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| Failure::input(format!("no child {code} in {}", database.display())))
    };
    let family_id = |code: &str| -> Result<i64, Failure> {
        store
            .family_id_by_code(code)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| Failure::input(format!("no family {code} in {}", database.display())))
    };
    let request = match kind {
        PackKind::Match { child, family } => report::PackRequest::Match {
            child_id: child_id(child)?,
            family_id: family_id(family)?,
            explanation: None,
        },
        PackKind::Family { family } => report::PackRequest::Family(family_id(family)?),
        PackKind::Panel { session } => report::PackRequest::Panel(*session),
    };
    let path = match output {
        Some(path) => path,
        None => PathBuf::from(
            report::pack_file_name(&store, &request, today).map_err(|e| e.to_string())?,
        ),
    };
    let written = report::write_pack(&store, &gazetteer, &request, &info, &path)
        .map_err(|e| e.to_string())?;
    Ok((
        path,
        written.pages,
        written.bytes,
        started.elapsed().as_secs_f64() * 1000.0,
    ))
}

fn run_demo(
    database: &std::path::Path,
    options: &DemoOptions,
    replace: bool,
) -> Result<demo::DemoSummary, Failure> {
    let gazetteer = Gazetteer::embedded().map_err(|e| e.to_string())?;
    let exists = std::fs::metadata(database).is_ok_and(|m| m.len() > 0);
    let holds_records = exists
        && !cli_accounts::open_read_only_unsigned(database)?
            .is_empty()
            .map_err(cli_accounts::store_failure)?;
    // The people of a demo being replaced sign in to the new one too.
    let mut previous = None;
    if holds_records {
        if !replace {
            return Err(Failure::input(format!(
                "{} already holds a registry; pass --replace to replace a demo registry with a new one",
                database.display()
            )));
        }
        previous = Some(replace_demo_registry(database)?);
    }
    // A new demo in place of one keeps its passphrase.
    let mut store = match previous.as_ref().and_then(|old| old.passphrase()) {
        Some(passphrase) => {
            Store::open(database, passphrase).map_err(cli_accounts::store_failure)?
        }
        None => cli_accounts::open_unsigned(database)?,
    };
    let carried = match &previous {
        Some(old) => store
            .adopt_accounts(old)
            .map_err(cli_accounts::store_failure)?,
        None => 0,
    };
    if carried > 0 {
        cli_accounts::sign_in(&mut store, database)?;
    } else if store.has_accounts().map_err(cli_accounts::store_failure)? {
        // An empty registry that has its accounts already (`yuva init`).
        cli_accounts::sign_in(&mut store, database)?;
    } else {
        cli_accounts::create_administrator(&mut store)?;
    }
    demo::populate(&mut store, options, &gazetteer).map_err(cli_accounts::store_failure)
}

/// Clears the way for a new demo where a demo registry is: only a registry made as a demo,
/// by someone signed in on it who may load demos, writable, open nowhere else — and only
/// after a checked copy of it is kept beside it. Returns the copy, opened (its accounts go on
/// to the new demo).
fn replace_demo_registry(database: &std::path::Path) -> Result<Store, Failure> {
    let mut old = cli_accounts::open_read_only_unsigned(database)?;
    if !old.is_demo().map_err(|e| e.to_string())? {
        return Err(Failure::input(format!(
            "{} is not a demo registry: --replace replaces only registries made by `yuva demo` or the window's demo. Move it away yourself if you mean to start again.",
            database.display()
        )));
    }
    if old.has_accounts().map_err(cli_accounts::store_failure)? {
        cli_accounts::sign_in(&mut old, database)?;
        old.may(yuva::domain::access::Action::LoadDemo)
            .map_err(cli_accounts::store_failure)?;
    }
    if std::fs::metadata(database).is_ok_and(|m| m.permissions().readonly()) {
        return Err(Failure::input(format!(
            "{} is read-only: it is not replaced",
            database.display()
        )));
    }
    let passphrase = old
        .passphrase()
        .cloned()
        .ok_or_else(|| Failure::input("no passphrase"))?;
    drop(old);
    let hold = store::hold_exclusive(database).map_err(|e| e.to_string())?;
    let copy = Store::open_read_only(database, &passphrase)
        .and_then(|s| s.copy_before_replace())
        .map_err(|e| {
            format!(
                "no copy of {} could be made, so it is not replaced: {e}",
                database.display()
            )
        })?;
    eprintln!(
        "yuva: the previous demo registry is kept as {}",
        copy.display()
    );
    store::delete_registry_file(database)
        .map_err(|e| format!("cannot delete {}: {e}", database.display()))?;
    drop(hold);
    Store::open_read_only(&copy, &passphrase).map_err(cli_accounts::store_failure)
}

fn read_instance(path: &std::path::Path) -> Result<matching::Instance, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    matching::parse_instance(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn registry_instance(
    database: &std::path::Path,
    date: NaiveDate,
) -> Result<matching::Instance, Failure> {
    // Reading only: matching and exporting never change the registry file.
    let store = cli_accounts::open_read_only(database)?;
    matching::registry::instance_from_store(&store, date, matching::Settings::default())
        .map_err(cli_accounts::store_failure)
}

/// Writes through a temporary file in the same folder, so that a failure leaves no partial file.
fn write_atomically(path: &std::path::Path, text: &str) -> Result<(), String> {
    yuva::files::write_atomically(path, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A number of demo records: a whole number up to 100,000 (more would take hours to write and
/// no training needs it).
fn demo_count(text: &str) -> Result<usize, String> {
    let digits = text.trim();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(String::from("a whole number from 0 to 100000"));
    }
    // Too long for a number is more than the most too.
    match digits.parse::<usize>() {
        Ok(n) if n <= 100_000 => Ok(n),
        _ => Err(String::from("at most 100000")),
    }
}

/// `yuva audit verify`: the chain's verdict on stdout, exit 1 when it is broken.
fn verify_audit(database: &std::path::Path) -> ExitCode {
    let verified = cli_accounts::open_read_only(database)
        .and_then(|store| store.verify_audit().map_err(cli_accounts::store_failure));
    let report = match verified {
        Ok(report) => report,
        Err(failure) => return finish(Err(failure)),
    };
    match report.broken {
        None => {
            println!(
                "audit log intact: {} entries, head {}",
                report.entries, report.head
            );
            ExitCode::SUCCESS
        }
        Some(broken) => {
            println!("audit log NOT intact: {broken}");
            ExitCode::FAILURE
        }
    }
}

/// The instance of a file or of the registry, and a time limit, as `match` and `prices` take
/// them; a message on stderr and exit code 2 when either is wrong.
fn instance_and_limit(
    instance: Option<&std::path::Path>,
    database: &std::path::Path,
    date: Option<NaiveDate>,
    time_limit: Option<f64>,
) -> Result<(matching::Instance, Option<std::time::Duration>), ExitCode> {
    let today = date.unwrap_or_else(|| Local::now().date_naive());
    let loaded = match instance {
        Some(path) => read_instance(path).map_err(Failure::input),
        None => registry_instance(database, today),
    };
    let instance = loaded.map_err(|failure| finish(Err(failure)))?;
    let time_limit = match time_limit {
        // A limit beyond what a duration holds is no limit.
        Some(seconds) if seconds.is_finite() && seconds > 0.0 => {
            std::time::Duration::try_from_secs_f64(seconds).ok()
        }
        Some(seconds) => {
            eprintln!("yuva: --time-limit {seconds} must be a number of seconds above 0");
            return Err(ExitCode::from(2));
        }
        None => None,
    };
    Ok((instance, time_limit))
}

/// Prints the price of each setting as a table (or JSON).
fn run_prices(
    instance: &matching::Instance,
    time_limit: Option<std::time::Duration>,
    json: bool,
) -> ExitCode {
    use matching::prices::{PriceOptions, SettingChange, price_settings};
    let on_terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let show = |done: usize, total: usize| {
        if on_terminal {
            eprint!(
                "\r\x1b[2Kyuva: solving {} of {total}",
                (done + 1).min(total)
            );
        }
    };
    let options = PriceOptions {
        time_limit_each: time_limit,
        cancel: None,
        progress: Some(&show),
    };
    let prices = match price_settings(instance, options) {
        Ok(prices) => prices,
        Err(e) => {
            if on_terminal {
                eprintln!();
            }
            eprintln!("yuva: {e}");
            return ExitCode::from(if e.is_input_error() { 2 } else { 1 });
        }
    };
    if on_terminal {
        eprint!("\r\x1b[2K");
    }
    if json {
        return match serde_json::to_string_pretty(&prices) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("yuva: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let marked = |proven: bool| if proven { "" } else { " (not proven)" };
    println!("| setting | children placed | more than now | total km | more km than now |");
    println!("|---|---|---|---|---|");
    let current = prices.current;
    println!(
        "| as set | {}{} | | {:.1} | |",
        current.placed,
        marked(current.proven),
        current.total_km
    );
    for price in &prices.changes {
        let setting = match price.change {
            SettingChange::GroupsPerFamily { from, to } => {
                format!("sibling groups per family {from} → {to}")
            }
            SettingChange::DistanceLimit { from_km, to_km } => {
                format!("distance limit {from_km} → {to_km} km")
            }
            SettingChange::Weight { weight, from, to } => {
                format!("weight {} {from} → {to} (default)", weight.code())
            }
        };
        println!(
            "| {setting} | {}{} | {:+} | {:.1} | {:+.1} |",
            price.outcome.placed,
            marked(price.outcome.proven),
            price.more_placed(&current),
            price.outcome.total_km,
            price.outcome.total_km - current.total_km
        );
    }
    ExitCode::SUCCESS
}

/// How long `yuva match` checks hints unless told otherwise: on a 1,500-child registry every
/// hint would take the better part of an hour.
const DEFAULT_HINT_TIME_S: f64 = 120.0;

fn run_match(
    instance: &matching::Instance,
    output: Option<&std::path::Path>,
    greedy: bool,
    time_limit: Option<std::time::Duration>,
    hint_time: Option<std::time::Duration>,
) -> ExitCode {
    // On a terminal, one line of progress on stderr, rewritten as the run goes.
    let on_terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let show_progress = |p: matching::Progress| {
        let stage = match p.stage {
            matching::Stage::Model => "building the model",
            matching::Stage::Solving => "solving",
            matching::Stage::Explaining => "explaining",
            matching::Stage::Hints => "checking hints by solving again",
        };
        let mut line = format!("yuva: {stage}");
        if p.components > 0 {
            let what = if p.stage == matching::Stage::Hints {
                "children"
            } else {
                "components"
            };
            line.push_str(&format!(", {}/{} {what}", p.components_done, p.components));
        }
        if let Some(best) = p.best {
            line.push_str(&format!(", best plan {best:.0}"));
        }
        if let (Some(bound), Some(gap)) = (p.bound, p.gap()) {
            line.push_str(&format!(", bound {bound:.0} (gap {:.2} %)", gap * 100.0));
        }
        eprint!("\r\x1b[2K{line}");
    };
    let result = if greedy {
        matching::solve_greedy(instance)
    } else {
        matching::solve_with(
            instance,
            matching::SolveOptions {
                time_limit,
                progress: on_terminal.then_some(&show_progress as &(dyn Fn(_) + Sync)),
                // A limit too large for a duration is no limit.
                hint_time,
                ..Default::default()
            },
        )
    };
    if on_terminal && !greedy {
        eprint!("\r\x1b[2K");
    }
    let plan = match result {
        Ok(plan) => plan,
        Err(error) => {
            eprintln!("yuva: {error}");
            return if error.is_input_error() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            };
        }
    };
    let text = match serde_json::to_string_pretty(&plan) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("yuva: {error}");
            return ExitCode::FAILURE;
        }
    };
    match output {
        Some(path) => {
            if let Err(message) = write_atomically(path, &text) {
                eprintln!("yuva: {message}");
                return ExitCode::FAILURE;
            }
        }
        None => println!("{text}"),
    }
    eprintln!(
        "yuva: {} placed, {} unplaced, objective {:.2}{} ({}, {:.0} ms); greedy baseline: {} placed, objective {:.2}",
        plan.placements.len(),
        plan.unplaced.len(),
        plan.objective,
        match (plan.proven_optimal, plan.upper_bound) {
            (true, _) => String::from(", proven optimal"),
            (false, Some(bound)) => format!(
                ", NOT proven optimal: at most {:.2} % short of the best (no plan is worth more than {bound:.2})",
                plan.gap().unwrap_or(0.0) * 100.0
            ),
            (false, None) => String::new(),
        },
        plan.solver,
        plan.timings_ms.total_ms,
        plan.baseline.placed,
        plan.baseline.objective
    );
    ExitCode::SUCCESS
}
