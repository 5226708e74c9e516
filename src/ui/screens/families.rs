//! Families: the list (search, filters, Azerbaijani order, paging), a family's detail, and the
//! form to create or edit one.

use crate::domain::access::Action;
use iced::widget::{button, checkbox, column, container, row, scrollable, text, text_input};
use iced::{Alignment, Element, Length, Task};

use super::family_form::{self, Form};
use super::{date_text, district_filter_choices, place_label};
use crate::domain::listing::{FamilyQuery, FamilySort};
use crate::domain::*;
use crate::i18n::{tr, tr_args};
use crate::ui::Env;
use crate::ui::style;
use crate::ui::widgets::{
    Choice, ListMode, badge, choice_list, detail_line, discard_prompt, filter, filter_choices,
    form_page, list_header, pager, section, table_row,
};

pub const PAGE_SIZE: usize = 50;
pub const SEARCH_ID: &str = "families.search";

#[derive(Debug, Clone)]
pub enum Message {
    Search(String),
    Status(Option<FamilyStatus>),
    District(Option<String>),
    CareType(Option<CareType>),
    WithFreePlaces(bool),
    ReviewOverdue(bool),
    Sort(FamilySort),
    Page(usize),
    Open(i64),
    New,
    /// Export the list as it is filtered now.
    Export,
    Edit(i64),
    Back,
    /// Print the family assessment pack.
    Print(i64),
    /// The placements of this record, active and ended.
    History(String),
    Form(family_form::Message),
    /// A child placed with the family was clicked.
    OpenChild(i64),
    /// Leave the form and lose what was typed (after Esc asked).
    Discard,
    /// Stay in the form (after Esc asked).
    KeepEditing,
}

/// What the screen asks of the application.
pub enum Event {
    /// Export the rows the list shows now (ask where to save them).
    Export,
    Print(i64),
    /// Show the placement history of the record with this code.
    History(String),
    /// Validate and save this family; answer with [`Screen::saved`] or [`Screen::rejected`].
    Save(Box<Family>),
    /// A new family needs a free reference code.
    NeedCode,
    /// Open this child's page (a child placed with the family).
    OpenChild(i64),
}

type Mode = ListMode<Form>;

pub struct Screen {
    mode: Mode,
    /// Esc was pressed on a form with typed changes: ask before throwing them away.
    confirm_discard: bool,
    query: FamilyQuery,
    page: usize,
    /// Positions (in the registry's family list) of the rows the query selects.
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
            confirm_discard: false,
            query: FamilyQuery::default(),
            page: 0,
            rows: Vec::new(),
        };
        screen.refresh(env);
        screen
    }

    /// Re-runs the query (after a filter change or when the registry changed).
    /// Shows the list with this query (the dashboard's click-through).
    pub fn show_query(&mut self, query: FamilyQuery, env: &Env<'_>) {
        self.query = query;
        self.page = 0;
        self.mode = Mode::List;
        self.refresh(env);
    }

    pub fn refresh(&mut self, env: &Env<'_>) {
        let registry = env.registry;
        self.rows = registry.family_index.query(
            &registry.families,
            &registry.occupied,
            &self.query,
            env.today,
        );
        let pages = self.rows.len().div_ceil(PAGE_SIZE).max(1);
        self.page = self.page.min(pages - 1);
    }

    pub fn is_editing(&self) -> bool {
        matches!(self.mode, Mode::Form(_))
    }

    pub fn open_form_new(&mut self, code: String, env: &Env<'_>) {
        self.mode = Mode::Form(Box::new(Form::new(code, env)));
    }

    /// Shows a family's detail (after a click-through from elsewhere, or a save).
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
        let saving = matches!(message, Message::Form(family_form::Message::Save));
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
            Message::CareType(care) => self.query.care_type = care,
            Message::WithFreePlaces(on) => self.query.with_free_places = on,
            Message::ReviewOverdue(on) => self.query.review_overdue = on,
            Message::Sort(sort) => self.query.sort = sort,
            Message::Page(page) => {
                self.page = page;
                requery = false;
            }
            Message::Open(id) => {
                self.mode = Mode::Detail(id);
                requery = false;
            }
            Message::New => return Some(Event::NeedCode),
            Message::Export => return Some(Event::Export),
            Message::Edit(id) => {
                if let Some(family) = env.registry.family(id) {
                    self.mode = Mode::Form(Box::new(Form::edit(family, env)));
                }
                requery = false;
            }
            Message::History(code) => return Some(Event::History(code)),
            Message::Print(id) => return Some(Event::Print(id)),
            Message::Back => {
                self.mode = Mode::List;
                requery = false;
            }
            Message::Discard => {
                self.confirm_discard = false;
                return self.handle(Message::Form(family_form::Message::Cancel), env);
            }
            Message::KeepEditing => self.confirm_discard = false,
            Message::OpenChild(id) => return Some(Event::OpenChild(id)),
            Message::Form(message) => {
                self.confirm_discard = false;
                let Mode::Form(form) = &mut self.mode else {
                    return None;
                };
                return match form.update(message, env)? {
                    family_form::Event::Save(family) => Some(Event::Save(family)),
                    family_form::Event::Cancel => {
                        self.mode = match form.is_new() {
                            true => Mode::List,
                            false => env
                                .registry
                                .families
                                .iter()
                                .find(|f| f.code == form.code())
                                .and_then(|f| f.id)
                                .map_or(Mode::List, Mode::Detail),
                        };
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

    /// Ctrl+S in the form.
    pub fn save_shortcut(&mut self, env: &Env<'_>) -> Option<Event> {
        self.handle(Message::Form(family_form::Message::Save), env)
    }

    /// Escape: leave the form or the detail view.
    pub fn escape(&mut self, env: &Env<'_>) {
        match &self.mode {
            Mode::Form(form) if form.is_dirty() && !self.confirm_discard => {
                self.confirm_discard = true;
            }
            Mode::Form(_) => {
                self.confirm_discard = false;
                let _ = self.update(Message::Form(family_form::Message::Cancel), env);
            }
            Mode::Detail(_) => self.mode = Mode::List,
            Mode::List => {}
        }
    }

    pub fn view<'a>(&'a self, env: &Env<'a>) -> Element<'a, Message> {
        match &self.mode {
            Mode::List => self.list_view(env),
            Mode::Detail(id) => match env.registry.family(*id) {
                Some(family) => detail_view(family, env),
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
            t("family.list_title"),
            tr_args(
                lang,
                "family.count",
                &[("count", self.rows.len().to_string())],
            ),
            t("family.new"),
            env.may(Action::EditRecords).then_some(Message::New),
            env.may(Action::ExportData)
                .then(|| (t("export.button"), Message::Export)),
        );

        let search = text_input(&t("common.search"), &self.query.text)
            .id(SEARCH_ID)
            .on_input(Message::Search)
            .padding(8);

        let sort_choices: Vec<Choice<FamilySort>> = FamilySort::ALL
            .iter()
            .map(|&s| Choice {
                value: s,
                label: t(s.locale_key()),
            })
            .collect();
        let filters = row![
            filter(
                t("family.filter_status"),
                choice_list(
                    filter_choices(lang, FamilyStatus::ALL, FamilyStatus::locale_key),
                    &self.query.status,
                    Message::Status
                )
            ),
            filter(
                t("family.filter_district"),
                choice_list(
                    district_filter_choices(env),
                    &self.query.district,
                    Message::District
                )
            ),
            filter(
                t("family.filter_care_type"),
                choice_list(
                    filter_choices(lang, CareType::ALL, CareType::locale_key),
                    &self.query.care_type,
                    Message::CareType
                )
            ),
            filter(
                t("family.sort"),
                choice_list(sort_choices, &self.query.sort, Message::Sort)
            ),
            column![
                checkbox(self.query.with_free_places)
                    .label(t("family.filter_free"))
                    .on_toggle(Message::WithFreePlaces)
                    .size(16),
                checkbox(self.query.review_overdue)
                    .label(t("family.filter_overdue"))
                    .on_toggle(Message::ReviewOverdue)
                    .size(16),
            ]
            .spacing(6),
        ]
        .spacing(12)
        .align_y(Alignment::End);

        let columns = [
            (t("family.code_column"), 90.0),
            (t("family.name_column"), 0.0),
            (t("family.district"), 170.0),
            (t("family.status"), 150.0),
            (t("family.free_places"), 110.0),
            (t("family.review_due"), 190.0),
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
        let start = self.page * PAGE_SIZE;
        for &index in self.rows.iter().skip(start).take(PAGE_SIZE) {
            let family = &registry.families[index];
            let Some(id) = family.id else { continue };
            let free = registry.free_places(family);
            let overdue = family.review_overdue(env.today);
            let review: Element<'a, Message> = match (family.review_due, overdue) {
                (Some(due), true) => row![
                    text(format_date(due)).size(14),
                    badge(t("family.review_overdue"), true)
                ]
                .spacing(6)
                .align_y(Alignment::Center)
                .into(),
                (Some(due), false) => text(format_date(due)).size(14).into(),
                (None, _) => text("—").size(14).into(),
            };
            let cells: Vec<(Element<'a, Message>, f32)> = vec![
                (text(family.code.clone()).size(14).into(), 90.0),
                (text(family.display_name()).size(14).into(), 0.0),
                (
                    text(place_label(env, &family.location)).size(14).into(),
                    170.0,
                ),
                (text(t(&family.status.locale_key())).size(14).into(), 150.0),
                (
                    text(format!("{free} / {}", family.terms.places))
                        .size(14)
                        .into(),
                    110.0,
                ),
                (review, 190.0),
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
                .push(container(text(t("family.empty_list")).style(style::muted_text)).padding(20));
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

/// Said on another office's family (seen here for matching): why it cannot be edited.
fn owned_elsewhere_note<'a>(
    lang: crate::i18n::Lang,
    owner: Option<&String>,
) -> Element<'a, Message> {
    match owner {
        Some(office) => text(tr_args(
            lang,
            "family.owned_elsewhere",
            &[("office", office.clone())],
        ))
        .size(14)
        .style(style::muted_text)
        .into(),
        None => column![].into(),
    }
}

fn detail_view<'a>(family: &'a Family, env: &Env<'a>) -> Element<'a, Message> {
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
    let Some(id) = family.id else {
        return text(t("common.not_recorded")).into();
    };
    let occupied = env.registry.occupied_of(family);
    let owner = env.registry.owned_elsewhere.families.get(&id);

    let mut carers = column![
        line("family.code", Some(family.code.clone())),
        line(
            "family.main_carer",
            Some(family.main_carer.full_name.clone())
        ),
        line(
            "family.birth_date",
            family.main_carer.birth_date.map(format_date)
        ),
        line("family.phone", Some(family.main_carer.phone.clone())),
    ]
    .spacing(6);
    match &family.second_carer {
        Some(second) => {
            carers = carers
                .push(line("family.second_carer", Some(second.full_name.clone())))
                .push(line(
                    "family.birth_date",
                    second.birth_date.map(format_date),
                ))
                .push(line("family.phone", Some(second.phone.clone())));
        }
        None => carers = carers.push(line("family.second_carer", None)),
    }

    let location = column![
        line("family.district", Some(place_label(env, &family.location))),
        line("family.address", Some(family.location.address.clone())),
        line(
            "family.coordinates",
            Some(format!(
                "{:.5}, {:.5}",
                family.location.lat, family.location.lon
            ))
        ),
        line(
            "family.languages",
            labels(family.languages.iter().map(|l| l.locale_key()).collect())
        ),
        line(
            "family.religion",
            family.religion.map(|r| t(&r.locale_key()))
        ),
    ]
    .spacing(6);

    let mut household = column![].spacing(6);
    for member in &family.household {
        household = household.push(detail_line(
            lang,
            t(&member.relation.locale_key()),
            Some(match member.birth_date {
                Some(birth) => format!("{} ({})", member.full_name, format_date(birth)),
                None => member.full_name.clone(),
            }),
        ));
    }
    if family.household.is_empty() {
        household = household.push(text(t("common.not_recorded")).style(style::muted_text));
    }

    let terms = &family.terms;
    let mut review = row![text(date_text(family.review_due)).size(14)].spacing(8);
    if family.review_overdue(env.today) {
        review = review.push(badge(t("family.review_overdue"), true));
    }
    let approval = column![
        line("family.status", Some(t(&family.status.locale_key()))),
        line(
            "family.approval_date",
            family.approval_date.map(format_date)
        ),
        row![
            text(t("family.review_due"))
                .size(14)
                .style(style::muted_text)
                .width(Length::Fixed(240.0)),
            review
        ]
        .spacing(12),
        line(
            "family.care_types",
            labels(terms.care_types.iter().map(|c| c.locale_key()).collect())
        ),
        line(
            "family.age_range",
            Some(format!("{}–{}", terms.age_min, terms.age_max))
        ),
        line(
            "family.sex_preference",
            Some(t(&terms.sex_preference.locale_key()))
        ),
        line(
            "family.places",
            Some(format!(
                "{} ({} {occupied})",
                terms.places,
                t("family.occupied")
            ))
        ),
        line(
            "family.needs",
            labels(terms.needs.iter().map(|n| n.locale_key()).collect())
        ),
    ]
    .spacing(6);

    let mut training = column![text(t("family.training")).size(15)].spacing(6);
    for record in &family.training {
        training = training.push(detail_line(
            lang,
            format_date(record.completed_on),
            Some(record.course.clone()),
        ));
    }
    training = training.push(text(t("family.checks")).size(15));
    for check in &family.checks {
        let mut value = format!(
            "{} — {}",
            format_date(check.done_on),
            t(&check.outcome.locale_key())
        );
        if !check.note.is_empty() {
            value = format!("{value}; {}", check.note);
        }
        training = training.push(detail_line(lang, t(&check.kind.locale_key()), Some(value)));
    }

    let content = column![
        row![
            button(text(t("common.back")))
                .on_press(Message::Back)
                .style(button::secondary),
            text(family.display_name()).size(24),
            iced::widget::space::horizontal(),
            button(text(t("pack.print")))
                .on_press_maybe(env.may(Action::PrintPacks).then_some(Message::Print(id)))
                .style(button::secondary),
            button(text(t("placement.history")))
                .on_press(Message::History(family.code.clone()))
                .style(button::secondary),
            button(text(t("common.edit")))
                .on_press_maybe(
                    (env.may(Action::EditRecords) && owner.is_none()).then_some(Message::Edit(id))
                )
                .style(button::primary),
        ]
        .spacing(16)
        .align_y(Alignment::Center),
        owned_elsewhere_note(lang, owner),
        section(t("family.section_carers"), carers),
        section(t("family.section_location"), location),
        section(t("family.section_household"), household),
        section(t("family.section_approval"), approval),
        section(t("family.section_training"), training),
        section(t("family.placed_here"), {
            let mut placed = column![].spacing(6);
            for child in env.registry.children_placed_in(id) {
                if let Some(child_id) = child.id {
                    placed = placed.push(
                        button(text(format!("{} · {}", child.code, child.full_name())).size(14))
                            .on_press(Message::OpenChild(child_id))
                            .style(button::text)
                            .padding([2, 4]),
                    );
                }
            }
            if env.registry.children_placed_in(id).next().is_none() {
                placed = placed.push(text(t("family.no_child_placed")).style(style::muted_text));
            }
            placed
        }),
        section(
            t("family.notes"),
            detail_line(lang, t("family.notes"), Some(family.notes.clone()))
        ),
    ]
    .spacing(14)
    .padding(20);
    scrollable(content).height(Length::Fill).into()
}
