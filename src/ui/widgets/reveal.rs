//! Brings a form's first error into view after a save that failed: a long form (a family has
//! some forty fields) otherwise shows "the form has errors" at the bottom and leaves the officer
//! to look for them.

use iced::Task;
use iced::advanced::widget::{Id, Operation, operate, operation};
use iced::widget::scrollable::AbsoluteOffset;
use iced::{Rectangle, Vector};

/// The id of the scrollable that holds a form (see [`super::form_page`]).
pub const FORM_SCROLL: &str = "form_scroll";

/// Room left above the error for its field's label and input.
const ABOVE_ERROR: f32 = 80.0;

/// Scrolls the form so that the topmost of these error messages shows, if it does not already.
pub fn reveal_first_error<M: Send + 'static>(messages: Vec<String>) -> Task<M> {
    if messages.is_empty() {
        return Task::none();
    }
    operate(FirstError {
        messages,
        scroll: None,
        first: None,
    })
    .then(|offset: Option<f32>| match offset {
        Some(y) => iced::widget::operation::scroll_to(
            Id::new(FORM_SCROLL),
            AbsoluteOffset {
                x: None,
                y: Some(y),
            },
        ),
        None => Task::none(),
    })
}

/// [`reveal_first_error`] for a form's validation errors, worded in `lang` as the form shows them.
pub fn reveal_validation_errors<M: Send + 'static>(
    lang: crate::i18n::Lang,
    errors: &crate::domain::ValidationErrors,
) -> Task<M> {
    reveal_first_error(
        errors
            .errors
            .iter()
            .map(|e| crate::i18n::tr_args(lang, e.key, &e.args))
            .collect(),
    )
}

/// Scrolls every scrollable on screen back to its top.
pub fn scroll_all_to_top<M: Send + 'static>() -> Task<M> {
    iced::advanced::widget::operate(ToTop).discard()
}

struct ToTop;

impl Operation for ToTop {
    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation)) {
        operate(self);
    }

    fn scrollable(
        &mut self,
        _id: Option<&Id>,
        _bounds: Rectangle,
        _content_bounds: Rectangle,
        _translation: Vector,
        state: &mut dyn operation::Scrollable,
    ) {
        state.snap_to(iced::widget::scrollable::RelativeOffset::START.into());
    }
}

/// Finds the form's scrollable and the topmost text that is one of the messages.
struct FirstError {
    messages: Vec<String>,
    /// The form's scrollable: its bounds, its content's bounds, how far it is scrolled.
    scroll: Option<(Rectangle, Rectangle, Vector)>,
    /// The topmost error text's bounds (as laid out, before scrolling).
    first: Option<Rectangle>,
}

impl Operation<Option<f32>> for FirstError {
    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation<Option<f32>>)) {
        operate(self);
    }

    fn scrollable(
        &mut self,
        id: Option<&Id>,
        bounds: Rectangle,
        content_bounds: Rectangle,
        translation: Vector,
        _state: &mut dyn operation::Scrollable,
    ) {
        if id == Some(&Id::new(FORM_SCROLL)) {
            self.scroll = Some((bounds, content_bounds, translation));
        }
    }

    fn text(&mut self, _id: Option<&Id>, bounds: Rectangle, text: &str) {
        if self.messages.iter().any(|m| m == text) && self.first.is_none_or(|f| bounds.y < f.y) {
            self.first = Some(bounds);
        }
    }

    fn finish(&self) -> operation::Outcome<Option<f32>> {
        let (Some((view, content, scrolled)), Some(error)) = (self.scroll, self.first) else {
            return operation::Outcome::Some(None);
        };
        // Where the error is on screen now; scroll only if it is not wholly in view.
        let top = error.y - scrolled.y;
        let in_view = top >= view.y && top + error.height <= view.y + view.height;
        operation::Outcome::Some((!in_view).then(|| (error.y - content.y - ABOVE_ERROR).max(0.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iced::widget::scrollable::{AbsoluteOffset, RelativeOffset};

    struct Unused;

    impl operation::Scrollable for Unused {
        fn snap_to(&mut self, _: RelativeOffset<Option<f32>>) {}
        fn scroll_to(&mut self, _: AbsoluteOffset<Option<f32>>) {}
        fn scroll_by(&mut self, _: AbsoluteOffset, _: Rectangle, _: Rectangle) {}
    }

    /// A form 2,000 px long in a 600 px view scrolled by `scrolled`, with errors at 1,500 and
    /// 900 px and a text equal to no error at 100 px.
    fn offset(scrolled: f32) -> Option<f32> {
        let mut find = FirstError {
            messages: vec![String::from("Required"), String::from("No such date")],
            scroll: None,
            first: None,
        };
        let rect = |y: f32, height: f32| Rectangle {
            x: 0.0,
            y,
            width: 800.0,
            height,
        };
        find.scrollable(
            Some(&Id::new(FORM_SCROLL)),
            rect(100.0, 600.0),
            rect(100.0, 2000.0),
            Vector::new(0.0, scrolled),
            &mut Unused,
        );
        find.text(None, rect(200.0, 16.0), "Name");
        find.text(None, rect(1500.0, 16.0), "Required");
        find.text(None, rect(900.0, 16.0), "No such date");
        match find.finish() {
            operation::Outcome::Some(offset) => offset,
            _ => None,
        }
    }

    #[test]
    fn scrolls_to_the_topmost_error_when_it_is_out_of_view() {
        // At the top: the error at 900 px is below the view (100–700): scroll to just above it.
        assert_eq!(offset(0.0), Some(900.0 - 100.0 - ABOVE_ERROR));
        // Scrolled to 500: it shows at 400, in view: nothing moves.
        assert_eq!(offset(500.0), None);
    }
}
