//! The start screen: children waiting by district and how long, free places by district,
//! reviews due and overdue, placements started and ended this year — as bar charts drawn with
//! plain widgets (so they look the same under the GPU and the software renderer), each bar a
//! button that opens the matching filtered list.

use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Alignment, Element, Length, Task};

use crate::domain::dashboard::{Dashboard, WAITING_BANDS};
use crate::domain::listing::{ChildQuery, ChildSort, FamilyQuery};
use crate::domain::{ChildStatus, FamilyStatus};
use crate::i18n::{Lang, tr, tr_args};
use crate::ui::Env;
use crate::ui::style;
use crate::ui::widgets::section;

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
}

pub enum Event {
    Children(ChildQuery),
    Families(FamilyQuery),
    Placements,
}

#[derive(Default)]
pub struct Screen {
    /// The figures (recomputed by the application after each change).
    pub figures: Dashboard,
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
    pub fn update(&mut self, message: Message, _env: &Env<'_>) -> (Task<Message>, Option<Event>) {
        (Task::none(), Some(Self::event(message)))
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
            Message::Placements => Event::Placements,
        }
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
        scrollable(
            column![
                text(t("dashboard.title")).size(24),
                row![left, right].spacing(14)
            ]
            .spacing(12)
            .padding(20),
        )
        .height(Length::Fill)
        .into()
    }
}
