//! Lists out of the registry as spreadsheets: XLSX read back by calamine (another crate than
//! the writer), CSV with its byte-order mark, headers in each language, dates as dates, no
//! formula in any cell, owner-only files, an audit entry per export, and who may export.

mod common;

use std::path::Path;

use calamine::{Data, Reader};
use common::*;
use yuva::exchange::{List, export_list};
use yuva::i18n::Lang;

fn sheet(path: &Path) -> calamine::Range<Data> {
    let mut book = calamine::open_workbook_auto(path).expect("opens as a workbook");
    let first = book.sheet_names().first().cloned().expect("a sheet");
    book.worksheet_range(&first).expect("the sheet")
}

#[test]
fn every_list_exports_to_xlsx_that_reads_back_row_for_row() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = demo_registry(&dir.path().join("registry.db"), 15, 25);
    let g = gazetteer();
    let children = store.children().expect("children");
    let path = dir.path().join("children.xlsx");
    let rows =
        export_list(&mut store, &g, List::Children, Lang::Az, today(), &path).expect("exported");
    assert_eq!(rows, children.len());
    let range = sheet(&path);
    assert_eq!(
        range.height(),
        children.len() + 1,
        "a header row and one row per child"
    );
    let header: Vec<String> = range
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&header[..4], ["Kod", "Soyadı", "Adı", "Doğum tarixi"]);
    let first = range.rows().nth(1).expect("first row");
    assert_eq!(first[0].to_string(), children[0].code);
    assert_eq!(first[1].to_string(), children[0].last_name);
    // The birth date is a date cell, the same day.
    match &first[3] {
        Data::DateTime(value) => assert_eq!(
            value.as_datetime().map(|d| d.date()),
            Some(children[0].birth_date)
        ),
        other => panic!("the birth date is not a date cell: {other:?}"),
    }
    // The file carries personal data: owner-only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    for list in [
        List::Families,
        List::Placements,
        List::Decisions,
        List::Audit,
    ] {
        let path = dir.path().join(format!("{}.xlsx", list.code()));
        let rows = export_list(&mut store, &g, list, Lang::Ru, today(), &path).expect("exported");
        assert_eq!(sheet(&path).height(), rows + 1, "{list:?}");
    }
    // Each export is in the audit log.
    let exports = store
        .audit_entries(100)
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "export")
        .count();
    assert_eq!(exports, 5);
}

#[test]
fn csv_has_a_byte_order_mark_headers_in_the_language_and_no_formula() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = demo_registry(&dir.path().join("registry.db"), 15, 25);
    let g = gazetteer();
    let ctx = yuva::domain::Context {
        today: today(),
        gazetteer: &g,
    };
    let mut family = full_family("F-9001");
    family.location.address = String::from("=HYPERLINK(\"http://example.invalid\",\"x\")");
    store.save_family(&family, &ctx).expect("saved");
    let path = dir.path().join("families.csv");
    export_list(&mut store, &g, List::Families, Lang::Ru, today(), &path).expect("exported");
    let bytes = std::fs::read(&path).expect("read");
    assert_eq!(
        &bytes[..3],
        &[0xEF, 0xBB, 0xBF],
        "UTF-8 with a byte-order mark"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
    assert!(
        text.starts_with("Код,Основной воспитатель,"),
        "{}",
        &text[..80]
    );
    assert!(
        text.contains("'=HYPERLINK"),
        "a formula-looking cell is text"
    );
    assert!(!text.contains(",=HYPERLINK"));
    // In XLSX the same cell is a string, never a formula.
    let xlsx = dir.path().join("families.xlsx");
    export_list(&mut store, &g, List::Families, Lang::En, today(), &xlsx).expect("exported");
    let mut book = calamine::open_workbook_auto(&xlsx).expect("opens");
    let name = book.sheet_names()[0].clone();
    let formulas = book.worksheet_formula(&name).expect("formulas");
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formula"
    );
    let range = book.worksheet_range(&name).expect("range");
    assert!(
        range
            .used_cells()
            .any(|(_, _, c)| c.to_string().starts_with("=HYPERLINK"))
    );
}

#[test]
fn a_viewer_cannot_export_and_no_file_is_left() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = demo_registry(&dir.path().join("registry.db"), 15, 25);
    sign_in_as_viewer(&mut store);
    let path = dir.path().join("children.xlsx");
    let result = export_list(
        &mut store,
        &gazetteer(),
        List::Children,
        Lang::Az,
        today(),
        &path,
    );
    assert!(result.is_err());
    assert!(!path.exists());
}

#[test]
fn the_command_line_exports_and_refuses_other_extensions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("registry.db");
    drop(demo_registry(&db, 15, 25));
    let out = yuva_command()
        .args(["export", "children", "--db"])
        .arg(&db)
        .args(["--output"])
        .arg(dir.path().join("children.csv"))
        .args(["--lang", "en", "--date", "2026-03-15"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("children.csv")).expect("csv");
    assert!(
        text.trim_start_matches('\u{feff}')
            .starts_with("Code,Last name,First name")
    );
    assert_eq!(text.lines().count(), 26);
    let out = yuva_command()
        .args(["export", "children", "--db"])
        .arg(&db)
        .args(["--output"])
        .arg(dir.path().join("children.txt"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must end in .xlsx or .csv"));
}
