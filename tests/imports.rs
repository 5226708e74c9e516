//! Families and children in from spreadsheets: export → import into an empty registry gives
//! the same records, in every header language and both formats; one bad row writes nothing and
//! names its row and column; Windows code pages; duplicates skipped; files that are not
//! spreadsheets refused in one line; who may import.

mod common;

use std::path::Path;

use common::*;
use yuva::domain::{Child, ChildStatus, Family};
use yuva::exchange::import::{self, Kind, Options};
use yuva::exchange::{self, List, Table};
use yuva::i18n::Lang;
use yuva::store::Store;

/// What a family row carries (the import makes no household, training or checks).
fn family_key(f: &Family) -> String {
    format!(
        "{}|{}|{:?}|{}|{}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{}|{}|{:?}|{}|{:?}|{}",
        f.code,
        f.main_carer.full_name,
        f.main_carer.birth_date,
        f.main_carer.phone,
        f.location.district_code,
        f.location.settlement_code,
        f.location.address,
        f.status,
        f.approval_date,
        f.review_due,
        f.terms.care_types,
        f.terms.age_min,
        f.terms.age_max,
        f.terms.sex_preference,
        f.terms.places,
        f.languages,
        f.notes
    )
}

fn child_key(c: &Child, groups: &[yuva::domain::SiblingGroup]) -> String {
    let group = c
        .sibling_group_id
        .and_then(|id| groups.iter().find(|g| g.id == Some(id)))
        .map(|g| g.code.clone());
    format!(
        "{}|{}|{}|{}|{:?}|{:?}|{:?}|{}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{:?}|{}",
        c.code,
        c.last_name,
        c.first_name,
        c.birth_date,
        c.sex,
        c.legal_status,
        c.situation,
        c.location.district_code,
        c.location.settlement_code,
        c.location.address,
        c.urgency,
        c.care_type,
        c.needs,
        c.languages,
        c.referral_date,
        c.status,
        group,
        c.notes
    )
}

fn run(store: &mut Store, kind: Kind, path: &Path, options: Options) -> import::Outcome {
    import::import(store, &gazetteer(), kind, path, Lang::Az, today(), options).expect("imports")
}

#[test]
fn export_then_import_into_an_empty_registry_gives_the_same_records_in_every_language() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = demo_registry(&dir.path().join("source.db"), 20, 30);
    let g = gazetteer();
    let families = source.families().expect("families");
    let groups = source.sibling_groups().expect("groups");
    // Placements are not imported: the children awaiting (and those who left care).
    let children: Vec<Child> = source
        .children()
        .expect("children")
        .into_iter()
        .filter(|c| !matches!(c.status, ChildStatus::Placed | ChildStatus::Proposed))
        .collect();
    assert!(children.len() > 10);
    for (n, (lang, extension)) in [
        (Lang::Az, "xlsx"),
        (Lang::Ru, "csv"),
        (Lang::En, "xlsx"),
        (Lang::Az, "csv"),
    ]
    .into_iter()
    .enumerate()
    {
        let families_file = dir.path().join(format!("families-{n}.{extension}"));
        let children_file = dir.path().join(format!("children-{n}.{extension}"));
        exchange::write(
            &exchange::families_table(&families, &Default::default(), &g, lang),
            &families_file,
        )
        .expect("families written");
        exchange::write(
            &exchange::children_table(&children, &groups, &g, lang, today()),
            &children_file,
        )
        .expect("children written");
        let mut target = open_as_admin(&dir.path().join(format!("target-{n}.db")));
        let outcome = run(
            &mut target,
            Kind::Families,
            &families_file,
            Options::default(),
        );
        assert!(
            outcome.problems.is_empty(),
            "{lang:?} {extension}: {:?}",
            outcome.problems
        );
        assert_eq!(outcome.written, families.len());
        let outcome = run(
            &mut target,
            Kind::Children,
            &children_file,
            Options::default(),
        );
        assert!(
            outcome.problems.is_empty(),
            "{lang:?} {extension}: {:?}",
            outcome.problems
        );
        assert_eq!(outcome.written, children.len());
        let mut want: Vec<String> = families.iter().map(family_key).collect();
        let mut got: Vec<String> = target
            .families()
            .expect("f")
            .iter()
            .map(family_key)
            .collect();
        want.sort();
        got.sort();
        assert_eq!(got, want, "{lang:?} {extension}: families");
        let new_groups = target.sibling_groups().expect("groups");
        let mut want: Vec<String> = children.iter().map(|c| child_key(c, &groups)).collect();
        let mut got: Vec<String> = target
            .children()
            .expect("c")
            .iter()
            .map(|c| child_key(c, &new_groups))
            .collect();
        want.sort();
        got.sort();
        assert_eq!(got, want, "{lang:?} {extension}: children");
        // One audit entry per import.
        let imports = target
            .audit_entries(1000)
            .expect("audit")
            .into_iter()
            .filter(|e| e.action == "import")
            .count();
        assert_eq!(imports, 2);
    }
}

fn table(headers: &[&str], rows: &[&[&str]]) -> Table {
    Table {
        name: String::from("Ailələr"),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| exchange::Cell::from(c.to_string()))
                    .collect()
            })
            .collect(),
    }
}

#[test]
fn one_bad_row_writes_nothing_and_names_its_row_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = open_as_admin(&dir.path().join("registry.db"));
    let file = dir.path().join("ailələr.csv");
    exchange::write(
        &table(
            &[
                "Əsas himayədar",
                "Rayon / şəhər",
                "Təsdiq vəziyyəti",
                "Əsas himayədarın doğum tarixi",
            ],
            &[
                &["Gülnarə Şükürova", "Bakı", "Ərizəçi", "09.04.1982"],
                &["Leyla Həsənova", "Gəncə", "Ərizəçi", "31.02.1980"],
                &["Aysel Quliyeva", "Atlantis", "Ərizəçi", ""],
            ],
        ),
        &file,
    )
    .expect("written");
    let outcome = run(&mut store, Kind::Families, &file, Options::default());
    assert_eq!(
        outcome.written, 0,
        "nothing is written while a row is wrong"
    );
    assert!(store.families().expect("f").is_empty());
    let problems: Vec<(usize, Option<String>)> = outcome
        .problems
        .iter()
        .map(|p| (p.row, p.column.clone()))
        .collect();
    assert!(
        problems.contains(&(3, Some(String::from("Əsas himayədarın doğum tarixi")))),
        "{problems:?}"
    );
    assert!(
        problems.contains(&(4, Some(String::from("Rayon / şəhər")))),
        "{problems:?}"
    );
    assert!(
        outcome
            .problems
            .iter()
            .any(|p| p.message.contains("Atlantis"))
    );
    // The valid row alone, when asked for.
    let outcome = run(
        &mut store,
        Kind::Families,
        &file,
        Options {
            valid_rows_only: true,
            ..Options::default()
        },
    );
    assert_eq!(outcome.written, 1, "{:?}", outcome.problems);
    assert_eq!(
        store.families().expect("f")[0].main_carer.full_name,
        "Gülnarə Şükürova"
    );
    // The same file again: the written row is a duplicate, skipped.
    let outcome = run(
        &mut store,
        Kind::Families,
        &file,
        Options {
            valid_rows_only: true,
            dry_run: true,
            ..Options::default()
        },
    );
    assert_eq!(outcome.duplicates.len(), 1);
    assert_eq!(outcome.written, 0);
}

#[test]
fn csv_from_russian_and_turkish_windows_code_pages_and_semicolons() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = open_as_admin(&dir.path().join("registry.db"));
    // What Excel on Russian Windows saves: Windows-1251, `;` between cells.
    let text =
        "Основной воспитатель;Район / город;Статус одобрения\r\nЕлена Иванова;Баку;Заявитель\r\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    let file = dir.path().join("семьи.csv");
    std::fs::write(&file, &bytes).expect("written");
    let outcome = run(&mut store, Kind::Families, &file, Options::default());
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    assert_eq!(
        store.families().expect("f")[0].main_carer.full_name,
        "Елена Иванова"
    );
    // Windows-1254 (Latin letters of Azerbaijani that it has: ş ğ ı İ ç ö ü).
    let text = "main_carer,district,family_status\r\nŞükür Gülüşov İsmayıl oğlu,Şəki,applicant\r\n"
        .replace("Şəki", "AZ-SAK");
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1254.encode(&text);
    assert!(!unmappable);
    let file = dir.path().join("aileler.csv");
    std::fs::write(&file, &bytes).expect("written");
    let outcome = run(&mut store, Kind::Families, &file, Options::default());
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    assert!(
        store
            .families()
            .expect("f")
            .iter()
            .any(|f| f.main_carer.full_name == "Şükür Gülüşov İsmayıl oğlu")
    );
}

#[test]
fn files_that_cannot_be_imported_are_refused_in_one_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = open_as_admin(&dir.path().join("registry.db"));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "garbage.xlsx",
            vec![0x50, 0x4B, 1, 2, 3, 4, 5],
            "is not a spreadsheet",
        ),
        ("empty.csv", Vec::new(), "is empty"),
        (
            "other.csv",
            b"name,age\nx,1\n".to_vec(),
            "lacks the columns",
        ),
    ];
    for (name, bytes, said) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).expect("written");
        let error = import::import(
            &mut store,
            &gazetteer(),
            Kind::Families,
            &file,
            Lang::En,
            today(),
            Options::default(),
        )
        .expect_err("refused")
        .to_string();
        assert!(error.contains(said), "{name}: {error}");
        assert_eq!(error.lines().count(), 1, "{error}");
    }
    assert!(store.families().expect("f").is_empty());
}

#[test]
fn a_viewer_cannot_import_and_the_command_line_says_which_rows_are_wrong() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("registry.db");
    let mut store = demo_registry(&db, 20, 30);
    let file = dir.path().join("families.xlsx");
    exchange::export_list(
        &mut store,
        &gazetteer(),
        List::Families,
        Lang::En,
        today(),
        &file,
    )
    .expect("exported");
    sign_in_as_viewer(&mut store);
    assert!(
        import::import(
            &mut store,
            &gazetteer(),
            Kind::Families,
            &file,
            Lang::En,
            today(),
            Options::default()
        )
        .is_err()
    );
    drop(store);
    // Into the same registry: every row is already there.
    let out = yuva_command()
        .args(["import", "families", "--db"])
        .arg(&db)
        .arg("--from")
        .arg(&file)
        .args(["--lang", "en"])
        .output()
        .expect("runs");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("20 already in the registry"), "{said}");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "main_carer,district,age_min\nA B,Bakı,twelve\n").expect("written");
    let out = yuva_command()
        .args(["import", "families", "--db"])
        .arg(&db)
        .arg("--from")
        .arg(&bad)
        .args(["--lang", "en"])
        .output()
        .expect("runs");
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("bad.csv: row 2, age_min: Enter a number from 0 to 17."),
        "{said}"
    );
}

/// A cell of an exported table, by its column's header key.
fn set_cell(table: &mut Table, row: usize, key: &str, lang: Lang, value: &str) {
    let header = yuva::i18n::tr(lang, &format!("export.{key}"));
    let column = table
        .headers
        .iter()
        .position(|h| *h == header)
        .unwrap_or_else(|| panic!("no column {header}"));
    table.rows[row][column] = exchange::Cell::from(value.to_owned());
}

#[test]
fn rows_with_a_records_code_update_it_only_when_asked_and_only_what_changed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = demo_registry(&dir.path().join("registry.db"), 20, 60);
    let g = gazetteer();
    let before = store.families().expect("families");
    let occupied = store.occupied_places().expect("occupied");
    let mut table = exchange::families_table(&before, &occupied, &g, Lang::Az);
    set_cell(&mut table, 0, "phone", Lang::Az, "+994 50 111 22 33");
    set_cell(
        &mut table,
        1,
        "notes",
        Lang::Az,
        "Yeni qeyd: ev təmir olunub.",
    );
    let file = dir.path().join("ailələr.xlsx");
    exchange::write(&table, &file).expect("written");

    // Not asked: every row is a duplicate, skipped.
    let outcome = run(&mut store, Kind::Families, &file, Options::default());
    assert_eq!(outcome.duplicates.len(), before.len());
    assert_eq!((outcome.written, outcome.updates), (0, 0));

    // Asked: the two changed rows update their records; the others change nothing.
    let update = Options {
        update_duplicates: true,
        ..Options::default()
    };
    let outcome = run(&mut store, Kind::Families, &file, update);
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    assert_eq!((outcome.updates, outcome.written), (2, 2));
    assert_eq!(outcome.duplicates.len(), before.len() - 2, "unchanged rows");
    let after = store.families().expect("families");
    assert_eq!(after.len(), before.len(), "no record added");
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(old.code, new.code);
        // Homes keep their own coordinates (finer than the gazetteer's point).
        assert_eq!(
            (old.location.lat, old.location.lon),
            (new.location.lat, new.location.lon)
        );
    }
    assert_eq!(after[0].main_carer.phone, "+994 50 111 22 33");
    assert_eq!(after[1].notes, "Yeni qeyd: ev təmir olunub.");
    assert_eq!(after[2], before[2]);
    // Each update is in the audit log with what changed, then the import's own entry.
    let entries = store.audit_entries(5).expect("audit");
    assert_eq!(entries[0].action, "import");
    let texts: Vec<String> = entries
        .iter()
        .filter_map(|e| e.details.as_ref())
        .map(|d| yuva::i18n::audit_text(Lang::En, d))
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains(&before[0].code) && t.contains("changed")),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t.contains("2 updated")), "{texts:?}");

    // A child's status and sibling group do not change by import.
    let children = store.children().expect("children");
    let groups = store.sibling_groups().expect("groups");
    let mut table = exchange::children_table(&children, &groups, &g, Lang::En, today());
    let placed = children
        .iter()
        .position(|c| c.status == ChildStatus::Placed)
        .expect("a placed child");
    set_cell(&mut table, placed, "status", Lang::En, "Awaiting placement");
    let file = dir.path().join("children.csv");
    exchange::write(&table, &file).expect("written");
    let outcome = run(&mut store, Kind::Children, &file, update);
    assert_eq!(outcome.written, 0, "a wrong row writes nothing");
    assert_eq!(outcome.problems.len(), 1, "{:?}", outcome.problems);
    assert_eq!(outcome.problems[0].row, placed + 2);
    assert_eq!(store.children().expect("children"), children);

    // The same name and birth date under another code is not updated, only pointed out.
    let mut table = exchange::children_table(&children[..1], &groups, &g, Lang::Az, today());
    set_cell(&mut table, 0, "code", Lang::Az, "C-9999");
    let file = dir.path().join("uşaq.csv");
    exchange::write(&table, &file).expect("written");
    let outcome = run(&mut store, Kind::Children, &file, update);
    assert_eq!(outcome.duplicates.len(), 1);
    assert!(outcome.duplicates[0].message.contains(&children[0].code));
    assert_eq!(outcome.written, 0);
}

#[test]
fn the_template_names_its_sheets_in_the_language_and_its_children_sheet_imports() {
    use calamine::Reader;
    let dir = tempfile::tempdir().expect("temp dir");
    let g = gazetteer();
    let path = dir.path().join("şablon.xlsx");
    import::write_template(&path, &g, Lang::Ru).expect("template");
    let mut book = calamine::open_workbook_auto(&path).expect("xlsx");
    assert_eq!(
        book.sheet_names(),
        vec!["Семьи", "Дети", "Значения", "Районы"]
    );
    let children = book.worksheet_range("Дети").expect("children sheet");
    let headers: Vec<String> = children
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    let want: Vec<String> = import::import_columns(Kind::Children)
        .iter()
        .map(|k| yuva::i18n::tr(Lang::Ru, &format!("export.{k}")))
        .collect();
    assert_eq!(headers, want);
    assert!(
        book.worksheet_range("Районы")
            .expect("districts")
            .rows()
            .any(|r| r[0] == "Шекинский район"),
        "districts by name"
    );
    // Filled in (the children's sheet only; the families' stays empty and comes first) and
    // imported: the children's sheet is the one read.
    let filled: Vec<exchange::Sheet> = import::template_sheets(&g, Lang::Ru)
        .into_iter()
        .map(|mut sheet| {
            if sheet.table.name == "Дети" {
                let row = |values: &[(&str, &str)]| {
                    let mut cells = vec![exchange::Cell::Empty; sheet.table.headers.len()];
                    for (key, value) in values {
                        let header = yuva::i18n::tr(Lang::Ru, &format!("export.{key}"));
                        let i = sheet
                            .table
                            .headers
                            .iter()
                            .position(|h| *h == header)
                            .expect("column");
                        cells[i] = exchange::Cell::from(value.to_string());
                    }
                    cells
                };
                sheet.table.rows = vec![
                    row(&[
                        ("last_name", "Məmmədova"),
                        ("first_name", "Aygün"),
                        ("birth_date", "12.05.2017"),
                        ("sex", "Девочка"),
                        ("district", "Шеки"),
                    ]),
                    row(&[
                        ("last_name", "Əliyev"),
                        ("first_name", "Rəşad"),
                        ("birth_date", "03.11.2015"),
                        ("sex", "Мальчик"),
                        ("district", "Баку"),
                        ("languages", "Азербайджанский, Русский"),
                    ]),
                ];
            }
            sheet
        })
        .collect();
    let file = dir.path().join("dolu.xlsx");
    exchange::write_workbook(&filled, &file).expect("written");
    let mut store = open_as_admin(&dir.path().join("registry.db"));
    let outcome = run(&mut store, Kind::Children, &file, Options::default());
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    assert_eq!(outcome.written, 2);
    // The command line writes it too, and only as XLSX.
    let out = yuva_command()
        .args(["import", "template", "--lang", "az", "--output"])
        .arg(dir.path().join("t.xlsx"))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = yuva_command()
        .args(["import", "template", "--output"])
        .arg(dir.path().join("t.csv"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("t.csv").exists());
}

#[test]
fn an_import_tells_how_far_it_is() {
    use import::{Progress, Stage};
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = open_as_admin(&dir.path().join("registry.db"));
    let rows: Vec<Vec<String>> = (0..600)
        .map(|n| {
            vec![
                format!("Himayədar {n}"),
                String::from("Bakı"),
                String::from("Ərizəçi"),
            ]
        })
        .collect();
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    let file = dir.path().join("çox.csv");
    exchange::write(
        &table(
            &["Əsas himayədar", "Rayon / şəhər", "Təsdiq vəziyyəti"],
            &rows,
        ),
        &file,
    )
    .expect("written");
    let seen = std::sync::Mutex::new(Vec::<Progress>::new());
    let outcome = import::import_with_progress(
        &mut store,
        &gazetteer(),
        Kind::Families,
        &file,
        Lang::Az,
        today(),
        Options::default(),
        &|p| seen.lock().expect("lock").push(p),
    )
    .expect("imports");
    assert_eq!(outcome.written, 600);
    let seen = seen.into_inner().expect("lock");
    assert_eq!(seen[0].stage, Stage::Reading);
    let checking: Vec<usize> = seen
        .iter()
        .filter(|p| p.stage == Stage::Checking)
        .map(|p| p.done)
        .collect();
    assert_eq!(checking, vec![0, 250, 500]);
    assert!(
        seen.iter()
            .any(|p| p.stage == Stage::Writing && p.done == 500 && p.total == 600)
    );
}

#[test]
fn rows_without_a_code_take_the_offices_prefix_in_an_enrolled_registry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let demo = demo_registry(&dir.path().join("demo.db"), 4, 6);
    let g = gazetteer();
    let families = demo.families().expect("families");
    let occupied = demo.occupied_places().expect("occupied");
    let mut table = exchange::families_table(&families, &occupied, &g, Lang::Az);
    for row in 0..families.len() {
        set_cell(&mut table, row, "code", Lang::Az, "");
    }
    let file = dir.path().join("ailələr.xlsx");
    exchange::write(&table, &file).expect("written");

    let path = dir.path().join("office.db");
    drop(open_as_admin(&path));
    // As enrolment leaves it (the hub itself is tried in tests/sync_offline.rs).
    raw_connection(&path)
        .execute(
            "INSERT INTO settings(key, value) VALUES ('office', 'AZ-SM')",
            [],
        )
        .expect("office");
    let mut store = open_as_admin(&path);
    let outcome = run(&mut store, Kind::Families, &file, Options::default());
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    let mut codes: Vec<String> = store
        .families()
        .expect("families")
        .into_iter()
        .map(|f| f.code)
        .collect();
    codes.sort();
    assert_eq!(codes, ["SM-F-0001", "SM-F-0002", "SM-F-0003", "SM-F-0004"]);
    assert_eq!(store.next_code("F-").expect("code"), "SM-F-0005");
}
