//! Data out of the registry as spreadsheets: the lists (children, families, placements, panel
//! decisions, the audit trail) as XLSX (`rust_xlsxwriter`: a header row, column widths, dates as
//! dates) or CSV (UTF-8 with a byte-order mark, so that Excel opens it right), worded in the
//! interface language.
//!
//! Exported files carry personal data: they are written whole or not at all, owner-only
//! (`files::write_atomically`), and a cell is never a formula — XLSX cells are written as
//! strings, and a CSV cell starting with `=`, `+`, `-` or `@` is written with a leading `'`, as
//! spreadsheet programs read text (OWASP's CSV-injection advice).

pub mod import;

use std::path::Path;

use chrono::NaiveDate;

use crate::domain::{Child, Family, PlacementRecord, format_date};
use crate::geo::Gazetteer;
use crate::i18n::{Lang, tr};
use crate::store::{AuditEntry, Store, StoreError};

/// One cell of an exported list.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Date(NaiveDate),
    Number(f64),
    Empty,
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        if text.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(text)
        }
    }
}

impl From<Option<NaiveDate>> for Cell {
    fn from(date: Option<NaiveDate>) -> Cell {
        date.map(Cell::Date).unwrap_or(Cell::Empty)
    }
}

/// A list as a table: its name (the sheet's), header row and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Which list to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Children,
    Families,
    Placements,
    Decisions,
    Audit,
}

impl List {
    pub const ALL: [List; 5] = [
        List::Children,
        List::Families,
        List::Placements,
        List::Decisions,
        List::Audit,
    ];

    pub fn code(self) -> &'static str {
        match self {
            List::Children => "children",
            List::Families => "families",
            List::Placements => "placements",
            List::Decisions => "decisions",
            List::Audit => "audit",
        }
    }

    pub fn from_code(code: &str) -> Option<List> {
        List::ALL.into_iter().find(|l| l.code() == code)
    }

    fn locale_key(self) -> &'static str {
        match self {
            List::Children => "export.sheet_children",
            List::Families => "export.sheet_families",
            List::Placements => "export.sheet_placements",
            List::Decisions => "export.sheet_decisions",
            List::Audit => "export.sheet_audit",
        }
    }
}

/// The file format, by the output's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    pub fn of(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_string_lossy().to_lowercase();
        match extension.as_str() {
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{path} must end in .xlsx or .csv")]
    Format { path: String },
    #[error("the spreadsheet cannot be made: {0}")]
    Xlsx(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

fn labels<T: Copy>(
    lang: Lang,
    values: impl IntoIterator<Item = T>,
    key: impl Fn(T) -> String,
) -> String {
    values
        .into_iter()
        .map(|v| tr(lang, &key(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn place_name(gazetteer: &Gazetteer, lang: Lang, code: Option<&str>) -> Cell {
    code.and_then(|c| gazetteer.unit(c))
        .map(|u| Cell::Text(u.name(lang).to_owned()))
        .unwrap_or(Cell::Empty)
}

fn headers(lang: Lang, keys: &[&str]) -> Vec<String> {
    keys.iter()
        .map(|k| tr(lang, &format!("export.{k}")))
        .collect()
}

/// The families' columns, in order: what an export writes and an import reads (`occupied` is
/// written only).
pub const FAMILY_COLUMNS: &[&str] = &[
    "code",
    "main_carer",
    "main_carer_birth",
    "phone",
    "district",
    "settlement",
    "address",
    "family_status",
    "approval_date",
    "review_due",
    "care_types",
    "age_min",
    "age_max",
    "sex_preference",
    "places",
    "languages",
    "notes",
    "occupied",
];

/// The children's columns, in order: what an export writes and an import reads
/// (`days_waiting` is written only).
pub const CHILD_COLUMNS: &[&str] = &[
    "code",
    "last_name",
    "first_name",
    "birth_date",
    "sex",
    "legal_status",
    "situation",
    "district",
    "settlement",
    "address",
    "urgency",
    "care_type",
    "needs",
    "languages",
    "referral_date",
    "status",
    "sibling_group",
    "notes",
    "days_waiting",
];

/// The children, with what an import needs to make them again.
pub fn children_table(
    children: &[Child],
    groups: &[crate::domain::SiblingGroup],
    gazetteer: &Gazetteer,
    lang: Lang,
    today: NaiveDate,
) -> Table {
    let group_code = |id: Option<i64>| {
        id.and_then(|id| groups.iter().find(|g| g.id == Some(id)))
            .map(|g| g.code.clone())
            .unwrap_or_default()
    };
    Table {
        name: tr(lang, List::Children.locale_key()),
        headers: headers(lang, CHILD_COLUMNS),
        rows: children
            .iter()
            .map(|c| {
                vec![
                    Cell::Text(c.code.clone()),
                    Cell::Text(c.last_name.clone()),
                    Cell::Text(c.first_name.clone()),
                    Cell::Date(c.birth_date),
                    Cell::Text(tr(lang, &c.sex.locale_key())),
                    Cell::Text(tr(lang, &c.legal_status.locale_key())),
                    Cell::Text(tr(lang, &c.situation.locale_key())),
                    place_name(gazetteer, lang, Some(&c.location.district_code)),
                    place_name(gazetteer, lang, c.location.settlement_code.as_deref()),
                    Cell::from(c.location.address.clone()),
                    Cell::Text(tr(lang, &c.urgency.locale_key())),
                    Cell::Text(tr(lang, &c.care_type.locale_key())),
                    Cell::from(labels(lang, c.needs.iter().copied(), |n| n.locale_key())),
                    Cell::from(labels(lang, c.languages.iter().copied(), |l| {
                        l.locale_key()
                    })),
                    Cell::Date(c.referral_date),
                    Cell::Text(tr(lang, &c.status.locale_key())),
                    Cell::from(group_code(c.sibling_group_id)),
                    Cell::from(c.notes.clone()),
                    Cell::Number(c.days_waiting(today) as f64),
                ]
            })
            .collect(),
    }
}

/// The families, with the places taken now.
pub fn families_table(
    families: &[Family],
    occupied: &std::collections::HashMap<i64, u32>,
    gazetteer: &Gazetteer,
    lang: Lang,
) -> Table {
    Table {
        name: tr(lang, List::Families.locale_key()),
        headers: headers(lang, FAMILY_COLUMNS),
        rows: families
            .iter()
            .map(|f| {
                let taken = f.id.and_then(|id| occupied.get(&id)).copied().unwrap_or(0);
                vec![
                    Cell::Text(f.code.clone()),
                    Cell::Text(f.main_carer.full_name.clone()),
                    Cell::from(f.main_carer.birth_date),
                    Cell::from(f.main_carer.phone.clone()),
                    place_name(gazetteer, lang, Some(&f.location.district_code)),
                    place_name(gazetteer, lang, f.location.settlement_code.as_deref()),
                    Cell::from(f.location.address.clone()),
                    Cell::Text(tr(lang, &f.status.locale_key())),
                    Cell::from(f.approval_date),
                    Cell::from(f.review_due),
                    Cell::from(labels(lang, f.terms.care_types.iter().copied(), |c| {
                        c.locale_key()
                    })),
                    Cell::Number(f64::from(f.terms.age_min)),
                    Cell::Number(f64::from(f.terms.age_max)),
                    Cell::Text(tr(lang, &f.terms.sex_preference.locale_key())),
                    Cell::Number(f64::from(f.terms.places)),
                    Cell::from(labels(lang, f.languages.iter().copied(), |l| {
                        l.locale_key()
                    })),
                    Cell::from(f.notes.clone()),
                    Cell::Number(f64::from(taken)),
                ]
            })
            .collect(),
    }
}

/// Every placement, with its child and family.
pub fn placements_table(
    placements: &[PlacementRecord],
    children: &[Child],
    families: &[Family],
    lang: Lang,
) -> Table {
    let child = |id: i64| children.iter().find(|c| c.id == Some(id));
    let family = |id: i64| families.iter().find(|f| f.id == Some(id));
    Table {
        name: tr(lang, List::Placements.locale_key()),
        headers: headers(
            lang,
            &[
                "child_code",
                "child_name",
                "family_code",
                "main_carer",
                "start_date",
                "end_date",
                "end_reason",
            ],
        ),
        rows: placements
            .iter()
            .map(|p| {
                vec![
                    Cell::from(
                        child(p.child_id)
                            .map(|c| c.code.clone())
                            .unwrap_or_default(),
                    ),
                    Cell::from(child(p.child_id).map(|c| c.full_name()).unwrap_or_default()),
                    Cell::from(
                        family(p.family_id)
                            .map(|f| f.code.clone())
                            .unwrap_or_default(),
                    ),
                    Cell::from(
                        family(p.family_id)
                            .map(|f| f.main_carer.full_name.clone())
                            .unwrap_or_default(),
                    ),
                    Cell::Date(p.start_date),
                    Cell::from(p.end_date),
                    Cell::from(
                        p.end_reason
                            .map(|r| tr(lang, &r.locale_key()))
                            .unwrap_or_default(),
                    ),
                ]
            })
            .collect(),
    }
}

/// The audit trail, newest first, each entry worded in `lang`.
pub fn audit_table(entries: &[AuditEntry], lang: Lang) -> Table {
    Table {
        name: tr(lang, List::Audit.locale_key()),
        headers: headers(lang, &["at", "user", "action", "entity", "what"]),
        rows: entries
            .iter()
            .map(|e| {
                vec![
                    Cell::Text(e.at.clone()),
                    Cell::Text(e.user_name.clone()),
                    Cell::Text(crate::i18n::audit_label(lang, "audit.action", &e.action)),
                    Cell::Text(crate::i18n::audit_label(lang, "audit.entity", &e.entity)),
                    Cell::Text(match &e.details {
                        Some(details) => crate::i18n::audit_text(lang, details),
                        None => e.summary.clone(),
                    }),
                ]
            })
            .collect(),
    }
}

/// The panel decisions: session, child, family, decision, conditions, reasons, who recorded it.
pub fn decisions_table(store: &Store, lang: Lang) -> Result<Table, StoreError> {
    let rows = store
        .decision_rows()?
        .into_iter()
        .map(|d| {
            vec![
                Cell::Date(d.session_date),
                Cell::Text(d.child_code),
                Cell::Text(d.family_code),
                Cell::from(
                    d.decision
                        .map(|x| tr(lang, &format!("decision_outcome.{}", x.code())))
                        .unwrap_or_else(|| tr(lang, "export.correction")),
                ),
                Cell::from(d.conditions),
                Cell::from(d.reasons),
                Cell::Text(d.recorded_by),
                Cell::Text(d.recorded_at),
            ]
        })
        .collect();
    Ok(Table {
        name: tr(lang, List::Decisions.locale_key()),
        headers: headers(
            lang,
            &[
                "session_date",
                "child_code",
                "family_code",
                "decision",
                "conditions",
                "reasons",
                "recorded_by",
                "recorded_at",
            ],
        ),
        rows,
    })
}

/// A whole list of the registry, for the command line (the window exports what its list shows,
/// with its filters).
pub fn table_of(
    store: &Store,
    gazetteer: &Gazetteer,
    list: List,
    lang: Lang,
    today: NaiveDate,
) -> Result<Table, StoreError> {
    Ok(match list {
        List::Children => children_table(
            &store.children()?,
            &store.sibling_groups()?,
            gazetteer,
            lang,
            today,
        ),
        List::Families => families_table(
            &store.families()?,
            &store.occupied_places()?,
            gazetteer,
            lang,
        ),
        List::Placements => placements_table(
            &store.placements()?,
            &store.children()?,
            &store.families()?,
            lang,
        ),
        List::Decisions => decisions_table(store, lang)?,
        List::Audit => audit_table(&store.audit_entries(usize::MAX >> 1)?, lang),
    })
}

/// Exports a whole list of the registry to `path` (`.xlsx` or `.csv`) for the signed-in person
/// (who must be allowed to export), and records it in the audit log; returns the rows written.
/// A file is never left behind without its audit entry.
pub fn export_list(
    store: &mut Store,
    gazetteer: &Gazetteer,
    list: List,
    lang: Lang,
    today: NaiveDate,
    path: &Path,
) -> Result<usize, ExportError> {
    // Asked before the list is built (`export_table` asks again before writing).
    store.may(crate::domain::access::Action::ExportData)?;
    let table = table_of(store, gazetteer, list, lang, today)?;
    export_table(store, list, &table, path)
}

/// Writes `table` (a list as the window shows it, filters applied) to `path` and records the
/// export in the audit log; returns the rows written.
pub fn export_table(
    store: &mut Store,
    list: List,
    table: &Table,
    path: &Path,
) -> Result<usize, ExportError> {
    store.may(crate::domain::access::Action::ExportData)?;
    write(table, path)?;
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let recorded = store.write(|w| {
        w.audit_note(
            "export",
            list.code(),
            &crate::domain::AuditText::new(
                "exported",
                vec![
                    ("list", list.code().to_owned()),
                    ("rows", table.rows.len().to_string()),
                    ("file", file),
                ],
            ),
        )
    });
    if let Err(e) = recorded {
        let _ = std::fs::remove_file(path);
        return Err(e.into());
    }
    Ok(table.rows.len())
}

/// Writes `table` to `path` (`.xlsx` or `.csv`), whole or not at all, owner-only.
pub fn write(table: &Table, path: &Path) -> Result<(), ExportError> {
    let bytes = match Format::of(path) {
        Some(Format::Xlsx) => xlsx_bytes(table)?,
        Some(Format::Csv) => csv_bytes(table),
        None => {
            return Err(ExportError::Format {
                path: path.display().to_string(),
            });
        }
    };
    crate::files::write_atomically(path, &bytes).map_err(|source| ExportError::Write {
        path: path.display().to_string(),
        source,
    })
}

/// A cell's text as a spreadsheet program must never take for a formula.
pub fn defused(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => defused(text),
        Cell::Date(date) => format_date(*date),
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Cell::Number(n) => n.to_string(),
        Cell::Empty => String::new(),
    }
}

/// CSV in UTF-8 with a byte-order mark (Excel on Windows reads it as UTF-8 then), dates as
/// DD.MM.YYYY.
fn csv_bytes(table: &Table) -> Vec<u8> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        let _ = writer.write_record(&table.headers);
        for row in &table.rows {
            let _ = writer.write_record(row.iter().map(cell_text));
        }
        let _ = writer.flush();
    }
    out
}

fn xlsx_bytes(table: &Table) -> Result<Vec<u8>, ExportError> {
    workbook_bytes(&[Sheet {
        table: table.clone(),
        chart: None,
    }])
}

/// A column chart beside a sheet's table: the categories from one column, one series per
/// value column (each named by its header), over all the table's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetChart {
    pub title: String,
    pub categories: u16,
    pub values: Vec<u16>,
}

/// One sheet of a workbook: a table, and a chart of it if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub table: Table,
    pub chart: Option<SheetChart>,
}

/// Writes several tables as the sheets of one XLSX workbook, whole or not at all, owner-only.
pub fn write_workbook(sheets: &[Sheet], path: &Path) -> Result<(), ExportError> {
    let bytes = workbook_bytes(sheets)?;
    crate::files::write_atomically(path, &bytes).map_err(|source| ExportError::Write {
        path: path.display().to_string(),
        source,
    })
}

/// A sheet's name as Excel allows it: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    name.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

fn workbook_bytes(sheets: &[Sheet]) -> Result<Vec<u8>, ExportError> {
    use rust_xlsxwriter::{Chart, ChartType, ExcelDateTime, Format as XlsxFormat, Workbook};
    let error = |e: rust_xlsxwriter::XlsxError| ExportError::Xlsx(e.to_string());
    let mut workbook = Workbook::new();
    let bold = XlsxFormat::new().set_bold();
    let date_format = XlsxFormat::new().set_num_format("dd.mm.yyyy");
    for Sheet { table, chart } in sheets {
        let name = sheet_name(&table.name);
        let sheet = workbook.add_worksheet();
        sheet.set_name(&name).map_err(error)?;
        let mut widths: Vec<usize> = table.headers.iter().map(|h| h.chars().count()).collect();
        for (col, header) in table.headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, header, &bold)
                .map_err(error)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (col, cell) in row.iter().enumerate() {
                let c = col as u16;
                let width = match cell {
                    // A string cell is text whatever it starts with: never a formula.
                    Cell::Text(text) => {
                        sheet.write_string(r, c, text).map_err(error)?;
                        text.chars().count()
                    }
                    Cell::Date(date) => {
                        use chrono::Datelike;
                        let value = ExcelDateTime::from_ymd(
                            date.year() as u16,
                            date.month() as u8,
                            date.day() as u8,
                        )
                        .map_err(error)?;
                        sheet
                            .write_datetime_with_format(r, c, &value, &date_format)
                            .map_err(error)?;
                        10
                    }
                    Cell::Number(n) => {
                        sheet.write_number(r, c, *n).map_err(error)?;
                        6
                    }
                    Cell::Empty => 0,
                };
                if let Some(w) = widths.get_mut(col) {
                    *w = (*w).max(width);
                }
            }
        }
        for (col, width) in widths.iter().enumerate() {
            sheet
                .set_column_width(col as u16, (*width).clamp(6, 60) as f64 + 2.0)
                .map_err(error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(error)?;
        if let Some(spec) = chart
            && !table.rows.is_empty()
        {
            let last = table.rows.len() as u32;
            let mut drawn = Chart::new(ChartType::Column);
            drawn.title().set_name(&spec.title);
            for &col in &spec.values {
                drawn
                    .add_series()
                    .set_name((name.as_str(), 0, col))
                    .set_categories((name.as_str(), 1, spec.categories, last, spec.categories))
                    .set_values((name.as_str(), 1, col, last, col));
            }
            sheet
                .insert_chart(1, table.headers.len() as u16 + 1, &drawn)
                .map_err(error)?;
        }
    }
    workbook.save_to_buffer().map_err(error)
}
