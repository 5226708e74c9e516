//! Who may do what: the roles of the people who sign in, the actions the registry guards, and
//! the rules for logins and passwords. The store enforces these on every write (so the window,
//! the command line and tests all meet the same rules); the window only hides what a role
//! cannot use.

use super::validation::ValidationErrors;

/// A person's role in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Accounts, backups and restore, and everything else.
    Administrator,
    /// Guardianship officer: the registry's records, matching, proposals, placements.
    Officer,
    /// Placement panel chair: panel sessions, decisions, packs.
    PanelChair,
    /// Placement panel member: decisions and packs.
    PanelMember,
    /// Trainer: everything but accounts, backups and restore — on demo registries only.
    Trainer,
    /// Reads, never writes.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Administrator,
        Role::Officer,
        Role::PanelChair,
        Role::PanelMember,
        Role::Trainer,
        Role::Viewer,
    ];

    /// As stored and typed on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Officer => "officer",
            Role::PanelChair => "panel_chair",
            Role::PanelMember => "panel_member",
            Role::Trainer => "trainer",
            Role::Viewer => "viewer",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        let code = code.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL.into_iter().find(|role| role.code() == code)
    }

    pub fn locale_key(self) -> &'static str {
        match self {
            Role::Administrator => "role.administrator",
            Role::Officer => "role.officer",
            Role::PanelChair => "role.panel_chair",
            Role::PanelMember => "role.panel_member",
            Role::Trainer => "role.trainer",
            Role::Viewer => "role.viewer",
        }
    }

    /// Whether this role may do `action` on a registry that is (or is not) a demo registry.
    pub fn permits(self, action: Action, registry_is_demo: bool) -> bool {
        use Action::*;
        match self {
            Role::Administrator => true,
            Role::Trainer => registry_is_demo && !matches!(action, ManageAccounts | BackUpRestore),
            Role::Officer => matches!(
                action,
                EditRecords
                    | ProposePlacements
                    | ManagePlacements
                    | ManageExclusions
                    | PrintPacks
                    | ExportData
            ),
            Role::PanelChair => matches!(
                action,
                ManageSessions | RecordDecisions | PrintPacks | ExportData
            ),
            Role::PanelMember => matches!(action, RecordDecisions | PrintPacks),
            Role::Viewer => false,
        }
    }

    /// Whether an account of this role may sign in to a registry that is (or is not) a demo.
    pub fn may_sign_in(self, registry_is_demo: bool) -> bool {
        self != Role::Trainer || registry_is_demo
    }
}

/// What the registry guards. Reading is open to every signed-in account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Families, children and sibling groups.
    EditRecords,
    /// Put the optimizer's proposals on a panel's agenda.
    ProposePlacements,
    /// End a placement.
    ManagePlacements,
    /// Exclude a child–family pair (or lift an exclusion).
    ManageExclusions,
    /// Create panel sessions.
    ManageSessions,
    /// Record the panel's decisions and corrections.
    RecordDecisions,
    /// Print assessment packs (they carry personal data).
    PrintPacks,
    /// Export lists as spreadsheets (they carry personal data).
    ExportData,
    /// Add, disable and reset accounts.
    ManageAccounts,
    /// Back the registry up and restore it.
    BackUpRestore,
    /// Fill a registry with demo data, or reset a demo registry.
    LoadDemo,
    /// The registry's own settings (the idle lock, …).
    ChangeSettings,
}

impl Action {
    pub const ALL: [Action; 12] = [
        Action::EditRecords,
        Action::ProposePlacements,
        Action::ManagePlacements,
        Action::ManageExclusions,
        Action::ManageSessions,
        Action::RecordDecisions,
        Action::PrintPacks,
        Action::ExportData,
        Action::ManageAccounts,
        Action::BackUpRestore,
        Action::LoadDemo,
        Action::ChangeSettings,
    ];

    pub fn locale_key(self) -> &'static str {
        match self {
            Action::EditRecords => "action.edit_records",
            Action::ProposePlacements => "action.propose_placements",
            Action::ManagePlacements => "action.manage_placements",
            Action::ManageExclusions => "action.manage_exclusions",
            Action::ManageSessions => "action.manage_sessions",
            Action::RecordDecisions => "action.record_decisions",
            Action::PrintPacks => "action.print_packs",
            Action::ExportData => "action.export_data",
            Action::ManageAccounts => "action.manage_accounts",
            Action::BackUpRestore => "action.back_up_restore",
            Action::LoadDemo => "action.load_demo",
            Action::ChangeSettings => "action.change_settings",
        }
    }
}

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The most (Argon2 takes any length; this keeps a pasted file out).
pub const MAX_PASSWORD_CHARS: usize = 200;

/// A login: 2–32 of a–z, 0–9, `.`, `_`, `-`, starting with a letter (stored in lower case).
pub fn normalise_login(login: &str) -> String {
    login.trim().to_lowercase()
}

/// What is wrong with a new account's login, full name and password, by field.
pub fn validate_account(login: &str, full_name: &str, password: &str) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    let login = normalise_login(login);
    let login_ok = (2..=32).contains(&login.chars().count())
        && login.starts_with(|c: char| c.is_ascii_lowercase())
        && login
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if !login_ok {
        errors.push("login", "error.login_format");
    }
    if full_name.trim().is_empty() {
        errors.push("full_name", "error.required");
    } else if full_name.chars().count() > 100 {
        errors.push("full_name", "error.too_long");
    }
    errors.extend(validate_password(password));
    errors
}

/// What is wrong with a password (field `password`).
pub fn validate_password(password: &str) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        errors.push("password", "error.password_short");
    } else if chars > MAX_PASSWORD_CHARS {
        errors.push("password", "error.too_long");
    }
    errors
}

/// How long a sign-in must wait after `failures` wrong passwords in a row: none for the first
/// two, then 5, 10, 20 seconds; from the sixth the account locks for 15 minutes.
pub fn sign_in_delay_seconds(failures: u32) -> u32 {
    match failures {
        0..=2 => 0,
        3 => 5,
        4 => 10,
        5 => 20,
        _ => LOCK_SECONDS,
    }
}

/// How long an account stays locked after too many wrong passwords.
pub const LOCK_SECONDS: u32 = 15 * 60;

/// Minutes without input after which the window locks, unless the registry says otherwise.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_viewer_writes_nothing_and_a_trainer_only_on_a_demo() {
        for action in [
            Action::EditRecords,
            Action::ProposePlacements,
            Action::RecordDecisions,
            Action::ManageAccounts,
            Action::LoadDemo,
        ] {
            assert!(!Role::Viewer.permits(action, true));
            assert!(!Role::Viewer.permits(action, false));
            assert!(!Role::Trainer.permits(action, false));
        }
        assert!(Role::Trainer.permits(Action::EditRecords, true));
        assert!(!Role::Trainer.permits(Action::ManageAccounts, true));
        assert!(!Role::Trainer.may_sign_in(false));
        assert!(Role::Officer.may_sign_in(false));
    }

    #[test]
    fn roles_read_back_from_their_codes() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_code("Panel-Chair"), Some(Role::PanelChair));
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn logins_and_passwords_are_checked() {
        assert!(validate_account("aysel.m", "Aysel Məmmədova", "uzun-parol-1").is_empty());
        assert!(!validate_account("1abc", "A", "uzun-parol-1").is_empty());
        assert!(!validate_account("ab cd", "A", "uzun-parol-1").is_empty());
        assert!(!validate_account("abc", " ", "uzun-parol-1").is_empty());
        assert!(!validate_account("abc", "A", "short").is_empty());
        assert_eq!(sign_in_delay_seconds(2), 0);
        assert_eq!(sign_in_delay_seconds(9), LOCK_SECONDS);
    }
}
