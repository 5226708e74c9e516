//! Assessment packs as print-ready PDFs: the match pack, the family assessment
//! pack and the panel agenda pack, in the user's language, with Noto Sans embedded (subset) so
//! that Azerbaijani and Cyrillic letters are real text. Every page says it is confidential,
//! carries "X / Y", the generation date and the user. A file is written whole or not at all.

pub mod indicators;
pub mod layout;
mod packs;

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use printpdf::{ParsedFont, PdfDocument, PdfPage, PdfSaveOptions};

pub use layout::{Bar, Block, Laid, PlacedLine};
pub use packs::{family_pack, match_pack, panel_pack};

use crate::assets::{FONT_BOLD, FONT_REGULAR};
use crate::domain::advice::Explanation;
use crate::geo::Gazetteer;
use crate::i18n::{Lang, tr, tr_args};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    NotFound(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("the embedded font cannot be read: {0}")]
    Font(String),
    #[error("{path} must end in .pdf or .xlsx")]
    Format { path: String },
    #[error("the spreadsheet cannot be made: {0}")]
    Spreadsheet(String),
}

/// Who generates a pack, when, and in which language.
#[derive(Debug, Clone)]
pub struct PackInfo {
    pub lang: Lang,
    pub user: String,
    pub generated: NaiveDateTime,
    /// The date ages and waiting times are counted on.
    pub today: NaiveDate,
}

/// A pack ready to be written: its title and pages.
pub struct Pack {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// The rendered PDF and the lines placed on its pages (for checks).
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
    pub lines: Vec<PlacedLine>,
}

/// Lays the pack out and renders it to PDF bytes.
pub fn render(pack: &Pack, info: &PackInfo) -> Result<Rendered, ReportError> {
    let mut doc = PdfDocument::new(&pack.title);
    let mut warnings = Vec::new();
    let regular = ParsedFont::from_bytes(FONT_REGULAR, 0, &mut warnings)
        .ok_or_else(|| ReportError::Font(String::from("Noto Sans Regular")))?;
    let bold = ParsedFont::from_bytes(FONT_BOLD, 0, &mut warnings)
        .ok_or_else(|| ReportError::Font(String::from("Noto Sans Bold")))?;
    let fonts = layout::Fonts {
        regular: layout::Face::new(doc.add_font(&regular), FONT_REGULAR)
            .map_err(ReportError::Font)?,
        bold: layout::Face::new(doc.add_font(&bold), FONT_BOLD).map_err(ReportError::Font)?,
    };
    let confidential = tr(info.lang, "pack.confidential");
    let generated = tr_args(
        info.lang,
        "pack.generated",
        &[
            ("date", info.generated.format("%d.%m.%Y %H:%M").to_string()),
            ("user", info.user.clone()),
        ],
    );
    let laid = layout::lay_out(&fonts, &pack.blocks, &confidential, &generated);
    let (width, height) = layout::page_size();
    let pages: Vec<PdfPage> = laid
        .pages
        .into_iter()
        .map(|ops| PdfPage::new(width, height, ops))
        .collect();
    let count = pages.len();
    // The creation date defaults to 1970: set it to the generation time.
    let stamp = info.generated.and_utc().timestamp();
    if let Ok(date) = printpdf::DateTime::from_unix_timestamp(stamp) {
        doc.metadata.info.creation_date = date;
        doc.metadata.info.modification_date = date;
        doc.metadata.info.metadata_date = date;
    }
    doc.metadata.info.author = info.user.clone();
    doc.metadata.info.creator = String::from("Yuva");
    let mut save_warnings = Vec::new();
    let bytes = doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut save_warnings);
    Ok(Rendered {
        bytes,
        pages: count,
        lines: laid.lines,
    })
}

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed into place:
/// a failure (read-only folder, disk full) leaves no partial file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    crate::files::write_atomically(path, bytes).map_err(|source| ReportError::Write {
        path: path.display().to_string(),
        source,
    })
}

/// Which assessment pack to print.
#[derive(Debug, Clone)]
pub enum PackRequest {
    /// A proposal, with the explanation the window shows (from a run), if any; without one,
    /// the agenda's or a fresh one is used.
    Match {
        child_id: i64,
        family_id: i64,
        explanation: Option<Box<Explanation>>,
    },
    Family(i64),
    /// A panel session: its agenda, then each match pack.
    Panel(i64),
}

/// A pack as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub pages: usize,
    pub bytes: usize,
}

/// Builds, renders and writes a pack to `path` (the file appears whole or not at all). The
/// window and the command line both print here.
pub fn write_pack(
    store: &Store,
    gazetteer: &Gazetteer,
    request: &PackRequest,
    info: &PackInfo,
    path: &Path,
) -> Result<Written, ReportError> {
    // Who may print, and who the footer names: the signed-in person, never a setting.
    let info = &PackInfo {
        user: store.pack_signature()?,
        ..info.clone()
    };
    let pack = match request {
        PackRequest::Match {
            child_id,
            family_id,
            explanation,
        } => match_pack(
            store,
            gazetteer,
            *child_id,
            *family_id,
            explanation.as_deref().cloned(),
            info,
        ),
        PackRequest::Family(id) => family_pack(store, gazetteer, *id, info),
        PackRequest::Panel(id) => panel_pack(store, gazetteer, *id, info),
    }?;
    let rendered = render(&pack, info)?;
    write_atomically(path, &rendered.bytes)?;
    Ok(Written {
        pages: rendered.pages,
        bytes: rendered.bytes.len(),
    })
}

/// The file name a pack is offered under, e.g. `match_C-0012_F-0007_2026-03-15.pdf`.
pub fn pack_file_name(
    store: &Store,
    request: &PackRequest,
    date: NaiveDate,
) -> Result<String, ReportError> {
    let child_code = |id: i64| store.child(id).map(|c| c.code);
    let family_code = |id: i64| store.family(id).map(|f| f.code);
    Ok(match request {
        PackRequest::Match {
            child_id,
            family_id,
            ..
        } => file_name(
            "match",
            &[&child_code(*child_id)?, &family_code(*family_id)?],
            date,
        ),
        PackRequest::Family(id) => file_name("family", &[&family_code(*id)?], date),
        PackRequest::Panel(id) => file_name("panel", &[&id.to_string()], date),
    })
}

/// `match_C-0012_F-0007_2026-03-15.pdf` and the like.
pub fn file_name(kind: &str, codes: &[&str], date: NaiveDate) -> String {
    let mut name = String::from(kind);
    for code in codes {
        name.push('_');
        name.extend(code.chars().map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        }));
    }
    format!("{name}_{date}.pdf")
}
