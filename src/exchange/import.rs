//! Families and children into the registry from a spreadsheet (XLSX by `calamine`, or CSV in
//! UTF-8, Windows-1251 or Windows-1254, detected by `chardetng`, separated by `,` or `;`).
//!
//! Columns are matched by their header in Azerbaijani, Russian or English (the export's
//! headers, or the column's code), values by code or by label in any of the three languages,
//! places by name in any of them — all folded the Azerbaijani way (`fold_for_search`). Every
//! row is read and checked with the same rules as the window before anything is written; then
//! all valid rows go in one transaction with one audit entry — or, by default, nothing at all
//! when any row is wrong.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use chrono::NaiveDate;

use super::{CHILD_COLUMNS, FAMILY_COLUMNS};
use crate::domain::text::fold_for_search;
use crate::domain::validation::{validate_child, validate_family};
use crate::domain::*;
use crate::geo::Gazetteer;
use crate::i18n::{Lang, tr, tr_args};
use crate::store::{GroupChange, Store, StoreError};

/// What is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Families,
    Children,
}

/// A cell as read from the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Empty,
}

impl Raw {
    fn text(&self) -> String {
        match self {
            // Undo the export's guard against formulas ("'=…" was written for "=…").
            Raw::Text(t) => match t.strip_prefix('\'') {
                Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.trim().to_owned(),
                _ => t.trim().to_owned(),
            },
            Raw::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Raw::Number(n) => n.to_string(),
            Raw::Date(d) => format_date(*d),
            Raw::Empty => String::new(),
        }
    }

    fn is_empty(&self) -> bool {
        self.text().is_empty()
    }
}

/// A sheet as read: its header row and data rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Raw>>,
}

/// Why a file cannot be imported at all (nothing is written).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    File(String),
}

/// One problem of one row: the sheet's row number (the header is row 1), the column's header
/// as the file has it, and what is wrong, in the interface language.
#[derive(Debug, Clone, PartialEq)]
pub struct RowProblem {
    pub row: usize,
    pub column: Option<String>,
    pub message: String,
}

/// What an import found (and, unless a dry run or refused, wrote).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    pub rows: usize,
    /// Rows that are whole and can be written: new records, and (when asked for) rows that
    /// update the record with their code.
    pub valid: usize,
    /// Of the valid rows, those that update a record already in the registry.
    pub updates: usize,
    /// Rows written (0 on a dry run or when refused).
    pub written: usize,
    /// Rows that match a record already in the registry (the same code, or the same name and
    /// birth date) and are skipped: all of them, unless updates were asked for (then those
    /// matched by name only).
    pub duplicates: Vec<RowProblem>,
    pub problems: Vec<RowProblem>,
}

/// How to import.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Check and report only.
    pub dry_run: bool,
    /// Write the valid rows even when others are wrong (otherwise nothing is written).
    pub valid_rows_only: bool,
    /// A row with the code of a record already in the registry updates it: the file's columns
    /// replace the record's values, the columns the file lacks keep theirs (otherwise such
    /// rows are skipped).
    pub update_duplicates: bool,
}

/// What an import is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    Checking,
    Writing,
}

/// How far an import is: its stage, and rows done of all (0 of 0 while reading the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    pub done: usize,
    pub total: usize,
}

/// Rows between two progress reports.
const PROGRESS_EVERY: usize = 250;

/// The most rows one file may have.
pub const MAX_ROWS: usize = 50_000;

/// Reads the first sheet of an XLSX/XLS/ODS file, or a CSV file, as header and rows.
pub fn read_sheet(path: &Path) -> Result<Sheet, ImportError> {
    read_sheet_for(path, None)
}

/// Reads the sheet of a workbook that holds `kind` (the template's "Families" or "Children"
/// sheet, named in any language), else its first sheet; or a CSV file.
pub fn read_sheet_for(path: &Path, kind: Option<Kind>) -> Result<Sheet, ImportError> {
    let shown = path.display().to_string();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut rows: Vec<Vec<Raw>> = if extension == "csv" {
        let bytes = std::fs::read(path)
            .map_err(|e| ImportError::File(format!("cannot read {shown}: {e}")))?;
        csv_rows(&bytes).map_err(|e| ImportError::File(format!("{shown}: {e}")))?
    } else {
        use calamine::Reader;
        let mut book = calamine::open_workbook_auto(path).map_err(|e| {
            ImportError::File(format!(
                "{shown} is not a spreadsheet Yuva can read (XLSX or CSV), or it is password-protected: {}",
                first_line(&e.to_string())
            ))
        })?;
        let names = book.sheet_names();
        // The template's sheet for this kind (its name in any language), else the first.
        let own = kind.and_then(|kind| {
            let key = match kind {
                Kind::Families => "export.sheet_families",
                Kind::Children => "export.sheet_children",
            };
            names.iter().find(|name| {
                Lang::ALL
                    .iter()
                    .any(|&lang| fold_for_search(&tr(lang, key)) == fold_for_search(name))
            })
        });
        let first = own
            .or(names.first())
            .cloned()
            .ok_or_else(|| ImportError::File(format!("{shown} has no sheet")))?;
        let range = book
            .worksheet_range(&first)
            .map_err(|e| ImportError::File(format!("{shown}: {}", first_line(&e.to_string()))))?;
        range
            .rows()
            .map(|row| row.iter().map(raw_of).collect())
            .collect()
    };
    // Trailing empty rows are not rows.
    while rows.last().is_some_and(|r| r.iter().all(Raw::is_empty)) {
        rows.pop();
    }
    if rows.is_empty() {
        return Err(ImportError::File(format!("{shown} is empty")));
    }
    let headers = rows.remove(0).iter().map(Raw::text).collect();
    if rows.len() > MAX_ROWS {
        return Err(ImportError::File(format!(
            "{shown} has {} rows; at most {MAX_ROWS} can be imported at once: split the file",
            rows.len()
        )));
    }
    Ok(Sheet { headers, rows })
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

fn raw_of(data: &calamine::Data) -> Raw {
    use calamine::Data;
    match data {
        Data::String(s) => Raw::Text(s.clone()),
        Data::Int(i) => Raw::Number(*i as f64),
        Data::Float(f) => Raw::Number(*f),
        Data::Bool(b) => Raw::Text(b.to_string()),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|t| Raw::Date(t.date()))
            .unwrap_or(Raw::Empty),
        Data::DateTimeIso(s) => NaiveDate::parse_from_str(&s[..s.len().min(10)], "%Y-%m-%d")
            .map(Raw::Date)
            .unwrap_or_else(|_| Raw::Text(s.clone())),
        Data::DurationIso(s) => Raw::Text(s.clone()),
        Data::Error(_) | Data::Empty => Raw::Empty,
    }
}

/// CSV rows: the encoding by the byte-order mark, else UTF-8 if it is valid, else guessed
/// (Excel writes Windows-1251 on Russian and Windows-1254 on Azerbaijani Windows); the
/// separator by the header line (`;` where Excel's list separator is a semicolon).
fn csv_rows(bytes: &[u8]) -> Result<Vec<Vec<Raw>>, String> {
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        text.to_owned()
    } else {
        let mut detector = chardetng::EncodingDetector::new();
        detector.feed(bytes, true);
        let encoding = detector.guess(None, true);
        encoding.decode(bytes).0.into_owned()
    };
    if text.contains('\0') {
        return Err(String::from("is not a text (CSV) file"));
    }
    let header_line = text.lines().next().unwrap_or_default();
    let separator = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("row {}: {e}", n + 1))?;
        rows.push(
            record
                .iter()
                .map(|v| {
                    if v.trim().is_empty() {
                        Raw::Empty
                    } else {
                        Raw::Text(v.to_owned())
                    }
                })
                .collect(),
        );
    }
    Ok(rows)
}

/// The column keys a header names (by code, or the export's header in any language).
fn column_of(header: &str, keys: &[&'static str]) -> Option<&'static str> {
    let folded = fold_for_search(header);
    if folded.is_empty() {
        return None;
    }
    keys.iter().copied().find(|key| {
        fold_for_search(key) == folded
            || Lang::ALL
                .iter()
                .any(|&lang| fold_for_search(&tr(lang, &format!("export.{key}"))) == folded)
    })
}

/// A coded value by its code or its label in any language.
fn coded<T: Copy>(
    text: &str,
    all: &[T],
    code: impl Fn(T) -> &'static str,
    key: impl Fn(T) -> String,
) -> Option<T> {
    let folded = fold_for_search(text);
    all.iter().copied().find(|&value| {
        fold_for_search(code(value)) == folded
            || Lang::ALL
                .iter()
                .any(|&lang| fold_for_search(&tr(lang, &key(value))) == folded)
    })
}

/// A row being read: its cells by column key, and its problems.
struct RowReader<'a> {
    row: usize,
    cells: HashMap<&'static str, &'a Raw>,
    headers: &'a HashMap<&'static str, String>,
    lang: Lang,
    problems: Vec<RowProblem>,
}

impl RowReader<'_> {
    fn problem(&mut self, key: &str, message: String) {
        self.problems.push(RowProblem {
            row: self.row,
            column: self.headers.get(key).cloned(),
            message,
        });
    }

    /// The domain's errors, each on its column — but not a second one on a cell already said
    /// to be wrong (an unknown district is not also "choose a district").
    fn rule_errors(&mut self, errors: ValidationErrors) {
        for error in errors.errors {
            let key = column_of_field(&error.field);
            let column = self.headers.get(key).cloned();
            if column.is_some() && self.problems.iter().any(|p| p.column == column) {
                continue;
            }
            let message = tr_args(self.lang, error.key, &error.args);
            self.problem(key, message);
        }
    }

    fn text(&self, key: &str) -> String {
        self.cells.get(key).map(|r| r.text()).unwrap_or_default()
    }

    /// Whether the sheet has this column (a row may still leave its cell empty).
    fn has(&self, key: &str) -> bool {
        self.headers.contains_key(key)
    }

    fn date(&mut self, key: &str) -> Option<NaiveDate> {
        match self.cells.get(key).copied() {
            None | Some(Raw::Empty) => None,
            Some(Raw::Date(d)) => Some(*d),
            // An Excel date serial in a cell without a date format.
            Some(Raw::Number(n)) if (1.0..2_958_465.0).contains(n) => {
                NaiveDate::from_ymd_opt(1899, 12, 30)
                    .and_then(|epoch| epoch.checked_add_days(chrono::Days::new(*n as u64)))
            }
            Some(other) => {
                let text = other.text();
                let parsed = parse_date(&text);
                if parsed.is_none() && !text.is_empty() {
                    let message = tr(self.lang, date_error_key(&text));
                    self.problem(key, message);
                }
                parsed
            }
        }
    }

    fn number(&mut self, key: &str, max: u32) -> Option<u8> {
        let text = self.text(key);
        if text.is_empty() {
            return None;
        }
        match text.replace(',', ".").parse::<f64>() {
            Ok(n) if n.fract() == 0.0 && (0.0..=f64::from(max)).contains(&n) => Some(n as u8),
            _ => {
                let message = tr_args(
                    self.lang,
                    "error.number_between",
                    &[("min", String::from("0")), ("max", max.to_string())],
                );
                self.problem(key, message);
                None
            }
        }
    }

    /// A coded value by its code or label in any language (an unknown one is a problem).
    fn one<T: Coded>(&mut self, key: &str) -> Option<T> {
        let text = self.text(key);
        if text.is_empty() {
            return None;
        }
        let found = coded(&text, T::all(), T::code, T::locale_key);
        if found.is_none() {
            let message = tr_args(self.lang, "import.unknown_value", &[("value", text)]);
            self.problem(key, message);
        }
        found
    }

    /// Coded values separated by commas or semicolons.
    fn many<T: Coded + Ord>(&mut self, key: &str) -> BTreeSet<T> {
        let text = self.text(key);
        let mut found = BTreeSet::new();
        for part in text
            .split([',', ';'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match coded(part, T::all(), T::code, T::locale_key) {
                Some(value) => {
                    found.insert(value);
                }
                None => {
                    let message = tr_args(
                        self.lang,
                        "import.unknown_value",
                        &[("value", part.to_owned())],
                    );
                    self.problem(key, message);
                }
            }
        }
        found
    }

    /// District and settlement by name (any language) or code, and the point the gazetteer
    /// gives them.
    fn location(&mut self, gazetteer: &Gazetteer) -> Location {
        let district_text = self.text("district");
        let district = gazetteer
            .districts()
            .find(|u| {
                u.code.eq_ignore_ascii_case(&district_text)
                    || [&u.name_az, &u.name_ru, &u.name_en].iter().any(|n| {
                        !n.is_empty() && fold_for_search(n) == fold_for_search(&district_text)
                    })
            })
            .map(|u| u.code.clone());
        if district.is_none() && !district_text.is_empty() {
            let message = tr_args(
                self.lang,
                "import.unknown_place",
                &[("value", district_text.clone())],
            );
            self.problem("district", message);
        }
        let settlement_text = self.text("settlement");
        let settlement = district.as_deref().and_then(|d| {
            gazetteer
                .settlements_of(d)
                .into_iter()
                .find(|u| {
                    u.code.eq_ignore_ascii_case(&settlement_text)
                        || [&u.name_az, &u.name_ru, &u.name_en].iter().any(|n| {
                            !n.is_empty() && fold_for_search(n) == fold_for_search(&settlement_text)
                        })
                })
                .map(|u| u.code.clone())
        });
        if settlement.is_none() && !settlement_text.is_empty() && district.is_some() {
            let message = tr_args(
                self.lang,
                "import.unknown_place",
                &[("value", settlement_text)],
            );
            self.problem("settlement", message);
        }
        let district_code = district.unwrap_or_default();
        let (lat, lon) = gazetteer
            .point(&district_code, settlement.as_deref())
            .unwrap_or((0.0, 0.0));
        Location {
            address: self.text("address"),
            district_code,
            settlement_code: settlement,
            lat,
            lon,
        }
    }
}

/// The column a validation error's field belongs to.
fn column_of_field(field: &str) -> &'static str {
    let field = field.split('[').next().unwrap_or(field);
    match field {
        "main_carer.full_name" => "main_carer",
        "main_carer.birth_date" => "main_carer_birth",
        "main_carer.phone" => "phone",
        f if f.starts_with("location.settlement") => "settlement",
        f if f.starts_with("location") => "district",
        "status" => "status",
        "approval_date" => "approval_date",
        "review_due" => "review_due",
        f if f.starts_with("terms.care_types") => "care_types",
        "terms.age_min" => "age_min",
        "terms.age_max" => "age_max",
        "terms.places" => "places",
        "first_name" => "first_name",
        "last_name" => "last_name",
        "birth_date" => "birth_date",
        "referral_date" => "referral_date",
        "code" => "code",
        _ => "",
    }
}

/// The columns a sheet of `kind` is read from (the export's, without those written only).
pub fn import_columns(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Families => &FAMILY_COLUMNS[..FAMILY_COLUMNS.len() - 1],
        Kind::Children => &CHILD_COLUMNS[..CHILD_COLUMNS.len() - 1],
    }
}

/// The import template in `lang`: an empty "Families" and "Children" sheet with their header
/// rows, the values each coded column accepts, and the districts and cities by name. Any
/// language's headers and values are read back; the two record sheets are found by name.
pub fn template_sheets(gazetteer: &Gazetteer, lang: Lang) -> Vec<super::Sheet> {
    use super::{Cell, Sheet, Table};
    use crate::domain::codes::*;
    let header = |key: &str| tr(lang, &format!("export.{key}"));
    let record_sheet = |name_key: &str, kind: Kind| Sheet {
        table: Table {
            name: tr(lang, name_key),
            headers: import_columns(kind).iter().map(|k| header(k)).collect(),
            rows: Vec::new(),
        },
        chart: None,
    };
    fn labels<T: Copy>(lang: Lang, all: &[T], key: impl Fn(T) -> String) -> Vec<String> {
        all.iter().map(|v| tr(lang, &key(*v))).collect()
    }
    let coded: Vec<(&str, Vec<String>)> = vec![
        (
            "family_status",
            labels(lang, FamilyStatus::ALL, FamilyStatus::locale_key),
        ),
        (
            "care_types",
            labels(lang, CareType::ALL, CareType::locale_key),
        ),
        (
            "sex_preference",
            labels(lang, SexPreference::ALL, SexPreference::locale_key),
        ),
        (
            "languages",
            labels(lang, Language::ALL, Language::locale_key),
        ),
        ("sex", labels(lang, Sex::ALL, Sex::locale_key)),
        (
            "legal_status",
            labels(lang, LegalStatus::ALL, LegalStatus::locale_key),
        ),
        (
            "situation",
            labels(lang, Situation::ALL, Situation::locale_key),
        ),
        ("urgency", labels(lang, Urgency::ALL, Urgency::locale_key)),
        ("needs", labels(lang, Need::ALL, Need::locale_key)),
        (
            "status",
            labels(lang, &[ChildStatus::Awaiting], ChildStatus::locale_key),
        ),
    ];
    let mut value_rows: Vec<Vec<Cell>> = Vec::new();
    for (key, values) in coded {
        for value in values {
            value_rows.push(vec![Cell::Text(header(key)), Cell::Text(value)]);
        }
    }
    value_rows.push(vec![
        Cell::Text(tr(lang, "import.template_dates")),
        Cell::Text(String::from("DD.MM.YYYY")),
    ]);
    value_rows.push(vec![
        Cell::Text(tr(lang, "import.template_lists")),
        Cell::Text(tr(lang, "import.template_lists_how")),
    ]);
    let mut districts: Vec<&crate::geo::Unit> = gazetteer.districts().collect();
    districts.sort_by_key(|u| fold_for_search(u.name(lang)));
    vec![
        record_sheet("export.sheet_families", Kind::Families),
        record_sheet("export.sheet_children", Kind::Children),
        Sheet {
            table: Table {
                name: tr(lang, "import.sheet_values"),
                headers: vec![
                    tr(lang, "import.template_column"),
                    tr(lang, "import.template_value"),
                ],
                rows: value_rows,
            },
            chart: None,
        },
        Sheet {
            table: Table {
                name: tr(lang, "import.sheet_districts"),
                headers: vec![header("district"), tr(lang, "import.template_region")],
                rows: districts
                    .into_iter()
                    .map(|u| {
                        vec![
                            Cell::Text(u.name(lang).to_owned()),
                            Cell::Text(u.economic_region.clone()),
                        ]
                    })
                    .collect(),
            },
            chart: None,
        },
    ]
}

/// Writes the import template (XLSX) to `path`, whole or not at all.
pub fn write_template(
    path: &Path,
    gazetteer: &Gazetteer,
    lang: Lang,
) -> Result<(), super::ExportError> {
    if super::Format::of(path) != Some(super::Format::Xlsx) {
        return Err(super::ExportError::Xlsx(tr(
            lang,
            "import.template_xlsx_only",
        )));
    }
    super::write_workbook(&template_sheets(gazetteer, lang), path)
}

/// Reads, checks and (unless a dry run or refused) writes the rows of `path`.
pub fn import(
    store: &mut Store,
    gazetteer: &Gazetteer,
    kind: Kind,
    path: &Path,
    lang: Lang,
    today: NaiveDate,
    options: Options,
) -> Result<Outcome, ImportError> {
    import_with_progress(store, gazetteer, kind, path, lang, today, options, &|_| {})
}

/// [`import`], telling `progress` how far it is as it goes (the window's progress bar).
#[allow(clippy::too_many_arguments)]
pub fn import_with_progress(
    store: &mut Store,
    gazetteer: &Gazetteer,
    kind: Kind,
    path: &Path,
    lang: Lang,
    today: NaiveDate,
    options: Options,
    progress: &dyn Fn(Progress),
) -> Result<Outcome, ImportError> {
    store.may(crate::domain::access::Action::EditRecords)?;
    progress(Progress {
        stage: Stage::Reading,
        done: 0,
        total: 0,
    });
    let sheet = read_sheet_for(path, Some(kind))?;
    let writing = |done: usize, total: usize| {
        if done.is_multiple_of(PROGRESS_EVERY) {
            progress(Progress {
                stage: Stage::Writing,
                done,
                total,
            });
        }
    };
    let keys: &[&'static str] = match kind {
        Kind::Families => FAMILY_COLUMNS,
        Kind::Children => CHILD_COLUMNS,
    };
    // Which column is which; the file's own header text is kept for messages.
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    let mut headers: HashMap<&'static str, String> = HashMap::new();
    for (i, header) in sheet.headers.iter().enumerate() {
        if let Some(key) = column_of(header, keys) {
            index.entry(key).or_insert(i);
            headers.entry(key).or_insert_with(|| header.clone());
        }
    }
    let required: &[&str] = match kind {
        Kind::Families => &["main_carer", "district"],
        Kind::Children => &["last_name", "first_name", "birth_date", "sex", "district"],
    };
    let missing: Vec<String> = required
        .iter()
        .filter(|k| !index.contains_key(*k))
        .map(|k| tr(lang, &format!("export.{k}")))
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::File(tr_args(
            lang,
            "import.missing_columns",
            &[("columns", missing.join(", "))],
        )));
    }
    let ctx = Context { today, gazetteer };
    let mut outcome = Outcome {
        rows: sheet.rows.len(),
        ..Outcome::default()
    };
    match kind {
        Kind::Families => {
            let existing = store.families()?;
            let known = Known::new(existing.iter().map(|f| {
                (
                    f.code.as_str(),
                    fold_for_search(&f.main_carer.full_name),
                    // Without the carer's birth date a name alone is no match.
                    f.main_carer.birth_date,
                )
            }));
            let occupied = store.occupied_places()?;
            let (prefix, mut next) = next_number(store, "F-")?;
            let (records, updates) = check_rows(
                &sheet,
                &index,
                &headers,
                lang,
                &mut outcome,
                options.update_duplicates,
                progress,
                Readers {
                    new: |reader: &mut RowReader<'_>| {
                        let code = code_or_next(reader, &prefix, &mut next);
                        read_family(reader, gazetteer, Family::new(code))
                    },
                    onto: |reader: &mut RowReader<'_>, i: usize| {
                        read_family(reader, gazetteer, existing[i].clone())
                    },
                },
                |family| &family.code,
                |family| {
                    known.find(
                        &family.code,
                        &fold_for_search(&family.main_carer.full_name),
                        family.main_carer.birth_date,
                    )
                },
                |i| existing[i].code.clone(),
                |family, i| family.normalized() == existing[i].normalized(),
                |family, _, reader| {
                    let taken = family
                        .id
                        .and_then(|id| occupied.get(&id))
                        .copied()
                        .unwrap_or(0);
                    reader.rule_errors(validate_family(family, taken, &ctx))
                },
            );
            if write_allowed(&outcome, options) {
                let file = file_name(path);
                outcome.written = store.write(|w| {
                    // Each update is audited with the fields it changed; the new records
                    // together in one entry.
                    for (n, family) in updates.iter().enumerate() {
                        writing(n, updates.len() + records.len());
                        w.save_family(family, &ctx)?;
                    }
                    w.without_record_audit();
                    for (n, family) in records.iter().enumerate() {
                        writing(updates.len() + n, updates.len() + records.len());
                        w.save_family(family, &ctx)?;
                    }
                    w.audit_note(
                        "import",
                        "family",
                        &imported_text(&file, records.len(), updates.len()),
                    )?;
                    Ok(records.len() + updates.len())
                })?;
            }
        }
        Kind::Children => {
            let existing = store.children()?;
            let known = Known::new(existing.iter().map(|c| {
                (
                    c.code.as_str(),
                    fold_for_search(&c.full_name()),
                    Some(c.birth_date),
                )
            }));
            let groups = store.sibling_groups()?;
            let group_of = |child: &Child| -> Option<&SiblingGroup> {
                child
                    .sibling_group_id
                    .and_then(|id| groups.iter().find(|g| g.id == Some(id)))
            };
            let (prefix, mut next) = next_number(store, "C-")?;
            let (records, updates) = check_rows(
                &sheet,
                &index,
                &headers,
                lang,
                &mut outcome,
                options.update_duplicates,
                progress,
                Readers {
                    new: |reader: &mut RowReader<'_>| {
                        let code = code_or_next(reader, &prefix, &mut next);
                        read_child(reader, gazetteer, new_child(code, today), None)
                    },
                    onto: |reader: &mut RowReader<'_>, i: usize| {
                        let group = group_of(&existing[i]).map(|g| g.code.clone());
                        read_child(reader, gazetteer, existing[i].clone(), group)
                    },
                },
                |(child, _)| &child.code,
                |(child, _)| {
                    known.find(
                        &child.code,
                        &fold_for_search(&child.full_name()),
                        Some(child.birth_date),
                    )
                },
                |i| existing[i].code.clone(),
                |(child, group_code), i| {
                    child.normalized() == existing[i].normalized()
                        && group_code.as_ref().map(|c| c.to_uppercase())
                            == group_of(&existing[i]).map(|g| g.code.to_uppercase())
                },
                |(child, group_code), update, reader| {
                    match update {
                        // Status and sibling group change through the workflow and the
                        // child's form, where their consequences are shown.
                        Some(i) => {
                            let before = &existing[i];
                            if child.status != before.status {
                                let message = tr(lang, "import.status_not_changed");
                                reader.problem("status", message);
                            }
                            let group_before = group_of(before).map(|g| g.code.to_uppercase());
                            if group_code.as_ref().map(|c| c.to_uppercase()) != group_before {
                                let message = tr(lang, "import.group_not_changed");
                                reader.problem("sibling_group", message);
                            }
                            reader.rule_errors(validate_child(child, group_of(before), &ctx));
                        }
                        None => {
                            if matches!(child.status, ChildStatus::Placed | ChildStatus::Proposed) {
                                let message = tr(lang, "import.status_not_imported");
                                reader.problem("status", message);
                            }
                            reader.rule_errors(validate_child(child, None, &ctx));
                        }
                    }
                },
            );
            if write_allowed(&outcome, options) {
                let file = file_name(path);
                outcome.written = store.write(|w| {
                    for (n, (child, _)) in updates.iter().enumerate() {
                        writing(n, updates.len() + records.len());
                        let change = match group_of(child) {
                            Some(group) => GroupChange::Existing(group.clone()),
                            None => GroupChange::NoGroup,
                        };
                        w.save_child(child, &change, &ctx)?;
                    }
                    w.without_record_audit();
                    // Sibling groups by their code: existing ones joined, new ones made with
                    // their first child (they stay together unless a person decides otherwise).
                    let mut group_ids: HashMap<String, i64> = groups
                        .iter()
                        .filter_map(|g| g.id.map(|id| (g.code.to_uppercase(), id)))
                        .collect();
                    for (n, (child, group_code)) in records.iter().enumerate() {
                        writing(updates.len() + n, updates.len() + records.len());
                        let change = match group_code {
                            None => GroupChange::NoGroup,
                            Some(code) => {
                                let group = SiblingGroup {
                                    id: group_ids.get(&code.to_uppercase()).copied(),
                                    code: code.clone(),
                                    may_split: false,
                                    split_reason: String::new(),
                                };
                                match group.id {
                                    Some(_) => GroupChange::Existing(group),
                                    None => GroupChange::New(group),
                                }
                            }
                        };
                        let id = w.save_child(child, &change, &ctx)?;
                        if let Some(code) = group_code
                            && let Some(group_id) = w.group_of_child(id)?
                        {
                            group_ids.insert(code.to_uppercase(), group_id);
                        }
                    }
                    w.audit_note(
                        "import",
                        "child",
                        &imported_text(&file, records.len(), updates.len()),
                    )?;
                    Ok(records.len() + updates.len())
                })?;
            }
        }
    }
    Ok(outcome)
}

/// The records already in the registry, indexed for the duplicate check: by code (letter case
/// aside) and by folded name with birth date — looked up once per row rather than compared with
/// every record.
struct Known {
    by_code: HashMap<String, usize>,
    by_name: HashMap<(String, NaiveDate), usize>,
}

impl Known {
    fn new<'a>(records: impl Iterator<Item = (&'a str, String, Option<NaiveDate>)>) -> Known {
        let mut known = Known {
            by_code: HashMap::new(),
            by_name: HashMap::new(),
        };
        for (i, (code, name, birth)) in records.enumerate() {
            known.by_code.entry(code.to_uppercase()).or_insert(i);
            if let Some(birth) = birth {
                known.by_name.entry((name, birth)).or_insert(i);
            }
        }
        known
    }

    /// The index of the record a row matches, and whether by its code.
    fn find(&self, code: &str, name: &str, birth: Option<NaiveDate>) -> Option<(usize, bool)> {
        if let Some(&i) = self.by_code.get(&code.to_uppercase()) {
            return Some((i, true));
        }
        let birth = birth?;
        self.by_name
            .get(&(name.to_owned(), birth))
            .map(|&i| (i, false))
    }
}

/// How a row is read: as a new record, or onto the record already in the registry at an
/// index (its values kept where the sheet has no column).
struct Readers<N, O> {
    new: N,
    onto: O,
}

/// Reads and checks every row: a row matching a record already in the registry (`already`
/// gives its index, and whether by its code) is listed as a duplicate and skipped — unless
/// `update` and it matched by code: then it is read again onto that record and checked as an
/// update. A row with problems adds them to the outcome. Returns the whole new records and the
/// whole updated ones, all counted as valid.
#[allow(clippy::too_many_arguments)]
fn check_rows<R, N, O>(
    sheet: &Sheet,
    index: &HashMap<&'static str, usize>,
    headers: &HashMap<&'static str, String>,
    lang: Lang,
    outcome: &mut Outcome,
    update: bool,
    progress: &dyn Fn(Progress),
    mut readers: Readers<N, O>,
    code_of: impl Fn(&R) -> &str,
    already: impl Fn(&R) -> Option<(usize, bool)>,
    existing_code: impl Fn(usize) -> String,
    unchanged: impl Fn(&R, usize) -> bool,
    check: impl Fn(&R, Option<usize>, &mut RowReader<'_>),
) -> (Vec<R>, Vec<R>)
where
    N: FnMut(&mut RowReader<'_>) -> R,
    O: FnMut(&mut RowReader<'_>, usize) -> R,
{
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut records = Vec::new();
    let mut updates = Vec::new();
    for (n, row) in sheet.rows.iter().enumerate() {
        if n.is_multiple_of(PROGRESS_EVERY) {
            progress(Progress {
                stage: Stage::Checking,
                done: n,
                total: sheet.rows.len(),
            });
        }
        let mut reader = row_reader(n + 2, row, index, headers, lang);
        let mut record = (readers.new)(&mut reader);
        let mut updating = None;
        match already(&record) {
            Some((i, true)) if update => {
                reader = row_reader(n + 2, row, index, headers, lang);
                record = (readers.onto)(&mut reader, i);
                if reader.problems.is_empty() && unchanged(&record, i) {
                    outcome.duplicates.push(RowProblem {
                        row: n + 2,
                        column: None,
                        message: tr_args(lang, "import.unchanged", &[("code", existing_code(i))]),
                    });
                    continue;
                }
                updating = Some(i);
            }
            Some((i, by_code)) => {
                let key = if by_code || !update {
                    "import.duplicate"
                } else {
                    "import.duplicate_by_name"
                };
                outcome.duplicates.push(RowProblem {
                    row: n + 2,
                    column: None,
                    message: tr_args(lang, key, &[("code", existing_code(i))]),
                });
                continue;
            }
            None => {}
        }
        let code = code_of(&record).to_owned();
        if !seen.insert(code.to_uppercase()) {
            reader.problem(
                "code",
                tr_args(lang, "error.duplicate_code", &[("code", code)]),
            );
        }
        check(&record, updating, &mut reader);
        if !reader.problems.is_empty() {
            outcome.problems.append(&mut reader.problems);
        } else if updating.is_some() {
            updates.push(record);
        } else {
            records.push(record);
        }
    }
    outcome.valid = records.len() + updates.len();
    outcome.updates = updates.len();
    (records, updates)
}

fn write_allowed(outcome: &Outcome, options: Options) -> bool {
    !options.dry_run
        && outcome.valid > 0
        && (outcome.problems.is_empty() || options.valid_rows_only)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn imported_text(file: &str, rows: usize, updated: usize) -> AuditText {
    if updated == 0 {
        AuditText::new(
            "imported",
            vec![("file", file.to_owned()), ("rows", rows.to_string())],
        )
    } else {
        AuditText::new(
            "imported_updated",
            vec![
                ("file", file.to_owned()),
                ("rows", rows.to_string()),
                ("updated", updated.to_string()),
            ],
        )
    }
}

/// The prefix of new codes of a kind (with the office's, in an enrolled registry) and the
/// number of the next free one ("SM-F-0042" → ("SM-F-", 42)).
fn next_number(store: &Store, kind: &str) -> Result<(String, u32), StoreError> {
    let prefix = store.code_prefix(kind)?;
    let code = store.next_code(kind)?;
    let number = code
        .get(prefix.len()..)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    Ok((prefix, number))
}

fn row_reader<'a>(
    row: usize,
    cells: &'a [Raw],
    index: &HashMap<&'static str, usize>,
    headers: &'a HashMap<&'static str, String>,
    lang: Lang,
) -> RowReader<'a> {
    RowReader {
        row,
        cells: index
            .iter()
            .filter_map(|(key, &i)| cells.get(i).map(|c| (*key, c)))
            .collect(),
        headers,
        lang,
        problems: Vec::new(),
    }
}

fn code_or_next(reader: &RowReader<'_>, prefix: &str, next: &mut u32) -> String {
    let code = reader.text("code");
    if code.is_empty() {
        let code = format!("{prefix}{:04}", *next);
        *next += 1;
        code
    } else {
        code
    }
}

/// The district, settlement and address columns read onto `location` (the columns the sheet
/// lacks keep their values).
fn read_location(reader: &mut RowReader<'_>, gazetteer: &Gazetteer, location: &mut Location) {
    if reader.has("district") {
        let before = std::mem::take(location);
        *location = reader.location(gazetteer);
        if !reader.has("address") {
            location.address = before.address;
        }
        // The same place keeps its own coordinates (a home's, finer than the gazetteer's
        // point), so that an export read back changes no distance.
        if location.district_code == before.district_code
            && location.settlement_code == before.settlement_code
        {
            location.lat = before.lat;
            location.lon = before.lon;
        }
    } else if reader.has("address") {
        location.address = reader.text("address");
    }
}

/// A row read onto `base`: a new family, or the one already in the registry (the columns the
/// sheet lacks keep its values; an empty cell of a column empties the value, but a coded
/// value or a number stays as it was).
fn read_family(reader: &mut RowReader<'_>, gazetteer: &Gazetteer, base: Family) -> Family {
    let mut family = base;
    if reader.has("main_carer") {
        family.main_carer.full_name = reader.text("main_carer");
    }
    if reader.has("main_carer_birth") {
        family.main_carer.birth_date = reader.date("main_carer_birth");
    }
    if reader.has("phone") {
        family.main_carer.phone = reader.text("phone");
    }
    read_location(reader, gazetteer, &mut family.location);
    if let Some(status) = reader.one::<FamilyStatus>("family_status") {
        family.status = status;
    }
    if reader.has("approval_date") {
        family.approval_date = reader.date("approval_date");
    }
    if reader.has("review_due") {
        family.review_due = reader.date("review_due");
    }
    if reader.has("care_types") {
        family.terms.care_types = reader.many::<CareType>("care_types");
    }
    if let Some(age) = reader.number("age_min", 17) {
        family.terms.age_min = age;
    }
    if let Some(age) = reader.number("age_max", 17) {
        family.terms.age_max = age;
    }
    if let Some(sex) = reader.one::<SexPreference>("sex_preference") {
        family.terms.sex_preference = sex;
    }
    if let Some(places) = reader.number("places", 100) {
        family.terms.places = places;
    }
    if reader.has("languages") {
        family.languages = reader.many::<Language>("languages");
    }
    if reader.has("notes") {
        family.notes = reader.text("notes");
    }
    family
}

/// A new child as a row starts it: what the sheet does not say is the form's default
/// (registered today, awaiting a family).
fn new_child(code: String, today: NaiveDate) -> Child {
    Child {
        id: None,
        code,
        first_name: String::new(),
        last_name: String::new(),
        birth_date: today,
        birth_date_estimated: false,
        sex: Sex::Female,
        legal_status: LegalStatus::ALL[0],
        situation: Situation::ALL[0],
        location: Location::default(),
        school: String::new(),
        languages: BTreeSet::new(),
        needs: BTreeSet::new(),
        needs_description: String::new(),
        urgency: Urgency::Routine,
        care_type: CareType::LongTerm,
        sibling_group_id: None,
        wishes: String::new(),
        contact_arrangements: String::new(),
        status: ChildStatus::Awaiting,
        referral_date: today,
        max_distance_km: None,
        notes: String::new(),
    }
}

/// A row read onto `base` (a new child, or the one already in the registry, whose sibling
/// group's code is `group`), with the sibling group's code the row gives.
fn read_child(
    reader: &mut RowReader<'_>,
    gazetteer: &Gazetteer,
    base: Child,
    group: Option<String>,
) -> (Child, Option<String>) {
    let mut child = base;
    if reader.has("first_name") {
        child.first_name = reader.text("first_name");
    }
    if reader.has("last_name") {
        child.last_name = reader.text("last_name");
    }
    if reader.has("birth_date") {
        match reader.date("birth_date") {
            Some(date) => child.birth_date = date,
            None if reader.text("birth_date").is_empty() => {
                let message = tr(reader.lang, "error.required");
                reader.problem("birth_date", message);
            }
            None => {}
        }
    }
    if reader.has("sex") {
        match reader.one::<Sex>("sex") {
            Some(sex) => child.sex = sex,
            None if reader.text("sex").is_empty() => {
                let message = tr(reader.lang, "error.required");
                reader.problem("sex", message);
            }
            None => {}
        }
    }
    if let Some(status) = reader.one::<LegalStatus>("legal_status") {
        child.legal_status = status;
    }
    if let Some(situation) = reader.one::<Situation>("situation") {
        child.situation = situation;
    }
    read_location(reader, gazetteer, &mut child.location);
    if reader.has("languages") {
        child.languages = reader.many::<Language>("languages");
    }
    if reader.has("needs") {
        child.needs = reader.many::<Need>("needs");
    }
    if let Some(urgency) = reader.one::<Urgency>("urgency") {
        child.urgency = urgency;
    }
    if let Some(care) = reader.one::<CareType>("care_type") {
        child.care_type = care;
    }
    if let Some(status) = reader.one::<ChildStatus>("status") {
        child.status = status;
    }
    if let Some(date) = reader.date("referral_date") {
        child.referral_date = date;
    }
    if reader.has("notes") {
        child.notes = reader.text("notes");
    }
    let group = if reader.has("sibling_group") {
        Some(reader.text("sibling_group")).filter(|g| !g.is_empty())
    } else {
        group
    };
    (child, group)
}
