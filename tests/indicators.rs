//! The programme's indicators report: the figures computed on a demo registry (with placements
//! ended every way) against the same figures counted independently here with SQL on the
//! registry's tables; the PDF read back with pdftotext in each language; the workbook read back
//! with calamine; the pilot districts setting; the command line.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use yuva::domain::EndReason;
use yuva::domain::indicators::{Indicators, Period};
use yuva::i18n::{Lang, tr};
use yuva::report::PackInfo;
use yuva::report::indicators::{indicators_of, write_indicators};
use yuva::store::Store;

fn period() -> Period {
    Period::new(date(2025, 4, 1), date(2026, 2, 28)).expect("ordered period")
}

fn info(lang: Lang) -> PackInfo {
    PackInfo {
        lang,
        user: String::new(),
        generated: today().and_hms_opt(9, 0, 0).expect("time"),
        today: today(),
    }
}

/// A demo registry whose placements also end: reunified, adopted and broken down inside the
/// period, aged out after it.
fn registry(dir: &std::path::Path) -> Store {
    let mut store = demo_registry(&dir.join("registry.db"), 200, 500);
    let mut active: Vec<_> = store
        .placements()
        .expect("placements")
        .into_iter()
        .filter(|p| p.end_date.is_none() && p.start_date < date(2025, 11, 1))
        .collect();
    active.sort_by_key(|p| p.id);
    assert!(active.len() >= 5, "the demo has old enough placements");
    let ends = [
        (date(2026, 1, 10), EndReason::Reunified),
        (date(2025, 12, 1), EndReason::Adopted),
        (date(2026, 2, 1), EndReason::Breakdown),
        (date(2026, 2, 28), EndReason::Reunified),
        (date(2026, 3, 10), EndReason::AgedOut),
    ];
    for (placement, (end, reason)) in active.iter().zip(ends) {
        store
            .end_placement(placement.id, Some(end), Some(reason), "", today())
            .expect("the placement ends");
    }
    store
}

fn count(conn: &rusqlite::Connection, sql: &str, period: Period) -> usize {
    let sql = sql
        .replace(":from", &format!("'{}'", period.from))
        .replace(":to", &format!("'{}'", period.to));
    conn.query_row(&sql, [], |r| r.get::<_, i64>(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}")) as usize
}

#[test]
fn the_figures_match_an_independent_count_of_the_registry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = registry(dir.path());
    let figures = indicators_of(&store, period()).expect("indicators");
    let conn = raw_connection(&dir.path().join("registry.db"));
    let p = period();

    let in_families = count(
        &conn,
        "SELECT count(DISTINCT child_id) FROM placements
         WHERE start_date <= :to AND (end_date IS NULL OR end_date > :to)",
        p,
    );
    assert!(in_families > 0);
    assert_eq!(figures.all.in_families_at_end, in_families);
    assert_eq!(figures.in_families_by_month.last(), Some(&in_families));
    let placed = count(
        &conn,
        "SELECT count(DISTINCT child_id) FROM placements WHERE start_date BETWEEN :from AND :to",
        p,
    );
    assert_eq!(figures.all.placed, placed);
    for (reason, got) in [
        ("reunified", figures.all.reunified),
        ("adopted", figures.all.adopted),
        ("aged_out", figures.all.aged_out),
        ("breakdown", figures.all.breakdowns),
    ] {
        let sql = format!(
            "SELECT count(DISTINCT child_id) FROM placements
             WHERE end_reason = '{reason}' AND end_date BETWEEN :from AND :to"
        );
        assert_eq!(got, count(&conn, &sql, p), "{reason}");
    }
    // Beside the demo's own history, the placements ended here: both reunifications, the
    // adoption and the breakdown inside the period, the aging out after it.
    assert!(figures.all.reunified >= 2);
    assert!(figures.all.adopted >= 1);
    assert!(figures.all.breakdowns >= 1);
    assert_eq!(figures.all.aged_out, 0, "aged out after the period");
    let from_institutions = count(
        &conn,
        "SELECT count(*) FROM children c WHERE c.situation = 'institution'
         AND (SELECT min(start_date) FROM placements p WHERE p.child_id = c.id)
             BETWEEN :from AND :to",
        p,
    );
    assert_eq!(figures.all.from_institutions, from_institutions);
    let waiting = count(
        &conn,
        "SELECT count(*) FROM children c WHERE c.referral_date <= :to
         AND NOT EXISTS (SELECT 1 FROM placements p WHERE p.child_id = c.id
             AND p.start_date <= :to AND (p.end_date IS NULL OR p.end_date > :to))
         AND (c.status IN ('awaiting', 'proposed')
             OR EXISTS (SELECT 1 FROM placements p WHERE p.child_id = c.id AND p.start_date > :to))",
        p,
    );
    assert_eq!(figures.all.waiting_at_end, waiting);
    assert_eq!(figures.waiting_at_end.children, waiting);
    let approved = count(
        &conn,
        "SELECT count(*) FROM families WHERE approval_date BETWEEN :from AND :to",
        p,
    );
    assert_eq!(figures.all.families_approved, approved);
    let overdue = count(
        &conn,
        "SELECT count(*) FROM families WHERE status = 'approved' AND review_due < :to",
        p,
    );
    assert_eq!(figures.all.reviews_overdue, overdue);
    let in_force = count(
        &conn,
        "SELECT count(*) FROM placements WHERE start_date <= :to
         AND (end_date IS NULL OR end_date >= :from)",
        p,
    );
    assert_eq!(figures.placements_in_force, in_force);

    // The pilot districts (the defaults) against the rest: children of pilot districts in
    // families at the end, counted by district here.
    let pilot_in_families = count(
        &conn,
        "SELECT count(DISTINCT p.child_id) FROM placements p JOIN children c ON c.id = p.child_id
         WHERE p.start_date <= :to AND (p.end_date IS NULL OR p.end_date > :to)
         AND c.district_code IN ('AZ-BA', 'AZ-SM', 'AZ-GA', 'AZ-LA', 'AZ-MI', 'AZ-SA')",
        p,
    );
    assert_eq!(figures.pilot.in_families_at_end, pilot_in_families);
    assert_eq!(
        figures.pilot.in_families_at_end + figures.rest.in_families_at_end,
        in_families
    );
    let baku = figures
        .pilot_districts
        .iter()
        .find(|(code, _)| code == "AZ-BA")
        .map(|(_, a)| a.in_families_at_end);
    let baku_count = count(
        &conn,
        "SELECT count(DISTINCT p.child_id) FROM placements p JOIN children c ON c.id = p.child_id
         WHERE p.start_date <= :to AND (p.end_date IS NULL OR p.end_date > :to)
         AND c.district_code = 'AZ-BA'",
        p,
    );
    assert_eq!(baku, Some(baku_count));

    // One month in the middle, counted on its last day.
    let november = figures
        .month_ends
        .iter()
        .position(|d| *d == date(2025, 11, 30))
        .expect("November is in the period");
    let on_day = Period::new(date(2025, 11, 30), date(2025, 11, 30)).expect("a day");
    assert_eq!(
        figures.in_families_by_month[november],
        count(
            &conn,
            "SELECT count(DISTINCT child_id) FROM placements
             WHERE start_date <= :to AND (end_date IS NULL OR end_date > :to)",
            on_day,
        )
    );
    assert_eq!(figures.month_ends.len(), 11, "April 2025 to February 2026");

    // Sibling groups, counted here from the rows: groups of two or more with a member placed
    // in the period; together when every member's latest placement begun by the end is with
    // one family.
    let mut members: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut statement = conn
        .prepare("SELECT sibling_group_id, id FROM children WHERE sibling_group_id IS NOT NULL")
        .expect("query");
    let rows = statement
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
        .expect("rows");
    for row in rows {
        let (group, child) = row.expect("row");
        members.entry(group).or_default().push(child);
    }
    let latest_family = |child: i64| -> Option<i64> {
        conn.query_row(
            "SELECT family_id FROM placements WHERE child_id = ?1 AND start_date <= ?2
             ORDER BY start_date DESC, id DESC LIMIT 1",
            rusqlite::params![child, p.to.to_string()],
            |r| r.get(0),
        )
        .ok()
    };
    let placed_in_period = |child: i64| -> bool {
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM placements WHERE child_id = ?1
             AND start_date BETWEEN ?2 AND ?3)",
            rusqlite::params![child, p.from.to_string(), p.to.to_string()],
            |r| r.get(0),
        )
        .unwrap_or(false)
    };
    let (mut groups, mut together) = (0, 0);
    for ids in members.values().filter(|ids| ids.len() >= 2) {
        if !ids.iter().any(|id| placed_in_period(*id)) {
            continue;
        }
        groups += 1;
        let families: BTreeSet<Option<i64>> = ids.iter().map(|id| latest_family(*id)).collect();
        if families.len() == 1 && !families.contains(&None) {
            together += 1;
        }
    }
    assert!(groups > 0, "the demo places sibling groups");
    assert_eq!(figures.sibling_groups_placed, groups);
    assert_eq!(figures.sibling_groups_together, together);

    // The medians are middle values of their lists.
    let waited = &figures.waited_before_placement;
    assert_eq!(waited.by_band.iter().sum::<usize>(), waited.children);
    assert!(waited.median_days.is_some());
}

#[test]
fn the_pdf_reads_back_in_each_language() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = registry(dir.path());
    let gazetteer = gazetteer();
    for lang in Lang::ALL {
        let path = dir.path().join(format!("göstəricilər-{}.pdf", lang.code()));
        let figures =
            write_indicators(&mut store, &gazetteer, period(), &info(lang), &path).expect("report");
        let Some(text) = pdftotext(&path) else {
            return;
        };
        assert!(
            !text.contains("indicators."),
            "{}: a locale key is missing: {text}",
            lang.code()
        );
        for key in [
            "indicators.title",
            "indicators.summary",
            "indicators.pilot_title",
            "indicators.siblings_title",
            "indicators.waiting_title",
            "indicators.families_title",
        ] {
            let heading = tr(lang, key);
            assert!(text.contains(&heading), "{}: {heading}", lang.code());
        }
        assert!(text.contains("01.04.2025 – 28.02.2026"), "the period");
        assert!(
            text.contains("Test Administrator (admin)"),
            "the footer names who"
        );
        if lang == Lang::Az {
            for words in [
                "Proqram göstəriciləri",
                "Pilot rayonlar və ölkənin qalan hissəsi",
                "Qardaş-bacı qrupları",
                "Ailəsinə qaytarılan uşaqlar",
                "Bakı",
                "Sumqayıt",
                "Şəki",
            ] {
                assert!(text.contains(words), "az: {words}");
            }
            assert!(
                text.contains(&format!(
                    "{} / {}",
                    figures.sibling_groups_together, figures.sibling_groups_placed
                )),
                "the siblings' share in {text}"
            );
        }
    }
    let entries = store.audit_entries(10).expect("audit");
    assert_eq!(
        entries.iter().filter(|e| e.action == "report").count(),
        3,
        "each report is in the audit trail"
    );
}

#[test]
fn the_workbook_holds_the_same_figures() {
    use calamine::{Data, Reader};
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = registry(dir.path());
    let path = dir.path().join("göstəricilər.xlsx");
    let figures = write_indicators(&mut store, &gazetteer(), period(), &info(Lang::Ru), &path)
        .expect("report");
    let mut book = calamine::open_workbook_auto(&path).expect("an XLSX file");
    let names = book.sheet_names();
    for key in [
        "indicators.sheet_summary",
        "indicators.sheet_months_total",
        "indicators.sheet_by_month",
        "indicators.sheet_pilot",
        "indicators.sheet_waiting",
        "indicators.sheet_placements",
        "indicators.sheet_families",
    ] {
        assert!(names.contains(&tr(Lang::Ru, key)), "{key} in {names:?}");
    }
    let pilot = book
        .worksheet_range(&tr(Lang::Ru, "indicators.sheet_pilot"))
        .expect("pilot sheet");
    let total = pilot
        .rows()
        .next_back()
        .expect("the total row")
        .iter()
        .map(|c| match c {
            Data::Float(f) => *f as usize,
            Data::Int(i) => *i as usize,
            _ => usize::MAX,
        })
        .collect::<Vec<_>>();
    assert_eq!(
        &total[1..],
        &[
            figures.all.in_families_at_end,
            figures.all.placed,
            figures.all.from_institutions,
            figures.all.reunified,
            figures.all.waiting_at_end,
            figures.all.families_approved,
            figures.all.reviews_overdue,
        ]
    );
    let months = book
        .worksheet_range(&tr(Lang::Ru, "indicators.sheet_months_total"))
        .expect("months sheet");
    let counts: Vec<usize> = months
        .rows()
        .skip(1)
        .map(|r| match &r[1] {
            Data::Float(f) => *f as usize,
            _ => usize::MAX,
        })
        .collect();
    assert_eq!(counts, figures.in_families_by_month);
    assert_eq!(
        months.get((1, 0)),
        Some(&Data::String(String::from("Апр 2025")))
    );
}

#[test]
fn the_pilot_districts_are_set_by_an_administrator_from_the_gazetteer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = open_as_admin(&dir.path().join("registry.db"));
    let gazetteer = gazetteer();
    assert_eq!(
        store.pilot_districts().expect("read").len(),
        6,
        "the defaults"
    );
    let codes = |list: &[&str]| list.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    assert!(matches!(
        store.set_pilot_districts(&codes(&["AZ-BA", "AZ-NOWHERE"]), &gazetteer),
        Err(yuva::store::StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.set_pilot_districts(&[], &gazetteer),
        Err(yuva::store::StoreError::Invalid(_))
    ));
    store
        .set_pilot_districts(&codes(&["AZ-QBA", "AZ-BA"]), &gazetteer)
        .expect("saved");
    assert_eq!(
        store.pilot_districts().expect("read"),
        codes(&["AZ-QBA", "AZ-BA"])
    );
    let figures: Indicators = indicators_of(&store, period()).expect("figures");
    assert_eq!(figures.pilot_districts.len(), 2);
    sign_in_as_viewer(&mut store);
    assert!(matches!(
        store.set_pilot_districts(&codes(&["AZ-GA"]), &gazetteer),
        Err(yuva::store::StoreError::Refused(_))
    ));
    // A viewer may still write the report: it holds counts, not records.
    write_indicators(
        &mut store,
        &gazetteer,
        period(),
        &info(Lang::En),
        &dir.path().join("r.pdf"),
    )
    .expect("a viewer's report");
}

#[test]
fn the_command_line_writes_the_report_or_says_why_not() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(registry(dir.path()));
    let db = dir.path().join("registry.db");
    let pdf = dir.path().join("r.pdf");
    let out = yuva_command()
        .args(["report", "indicators", "--db"])
        .arg(&db)
        .args([
            "--from",
            "01.04.2025",
            "--to",
            "2026-02-28",
            "--lang",
            "az",
            "--output",
        ])
        .arg(&pdf)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(pdf.exists());
    if let Some(text) = pdftotext(&pdf) {
        assert!(text.contains("Dövr: 01.04.2025 – 28.02.2026"));
    }
    for (args, said) in [
        (
            vec!["--from", "01.03.2026", "--to", "01.01.2026"],
            "before it starts",
        ),
        (vec!["--from", "31.02.2026"], "is not a date"),
    ] {
        let wrong = dir.path().join("wrong.pdf");
        let out = yuva_command()
            .args(["report", "indicators", "--db"])
            .arg(&db)
            .args(&args)
            .arg("--output")
            .arg(&wrong)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(said),
            "{args:?}"
        );
        assert!(!wrong.exists(), "nothing written");
    }
    let out = yuva_command()
        .args(["report", "indicators", "--db"])
        .arg(&db)
        .arg("--output")
        .arg(dir.path().join("r.docx"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must end in .pdf or .xlsx"));
}
