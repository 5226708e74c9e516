//! Building blocks shared by the screens: labelled fields with their error, sections,
//! localised choice lists, checkbox sets, paging.

use std::collections::BTreeSet;
use std::fmt;

pub mod location;
pub mod reveal;
pub mod shortcut_guard;

pub use location::LocationInput;

use iced::widget::{
    button, checkbox, column, container, pick_list, row, scrollable, text, text_input,
};
use iced::{Alignment, Element, Length};

use crate::domain::ValidationErrors;
use crate::i18n::{Lang, tr, tr_args};
use crate::ui::style;

/// A value shown in a pick list under its translated label.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice<T> {
    pub value: T,
    pub label: String,
}

impl<T> fmt::Display for Choice<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// Choices for a coded enum, labelled in `lang`.
pub fn code_choices<T: Copy>(lang: Lang, all: &[T], key: impl Fn(T) -> String) -> Vec<Choice<T>> {
    all.iter()
        .map(|&value| Choice {
            value,
            label: tr(lang, &key(value)),
        })
        .collect()
}

/// Choices for a filter: "All" (None) first, then each value.
pub fn filter_choices<T: Copy>(
    lang: Lang,
    all: &[T],
    key: impl Fn(T) -> String,
) -> Vec<Choice<Option<T>>> {
    choices_after(lang, "common.all", all, key)
}

/// Choices for an optional value: "not recorded" (None) first, then each value.
pub fn optional_choices<T: Copy>(
    lang: Lang,
    all: &[T],
    key: impl Fn(T) -> String,
) -> Vec<Choice<Option<T>>> {
    choices_after(lang, "common.not_recorded", all, key)
}

/// `None` labelled with `none_key`, then every value.
fn choices_after<T: Copy>(
    lang: Lang,
    none_key: &str,
    all: &[T],
    key: impl Fn(T) -> String,
) -> Vec<Choice<Option<T>>> {
    std::iter::once(Choice {
        value: None,
        label: tr(lang, none_key),
    })
    .chain(all.iter().map(|&value| Choice {
        value: Some(value),
        label: tr(lang, &key(value)),
    }))
    .collect()
}

/// The chosen entry of a choice list.
pub fn selected<T: PartialEq + Clone>(choices: &[Choice<T>], value: &T) -> Option<Choice<T>> {
    choices.iter().find(|c| &c.value == value).cloned()
}

/// The translated error of a field, if it has one.
pub fn error_of(lang: Lang, errors: &ValidationErrors, field: &str) -> Option<String> {
    errors
        .for_field(field)
        .map(|e| tr_args(lang, e.key, &e.args))
}

/// A label above a control, with the field's error (if any) under it in red.
pub fn field<'a, M: 'a>(
    label: String,
    control: impl Into<Element<'a, M>>,
    error: Option<String>,
) -> Element<'a, M> {
    let mut content = column![
        text(label).size(13).style(style::muted_text),
        control.into()
    ]
    .spacing(3);
    if let Some(error) = error {
        content = content.push(text(error).size(13).style(style::error_text));
    }
    content.width(Length::Fill).into()
}

/// A text input for a form field. Its widget id is the field's path, so that tests and
/// keyboard focus can find it.
pub fn input<'a, M: Clone + 'a>(
    id: &'static str,
    placeholder: &str,
    value: &str,
    on_input: impl Fn(String) -> M + 'a,
    has_error: bool,
) -> Element<'a, M> {
    text_input(placeholder, value)
        .id(id)
        .on_input(on_input)
        .padding(6)
        .style(move |theme, status| style::input(theme, status, has_error))
        .into()
}

/// A titled block of a form or detail view.
pub fn section<'a, M: 'a>(title: String, content: impl Into<Element<'a, M>>) -> Element<'a, M> {
    container(
        column![
            text(title).size(17).style(style::heading_text),
            content.into()
        ]
        .spacing(10),
    )
    .padding(14)
    .width(Length::Fill)
    .style(style::section)
    .into()
}

/// A set of checkboxes for a set of coded values, wrapping onto several lines.
pub fn checkbox_set<'a, T, M>(
    lang: Lang,
    all: &[T],
    chosen: &BTreeSet<T>,
    key: impl Fn(T) -> String,
    on_toggle: impl Fn(T, bool) -> M + Clone + 'a,
) -> Element<'a, M>
where
    T: Copy + Ord + 'a,
    M: 'a,
{
    let boxes = all.iter().map(|&value| {
        let on_toggle = on_toggle.clone();
        checkbox(chosen.contains(&value))
            .label(tr(lang, &key(value)))
            .on_toggle(move |on| on_toggle(value, on))
            .size(16)
            .spacing(6)
            .into()
    });
    row(boxes).spacing(16).wrap().into()
}

/// A read-only "label: value" line of a detail view; missing values print as "not recorded".
pub fn detail_line<'a, M: 'a>(lang: Lang, label: String, value: Option<String>) -> Element<'a, M> {
    let value = value
        .filter(|v| !v.trim().is_empty())
        .map(|v| text(v).size(14))
        .unwrap_or_else(|| {
            text(tr(lang, "common.not_recorded"))
                .size(14)
                .style(style::muted_text)
        });
    row![
        text(label)
            .size(14)
            .style(style::muted_text)
            .width(Length::Fixed(240.0)),
        value.width(Length::Fill)
    ]
    .spacing(12)
    .into()
}

/// A pick list of localised choices.
pub fn choice_list<'a, T, M>(
    choices: Vec<Choice<T>>,
    value: &T,
    on_select: impl Fn(T) -> M + 'a,
) -> Element<'a, M>
where
    T: Clone + PartialEq + 'a,
    M: Clone + 'a,
{
    let current = selected(&choices, value);
    pick_list(choices, current, move |c: Choice<T>| on_select(c.value))
        .padding(6)
        .width(Length::Fill)
        .into()
}

/// "1–50 of 10,000" with previous/next buttons.
pub fn pager<'a, M: Clone + 'a>(
    lang: Lang,
    page: usize,
    page_size: usize,
    total: usize,
    on_page: impl Fn(usize) -> M,
) -> Element<'a, M> {
    let pages = total.div_ceil(page_size).max(1);
    let page = page.min(pages - 1);
    let from = if total == 0 { 0 } else { page * page_size + 1 };
    let to = ((page + 1) * page_size).min(total);
    let label = tr_args(
        lang,
        "common.page",
        &[
            ("from", from.to_string()),
            ("to", to.to_string()),
            ("total", total.to_string()),
        ],
    );
    row![
        button(text(tr(lang, "common.previous")).size(14))
            .on_press_maybe((page > 0).then(|| on_page(page - 1)))
            .style(button::secondary),
        text(label).size(14),
        button(text(tr(lang, "common.next")).size(14))
            .on_press_maybe((page + 1 < pages).then(|| on_page(page + 1)))
            .style(button::secondary),
    ]
    .spacing(12)
    .align_y(Alignment::Center)
    .into()
}

/// A small coloured tag (e.g. "Review overdue").
pub fn badge<'a, M: 'a>(label: String, warning: bool) -> Element<'a, M> {
    container(text(label).size(12))
        .padding([2, 8])
        .style(move |theme| style::badge(theme, warning))
        .into()
}

/// A form's text field: its label, the input (its widget id is the field's path) and the
/// field's error under it.
pub fn labelled_input<'a, M: Clone + 'a>(
    lang: Lang,
    errors: &ValidationErrors,
    label_key: &str,
    id: &'static str,
    value: &str,
    hint: &str,
    on_input: impl Fn(String) -> M + 'a,
) -> Element<'a, M> {
    let error = error_of(lang, errors, id);
    let has_error = error.is_some();
    field(
        tr(lang, label_key),
        input(id, hint, value, on_input, has_error),
        error,
    )
}

/// Asked when Esc would leave a form with typed changes.
pub fn discard_prompt<'a, M: Clone + 'a>(lang: Lang, discard: M, keep: M) -> Element<'a, M> {
    container(
        row![
            text(tr(lang, "common.discard_question")).size(15),
            button(text(tr(lang, "common.discard")))
                .on_press(discard)
                .style(button::danger),
            button(text(tr(lang, "common.keep_editing")))
                .on_press(keep)
                .style(button::primary),
        ]
        .spacing(12)
        .align_y(Alignment::Center),
    )
    .padding(10)
    .style(style::section)
    .into()
}

/// A form's Save and Cancel buttons.
pub fn form_actions<'a, M: Clone + 'a>(lang: Lang, on_save: M, on_cancel: M) -> Element<'a, M> {
    row![
        button(text(tr(lang, "common.save")))
            .on_press(on_save)
            .style(button::primary)
            .padding([8, 20]),
        button(text(tr(lang, "common.cancel")))
            .on_press(on_cancel)
            .style(button::secondary)
            .padding([8, 20]),
    ]
    .spacing(12)
    .into()
}

/// A table row: cells of fixed width, a width of 0 fills the rest.
pub fn table_row<'a, M: 'a>(cells: impl Iterator<Item = (Element<'a, M>, f32)>) -> Element<'a, M> {
    row(cells.map(|(cell, width)| {
        let width = if width > 0.0 {
            Length::Fixed(width)
        } else {
            Length::Fill
        };
        container(cell).width(width).into()
    }))
    .spacing(10)
    .align_y(Alignment::Center)
    .into()
}

/// A list filter: its label above its control, sharing the row with the others.
pub fn filter<'a, M: 'a>(label: String, control: Element<'a, M>) -> Element<'a, M> {
    column![text(label).size(13).style(style::muted_text), control]
        .spacing(3)
        .width(Length::FillPortion(1))
        .into()
}

/// The head of a record list: its title, how many records it shows, and "New".
pub fn list_header<'a, M: Clone + 'a>(
    title: String,
    count: String,
    new_label: String,
    on_new: Option<M>,
    export: Option<(String, M)>,
) -> Element<'a, M> {
    row![
        text(title).size(24),
        iced::widget::space::horizontal(),
        text(count).size(14),
    ]
    .push(export.map(|(label, message)| {
        button(text(label))
            .on_press(message)
            .style(button::secondary)
    }))
    .push(
        button(text(new_label))
            .on_press_maybe(on_new)
            .style(button::primary),
    )
    .spacing(16)
    .align_y(Alignment::Center)
    .into()
}

/// A record form on a page of its own, scrolled when it is taller than the window.
pub fn form_page<'a, M: 'a>(form: Element<'a, M>) -> Element<'a, M> {
    scrollable(container(form).padding(20))
        .id(reveal::FORM_SCROLL)
        .height(Length::Fill)
        .into()
}

/// A record's name that opens its page.
pub fn link<'a, M: Clone + 'a>(label: String, open: M) -> Element<'a, M> {
    button(text(label).size(14))
        .on_press(open)
        .style(button::text)
        .padding(0)
        .into()
}

/// A record another screen can open: a child's or a family's page, a panel session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordLink {
    Child(i64),
    Family(i64),
    Session(i64),
}

/// What a record screen (families, children) shows: the list, one record, or its form.
pub enum ListMode<F> {
    List,
    Detail(i64),
    Form(Box<F>),
}
