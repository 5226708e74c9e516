//! The window (iced). It depends on the library; nothing in the library depends on it.

pub mod app;
pub(crate) mod background;
mod registry;
pub mod screens;
pub mod style;
pub mod widgets;

use chrono::NaiveDate;

pub use app::{App, Launch, Message, PackRequest, Tab};
pub use registry::Registry;

use crate::geo::Gazetteer;
use crate::i18n::Lang;

pub use crate::assets::{FONT_BOLD, FONT_REGULAR, ICON_PNG};
pub const FONT: iced::Font = iced::Font::with_name("Noto Sans");

/// What every screen may read while it updates or draws.
pub struct Env<'a> {
    pub lang: Lang,
    pub gazetteer: &'a Gazetteer,
    pub registry: &'a Registry,
    pub today: NaiveDate,
    /// What the signed-in person may do: screens offer only that (the store refuses the rest
    /// anyway).
    pub allowed: &'a [crate::domain::access::Action],
}

impl Env<'_> {
    pub fn may(&self, action: crate::domain::access::Action) -> bool {
        self.allowed.contains(&action)
    }
}

/// The iced settings of the window and of the headless test simulator (same fonts).
pub fn iced_settings() -> iced::Settings {
    iced::Settings {
        fonts: vec![FONT_REGULAR.into(), FONT_BOLD.into()],
        default_font: FONT,
        default_text_size: iced::Pixels(15.0),
        ..iced::Settings::default()
    }
}

/// The window icon, decoded from the embedded PNG.
fn window_icon() -> Option<iced::window::Icon> {
    let decoder = png::Decoder::new(std::io::Cursor::new(ICON_PNG));
    let mut reader = decoder.read_info().ok()?;
    let mut buffer = vec![0; reader.output_buffer_size()?];
    let info = reader.next_frame(&mut buffer).ok()?;
    if info.color_type != png::ColorType::Rgba || info.bit_depth != png::BitDepth::Eight {
        return None;
    }
    buffer.truncate(info.buffer_size());
    iced::window::icon::from_rgba(buffer, info.width, info.height).ok()
}

/// Opens the window and runs until it is closed.
pub fn run(launch: Launch) -> iced::Result {
    let window = iced::window::Settings {
        // Fits the 1366×768 and 1280×720 screens of district laptops (taskbar included).
        size: iced::Size::new(1280.0, 690.0),
        min_size: Some(iced::Size::new(900.0, 600.0)),
        icon: window_icon(),
        ..iced::window::Settings::default()
    };
    iced::application(move || App::new(launch.clone()), App::update, App::view)
        .title(App::title)
        .theme(App::theme)
        .subscription(App::subscription)
        .settings(iced_settings())
        .window(window)
        .run()
}
