//! The start screen: children waiting by district and how long, free places by district,
//! reviews due and overdue, placements started and ended this year — as bar charts drawn with
//! plain widgets (so they look the same under the GPU and the software renderer), each bar a
//! button that opens the matching filtered list. "Report…" writes the programme's indicators
//! for a period (PDF or Excel).

use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Alignment, Element, Length, Task};

use crate::domain::dashboard::{Dashboard, WAITING_BANDS};
use crate::domain::indicators::Period;
use crate::domain::listing::{ChildQuery, ChildSort, FamilyQuery};
use crate::domain::{ChildStatus, FamilyStatus, ValidationErrors, format_date, parse_date};
use crate::i18n::{Lang, tr, tr_args};
use crate::report::indicators::ReportFormat;
use crate::ui::Env;
use crate::ui::style;
use crate::ui::widgets::{labelled_input, section};

impl ReportForm {
    /// The period typed, or what is wrong with it (by field).
    pub fn period(&self) -> Result<Period, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let from = parse_date(&self.from);
        let to = parse_date(&self.to);
        if from.is_none() {
            errors.push(REPORT_FROM_ID, crate::domain::date_error_key(&self.from));
        }
        if to.is_none() {
            errors.push(REPORT_TO_ID, crate::domain::date_error_key(&self.to));
        }
        if let (Some(from), Some(to)) = (from, to) {
            match Period::new(from, to) {
                Some(period) => return Ok(period),
                None => errors.push("period", "indicators.period_reversed"),
            }
        }
        Err(errors)
    }
}

/// Districts shown per chart; the rest are summed in the totals.
const TOP_DISTRICTS: usize = 12;

#[derive(Debug, Clone)]
pub enum Message {
    WaitingIn(String),
    WaitingOver(Option<i64>),
    FreeIn(String),
    ReviewsOverdue,
    ReviewsDue,
    Placements,
    /// Show (or hide) the indicators report's period and buttons.
    ToggleReport,
    ReportFrom(String),
    ReportTo(String),
    SaveReport(ReportFormat),
}

pub enum Event {
    Children(ChildQuery),
    Families(FamilyQuery),
    Placements,
    /// Write the indicators of the period (ask where first).
    Report(Period, ReportFormat),
}

/// The widget ids of the report's period fields.
pub const REPORT_FROM_ID: &str = "indicators.from";
pub const REPORT_TO_ID: &str = "indicators.to";

/// The indicators report's period as typed, and what is wrong with it.
#[derive(Debug, Clone, Default)]
pub struct ReportForm {
    pub from: String,
    pub to: String,
    pub errors: ValidationErrors,
}

#[derive(Default)]
pub struct Screen {
    /// The figures (recomputed by the application after each change).
    pub figures: Dashboard,
    /// The report's period, while it is shown.
    pub report: Option<ReportForm>,
}

/// The districts past the chart's top ones, summed on one line.
fn others_line<'a>(
    lang: crate::i18n::Lang,
    districts: usize,
    total: usize,
) -> Element<'a, Message> {
    text(tr_args(
        lang,
        "dashboard.others",
        &[
            ("districts", districts.to_string()),
            ("total", total.to_string()),
        ],
    ))
    .size(13)
    .style(style::muted_text)
    .into()
}

/// One horizontal bar: label, a filled length proportional to `value / max`, the value.
fn bar<'a>(label: String, value: u64, max: u64, note: String, on: Message) -> Element<'a, Message> {
    let filled = ((value as f64 / max.max(1) as f64) * 1000.0).round() as u16;
    let rest = 1000u16.saturating_sub(filled);
    let mut track = row![
        container(text(""))
            .width(Length::FillPortion(filled.max(1)))
            .height(18)
            .style(style::chart_bar)
    ];
    if rest > 0 {
        track = track.push(container(text("")).width(Length::FillPortion(rest)));
    }
    button(
        row![
            text(label).size(14).width(Length::Fixed(170.0)),
            container(track).width(Length::Fill),
            text(value.to_string()).size(14).width(Length::Fixed(48.0)),
            text(note)
                .size(13)
                .style(style::muted_text)
                .width(Length::Fixed(170.0)),
        ]
        .spacing(10)
        .align_y(Alignment::Center),
    )
    .on_press(on)
    .style(button::text)
    .padding([2, 6])
    .width(Length::Fill)
    .into()
}

/// Monthly columns of this year's placements, started and ended side by side.
fn months_chart<'a>(lang: Lang, figures: &Dashboard) -> Element<'a, Message> {
    let max = figures
        .started_by_month
        .iter()
        .chain(&figures.ended_by_month)
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f32;
    let height = 120.0;
    let column_of = |count: usize, ended: bool| {
        let h = (count as f32 / max * height).max(1.0);
        container(text(""))
            .width(10)
            .height(h)
            .style(move |theme| style::chart_column(theme, ended))
    };
    let months = (0..12).map(|m| {
        column![
            text(figures.started_by_month[m] + figures.ended_by_month[m]).size(11),
            row![
                column_of(figures.started_by_month[m], false),
                column_of(figures.ended_by_month[m], true)
            ]
            .spacing(2)
            .align_y(Alignment::End)
            .height(height),
            text(tr(lang, &format!("month.{}", m + 1))).size(12),
        ]
        .spacing(2)
        .align_x(Alignment::Center)
        .width(Length::Fill)
        .into()
    });
    let legend = row![
        container(text(""))
            .width(12)
            .height(12)
            .style(|theme| style::chart_column(theme, false)),
        text(tr(lang, "dashboard.started")).size(13),
        container(text(""))
            .width(12)
            .height(12)
            .style(|theme| style::chart_column(theme, true)),
        text(tr(lang, "dashboard.ended")).size(13),
    ]
    .spacing(6)
    .align_y(Alignment::Center);
    button(column![row(months).spacing(4), legend].spacing(8))
        .on_press(Message::Placements)
        .style(button::text)
        .width(Length::Fill)
        .into()
}

impl Screen {
    pub fn update(&mut self, message: Message, env: &Env<'_>) -> (Task<Message>, Option<Event>) {
        match message {
            Message::ToggleReport => {
                self.report = match self.report {
                    Some(_) => None,
                    None => {
                        let year = Period::year_to_date(env.today);
                        Some(ReportForm {
                            from: format_date(year.from),
                            to: format_date(year.to),
                            errors: ValidationErrors::new(),
                        })
                    }
                };
                (Task::none(), None)
            }
            Message::ReportFrom(value) => {
                if let Some(form) = &mut self.report {
                    form.from = value;
                    // A corrected field is no longer wrong (it is checked again on saving).
                    form.errors = ValidationErrors::new();
                }
                (Task::none(), None)
            }
            Message::ReportTo(value) => {
                if let Some(form) = &mut self.report {
                    form.to = value;
                    form.errors = ValidationErrors::new();
                }
                (Task::none(), None)
            }
            Message::SaveReport(format) => {
                let Some(form) = &mut self.report else {
                    return (Task::none(), None);
                };
                match form.period() {
                    Ok(period) => {
                        form.errors = ValidationErrors::new();
                        (Task::none(), Some(Event::Report(period, format)))
                    }
                    Err(errors) => {
                        form.errors = errors;
                        (Task::none(), None)
                    }
                }
            }
            other => (Task::none(), Some(Self::event(other))),
        }
    }

    /// The list a figure stands for.
    fn event(message: Message) -> Event {
        let waiting = ChildQuery {
            status: Some(ChildStatus::Awaiting),
            sort: ChildSort::DaysWaiting,
            ..ChildQuery::default()
        };
        match message {
            Message::WaitingIn(district) => Event::Children(ChildQuery {
                district: Some(district),
                ..waiting
            }),
            Message::WaitingOver(days) => Event::Children(ChildQuery {
                waiting_over_days: days,
                ..waiting
            }),
            Message::FreeIn(district) => Event::Families(FamilyQuery {
                district: Some(district),
                status: Some(FamilyStatus::Approved),
                with_free_places: true,
                ..FamilyQuery::default()
            }),
            Message::ReviewsOverdue | Message::ReviewsDue => Event::Families(FamilyQuery {
                status: Some(FamilyStatus::Approved),
                review_overdue: matches!(message, Message::ReviewsOverdue),
                sort: crate::domain::listing::FamilySort::ReviewDue,
                ..FamilyQuery::default()
            }),
            _ => Event::Placements,
        }
    }

    /// The report's period fields and buttons.
    fn report_view<'a>(form: &'a ReportForm, lang: Lang) -> Element<'a, Message> {
        let t = |key: &str| tr(lang, key);
        let date_field =
            |label: &str, id: &'static str, value: &'a str, on: fn(String) -> Message| {
                labelled_input(lang, &form.errors, label, id, value, "DD.MM.YYYY", on)
            };
        let fields = row![
            container(date_field(
                "indicators.from",
                REPORT_FROM_ID,
                &form.from,
                Message::ReportFrom
            ))
            .width(Length::Fixed(180.0)),
            container(date_field(
                "indicators.to",
                REPORT_TO_ID,
                &form.to,
                Message::ReportTo
            ))
            .width(Length::Fixed(180.0)),
        ]
        .spacing(12);
        let mut content = column![text(t("indicators.dialog_hint")).size(14), fields].spacing(10);
        if let Some(error) = form.errors.for_field("period") {
            content = content.push(text(tr(lang, error.key)).size(13).style(style::error_text));
        }
        content = content.push(
            row![
                button(text(t("indicators.save_pdf")))
                    .on_press(Message::SaveReport(ReportFormat::Pdf))
                    .style(button::primary),
                button(text(t("indicators.save_xlsx")))
                    .on_press(Message::SaveReport(ReportFormat::Xlsx))
                    .style(button::primary),
                button(text(t("indicators.close")))
                    .on_press(Message::ToggleReport)
                    .style(button::secondary),
            ]
            .spacing(10),
        );
        section(t("indicators.dialog_title"), content)
    }

    pub fn view<'a>(&'a self, env: &Env<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let f = &self.figures;
        let district = |code: &str| {
            env.gazetteer
                .unit(code)
                .map(|u| u.name(lang).to_owned())
                .unwrap_or_else(|| code.to_owned())
        };

        let max_waiting = f
            .waiting_by_district
            .first()
            .map_or(0, |d| d.children as u64);
        let mut waiting = column![
            text(tr_args(
                lang,
                "dashboard.waiting_total",
                &[("count", f.total_waiting.to_string())]
            ))
            .size(15)
        ]
        .spacing(2);
        for d in f.waiting_by_district.iter().take(TOP_DISTRICTS) {
            waiting = waiting.push(bar(
                district(&d.district_code),
                d.children as u64,
                max_waiting,
                tr_args(
                    lang,
                    "dashboard.mean_days",
                    &[("days", d.mean_days.to_string())],
                ),
                Message::WaitingIn(d.district_code.clone()),
            ));
        }
        let rest: Vec<usize> = f
            .waiting_by_district
            .iter()
            .skip(TOP_DISTRICTS)
            .map(|d| d.children)
            .collect();
        if !rest.is_empty() {
            waiting = waiting.push(others_line(lang, rest.len(), rest.iter().sum()));
        }

        let max_band = f.waiting_by_band.iter().copied().max().unwrap_or(0) as u64;
        let mut bands = column![].spacing(2);
        for (i, count) in f.waiting_by_band.iter().enumerate() {
            let (label, filter) = match i {
                0 => (
                    tr_args(
                        lang,
                        "dashboard.band_upto",
                        &[("days", WAITING_BANDS[0].to_string())],
                    ),
                    None,
                ),
                i if i < WAITING_BANDS.len() => (
                    tr_args(
                        lang,
                        "dashboard.band_between",
                        &[
                            ("from", (WAITING_BANDS[i - 1] + 1).to_string()),
                            ("to", WAITING_BANDS[i].to_string()),
                        ],
                    ),
                    Some(WAITING_BANDS[i - 1]),
                ),
                _ => (
                    tr_args(
                        lang,
                        "dashboard.band_over",
                        &[("days", WAITING_BANDS[WAITING_BANDS.len() - 1].to_string())],
                    ),
                    Some(WAITING_BANDS[WAITING_BANDS.len() - 1]),
                ),
            };
            bands = bands.push(bar(
                label,
                *count as u64,
                max_band,
                String::new(),
                Message::WaitingOver(filter),
            ));
        }

        let max_free = f.free_by_district.first().map_or(0, |(_, p)| u64::from(*p));
        let mut free = column![
            text(tr_args(
                lang,
                "dashboard.free_total",
                &[("count", f.total_free.to_string())]
            ))
            .size(15)
        ]
        .spacing(2);
        for (code, places) in f.free_by_district.iter().take(TOP_DISTRICTS) {
            free = free.push(bar(
                district(code),
                u64::from(*places),
                max_free,
                String::new(),
                Message::FreeIn(code.clone()),
            ));
        }
        let rest: Vec<usize> = f
            .free_by_district
            .iter()
            .skip(TOP_DISTRICTS)
            .map(|(_, places)| *places as usize)
            .collect();
        if !rest.is_empty() {
            free = free.push(others_line(lang, rest.len(), rest.iter().sum()));
        }

        let max_reviews = f.reviews_overdue.max(f.reviews_due_30_days) as u64;
        let reviews = column![
            bar(
                t("dashboard.reviews_overdue"),
                f.reviews_overdue as u64,
                max_reviews,
                String::new(),
                Message::ReviewsOverdue
            ),
            bar(
                t("dashboard.reviews_due"),
                f.reviews_due_30_days as u64,
                max_reviews,
                String::new(),
                Message::ReviewsDue
            ),
        ]
        .spacing(2);

        let placements = column![
            text(tr_args(
                lang,
                "dashboard.active_placements",
                &[("count", f.active_placements.to_string())]
            ))
            .size(15),
            months_chart(lang, f)
        ]
        .spacing(6);

        let left = column![
            section(t("dashboard.waiting_by_district"), waiting),
            section(t("dashboard.waiting_by_time"), bands),
        ]
        .spacing(14)
        .width(Length::FillPortion(1));
        let right = column![
            section(t("dashboard.free_by_district"), free),
            section(t("dashboard.reviews"), reviews),
            section(t("dashboard.placements_year"), placements),
        ]
        .spacing(14)
        .width(Length::FillPortion(1));
        let header = row![
            text(t("dashboard.title")).size(24).width(Length::Fill),
            button(text(t("indicators.button")))
                .on_press(Message::ToggleReport)
                .style(button::secondary),
        ]
        .align_y(Alignment::Center);
        let mut page = column![header].spacing(12).padding(20);
        if let Some(form) = &self.report {
            page = page.push(Self::report_view(form, lang));
        }
        scrollable(page.push(row![left, right].spacing(14)))
            .height(Length::Fill)
            .into()
    }
}
