//! Where a home is: the district (typed in any language and picked), the settlement, the
//! address and the coordinates — one component for the family and the child forms. Picking a
//! district or a settlement fills in its point; the coordinates stay editable.

use iced::Element;
use iced::widget::{button, column, row, text, text_input};

use super::{Choice, choice_list, error_of, field, input};
use crate::domain::{Location, ValidationErrors};
use crate::i18n::tr;
use crate::ui::{Env, style};

/// District suggestions shown under the field at most.
const DISTRICT_SUGGESTIONS: usize = 8;

#[derive(Debug, Clone, Default)]
pub struct LocationInput {
    address: String,
    district: Option<String>,
    /// What is typed in the district field.
    district_query: String,
    settlement: Option<String>,
    lat: String,
    lon: String,
}

#[derive(Debug, Clone)]
pub enum Message {
    DistrictQuery(String),
    District(String),
    Settlement(Option<String>),
    Address(String),
    Lat(String),
    Lon(String),
}

/// The labels of the component's fields (locale keys), which differ between forms.
pub struct Labels {
    pub district: &'static str,
    pub settlement: &'static str,
    pub address: &'static str,
}

fn coordinate_text(value: f64) -> String {
    format!("{value:.5}")
}

impl LocationInput {
    /// The location of a record being edited (no coordinates until a district is chosen).
    pub fn edit(location: &Location, env: &Env<'_>) -> Self {
        let has_district = !location.district_code.is_empty();
        LocationInput {
            address: location.address.clone(),
            district: Some(location.district_code.clone()).filter(|_| has_district),
            district_query: district_name(env, Some(&location.district_code)),
            settlement: location.settlement_code.clone(),
            lat: if has_district {
                coordinate_text(location.lat)
            } else {
                String::new()
            },
            lon: if has_district {
                coordinate_text(location.lon)
            } else {
                String::new()
            },
        }
    }

    pub fn update(&mut self, message: Message, env: &Env<'_>) {
        match message {
            Message::DistrictQuery(query) => {
                // Editing the name un-picks the district until one is picked again.
                if district_name(env, self.district.as_deref()) != query {
                    self.district = None;
                    self.settlement = None;
                }
                self.district_query = query;
            }
            Message::District(code) => {
                // A new district fills in its centre's coordinates; they stay editable.
                if let Some((lat, lon)) = env.gazetteer.point(&code, None) {
                    self.lat = coordinate_text(lat);
                    self.lon = coordinate_text(lon);
                }
                self.district_query = district_name(env, Some(&code));
                self.district = Some(code);
                self.settlement = None;
            }
            Message::Settlement(code) => {
                if let Some(district) = &self.district
                    && let Some((lat, lon)) = env.gazetteer.point(district, code.as_deref())
                {
                    self.lat = coordinate_text(lat);
                    self.lon = coordinate_text(lon);
                }
                self.settlement = code;
            }
            Message::Address(v) => self.address = v,
            Message::Lat(v) => self.lat = v,
            Message::Lon(v) => self.lon = v,
        }
    }

    /// The location as typed; coordinates that are not numbers are reported on
    /// `location.coordinates` (the domain's validation checks the rest).
    pub fn location(&self, errors: &mut ValidationErrors) -> Location {
        let (lat, lon) = if self.district.is_some() {
            let mut coordinate = |value: &str| {
                value
                    .trim()
                    .replace(',', ".")
                    .parse::<f64>()
                    .unwrap_or_else(|_| {
                        if errors.for_field("location.coordinates").is_none() {
                            let key = if value.trim().is_empty() {
                                "error.required"
                            } else {
                                "error.invalid_number"
                            };
                            errors.push("location.coordinates", key);
                        }
                        f64::NAN
                    })
            };
            (coordinate(&self.lat), coordinate(&self.lon))
        } else {
            (0.0, 0.0)
        };
        Location {
            address: self.address.clone(),
            district_code: self.district.clone().unwrap_or_default(),
            settlement_code: self.settlement.clone(),
            lat,
            lon,
        }
    }

    /// Two rows: district and settlement; address and coordinates.
    pub fn view<'a>(
        &'a self,
        env: &Env<'_>,
        errors: &ValidationErrors,
        labels: &Labels,
    ) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let err = |field: &str| error_of(lang, errors, field);
        let settlements = self
            .district
            .as_deref()
            .map(|d| settlement_choices(env, d))
            .unwrap_or_default();
        let coordinates_wrong = err("location.coordinates").is_some();
        column![
            row![
                field(
                    t(labels.district),
                    district_picker(
                        env,
                        &self.district_query,
                        self.district.as_deref(),
                        err("location.district").is_some(),
                        Message::DistrictQuery,
                        Message::District
                    ),
                    err("location.district"),
                ),
                field(
                    t(labels.settlement),
                    choice_list(settlements, &self.settlement, Message::Settlement),
                    err("location.settlement"),
                ),
            ]
            .spacing(12),
            row![
                field(
                    t(labels.address),
                    input(
                        "location.address",
                        "",
                        &self.address,
                        Message::Address,
                        err("location.address").is_some()
                    ),
                    err("location.address"),
                ),
                field(
                    t("family.coordinates"),
                    row![
                        input(
                            "location.lat",
                            &t("family.lat"),
                            &self.lat,
                            Message::Lat,
                            coordinates_wrong
                        ),
                        input(
                            "location.lon",
                            &t("family.lon"),
                            &self.lon,
                            Message::Lon,
                            coordinates_wrong
                        ),
                    ]
                    .spacing(6),
                    err("location.coordinates"),
                ),
            ]
            .spacing(12),
        ]
        .spacing(10)
        .into()
    }
}

/// A district field: the user types part of a name (in any of the three languages, with or
/// without Azerbaijani letters) and picks from the matching districts and cities.
pub fn district_picker<'a, M: Clone + 'a>(
    env: &Env<'_>,
    query: &str,
    selected: Option<&str>,
    has_error: bool,
    on_query: impl Fn(String) -> M + 'a,
    on_pick: impl Fn(String) -> M + 'a,
) -> Element<'a, M> {
    let input = text_input(&tr(env.lang, "family.district"), query)
        .id("location.district")
        .on_input(on_query)
        .padding(6)
        .style(move |theme, status| style::input(theme, status, has_error));
    let mut content = column![input].spacing(4);
    if selected.is_none() && !query.trim().is_empty() {
        let matches = env.gazetteer.search_districts(query);
        let buttons = matches.into_iter().take(DISTRICT_SUGGESTIONS).map(|u| {
            button(text(u.name(env.lang).to_owned()).size(14))
                .on_press(on_pick(u.code.clone()))
                .style(button::secondary)
                .padding([4, 10])
                .into()
        });
        content = content.push(row(buttons).spacing(6).wrap());
    }
    content.into()
}

/// The name of a district in the interface language ("" when none is chosen).
pub fn district_name(env: &Env<'_>, code: Option<&str>) -> String {
    code.and_then(|c| env.gazetteer.unit(c))
        .map(|u| u.name(env.lang).to_owned())
        .unwrap_or_default()
}

/// "—" and then the settlements of a district.
pub fn settlement_choices(env: &Env<'_>, district: &str) -> Vec<Choice<Option<String>>> {
    std::iter::once(Choice {
        value: None,
        label: tr(env.lang, "common.none"),
    })
    .chain(
        env.gazetteer
            .settlements_of(district)
            .into_iter()
            .map(|u| Choice {
                value: Some(u.code.clone()),
                label: u.name(env.lang).to_owned(),
            }),
    )
    .collect()
}
