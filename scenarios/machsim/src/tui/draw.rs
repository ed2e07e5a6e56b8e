//! The layout of the screen and what the panes share.
//!
//! ```text
//! ┌ Events ───────────────────────────────────────────┐
//! │ one line per event, the current one in the middle │
//! └───────────────────────────────────────────────────┘
//! ┌ Tasks ──────────────────┐┌ Detail ────────────────┐
//! └─────────────────────────┘│ the event, its message,│
//! ┌ Ports ──────────────────┐│ the selected task and  │
//! └─────────────────────────┘└ port ──────────────────┘
//!  status bar
//!  prompt, feedback or a reminder of the keys
//! ```
//!
//! Every size is a share of the screen, so a resize only redraws; below 40×12 the
//! screen asks for a larger terminal instead.

use super::app::{App, Focus};
use super::{detail, event_list, help, port_pane, status_bar, task_pane};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Paragraph};

/// The smallest screen the stepper draws on.
const MIN_WIDTH: u16 = 40;
const MIN_HEIGHT: u16 = 12;

/// A pane's block: its title, and a double border when it has focus.
pub(super) fn pane_block(app: &App<'_>, title: &str, pane: Focus) -> Block<'static> {
    let theme = app.theme;
    let block = Block::bordered().title(format!(" {title} "));
    if app.focus == pane {
        block
            .border_type(BorderType::Double)
            .border_style(theme.focused_border())
            .title_style(theme.bold())
    } else {
        block.border_style(theme.dim())
    }
}

/// `text` cut to `width` characters, ending in `…` when cut.
pub(super) fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// The areas of the panes on a screen of `area`.
pub(super) struct Areas {
    pub(super) events: Rect,
    pub(super) tasks: Rect,
    pub(super) ports: Rect,
    pub(super) detail: Rect,
    pub(super) status: Rect,
}

/// The areas of the panes on a screen of `area`, for a trace of `tasks` tasks: the
/// task pane is as high as the trace's tasks need (up to half its column), so it
/// keeps its size while stepping.
pub(super) fn areas(area: Rect, tasks: usize) -> Areas {
    let [body, status] = Layout::vertical([Constraint::Fill(1), Constraint::Length(2)]).areas(area);
    let [events, lower] =
        Layout::vertical([Constraint::Percentage(40), Constraint::Fill(1)]).areas(body);
    let [left, detail] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Fill(1)]).areas(lower);
    // Borders, the header row, and the tasks.
    let wanted = u16::try_from(tasks + 3).unwrap_or(u16::MAX);
    let tasks_h = wanted.clamp(4, (left.height / 2).max(4));
    let [tasks, ports] =
        Layout::vertical([Constraint::Length(tasks_h), Constraint::Fill(1)]).areas(left);
    Areas {
        events,
        tasks,
        ports,
        detail,
        status,
    }
}

/// Paints the whole screen.
pub(super) fn draw(app: &App<'_>, frame: &mut Frame<'_>) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = format!(
            "machsim step needs at least {MIN_WIDTH}×{MIN_HEIGHT}; this terminal is {}×{}. q quits.",
            area.width, area.height
        );
        frame.render_widget(
            Paragraph::new(Line::raw(text)).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let areas = areas(area, app.stepper.task_names().len());
    event_list::draw(app, frame, areas.events);
    task_pane::draw(app, frame, areas.tasks);
    port_pane::draw(app, frame, areas.ports);
    detail::draw(app, frame, areas.detail);
    status_bar::draw(app, frame, areas.status);
    if app.help_open() {
        help::draw(app, frame, area);
    }
}
