//! The styles of the screen, with colour or without.
//!
//! Without colour (`NO_COLOR`, `--color never`) the screen uses only bold, dim and
//! reverse video, and every distinction colour makes is also in the text (a `>`
//! before the current event, `dead` before a dead port, a double border round the
//! focused pane), so a monochrome terminal or a text screenshot loses nothing.

use ratatui::style::{Color, Modifier, Style};
use views::stepper::TaskStatus;

/// The styles, with or without colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Theme {
    color: bool,
}

impl Theme {
    pub(super) fn new(color: bool) -> Theme {
        Theme { color }
    }

    fn paint(self, style: Style, color: Color) -> Style {
        if self.color { style.fg(color) } else { style }
    }

    /// Plain text.
    pub(super) fn plain(self) -> Style {
        Style::new()
    }

    /// Headings and the focused pane's title.
    pub(super) fn bold(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Secondary text: times, the kernel as a cause, dead ports.
    pub(super) fn dim(self) -> Style {
        self.paint(Style::new().add_modifier(Modifier::DIM), Color::DarkGray)
    }

    /// The current event, the selected task or port.
    pub(super) fn current(self) -> Style {
        let style = Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        if self.color {
            Style::new()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            style
        }
    }

    /// A selection in a pane without focus.
    pub(super) fn selected(self) -> Style {
        if self.color {
            Style::new().bg(Color::DarkGray).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }

    /// Something waiting: blocked tasks, blocked senders.
    pub(super) fn warn(self) -> Style {
        self.paint(Style::new(), Color::Yellow)
    }

    /// Something that went wrong: a crash, a failure, an inconsistency.
    pub(super) fn bad(self) -> Style {
        self.paint(Style::new(), Color::Red)
    }

    /// Something fine: a ready task.
    pub(super) fn good(self) -> Style {
        self.paint(Style::new(), Color::Green)
    }

    /// Names of ports and messages.
    pub(super) fn accent(self) -> Style {
        self.paint(Style::new(), Color::Cyan)
    }

    /// The border of the focused pane.
    pub(super) fn focused_border(self) -> Style {
        self.paint(Style::new().add_modifier(Modifier::BOLD), Color::Cyan)
    }

    /// A task's state, coloured by what it is doing.
    pub(super) fn status(self, status: &TaskStatus) -> Style {
        match status {
            TaskStatus::Ready => self.good(),
            TaskStatus::BlockedSend { .. }
            | TaskStatus::BlockedReceive { .. }
            | TaskStatus::BlockedService { .. } => self.warn(),
            TaskStatus::Exited { code: 0 } | TaskStatus::NotStarted => self.dim(),
            TaskStatus::Sleeping { .. } => self.plain(),
            TaskStatus::Exited { .. } | TaskStatus::Crashed { .. } | TaskStatus::Killed => {
                self.bad()
            }
        }
    }
}
