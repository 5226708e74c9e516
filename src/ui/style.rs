//! Colours and styles of the window.

use iced::theme::Palette;
use iced::widget::{container, text, text_input};
use iced::{Background, Border, Color, Theme, color};

/// Yuva's light theme: calm green as the primary colour, high contrast text.
pub fn theme() -> Theme {
    Theme::custom(
        "Yuva",
        Palette {
            background: color!(0xf7f8f6),
            text: color!(0x1d2521),
            primary: color!(0x1f6f5c),
            success: color!(0x2e7d32),
            warning: color!(0xb26a00),
            danger: color!(0xb3261e),
        },
    )
}

pub fn muted_text(theme: &Theme) -> text::Style {
    text::Style {
        color: Some(
            theme
                .extended_palette()
                .background
                .strong
                .text
                .scale_alpha(0.75),
        ),
    }
}

pub fn heading_text(theme: &Theme) -> text::Style {
    text::Style {
        color: Some(theme.palette().primary),
    }
}

pub fn error_text(theme: &Theme) -> text::Style {
    text::Style {
        color: Some(theme.palette().danger),
    }
}

pub fn success_text(theme: &Theme) -> text::Style {
    text::Style {
        color: Some(theme.palette().success),
    }
}

pub fn input(theme: &Theme, status: text_input::Status, has_error: bool) -> text_input::Style {
    let mut style = text_input::default(theme, status);
    if has_error {
        style.border = Border {
            color: theme.palette().danger,
            width: 1.5,
            ..style.border
        };
    }
    style
}

pub fn section(theme: &Theme) -> container::Style {
    let palette = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(Color::WHITE)),
        border: Border {
            color: palette.background.strong.color,
            width: 1.0,
            radius: 6.0.into(),
        },
        ..container::Style::default()
    }
}

pub fn header(theme: &Theme) -> container::Style {
    let palette = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(palette.primary.strong.color)),
        text_color: Some(palette.primary.strong.text),
        ..container::Style::default()
    }
}

pub fn table_header(theme: &Theme) -> container::Style {
    let palette = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(palette.background.weak.color)),
        ..container::Style::default()
    }
}

pub fn badge(theme: &Theme, warning: bool) -> container::Style {
    let palette = theme.extended_palette();
    let pair = if warning {
        palette.danger.weak
    } else {
        palette.secondary.weak
    };
    container::Style {
        background: Some(Background::Color(pair.color)),
        text_color: Some(pair.text),
        border: Border {
            radius: 8.0.into(),
            ..Border::default()
        },
        ..container::Style::default()
    }
}

pub fn status_bar(theme: &Theme, is_error: bool) -> container::Style {
    let palette = theme.extended_palette();
    let pair = if is_error {
        palette.danger.weak
    } else {
        palette.success.weak
    };
    container::Style {
        background: Some(Background::Color(pair.color)),
        text_color: Some(pair.text),
        ..container::Style::default()
    }
}

/// A bar of a dashboard chart.
pub fn chart_bar(theme: &Theme) -> container::Style {
    let palette = theme.extended_palette();
    container::Style {
        background: Some(Background::Color(palette.primary.base.color)),
        border: Border {
            radius: 3.0.into(),
            ..Border::default()
        },
        ..container::Style::default()
    }
}

/// A column of the monthly placements chart: started (primary) or ended (secondary).
pub fn chart_column(theme: &Theme, ended: bool) -> container::Style {
    let palette = theme.extended_palette();
    let color = if ended {
        palette.danger.base.color
    } else {
        palette.success.base.color
    };
    container::Style {
        background: Some(Background::Color(color)),
        ..container::Style::default()
    }
}
