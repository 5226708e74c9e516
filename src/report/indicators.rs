//! The programme's indicators report for a period, as a PDF (the packs' layout and footer,
//! with bar charts) or an XLSX workbook (a sheet per part, the months charted). The figures are
//! [`crate::domain::indicators::Indicators`]; this module words and lays them out.

use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::layout::Bar;
use super::{Block, Pack, PackInfo, ReportError, render, write_atomically};
use crate::domain::dashboard::WAITING_BANDS;
use crate::domain::indicators::{AreaFigures, Indicators, Period, Waiting};
use crate::domain::{AuditText, format_date};
use crate::exchange::{Cell, Sheet, SheetChart, Table};
use crate::geo::Gazetteer;
use crate::i18n::{Lang, tr, tr_args};
use crate::store::Store;

/// Districts listed by name in the PDF's month-by-month table (the workbook has them all).
const DISTRICTS_IN_PDF: usize = 20;

/// The report's file format, by the output's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Pdf,
    Xlsx,
}

impl ReportFormat {
    pub fn of(path: &Path) -> Option<ReportFormat> {
        let extension = path.extension()?.to_string_lossy().to_lowercase();
        match extension.as_str() {
            "pdf" => Some(ReportFormat::Pdf),
            "xlsx" => Some(ReportFormat::Xlsx),
            _ => None,
        }
    }
}

/// The indicators of `period` from the registry's records and its pilot districts.
pub fn indicators_of(store: &Store, period: Period) -> Result<Indicators, ReportError> {
    Ok(Indicators::compute(
        &store.families()?,
        &store.children()?,
        &store.sibling_groups()?,
        &store.placements()?,
        &store.pilot_districts()?,
        period,
    ))
}

/// Computes the indicators of `period` and writes them to `path` (`.pdf` or `.xlsx`), whole
/// or not at all, for the signed-in person (any role: the report holds counts, not records),
/// and records it in the audit log. Returns the figures written.
pub fn write_indicators(
    store: &mut Store,
    gazetteer: &Gazetteer,
    period: Period,
    info: &PackInfo,
    path: &Path,
) -> Result<Indicators, ReportError> {
    let signature = store
        .actor()
        .map(|a| a.signature())
        .ok_or_else(|| ReportError::NotFound(tr(info.lang, "refusal.not_signed_in")))?;
    let info = PackInfo {
        user: signature,
        ..info.clone()
    };
    let format = ReportFormat::of(path).ok_or_else(|| ReportError::Format {
        path: path.display().to_string(),
    })?;
    let figures = indicators_of(store, period)?;
    match format {
        ReportFormat::Pdf => {
            let rendered = render(&indicators_pack(&figures, gazetteer, &info), &info)?;
            write_atomically(path, &rendered.bytes)?;
        }
        ReportFormat::Xlsx => {
            crate::exchange::write_workbook(
                &indicators_sheets(&figures, gazetteer, info.lang),
                path,
            )
            .map_err(|e| ReportError::Spreadsheet(e.to_string()))?;
        }
    }
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let recorded = store.write(|w| {
        w.audit_note(
            "report",
            "indicators",
            &AuditText::new(
                "indicators_written",
                vec![
                    ("from", format_date(period.from)),
                    ("to", format_date(period.to)),
                    ("file", file),
                ],
            ),
        )
    });
    if let Err(e) = recorded {
        let _ = std::fs::remove_file(path);
        return Err(e.into());
    }
    Ok(figures)
}

/// "Jan 2026".
fn month_label(lang: Lang, day: NaiveDate) -> String {
    format!(
        "{} {}",
        tr(lang, &format!("month.{}", day.month())),
        day.year()
    )
}

/// A share as a percentage with one decimal, the decimal sign as the language writes it.
pub fn percent(lang: Lang, share: f64) -> String {
    let text = format!("{:.1}", share * 100.0);
    match lang {
        Lang::En => format!("{text}%"),
        _ => format!("{} %", text.replace('.', ",")),
    }
}

fn district_name(gazetteer: &Gazetteer, lang: Lang, code: &str) -> String {
    if code.is_empty() {
        return tr(lang, "indicators.no_district");
    }
    gazetteer
        .unit(code)
        .map(|u| u.name(lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

fn days_or_none(lang: Lang, days: Option<i64>) -> String {
    days.map_or_else(
        || tr(lang, "indicators.none"),
        |d| tr_args(lang, "indicators.days", &[("days", d.to_string())]),
    )
}

/// The labels of the waiting bands, as the dashboard words them.
fn band_labels(lang: Lang) -> Vec<String> {
    let last = WAITING_BANDS.len() - 1;
    (0..=WAITING_BANDS.len())
        .map(|i| match i {
            0 => tr_args(
                lang,
                "dashboard.band_upto",
                &[("days", WAITING_BANDS[0].to_string())],
            ),
            i if i <= last => tr_args(
                lang,
                "dashboard.band_between",
                &[
                    ("from", (WAITING_BANDS[i - 1] + 1).to_string()),
                    ("to", WAITING_BANDS[i].to_string()),
                ],
            ),
            _ => tr_args(
                lang,
                "dashboard.band_over",
                &[("days", WAITING_BANDS[last].to_string())],
            ),
        })
        .collect()
}

/// The summary's lines: label and value as printed.
fn summary(figures: &Indicators, lang: Lang) -> Vec<(String, String)> {
    let t = |key: &str| tr(lang, &format!("indicators.{key}"));
    let all = &figures.all;
    let siblings = match figures.siblings_together_share() {
        Some(share) => tr_args(
            lang,
            "indicators.of_share",
            &[
                ("part", figures.sibling_groups_together.to_string()),
                ("whole", figures.sibling_groups_placed.to_string()),
                ("share", percent(lang, share)),
            ],
        ),
        None => t("none"),
    };
    let breakdowns = match figures.breakdown_rate() {
        Some(rate) => tr_args(
            lang,
            "indicators.of_share",
            &[
                ("part", all.breakdowns.to_string()),
                ("whole", figures.placements_in_force.to_string()),
                ("share", percent(lang, rate)),
            ],
        ),
        None => t("none"),
    };
    vec![
        (t("in_families_at_end"), all.in_families_at_end.to_string()),
        (t("placed"), all.placed.to_string()),
        (t("from_institutions"), all.from_institutions.to_string()),
        (t("reunified"), all.reunified.to_string()),
        (t("adopted"), all.adopted.to_string()),
        (t("aged_out"), all.aged_out.to_string()),
        (t("waiting_at_end"), all.waiting_at_end.to_string()),
        (t("siblings_together"), siblings),
        (
            t("median_wait_placed"),
            days_or_none(lang, figures.waited_before_placement.median_days),
        ),
        (
            t("median_wait_end"),
            days_or_none(lang, figures.waiting_at_end.median_days),
        ),
        (t("breakdowns"), breakdowns),
        (t("families_approved"), all.families_approved.to_string()),
        (t("reviews_overdue"), all.reviews_overdue.to_string()),
    ]
}

/// One figure of an area, read from its figures.
type AreaFigure = fn(&AreaFigures) -> usize;

/// The pilot table's columns: header key and figure.
const AREA_COLUMNS: [(&str, AreaFigure); 7] = [
    ("col_in_families", |a| a.in_families_at_end),
    ("col_placed", |a| a.placed),
    ("col_from_institutions", |a| a.from_institutions),
    ("col_reunified", |a| a.reunified),
    ("col_waiting", |a| a.waiting_at_end),
    ("col_approved", |a| a.families_approved),
    ("col_reviews_overdue", |a| a.reviews_overdue),
];

/// The pilot districts one by one, then the pilot districts together, the rest, and all.
fn area_rows(
    figures: &Indicators,
    gazetteer: &Gazetteer,
    lang: Lang,
) -> Vec<(String, AreaFigures)> {
    let mut rows: Vec<(String, AreaFigures)> = figures
        .pilot_districts
        .iter()
        .map(|(code, a)| (district_name(gazetteer, lang, code), *a))
        .collect();
    rows.push((tr(lang, "indicators.pilot_sum"), figures.pilot));
    rows.push((tr(lang, "indicators.rest"), figures.rest));
    rows.push((tr(lang, "indicators.total"), figures.all));
    rows
}

fn area_headers(lang: Lang) -> Vec<String> {
    std::iter::once(tr(lang, "indicators.district"))
        .chain(
            AREA_COLUMNS
                .iter()
                .map(|(key, _)| tr(lang, &format!("indicators.{key}"))),
        )
        .collect()
}

fn waiting_bars(waiting: &Waiting, lang: Lang) -> Vec<Bar> {
    band_labels(lang)
        .into_iter()
        .zip(waiting.by_band)
        .map(|(label, count)| Bar {
            label,
            value: count as f64,
            shown: count.to_string(),
        })
        .collect()
}

/// Label and value lines as a two-column table (labels wrap in a wide column).
fn pairs(rows: Vec<(String, String)>) -> Block {
    Block::Table {
        headers: vec![String::new(), String::new()],
        widths: vec![3.2, 1.3],
        rows: rows.into_iter().map(|(l, v)| vec![l, v]).collect(),
    }
}

/// The report as a pack of blocks (rendered with the packs' layout and footer).
pub fn indicators_pack(figures: &Indicators, gazetteer: &Gazetteer, info: &PackInfo) -> Pack {
    let lang = info.lang;
    let t = |key: &str| tr(lang, &format!("indicators.{key}"));
    let period = tr_args(
        lang,
        "indicators.period",
        &[
            ("from", format_date(figures.period.from)),
            ("to", format_date(figures.period.to)),
        ],
    );
    let mut blocks = vec![
        Block::Title(t("title")),
        Block::Subheading(period),
        Block::Note(tr_args(
            lang,
            "indicators.counting_note",
            &[("date", format_date(info.today))],
        )),
        Block::Heading(t("summary")),
    ];
    blocks.push(Block::Table {
        headers: vec![t("indicator"), t("value")],
        widths: vec![3.2, 1.3],
        rows: summary(figures, lang)
            .into_iter()
            .map(|(label, value)| vec![label, value])
            .collect(),
    });

    blocks.push(Block::Heading(t("by_month")));
    blocks.push(Block::Bars(
        figures
            .month_ends
            .iter()
            .zip(&figures.in_families_by_month)
            .map(|(day, count)| Bar {
                label: month_label(lang, *day),
                value: *count as f64,
                shown: count.to_string(),
            })
            .collect(),
    ));
    blocks.push(Block::Note(t("by_month_note")));
    if let (Some(first), Some(last)) = (figures.month_ends.first(), figures.month_ends.last()) {
        blocks.push(Block::Subheading(t("by_district")));
        let mut rows: Vec<Vec<String>> = figures
            .in_families_by_district
            .iter()
            .take(DISTRICTS_IN_PDF)
            .map(|(code, counts)| {
                let start = counts.first().copied().unwrap_or(0);
                let end = counts.last().copied().unwrap_or(0);
                vec![
                    district_name(gazetteer, lang, code),
                    start.to_string(),
                    end.to_string(),
                    counts.iter().max().copied().unwrap_or(0).to_string(),
                ]
            })
            .collect();
        let more = figures
            .in_families_by_district
            .len()
            .saturating_sub(DISTRICTS_IN_PDF);
        if more > 0 {
            // The districts past the table's, summed month by month.
            let mut summed = vec![0; figures.month_ends.len()];
            for (_, counts) in figures
                .in_families_by_district
                .iter()
                .skip(DISTRICTS_IN_PDF)
            {
                for (sum, n) in summed.iter_mut().zip(counts) {
                    *sum += n;
                }
            }
            rows.push(vec![
                tr_args(
                    lang,
                    "indicators.other_districts",
                    &[("count", more.to_string())],
                ),
                summed.first().copied().unwrap_or(0).to_string(),
                summed.last().copied().unwrap_or(0).to_string(),
                summed.iter().max().copied().unwrap_or(0).to_string(),
            ]);
        }
        rows.push(vec![
            t("total"),
            figures
                .in_families_by_month
                .first()
                .copied()
                .unwrap_or(0)
                .to_string(),
            figures
                .in_families_by_month
                .last()
                .copied()
                .unwrap_or(0)
                .to_string(),
            figures
                .in_families_by_month
                .iter()
                .max()
                .copied()
                .unwrap_or(0)
                .to_string(),
        ]);
        blocks.push(Block::Table {
            headers: vec![
                t("district"),
                month_label(lang, *first),
                month_label(lang, *last),
                t("highest"),
            ],
            widths: vec![3.0, 1.2, 1.2, 1.2],
            rows,
        });
    }

    blocks.push(Block::Heading(t("pilot_title")));
    let pilot_names: Vec<String> = figures
        .pilot_districts
        .iter()
        .map(|(code, _)| district_name(gazetteer, lang, code))
        .collect();
    blocks.push(Block::Note(tr_args(
        lang,
        "indicators.pilot_note",
        &[("districts", pilot_names.join(", "))],
    )));
    // Two tables of a few columns each: seven figures side by side would break their headers
    // inside words on a portrait page.
    let rows = area_rows(figures, gazetteer, lang);
    let headers = area_headers(lang);
    for columns in [0..4, 4..AREA_COLUMNS.len()] {
        let mut widths = vec![2.0];
        widths.extend(columns.clone().map(|_| 1.0));
        blocks.push(Block::Table {
            headers: std::iter::once(headers[0].clone())
                .chain(columns.clone().map(|c| headers[c + 1].clone()))
                .collect(),
            widths,
            rows: rows
                .iter()
                .map(|(name, area)| {
                    std::iter::once(name.clone())
                        .chain(
                            columns
                                .clone()
                                .map(|c| (AREA_COLUMNS[c].1)(area).to_string()),
                        )
                        .collect()
                })
                .collect(),
        });
    }

    blocks.push(Block::Heading(t("siblings_title")));
    blocks.push(pairs(vec![
        (
            t("siblings_placed"),
            figures.sibling_groups_placed.to_string(),
        ),
        (
            t("siblings_together_count"),
            figures.sibling_groups_together.to_string(),
        ),
        (
            t("siblings_split_reason"),
            figures.sibling_groups_split_with_reason.to_string(),
        ),
    ]));
    blocks.push(Block::Note(t("siblings_note")));

    blocks.push(Block::Heading(t("waiting_title")));
    for (key, waiting) in [
        ("waited_placed", &figures.waited_before_placement),
        ("waiting_end", &figures.waiting_at_end),
    ] {
        blocks.push(Block::Subheading(t(key)));
        blocks.push(pairs(vec![
            (t("children"), waiting.children.to_string()),
            (t("median"), days_or_none(lang, waiting.median_days)),
        ]));
        blocks.push(Block::Bars(waiting_bars(waiting, lang)));
    }

    blocks.push(Block::Heading(t("placements_title")));
    blocks.push(pairs(vec![(
        t("in_force"),
        figures.placements_in_force.to_string(),
    )]));
    blocks.push(Block::Subheading(t("ended_title")));
    blocks.push(Block::Bars(
        figures
            .ended_by_reason
            .iter()
            .map(|(reason, count)| Bar {
                label: tr(lang, &reason.locale_key()),
                value: *count as f64,
                shown: count.to_string(),
            })
            .collect(),
    ));

    blocks.push(Block::Heading(t("families_title")));
    blocks.push(Block::Subheading(t("by_status")));
    blocks.push(Block::Bars(
        figures
            .families_by_status
            .iter()
            .map(|(status, count)| Bar {
                label: tr(lang, &status.locale_key()),
                value: *count as f64,
                shown: count.to_string(),
            })
            .collect(),
    ));
    blocks.push(pairs(vec![
        (
            t("families_approved"),
            figures.all.families_approved.to_string(),
        ),
        (
            t("reviews_overdue"),
            figures.all.reviews_overdue.to_string(),
        ),
    ]));
    Pack {
        title: t("title"),
        blocks,
    }
}

fn count(n: usize) -> Cell {
    Cell::Number(n as f64)
}

/// The report as workbook sheets: the summary, the months by district (charted), the pilot
/// districts, the days waiting, the placements and the families.
pub fn indicators_sheets(figures: &Indicators, gazetteer: &Gazetteer, lang: Lang) -> Vec<Sheet> {
    let t = |key: &str| tr(lang, &format!("indicators.{key}"));
    let sheet = |name: &str, headers: Vec<String>, rows: Vec<Vec<Cell>>| Sheet {
        table: Table {
            name: t(name),
            headers,
            rows,
        },
        chart: None,
    };

    let mut summary_rows = vec![
        vec![
            Cell::Text(t("period_from")),
            Cell::Date(figures.period.from),
        ],
        vec![Cell::Text(t("period_to")), Cell::Date(figures.period.to)],
    ];
    summary_rows.extend(
        summary(figures, lang)
            .into_iter()
            .map(|(label, value)| vec![Cell::Text(label), Cell::Text(value)]),
    );
    let summary_sheet = sheet(
        "sheet_summary",
        vec![t("indicator"), t("value")],
        summary_rows,
    );

    let mut month_headers = vec![t("district")];
    month_headers.extend(figures.month_ends.iter().map(|d| month_label(lang, *d)));
    let mut month_rows: Vec<Vec<Cell>> = vec![
        std::iter::once(Cell::Text(t("total")))
            .chain(figures.in_families_by_month.iter().map(|n| count(*n)))
            .collect(),
    ];
    month_rows.extend(
        figures
            .in_families_by_district
            .iter()
            .map(|(code, counts)| {
                std::iter::once(Cell::Text(district_name(gazetteer, lang, code)))
                    .chain(counts.iter().map(|n| count(*n)))
                    .collect()
            }),
    );
    let by_month = sheet("sheet_by_month", month_headers, month_rows);
    // The months as rows of their own sheet, charted (the district sheet has them as columns).
    let mut totals_by_month = sheet(
        "sheet_months_total",
        vec![t("month"), t("in_families_at_end_short")],
        figures
            .month_ends
            .iter()
            .zip(&figures.in_families_by_month)
            .map(|(day, n)| vec![Cell::Text(month_label(lang, *day)), count(*n)])
            .collect(),
    );
    totals_by_month.chart = Some(SheetChart {
        title: t("by_month"),
        categories: 0,
        values: vec![1],
    });

    let pilot_sheet = sheet(
        "sheet_pilot",
        area_headers(lang),
        area_rows(figures, gazetteer, lang)
            .into_iter()
            .map(|(name, area)| {
                std::iter::once(Cell::Text(name))
                    .chain(AREA_COLUMNS.iter().map(|(_, get)| count(get(&area))))
                    .collect()
            })
            .collect(),
    );

    let mut waiting_rows: Vec<Vec<Cell>> = band_labels(lang)
        .into_iter()
        .enumerate()
        .map(|(i, label)| {
            vec![
                Cell::Text(label),
                count(figures.waited_before_placement.by_band[i]),
                count(figures.waiting_at_end.by_band[i]),
            ]
        })
        .collect();
    let median = |w: &Waiting| {
        w.median_days
            .map_or(Cell::Empty, |d| Cell::Number(d as f64))
    };
    waiting_rows.push(vec![
        Cell::Text(t("median")),
        median(&figures.waited_before_placement),
        median(&figures.waiting_at_end),
    ]);
    let mut waiting_sheet = sheet(
        "sheet_waiting",
        vec![t("band"), t("col_waited_placed"), t("col_waiting_end")],
        waiting_rows,
    );
    waiting_sheet.chart = Some(SheetChart {
        title: t("waiting_title"),
        categories: 0,
        values: vec![1, 2],
    });

    let mut placement_rows: Vec<Vec<Cell>> = vec![vec![
        Cell::Text(t("in_force")),
        count(figures.placements_in_force),
    ]];
    placement_rows.extend(
        figures
            .ended_by_reason
            .iter()
            .map(|(reason, n)| vec![Cell::Text(tr(lang, &reason.locale_key())), count(*n)]),
    );
    let placements_sheet = sheet(
        "sheet_placements",
        vec![t("placements_title"), t("count")],
        placement_rows,
    );

    let mut family_rows: Vec<Vec<Cell>> = figures
        .families_by_status
        .iter()
        .map(|(status, n)| vec![Cell::Text(tr(lang, &status.locale_key())), count(*n)])
        .collect();
    family_rows.push(vec![
        Cell::Text(t("families_approved")),
        count(figures.all.families_approved),
    ]);
    family_rows.push(vec![
        Cell::Text(t("reviews_overdue")),
        count(figures.all.reviews_overdue),
    ]);
    let families_sheet = sheet(
        "sheet_families",
        vec![t("families_title"), t("count")],
        family_rows,
    );

    vec![
        summary_sheet,
        totals_by_month,
        by_month,
        pilot_sheet,
        waiting_sheet,
        placements_sheet,
        families_sheet,
    ]
}

/// The file name the report is offered under, e.g. `indicators_2026-01-01_2026-06-30.pdf`.
pub fn indicators_file_name(period: Period, format: ReportFormat) -> String {
    let extension = match format {
        ReportFormat::Pdf => "pdf",
        ReportFormat::Xlsx => "xlsx",
    };
    format!("indicators_{}_{}.{extension}", period.from, period.to)
}
