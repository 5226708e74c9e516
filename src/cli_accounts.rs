//! Part of the `yuva` binary (see `main.rs`): opening an encrypted registry and signing in
//! on the command line, and the `yuva user …` commands.
//!
//! The registry's passphrase comes from `YUVA_PASSPHRASE`, else from this computer's
//! credential store, else it is asked for on a terminal (a new registry's: typed twice, or
//! generated and printed once). Who signs in comes from `YUVA_USER` and `YUVA_PASSWORD`;
//! without them, on a terminal, the login and the password are asked for (without echo). A new
//! or reset password comes from `YUVA_NEW_PASSWORD`, else is asked for twice on a terminal,
//! else is generated and printed once.

use std::io::{IsTerminal, Write};
use std::path::Path;

use yuva::domain::access::Role;
use yuva::keystore;
use yuva::store::{self, Actor, FileKind, NewAccount, Passphrase, Store, StoreError};

/// Exit code of a command refused for who is signed in (or nobody signed in).
pub const EXIT_ACCESS: u8 = 3;

/// Why a command stopped: its message and exit code.
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    pub fn input(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 2,
        }
    }

    fn access(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: EXIT_ACCESS,
        }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::input(message)
    }
}

/// A store error as a failure: refusals (who may do what, sign-in) exit with
/// [`EXIT_ACCESS`], everything else with 2.
pub fn store_failure(error: store::StoreError) -> Failure {
    match &error {
        store::StoreError::Refused(refusal)
            if refusal.key.starts_with("refusal.sign_in")
                || matches!(
                    refusal.key,
                    "refusal.forbidden"
                        | "refusal.not_signed_in"
                        | "refusal.account_disabled"
                        | "refusal.trainer_real_registry"
                ) =>
        {
            Failure::access(error.to_string())
        }
        _ => Failure::input(error.to_string()),
    }
}

fn prompt(label: &str) -> Result<String, Failure> {
    eprint!("{label}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Failure::input(format!("cannot read the answer: {e}")))?;
    Ok(line.trim().to_owned())
}

fn prompt_password(label: &str) -> Result<String, Failure> {
    rpassword::prompt_password(label)
        .map_err(|e| Failure::input(format!("cannot read the password: {e}")))
}

/// The login and password to sign in with: the environment, else asked on a terminal.
fn credentials(database: &Path) -> Result<(String, String), Failure> {
    let user = std::env::var("YUVA_USER")
        .ok()
        .filter(|u| !u.trim().is_empty());
    let password = std::env::var("YUVA_PASSWORD").ok();
    if let (Some(user), Some(password)) = (&user, &password) {
        return Ok((user.clone(), password.clone()));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::access(format!(
            "{} needs a signed-in account: set YUVA_USER and YUVA_PASSWORD",
            database.display()
        )));
    }
    let user = match user {
        Some(user) => user,
        None => prompt("Login: ")?,
    };
    let password = match password {
        Some(password) => password,
        None => prompt_password(&format!("Password for {user}: "))?,
    };
    Ok((user, password))
}

/// Signs in on an open registry (the environment's or the typed account).
pub fn sign_in(store: &mut Store, database: &Path) -> Result<Actor, Failure> {
    if !store.has_accounts().map_err(store_failure)? {
        return Err(Failure::access(format!(
            "{} has no accounts yet: create its administrator with `yuva user add --db {} --login admin --role administrator`, or open it in the window",
            database.display(),
            database.display()
        )));
    }
    let (login, password) = credentials(database)?;
    store.sign_in(&login, &password).map_err(store_failure)
}

/// Opens a registry for reading only and signs in.
pub fn open_read_only(database: &Path) -> Result<Store, Failure> {
    let mut store = open_read_only_unsigned(database)?;
    sign_in(&mut store, database)?;
    Ok(store)
}

/// Opens a registry for writing and signs in.
pub fn open(database: &Path) -> Result<Store, Failure> {
    let mut store = open_unsigned(database)?;
    sign_in(&mut store, database)?;
    Ok(store)
}

/// Opens (creating or encrypting if needed) a registry with its passphrase; nobody signed in.
pub fn open_unsigned(database: &Path) -> Result<Store, Failure> {
    let kind = store::encryption::file_kind(database)
        .map_err(|e| Failure::input(format!("cannot read {}: {e}", database.display())))?;
    match kind {
        FileKind::New | FileKind::Plain => {
            if kind == FileKind::Plain {
                eprintln!(
                    "yuva: {} is not encrypted yet: it is encrypted now (a copy goes to its backups folder)",
                    database.display()
                );
            }
            let passphrase = new_passphrase(database)?;
            Store::open(database, &passphrase).map_err(store_failure)
        }
        FileKind::Encrypted => with_passphrase(database, |p| Store::open(database, p)),
    }
}

/// Opens an existing registry for reading only with its passphrase; nobody signed in.
pub fn open_read_only_unsigned(database: &Path) -> Result<Store, Failure> {
    with_passphrase(database, |p| Store::open_read_only(database, p))
}

/// Runs `open` with the passphrase known for `database` (the environment's, or this
/// computer's); when there is none or it does not open the file, asks on a terminal.
fn with_passphrase(
    database: &Path,
    open: impl Fn(&Passphrase) -> store::Result<Store>,
) -> Result<Store, Failure> {
    let from_env = std::env::var_os("YUVA_PASSPHRASE").is_some();
    if let Some(known) = keystore::known(database) {
        match open(&known) {
            Err(StoreError::WrongPassphrase { .. }) if !from_env => keystore::forget(database),
            other => return other.map_err(store_failure),
        }
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::access(format!(
            "{} is encrypted: set YUVA_PASSPHRASE to its passphrase",
            database.display()
        )));
    }
    let typed = Passphrase::given(&prompt_password(&format!(
        "Passphrase of {}: ",
        database.display()
    ))?);
    let store = open(&typed).map_err(store_failure)?;
    remember(database, &typed);
    Ok(store)
}

/// The passphrase of a registry being created (or encrypted): `YUVA_PASSPHRASE`, else typed
/// twice on a terminal, else generated and printed once; kept on this computer unless it came
/// from the environment.
fn new_passphrase(database: &Path) -> Result<Passphrase, Failure> {
    if let Ok(text) = std::env::var("YUVA_PASSPHRASE") {
        return Passphrase::new(&text).map_err(|e| Failure::input(format!("YUVA_PASSPHRASE: {e}")));
    }
    let passphrase = if std::io::stdin().is_terminal() {
        let first = prompt_password(&format!(
            "A passphrase for {} (at least {} characters; empty: generate one): ",
            database.display(),
            store::encryption::MIN_PASSPHRASE_CHARS
        ))?;
        if first.is_empty() {
            generated_passphrase(database)?
        } else {
            let again = prompt_password("The same passphrase again: ")?;
            if first != again {
                return Err(Failure::input(
                    "the two passphrases differ; nothing was created",
                ));
            }
            Passphrase::new(&first).map_err(|e| Failure::input(e.to_string()))?
        }
    } else {
        generated_passphrase(database)?
    };
    remember(database, &passphrase);
    Ok(passphrase)
}

fn generated_passphrase(database: &Path) -> Result<Passphrase, Failure> {
    // Three generated passwords: 48 letters and digits, ~280 bits.
    let mut text = String::new();
    for part in 0..3 {
        if part > 0 {
            text.push('-');
        }
        text.push_str(&store::generate_password().map_err(store_failure)?);
    }
    println!("passphrase of {}: {text}", database.display());
    eprintln!(
        "yuva: write the registry's passphrase down and keep it safe: without it nobody can open the registry or its backups"
    );
    Passphrase::new(&text).map_err(|e| Failure::input(e.to_string()))
}

fn remember(database: &Path, passphrase: &Passphrase) {
    if let Err(reason) = keystore::remember(database, passphrase) {
        eprintln!("yuva: the passphrase is not kept on this computer ({reason})");
    }
}

/// A password for an account being made or reset: `YUVA_NEW_PASSWORD`, else typed twice on a
/// terminal, else generated (the caller prints it). The flag says whether it was generated.
fn new_password(for_login: &str) -> Result<(String, bool), Failure> {
    if let Ok(password) = std::env::var("YUVA_NEW_PASSWORD") {
        return Ok((password, false));
    }
    if std::io::stdin().is_terminal() {
        let first = prompt_password(&format!(
            "New password for {for_login} (empty: generate one): "
        ))?;
        if first.is_empty() {
            return Ok((store::generate_password().map_err(store_failure)?, true));
        }
        let again = prompt_password("The same password again: ")?;
        if first != again {
            return Err(Failure::input(
                "the two passwords differ; nothing was changed",
            ));
        }
        return Ok((first, false));
    }
    Ok((store::generate_password().map_err(store_failure)?, true))
}

/// The administrator `admin` of a new registry (`init`, `demo`): its password from
/// `YUVA_PASSWORD`, else generated and printed.
pub fn create_administrator(store: &mut Store) -> Result<Actor, Failure> {
    let (password, generated) = match std::env::var("YUVA_PASSWORD") {
        Ok(password) => (password, false),
        Err(_) => (store::generate_password().map_err(store_failure)?, true),
    };
    let actor = store
        .create_first_administrator("admin", "Administrator", &password)
        .map_err(store_failure)?;
    if generated {
        print_generated("admin", &password);
    }
    Ok(actor)
}

fn print_generated(login: &str, password: &str) {
    println!("password of {login}: {password}");
    eprintln!("yuva: write the password of {login} down now; it is not shown again");
}

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Add an account (the first account of a registry must be an administrator; it needs no
    /// sign-in).
    Add {
        #[arg(long)]
        login: String,
        /// administrator, officer, panel_chair, panel_member, trainer or viewer.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The person's full name (default: the login).
        #[arg(long)]
        name: Option<String>,
    },
    /// List the accounts.
    List,
    /// Disable an account: it can no longer sign in.
    Disable {
        #[arg(long)]
        login: String,
    },
    /// Enable a disabled account again.
    Enable {
        #[arg(long)]
        login: String,
    },
    /// Set a new password for an account (and lift a lock after wrong passwords).
    Reset {
        #[arg(long)]
        login: String,
    },
}

fn parse_role(value: &str) -> Result<Role, String> {
    Role::from_code(value).ok_or_else(|| {
        let roles: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        format!("{value:?} is not a role: {}", roles.join(", "))
    })
}

pub fn run_user(database: &Path, command: &UserCommand) -> Result<(), Failure> {
    if let UserCommand::Add { login, role, name } = command {
        let mut store = open_unsigned(database)?;
        let full_name = name.clone().unwrap_or_else(|| login.clone());
        if !store.has_accounts().map_err(store_failure)? {
            if *role != Role::Administrator {
                return Err(Failure::access(
                    "the first account of a registry must be an administrator (--role administrator)",
                ));
            }
            let (password, generated) = new_password(login)?;
            store
                .create_first_administrator(login, &full_name, &password)
                .map_err(store_failure)?;
            if generated {
                print_generated(login, &password);
            }
            eprintln!(
                "yuva: administrator {login} added to {}",
                database.display()
            );
            return Ok(());
        }
        sign_in(&mut store, database)?;
        let (password, generated) = new_password(login)?;
        store
            .add_account(&NewAccount {
                login,
                full_name: &full_name,
                role: *role,
                password: &password,
            })
            .map_err(store_failure)?;
        if generated {
            print_generated(login, &password);
        }
        eprintln!("yuva: {} {login} added", role.code());
        return Ok(());
    }
    if let UserCommand::List = command {
        let store = open_read_only(database)?;
        println!(
            "{:<20} {:<30} {:<14} {:<10} last sign-in",
            "login", "name", "role", "status"
        );
        for account in store.accounts().map_err(store_failure)? {
            let status = if account.disabled {
                "disabled"
            } else if account.locked_until.is_some() {
                "locked"
            } else {
                "active"
            };
            println!(
                "{:<20} {:<30} {:<14} {:<10} {}",
                account.login,
                account.full_name,
                account.role.code(),
                status,
                account.last_sign_in.as_deref().unwrap_or("never")
            );
        }
        return Ok(());
    }
    let mut store = open(database)?;
    let login = match command {
        UserCommand::Disable { login }
        | UserCommand::Enable { login }
        | UserCommand::Reset { login } => login,
        _ => return Ok(()),
    };
    let wanted = yuva::domain::access::normalise_login(login);
    let account = store
        .accounts()
        .map_err(store_failure)?
        .into_iter()
        .find(|a| a.login == wanted)
        .ok_or_else(|| Failure::input(format!("no account {login} in {}", database.display())))?;
    match command {
        UserCommand::Disable { .. } => {
            store
                .set_account_disabled(account.id, true)
                .map_err(store_failure)?;
            eprintln!("yuva: {login} disabled");
        }
        UserCommand::Enable { .. } => {
            store
                .set_account_disabled(account.id, false)
                .map_err(store_failure)?;
            eprintln!("yuva: {login} enabled");
        }
        _ => {
            let (password, generated) = new_password(login)?;
            store
                .reset_password(account.id, &password)
                .map_err(store_failure)?;
            if generated {
                print_generated(login, &password);
            }
            eprintln!("yuva: new password set for {login}");
        }
    }
    Ok(())
}
