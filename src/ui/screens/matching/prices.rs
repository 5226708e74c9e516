//! The price of each setting, as the matching screen shows it: how many more children a plan
//! would place with one setting changed, measured by solving again.

use iced::widget::{button, column, row, text};
use iced::{Alignment, Element};

use super::{Message, Screen};
use crate::i18n::{Lang, km, tr, tr_args};
use crate::matching::prices::{Outcome, SettingChange, WeightName};
use crate::ui::style;
use crate::ui::widgets::{section, table_row};

/// The setting's change in words.
pub fn change_text(lang: Lang, change: &SettingChange) -> String {
    let number = |x: f64| super::number_text(x);
    match *change {
        SettingChange::GroupsPerFamily { from, to } => tr_args(
            lang,
            "matching.prices_groups",
            &[("from", from.to_string()), ("to", to.to_string())],
        ),
        SettingChange::DistanceLimit { from_km, to_km } => tr_args(
            lang,
            "matching.prices_distance",
            &[("from", number(from_km)), ("to", km(lang, to_km, 0))],
        ),
        SettingChange::Weight { weight, from, to } => {
            let name = tr(
                lang,
                match weight {
                    WeightName::Place => "matching.w_place",
                    WeightName::Km => "matching.w_km",
                    WeightName::Language => "matching.w_language",
                    WeightName::Split => "matching.w_split",
                },
            );
            tr_args(
                lang,
                "matching.prices_weight",
                &[("weight", name), ("from", number(from)), ("to", number(to))],
            )
        }
    }
}

impl Screen {
    /// The pricing under way, its table, or why there is none; nothing before the first.
    pub(super) fn prices_view<'a>(&'a self, lang: Lang) -> Option<Element<'a, Message>> {
        let t = |key: &str| tr(lang, key);
        if let Some(job) = &self.price_job {
            let (done, total) = job.progress;
            let status = if total == 0 {
                t("matching.prices_starting")
            } else {
                tr_args(
                    lang,
                    "matching.prices_running",
                    &[
                        ("done", (done + 1).min(total).to_string()),
                        ("total", total.to_string()),
                    ],
                )
            };
            return Some(
                row![
                    text(status).size(14),
                    button(text(t("matching.cancel")).size(14))
                        .on_press(Message::CancelPrices)
                        .style(button::danger),
                ]
                .spacing(12)
                .align_y(Alignment::Center)
                .into(),
            );
        }
        let prices = match self.prices.as_ref()? {
            Ok(prices) => prices,
            Err(message) => {
                return Some(
                    text(message.clone())
                        .size(14)
                        .style(style::error_text)
                        .into(),
                );
            }
        };
        let widths = [0.0, 150.0, 110.0, 130.0, 120.0];
        let header = table_row(
            [
                "matching.prices_col_setting",
                "matching.prices_col_placed",
                "matching.prices_col_more",
                "matching.prices_col_km",
                "matching.prices_col_more_km",
            ]
            .iter()
            .zip(widths)
            .map(|(key, width)| (text(t(key)).size(13).style(style::muted_text).into(), width)),
        );
        let placed = |outcome: &Outcome| {
            if outcome.proven {
                outcome.placed.to_string()
            } else {
                tr_args(
                    lang,
                    "matching.prices_not_proven",
                    &[("placed", outcome.placed.to_string())],
                )
            }
        };
        let line = |cells: [String; 5]| {
            table_row(
                cells
                    .into_iter()
                    .zip(widths)
                    .map(|(cell, width)| (text(cell).size(14).into(), width)),
            )
        };
        let current = &prices.current;
        let mut rows = column![
            header,
            line([
                t("matching.prices_as_set"),
                placed(current),
                String::new(),
                km(lang, current.total_km, 0),
                String::new(),
            ])
        ]
        .spacing(6);
        for price in &prices.changes {
            let more_km = price.outcome.total_km - current.total_km;
            rows = rows.push(line([
                change_text(lang, &price.change),
                placed(&price.outcome),
                format!("{:+}", price.more_placed(current)),
                km(lang, price.outcome.total_km, 0),
                format!(
                    "{}{}",
                    if more_km >= 0.0 { "+" } else { "−" },
                    km(lang, more_km.abs(), 0)
                ),
            ]));
        }
        rows = rows.push(
            text(t("matching.prices_note"))
                .size(13)
                .style(style::muted_text),
        );
        Some(section(t("matching.prices_title"), rows))
    }
}
