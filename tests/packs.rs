//! Assessment packs: each pack in each language from a demo registry, read back with
//! pdftotext (headings, names with their Azerbaijani letters, page numbering, the confidential
//! line); long text that wraps inside its column and continues on the next page; a file that
//! cannot be written.

mod common;

use common::*;
use yuva::demo::{DemoOptions, populate};
use yuva::domain::*;
use yuva::i18n::{Lang, tr};
use yuva::matching::{self, Settings};
use yuva::report::{self, PackInfo, ReportError};
use yuva::store::{Proposal, Store};

fn info(lang: Lang) -> PackInfo {
    PackInfo {
        lang,
        user: String::from("Leyla Həsənova"),
        generated: today().and_hms_opt(10, 30, 0).expect("time"),
        today: today(),
    }
}

struct Demo {
    dir: tempfile::TempDir,
    store: Store,
    session: i64,
    child: Child,
    family: Family,
}

/// A demo registry with a panel session holding two proposals, the first approved.
fn demo() -> Demo {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("registry.db"), &common::key()).expect("store");
    store
        .create_first_administrator("leyla", "Leyla Həsənova", ADMIN_PASSWORD)
        .expect("administrator");
    populate(&mut store, &DemoOptions::new(today()), &gazetteer()).expect("demo");
    let instance = matching::registry::instance_from_store(&store, today(), Settings::default())
        .expect("instance");
    let plan = matching::solve(&instance, None).expect("plan");
    let session = store
        .create_session(&SessionInput {
            date: Some(today()),
            chair: String::from("Rəna Quliyeva"),
            members: vec![String::from("Elçin Əliyev"), String::from("Şəbnəm Rzayeva")],
        })
        .expect("session");
    let proposals: Vec<Proposal> = plan
        .placements
        .iter()
        .take(2)
        .map(|p| Proposal {
            child_id: store.child_id_by_code(&p.child).expect("q").expect("child"),
            family_id: store
                .family_id_by_code(&p.family)
                .expect("q")
                .expect("family"),
            distance_km: p.distance_km,
            value: p.explanation.value,
            planning_date: today(),
            explanation: Some(p.explanation.clone()),
        })
        .collect();
    let items = store.propose(session, &proposals).expect("proposed");
    store
        .decide(
            items[0],
            &DecisionInput {
                decision: Decision::ApproveWithConditions,
                conditions: String::from("Aylıq monitorinq səfəri."),
                reasons: String::from("Uşağın mənafeyinə uyğundur."),
                exclude_pair: false,
                start_date: Some(today()),
            },
        )
        .expect("decided");
    let child = store.child(proposals[0].child_id).expect("child");
    let family = store.family(proposals[0].family_id).expect("family");
    Demo {
        dir,
        store,
        session,
        child,
        family,
    }
}

fn write(demo: &Demo, pack: &report::Pack, lang: Lang, name: &str) -> (String, report::Rendered) {
    let rendered = report::render(pack, &info(lang)).expect("rendered");
    let path = demo.dir.path().join(name);
    report::write_atomically(&path, &rendered.bytes).expect("written");
    let text = pdftotext(&path).unwrap_or_default();
    (text, rendered)
}

fn check_common(text: &str, lang: Lang, pages: usize) {
    if text.is_empty() {
        return; // pdftotext missing on a developer's machine
    }
    assert!(
        text.contains(&tr(lang, "pack.confidential")),
        "confidential line"
    );
    // pdftotext may drop the narrow spaces around the slash.
    let numbered = |n: usize| {
        text.contains(&format!("{n} / {pages}")) || text.contains(&format!("{n}/{pages}"))
    };
    assert!(numbered(1), "first page number");
    assert!(numbered(pages), "last page number");
    assert!(text.contains("Leyla Həsənova"), "the user");
    assert!(text.contains("15.03.2026"), "the generation date");
}

#[test]
fn every_pack_in_every_language_reads_back_exactly() {
    let demo = demo();
    let gazetteer = gazetteer();
    let child_id = demo.child.id.expect("id");
    let family_id = demo.family.id.expect("id");
    for lang in Lang::ALL {
        let code = lang.code();
        let pack = report::match_pack(
            &demo.store,
            &gazetteer,
            child_id,
            family_id,
            None,
            &info(lang),
        )
        .expect("match pack");
        let (text, rendered) = write(&demo, &pack, lang, &format!("match_{code}.pdf"));
        check_common(&text, lang, rendered.pages);
        if !text.is_empty() {
            for key in [
                "pack.match_title",
                "pack.child_profile",
                "pack.family_profile",
                "pack.match_analysis",
                "pack.placement_plan",
                "pack.decision_sheet",
            ] {
                assert!(text.contains(&tr(lang, key)), "{code}: heading {key}");
            }
            assert!(
                text.contains(&demo.child.full_name()),
                "{code}: child's name"
            );
            assert!(
                text.contains(&demo.family.main_carer.full_name),
                "{code}: carer's name"
            );
            assert!(
                text.contains("Aylıq monitorinq") || text.contains(&tr(lang, "pack.start_date"))
            );
        }

        let pack = report::family_pack(&demo.store, &gazetteer, family_id, &info(lang))
            .expect("family pack");
        let (text, rendered) = write(&demo, &pack, lang, &format!("family_{code}.pdf"));
        check_common(&text, lang, rendered.pages);
        if !text.is_empty() {
            for key in [
                "pack.family_title",
                "pack.section_household",
                "pack.section_checks",
                "pack.section_recommendation",
            ] {
                assert!(text.contains(&tr(lang, key)), "{code}: heading {key}");
            }
            assert!(text.contains(&demo.family.main_carer.full_name));
        }

        let pack = report::panel_pack(&demo.store, &gazetteer, demo.session, &info(lang))
            .expect("panel pack");
        let (text, rendered) = write(&demo, &pack, lang, &format!("panel_{code}.pdf"));
        check_common(&text, lang, rendered.pages);
        if !text.is_empty() {
            assert!(text.contains(&tr(lang, "pack.agenda")));
            assert!(text.contains("Rəna Quliyeva"));
            assert!(text.contains("Şəbnəm Rzayeva"));
            // Both match packs follow the agenda.
            assert_eq!(
                text.matches(&tr(lang, "pack.decision_sheet")).count(),
                2,
                "{code}: one decision sheet per match"
            );
        }
    }
}

#[test]
fn azerbaijani_and_cyrillic_letters_come_back_exactly() {
    let demo = demo();
    let gazetteer = gazetteer();
    let mut family = demo.family.clone();
    family.notes =
        String::from("Ə ə Ğ ğ I ı İ i Ş ş Ç ç Ö ö Ü ü — Приёмная семья, ёлка, щука, подъезд.");
    let ctx = Context {
        today: today(),
        gazetteer: &gazetteer,
    };
    let mut store = demo.store;
    store.save_family(&family, &ctx).expect("saved");
    let pack = report::family_pack(&store, &gazetteer, family.id.expect("id"), &info(Lang::Az))
        .expect("pack");
    let rendered = report::render(&pack, &info(Lang::Az)).expect("rendered");
    let path = demo.dir.path().join("letters.pdf");
    report::write_atomically(&path, &rendered.bytes).expect("written");
    if let Some(text) = pdftotext(&path) {
        assert!(text.contains(&family.notes), "exact letters in:\n{text}");
    }
}

#[test]
fn long_text_wraps_inside_its_column_and_continues_on_the_next_page() {
    let demo = demo();
    let gazetteer = gazetteer();
    let mut family = demo.family.clone();
    let sentence = "Ailə uşaqlarla işləmək təcrübəsinə malikdir və qonşuluqda məktəb, poliklinika \
                    və idman mərkəzi var; himayədar valideynlər hazırlıq kursunu tam keçiblər. ";
    family.notes = format!("{}Sonuncucümlə.", sentence.repeat(60));
    family.household.push(HouseholdMember {
        full_name: "Ə".repeat(120),
        relation: Relation::OtherRelative,
        birth_date: None,
    });
    let ctx = Context {
        today: today(),
        gazetteer: &gazetteer,
    };
    let mut store = demo.store;
    store.save_family(&family, &ctx).expect("saved");
    let pack = report::family_pack(&store, &gazetteer, family.id.expect("id"), &info(Lang::Az))
        .expect("pack");
    let rendered = report::render(&pack, &info(Lang::Az)).expect("rendered");
    assert!(
        rendered.pages >= 4,
        "the long history continues: {} pages",
        rendered.pages
    );
    for line in &rendered.lines {
        assert!(
            line.width_mm <= line.column_mm + 0.01,
            "line wider than its column ({:.1} > {:.1} mm): {:?}",
            line.width_mm,
            line.column_mm,
            line.text
        );
    }
    // The long name without spaces was cut inside its table cell.
    assert!(
        rendered
            .lines
            .iter()
            .filter(|l| l.text.starts_with("ƏƏƏ"))
            .count()
            >= 2
    );
    let path = demo.dir.path().join("long.pdf");
    report::write_atomically(&path, &rendered.bytes).expect("written");
    if let Some(text) = pdftotext(&path) {
        assert!(
            text.contains("Sonuncucümlə."),
            "the end of the text is printed"
        );
        // Nothing overlaps the footer: every page has its number once.
        let total = rendered.pages;
        for page in 1..=total {
            assert_eq!(
                text.matches(&format!("{page} / {total}")).count()
                    + text.matches(&format!("{page}/{total}")).count(),
                1,
                "page {page} is numbered once"
            );
        }
    }
}

#[test]
fn a_file_that_cannot_be_written_gives_a_clear_error_and_leaves_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "x").expect("file");
    for path in [
        blocker.join("pack.pdf"),
        dir.path().join("missing").join("pack.pdf"),
    ] {
        match report::write_atomically(&path, b"%PDF-1.7") {
            Err(ReportError::Write { path: p, .. }) => {
                assert_eq!(p, path.display().to_string());
            }
            other => panic!("expected a write error for {}: {other:?}", path.display()),
        }
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("not-a-folder")]);
}

#[test]
fn pack_file_names_say_what_and_when() {
    assert_eq!(
        report::file_name("match", &["C-0012", "F-0007"], date(2026, 3, 15)),
        "match_C-0012_F-0007_2026-03-15.pdf"
    );
}

/// A match pack for a pair whose placement has ended says how it ended instead of drafting a
/// plan; a family pack names missing checks and training among the concerns.
#[test]
fn packs_say_what_has_happened_and_what_is_missing() {
    let mut demo = demo();
    let (child_id, family_id) = (
        demo.child.id.expect("child id"),
        demo.family.id.expect("family id"),
    );
    let placement = demo
        .store
        .placements()
        .expect("placements")
        .into_iter()
        .find(|p| p.child_id == child_id && p.family_id == family_id)
        .expect("the approved placement");
    demo.store
        .end_placement(
            placement.id,
            Some(today()),
            Some(yuva::domain::EndReason::Reunified),
            "",
            today(),
        )
        .expect("ended");
    let gazetteer = gazetteer();
    let pack = report::match_pack(
        &demo.store,
        &gazetteer,
        child_id,
        family_id,
        None,
        &info(Lang::En),
    )
    .expect("match pack");
    let (text, _) = write(&demo, &pack, Lang::En, "ended.pdf");
    if !text.is_empty() {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            text.contains("This placement started on 15.03.2026 and ended on 15.03.2026"),
            "{text}"
        );
        assert!(!text.contains(&tr(Lang::En, "pack.to_be_agreed")));
    }
    let mut bare = demo.family.clone();
    bare.checks.clear();
    bare.training.clear();
    let ctx = Context {
        today: today(),
        gazetteer: &gazetteer,
    };
    demo.store.save_family(&bare, &ctx).expect("saved");
    let pack = report::family_pack(&demo.store, &gazetteer, family_id, &info(Lang::En))
        .expect("family pack");
    let (text, _) = write(&demo, &pack, Lang::En, "bare.pdf");
    if !text.is_empty() {
        assert!(text.contains("No check is on record."));
        assert!(text.contains("No training is on record."));
    }
}
