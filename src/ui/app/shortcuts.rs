//! Keyboard shortcuts, and the start-up timing report.

use std::time::Instant;

use iced::Task;
use iced::keyboard::{self, Key, key};
use iced::widget::operation;

use super::*;

/// Tab/Shift+Tab move between fields, Ctrl+S saves a form, Escape leaves it, Ctrl+F goes to
/// the search box, Ctrl+1 … Ctrl+8 switch tabs.
pub(super) fn keyboard_shortcut(
    ws: &mut Workspace,
    lang: Lang,
    event: keyboard::Event,
    notice: &mut Option<(String, bool)>,
) -> Task<Message> {
    let keyboard::Event::KeyPressed { key, modifiers, .. } = event else {
        return Task::none();
    };
    match key.as_ref() {
        Key::Named(key::Named::Tab) if modifiers.shift() => operation::focus_previous(),
        Key::Named(key::Named::Tab) => operation::focus_next(),
        Key::Named(key::Named::Escape) => {
            let env = screen_env!(ws, lang);
            match ws.tab {
                Tab::Families => ws.families.escape(&env),
                Tab::Children => ws.children.escape(&env),
                _ => {}
            }
            Task::none()
        }
        Key::Character("s") if modifiers.command() => {
            let env = screen_env!(ws, lang);
            match ws.tab {
                Tab::Families if ws.families.is_editing() => {
                    let event = ws.families.save_shortcut(&env);
                    *notice = handle_family_event(ws, lang, event);
                    ws.families.reveal_errors(lang)
                }
                Tab::Children if ws.children.is_editing() => {
                    let event = ws.children.save_shortcut(&env);
                    *notice = handle_child_event(ws, lang, event);
                    ws.children.reveal_errors(lang)
                }
                _ => Task::none(),
            }
        }
        Key::Character("f") if modifiers.command() => match ws.tab {
            Tab::Families => operation::focus(families::SEARCH_ID),
            Tab::Children => operation::focus(children::SEARCH_ID),
            Tab::Placements => operation::focus(placements::SEARCH_ID),
            Tab::Audit => operation::focus(audit::SEARCH_ID),
            _ => Task::none(),
        },
        Key::Character(digit) if modifiers.command() => {
            // The same as a click on the tab (the audit trail and placements refresh there).
            match digit
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| Tab::ALL.get(i))
            {
                Some(tab) => Task::done(Message::Tab(*tab)),
                None => Task::none(),
            }
        }
        _ => Task::none(),
    }
}

/// Prints the time from process start to the first frame and the resident memory
/// (`YUVA_STARTUP_TIMING=1`), for the measurements in the README.
pub(super) fn report_startup(started: Instant, workspace: Option<&Workspace>) {
    let (families, children) = workspace.map_or((0, 0), |ws| {
        (ws.registry.families.len(), ws.registry.children.len())
    });
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(|l| l.trim_start_matches("VmRSS:").trim().to_owned())
        })
        .unwrap_or_else(|| String::from("n/a"));
    eprintln!(
        "yuva: first frame after {} ms ({families} families, {children} children), resident memory {rss}",
        started.elapsed().as_millis()
    );
}
