//! Children: the list (search, filters, Azerbaijani order, paging), a child's detail, and the
//! form.

use crate::domain::access::Action;
use iced::widget::{button, column, container, row, scrollable, text, text_input};
use iced::{Alignment, Element, Length, Task};

use super::child_form::{self, Form};
use super::{district_filter_choices, place_label};
use crate::domain::listing::{ChildQuery, ChildSort, WAITING_THRESHOLDS};
use crate::domain::*;
use crate::i18n::{km, rule_label, rule_values, tr, tr_args};
use crate::matching::registry::FamilyFit;
use crate::store::GroupChange;
use crate::ui::Env;
use crate::ui::style;
use crate::ui::widgets::{
    Choice, ListMode, badge, choice_list, detail_line, discard_prompt, filter, filter_choices,
    form_page, list_header, pager, section, table_row,
};

pub const PAGE_SIZE: usize = 50;
pub const SEARCH_ID: &str = "children.search";

#[derive(Debug, Clone)]
pub enum Message {
    Search(String),
    Status(Option<ChildStatus>),
    District(Option<String>),
    Urgency(Option<Urgency>),
    Need(Option<Need>),
    Waiting(Option<i64>),
    Sort(ChildSort),
    Page(usize),
    Open(i64),
    New,
    /// Export the list as it is filtered now.
    Export,
    Edit(i64),
    Back,
    /// The placements of this record, active and ended.
    History(String),
    /// Rank every family against this child.
    FindFamily(i64),
    Form(child_form::Message),
    /// Leave the form and lose what was typed (after Esc asked).
    Discard,
    /// Stay in the form (after Esc asked).
    KeepEditing,
}

pub enum Event {
    /// Export the rows the list shows now (ask where to save them).
    Export,
    /// Show the placement history of the record with this code.
    History(String),
    /// Rank every family against this child; answer with [`Screen::show_fits`].
    FindFamily(i64),
    Save(Box<Child>, GroupChange),
    /// A new child needs free child and group codes.
    NeedCodes,
    /// Editing needs the next free group code.
    EditWithCodes(i64),
}

type Mode = ListMode<Form>;

pub struct Screen {
    mode: Mode,
    /// The families ranked for a child ("Find a family"), for the child whose page is open.
    fits: Option<(i64, Vec<FamilyFit>)>,
    /// Esc was pressed on a form with typed changes: ask before throwing them away.
    confirm_discard: bool,
    query: ChildQuery,
    page: usize,
    rows: Vec<usize>,
}

impl Screen {
    /// The registry's rows the list shows now (its filters and order), for an export.
    pub fn shown_rows(&self) -> &[usize] {
        &self.rows
    }

    pub fn new(env: &Env<'_>) -> Self {
        let mut screen = Screen {
            mode: Mode::List,
            fits: None,
            confirm_discard: false,
            query: ChildQuery::default(),
            page: 0,
            rows: Vec::new(),
        };
        screen.refresh(env);
        screen
    }

    /// Shows the list with this query (the dashboard's click-through).
    pub fn show_query(&mut self, query: ChildQuery, env: &Env<'_>) {
        self.query = query;
        self.page = 0;
        self.mode = Mode::List;
        self.refresh(env);
    }

    pub fn refresh(&mut self, env: &Env<'_>) {
        let registry = env.registry;
        self.rows = registry
            .child_index
            .query(&registry.children, &self.query, env.today);
        let pages = self.rows.len().div_ceil(PAGE_SIZE).max(1);
        self.page = self.page.min(pages - 1);
    }

    pub fn is_editing(&self) -> bool {
        matches!(self.mode, Mode::Form(_))
    }

    pub fn open_form_new(&mut self, code: String, group_code: String, env: &Env<'_>) {
        self.mode = Mode::Form(Box::new(Form::new(code, group_code, env)));
    }

    pub fn open_form_edit(&mut self, id: i64, group_code: String, env: &Env<'_>) {
        if let Some(child) = env.registry.child(id) {
            let group = child.sibling_group_id.and_then(|g| env.registry.group(g));
            self.mode = Mode::Form(Box::new(Form::edit(child, group, group_code, env)));
        }
    }

    /// The families ranked for a child, shown on its page.
    pub fn show_fits(&mut self, id: i64, fits: Vec<FamilyFit>) {
        self.fits = Some((id, fits));
        self.mode = Mode::Detail(id);
    }

    /// Shows a child's page (opened from elsewhere, e.g. the family it is placed with).
    pub fn show(&mut self, id: i64) {
        self.mode = Mode::Detail(id);
    }

    pub fn saved(&mut self, id: i64, env: &Env<'_>) {
        self.refresh(env);
        self.mode = Mode::Detail(id);
    }

    pub fn rejected(&mut self, errors: ValidationErrors) {
        if let Mode::Form(form) = &mut self.mode {
            form.errors = errors;
        }
    }

    pub fn update(&mut self, message: Message, env: &Env<'_>) -> (Task<Message>, Option<Event>) {
        let saving = matches!(message, Message::Form(child_form::Message::Save));
        let event = self.handle(message, env);
        let task = if saving {
            self.reveal_errors(env.lang)
        } else {
            Task::none()
        };
        (task, event)
    }

    /// After a save that failed: scrolls the form to its first error.
    pub fn reveal_errors<M: Send + 'static>(&self, lang: crate::i18n::Lang) -> Task<M> {
        match &self.mode {
            Mode::Form(form) => {
                crate::ui::widgets::reveal::reveal_validation_errors(lang, &form.errors)
            }
            _ => Task::none(),
        }
    }

    fn handle(&mut self, message: Message, env: &Env<'_>) -> Option<Event> {
        let mut requery = true;
        match message {
            Message::Search(text) => self.query.text = text,
            Message::Status(status) => self.query.status = status,
            Message::District(district) => self.query.district = district,
            Message::Urgency(urgency) => self.query.urgency = urgency,
            Message::Need(need) => self.query.need = need,
            Message::Waiting(days) => self.query.waiting_over_days = days,
            Message::Sort(sort) => self.query.sort = sort,
            Message::Page(page) => {
                self.page = page;
                requery = false;
            }
            Message::Open(id) => {
                self.mode = Mode::Detail(id);
                requery = false;
            }
            Message::New => return Some(Event::NeedCodes),
            Message::Export => return Some(Event::Export),
            Message::Edit(id) => return Some(Event::EditWithCodes(id)),
            Message::History(code) => return Some(Event::History(code)),
            Message::FindFamily(id) => return Some(Event::FindFamily(id)),
            Message::Back => {
                self.mode = Mode::List;
                requery = false;
            }
            Message::Discard => {
                self.confirm_discard = false;
                return self.handle(Message::Form(child_form::Message::Cancel), env);
            }
            Message::KeepEditing => self.confirm_discard = false,
            Message::Form(message) => {
                self.confirm_discard = false;
                let Mode::Form(form) = &mut self.mode else {
                    return None;
                };
                return match form.update(message, env)? {
                    child_form::Event::Save(child, group) => Some(Event::Save(child, group)),
                    child_form::Event::Cancel => {
                        self.mode = form.id().map_or(Mode::List, Mode::Detail);
                        None
                    }
                };
            }
        }
        if requery {
            self.page = 0;
            self.refresh(env);
        }
        None
    }

    pub fn save_shortcut(&mut self, env: &Env<'_>) -> Option<Event> {
        self.handle(Message::Form(child_form::Message::Save), env)
    }

    pub fn escape(&mut self, env: &Env<'_>) {
        match &self.mode {
            Mode::Form(form) if form.is_dirty() && !self.confirm_discard => {
                self.confirm_discard = true;
            }
            Mode::Form(_) => {
                self.confirm_discard = false;
                let _ = self.update(Message::Form(child_form::Message::Cancel), env);
            }
            Mode::Detail(_) => self.mode = Mode::List,
            Mode::List => {}
        }
    }

    pub fn view<'a>(&'a self, env: &Env<'a>) -> Element<'a, Message> {
        match &self.mode {
            Mode::List => self.list_view(env),
            Mode::Detail(id) => match env.registry.child(*id) {
                Some(child) => detail_view(
                    child,
                    self.fits
                        .as_ref()
                        .filter(|(of, _)| Some(*of) == child.id)
                        .map(|(_, fits)| fits.as_slice()),
                    env,
                ),
                None => self.list_view(env),
            },
            Mode::Form(form) => {
                let page = form_page(form.view(env).map(Message::Form));
                if self.confirm_discard {
                    column![
                        discard_prompt(env.lang, Message::Discard, Message::KeepEditing),
                        page
                    ]
                    .into()
                } else {
                    page
                }
            }
        }
    }

    fn list_view<'a>(&'a self, env: &Env<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let registry = env.registry;

        let header = list_header(
            t("child.list_title"),
            tr_args(
                lang,
                "child.count",
                &[("count", self.rows.len().to_string())],
            ),
            t("child.new"),
            env.may(Action::EditRecords).then_some(Message::New),
            env.may(Action::ExportData)
                .then(|| (t("export.button"), Message::Export)),
        );

        let search = text_input(&t("common.search"), &self.query.text)
            .id(SEARCH_ID)
            .on_input(Message::Search)
            .padding(8);

        let waiting_choices: Vec<Choice<Option<i64>>> = std::iter::once(Choice {
            value: None,
            label: t("child.waiting_any"),
        })
        .chain(WAITING_THRESHOLDS.iter().map(|(days, key)| Choice {
            value: Some(*days),
            label: t(key),
        }))
        .collect();
        let sort_choices: Vec<Choice<ChildSort>> = ChildSort::ALL
            .iter()
            .map(|&s| Choice {
                value: s,
                label: t(s.locale_key()),
            })
            .collect();
        let filters = row![
            filter(
                t("child.filter_status"),
                choice_list(
                    filter_choices(lang, ChildStatus::ALL, ChildStatus::locale_key),
                    &self.query.status,
                    Message::Status
                )
            ),
            filter(
                t("child.filter_district"),
                choice_list(
                    district_filter_choices(env),
                    &self.query.district,
                    Message::District
                )
            ),
            filter(
                t("child.filter_urgency"),
                choice_list(
                    filter_choices(lang, Urgency::ALL, Urgency::locale_key),
                    &self.query.urgency,
                    Message::Urgency
                )
            ),
            filter(
                t("child.filter_need"),
                choice_list(
                    filter_choices(lang, Need::ALL, Need::locale_key),
                    &self.query.need,
                    Message::Need
                )
            ),
            filter(
                t("child.filter_waiting"),
                choice_list(
                    waiting_choices,
                    &self.query.waiting_over_days,
                    Message::Waiting
                )
            ),
            filter(
                t("child.sort"),
                choice_list(sort_choices, &self.query.sort, Message::Sort)
            ),
        ]
        .spacing(12);

        let columns = [
            (t("child.code_column"), 80.0),
            (t("child.name"), 0.0),
            (t("child.age"), 70.0),
            (t("child.district"), 170.0),
            (t("child.urgency"), 110.0),
            (t("child.status"), 170.0),
            (t("child.days_waiting"), 90.0),
            (t("child.sibling_group"), 90.0),
        ];
        let table_header = container(table_row(columns.iter().map(|(label, width)| {
            (
                text(label.clone()).size(13).style(style::muted_text).into(),
                *width,
            )
        })))
        .padding([6, 8])
        .style(style::table_header);

        let mut body = column![].spacing(2);
        for &index in self.rows.iter().skip(self.page * PAGE_SIZE).take(PAGE_SIZE) {
            let child = &registry.children[index];
            let Some(id) = child.id else { continue };
            let group = child
                .sibling_group_id
                .and_then(|g| registry.group(g))
                .map(|g| g.code.clone())
                .unwrap_or_default();
            let urgency: Element<'a, Message> = match child.urgency {
                Urgency::Routine => text(t(&child.urgency.locale_key())).size(14).into(),
                other => badge(t(&other.locale_key()), other == Urgency::Emergency),
            };
            let waiting = if child.status == ChildStatus::Awaiting {
                child.days_waiting(env.today).to_string()
            } else {
                String::from("—")
            };
            let cells: Vec<(Element<'a, Message>, f32)> = vec![
                (text(child.code.clone()).size(14).into(), 80.0),
                (
                    text(format!("{} {}", child.last_name, child.first_name))
                        .size(14)
                        .into(),
                    0.0,
                ),
                (
                    text(child.age_on(env.today).to_string()).size(14).into(),
                    70.0,
                ),
                (
                    text(place_label(env, &child.location)).size(14).into(),
                    170.0,
                ),
                (urgency, 110.0),
                (text(t(&child.status.locale_key())).size(14).into(), 170.0),
                (text(waiting).size(14).into(), 90.0),
                (text(group).size(14).into(), 90.0),
            ];
            body = body.push(
                button(table_row(cells.into_iter()))
                    .on_press(Message::Open(id))
                    .style(button::text)
                    .padding([4, 8])
                    .width(Length::Fill),
            );
        }
        if self.rows.is_empty() {
            body = body
                .push(container(text(t("child.empty_list")).style(style::muted_text)).padding(20));
        }

        column![
            header,
            search,
            filters,
            table_header,
            scrollable(body).height(Length::Fill),
            pager(lang, self.page, PAGE_SIZE, self.rows.len(), Message::Page),
        ]
        .spacing(12)
        .padding(20)
        .into()
    }
}

fn detail_view<'a>(
    child: &'a Child,
    fits: Option<&'a [FamilyFit]>,
    env: &Env<'a>,
) -> Element<'a, Message> {
    let lang = env.lang;
    let t = |key: &str| tr(lang, key);
    let line = |label: &str, value: Option<String>| detail_line(lang, t(label), value);
    let labels = |keys: Vec<String>| -> Option<String> {
        (!keys.is_empty()).then(|| {
            keys.iter()
                .map(|k| tr(lang, k))
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    let Some(id) = child.id else {
        return text(t("common.not_recorded")).into();
    };
    let mut birth = format_date(child.birth_date);
    if child.birth_date_estimated {
        birth = format!("{birth} ({})", t("child.birth_estimated"));
    }

    let identity = column![
        line("child.code", Some(child.code.clone())),
        line("child.birth_date", Some(birth)),
        line(
            "child.age",
            Some(tr_args(
                lang,
                "child.age_years",
                &[("years", child.age_on(env.today).to_string())]
            ))
        ),
        line("child.sex", Some(t(&child.sex.locale_key()))),
        line(
            "child.legal_status",
            Some(t(&child.legal_status.locale_key()))
        ),
        line("child.situation", Some(t(&child.situation.locale_key()))),
        line("child.status", Some(t(&child.status.locale_key()))),
        line(
            "child.referral_date",
            Some(format_date(child.referral_date))
        ),
        line(
            "child.days_waiting",
            Some(tr_args(
                lang,
                "child.days",
                &[("days", child.days_waiting(env.today).to_string())]
            ))
        ),
    ]
    .spacing(6);

    let location = column![
        line("child.district", Some(place_label(env, &child.location))),
        line("child.address", Some(child.location.address.clone())),
        line(
            "family.coordinates",
            Some(format!(
                "{:.5}, {:.5}",
                child.location.lat, child.location.lon
            ))
        ),
        line("child.school", Some(child.school.clone())),
        line(
            "child.languages",
            labels(child.languages.iter().map(|l| l.locale_key()).collect())
        ),
    ]
    .spacing(6);

    let needs = column![
        line(
            "child.needs",
            labels(child.needs.iter().map(|n| n.locale_key()).collect())
        ),
        line(
            "child.needs_description",
            Some(child.needs_description.clone())
        ),
        line("child.urgency", Some(t(&child.urgency.locale_key()))),
        line("child.care_type", Some(t(&child.care_type.locale_key()))),
        line(
            "child.max_distance",
            child.max_distance_km.map(|d| format!("{d} km"))
        ),
    ]
    .spacing(6);

    let siblings: Element<'a, Message> =
        match child.sibling_group_id.and_then(|g| env.registry.group(g)) {
            Some(group) => {
                let members: Vec<String> = env
                    .registry
                    .group_members(group.id.unwrap_or_default())
                    .filter(|c| c.id != child.id)
                    .map(|c| format!("{} ({})", c.full_name(), c.code))
                    .collect();
                let rule = if group.may_split {
                    format!("{} — {}", t("child.apart"), group.split_reason)
                } else {
                    t("child.together")
                };
                column![
                    line("child.group_code", Some(group.code.clone())),
                    line("child.siblings", Some(members.join(", "))),
                    line("child.may_split", Some(rule)),
                ]
                .spacing(6)
                .into()
            }
            None => text(t("child.group_none")).size(14).into(),
        };

    let views = column![
        line("child.wishes", Some(child.wishes.clone())),
        line("child.contact", Some(child.contact_arrangements.clone())),
        line("child.notes", Some(child.notes.clone())),
    ]
    .spacing(6);

    let header = row![
        button(text(t("common.back")))
            .on_press(Message::Back)
            .style(button::secondary),
        text(child.full_name()).size(24),
        iced::widget::space::horizontal(),
        button(text(t("child.find_family")))
            .on_press(Message::FindFamily(id))
            .style(button::secondary),
        button(text(t("placement.history")))
            .on_press(Message::History(child.code.clone()))
            .style(button::secondary),
        button(text(t("common.edit")))
            .on_press_maybe(env.may(Action::EditRecords).then_some(Message::Edit(id)))
            .style(button::primary),
    ]
    .spacing(16)
    .align_y(Alignment::Center);
    // "Find a family" shows right under the header, where the button was pressed.
    let mut content = column![header].spacing(14).padding(20);
    if let Some(fits) = fits {
        content = content.push(fits_view(fits, env));
    }
    let content = content.extend([
        section(t("child.section_identity"), identity),
        section(t("child.section_location"), location),
        section(t("child.section_needs"), needs),
        section(t("child.section_siblings"), siblings),
        section(t("child.section_views"), views),
    ]);
    scrollable(content).height(Length::Fill).into()
}

/// How many families of each kind "Find a family" lists.
const FITS_SHOWN: usize = 15;

/// "Find a family": the families that fit, best first, with their distance and value; then
/// the nearest that do not, with the rules they break.
fn fits_view<'a>(fits: &'a [FamilyFit], env: &Env<'a>) -> Element<'a, Message> {
    let lang = env.lang;
    let t = |key: &str| tr(lang, key);
    let name = |fit: &FamilyFit| {
        fit.family_id
            .and_then(|id| env.registry.family(id))
            .map(Family::display_name)
            .unwrap_or_default()
    };
    let (fitting, not_fitting): (Vec<&FamilyFit>, Vec<&FamilyFit>) =
        fits.iter().partition(|f| f.fits());
    let mut content = column![
        text(tr_args(
            lang,
            "child.fits_count",
            &[("count", fitting.len().to_string())]
        ))
        .size(15)
    ]
    .spacing(4);
    for fit in fitting.iter().take(FITS_SHOWN) {
        content = content.push(
            text(tr_args(
                lang,
                "child.fit_line",
                &[
                    ("family", format!("{} · {}", fit.family, name(fit))),
                    ("km", km(lang, fit.distance_km, 1)),
                    ("value", format!("{:.0}", fit.value.unwrap_or_default())),
                ],
            ))
            .size(14),
        );
    }
    content = content.push(text(t("child.not_fitting")).size(15));
    for fit in not_fitting.iter().take(FITS_SHOWN) {
        let mut why: Vec<String> = Vec::new();
        if let Err(reason) = fit.eligibility {
            why.push(t(&format!("ineligibility.{}", ineligibility_code(reason))));
        }
        for outcome in fit.rules.iter().filter(|r| !r.passed) {
            let (child_side, family_side) = rule_values(lang, outcome);
            why.push(format!(
                "✗ {}: {child_side} / {family_side}",
                rule_label(lang, outcome.rule())
            ));
        }
        content = content.push(
            text(format!(
                "{} · {} · {} — {}",
                fit.family,
                name(fit),
                km(lang, fit.distance_km, 1),
                why.join("; ")
            ))
            .size(13)
            .style(style::muted_text),
        );
    }
    section(t("child.find_family"), content)
}

fn ineligibility_code(reason: Ineligibility) -> &'static str {
    match reason {
        Ineligibility::NotApproved => "not_approved",
        Ineligibility::ReviewLapsed => "review_lapsed",
        Ineligibility::NoFreePlaces => "no_free_places",
    }
}
