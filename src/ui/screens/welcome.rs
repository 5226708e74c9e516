//! Shown on an empty registry: start with a demo registry (training) or empty (real work).

use iced::widget::{button, column, container, text};
use iced::{Alignment, Element, Length, Task};

use crate::i18n::tr;
use crate::ui::Env;
use crate::ui::style;

#[derive(Debug, Clone)]
pub enum Message {
    CreateDemo,
    StartEmpty,
}

pub enum Event {
    CreateDemo,
    StartEmpty,
}

#[derive(Default)]
pub struct Screen;

impl Screen {
    pub fn update(&mut self, message: Message, _env: &Env<'_>) -> (Task<Message>, Option<Event>) {
        let event = match message {
            Message::CreateDemo => Event::CreateDemo,
            Message::StartEmpty => Event::StartEmpty,
        };
        (Task::none(), Some(event))
    }

    pub fn view<'a>(&'a self, env: &Env<'a>) -> Element<'a, Message> {
        view(env)
    }
}

fn view<'a>(env: &Env<'a>) -> Element<'a, Message> {
    let t = |key: &str| tr(env.lang, key);
    let card = column![
        text(t("welcome.title")).size(28),
        text(t("welcome.body")).size(16).width(Length::Fixed(560.0)),
        button(text(t("welcome.demo")).size(16))
            .on_press(Message::CreateDemo)
            .style(button::primary)
            .padding([10, 24]),
        button(text(t("welcome.empty")).size(16))
            .on_press(Message::StartEmpty)
            .style(button::secondary)
            .padding([10, 24]),
        text(t("welcome.demo_note"))
            .size(13)
            .style(style::muted_text),
    ]
    .spacing(18)
    .align_x(Alignment::Center);
    container(container(card).padding(32).style(style::section))
        .center(Length::Fill)
        .into()
}
