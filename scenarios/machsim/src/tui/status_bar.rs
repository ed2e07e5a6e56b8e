//! The two bottom lines: the status bar (position, virtual time, scenario, seed,
//! schedule, the last search) and under it the prompt being typed, the feedback of
//! the last key, or a reminder of the main keys.

use super::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use views::stepper::time;

/// The status bar's text.
pub(super) fn status_text(app: &App<'_>) -> String {
    let header = app.stepper.header();
    let mut parts = vec![
        format!("event {}/{}", app.position(), app.stepper.last_seq()),
        time(app.state().t_ns()),
        header.scenario.to_string(),
        format!("seed {}", header.seed),
        header.schedule.to_string(),
    ];
    if let Some(search) = app.search() {
        let found = match search.hit {
            Some(k) => format!("event {k}"),
            None => "no match".to_string(),
        };
        parts.push(format!("/{} ({found})", search.query));
    }
    let problems = app.state().inconsistency_count();
    if problems > 0 {
        parts.push(format!("{problems} inconsistencies"));
    }
    parts.push("? help".to_string());
    format!(" {}", parts.join(" | "))
}

/// Draws the two lines in `area` (two rows high).
pub(super) fn draw(app: &App<'_>, frame: &mut Frame<'_>, area: Rect) {
    let theme = app.theme;
    let status = status_text(app);
    let width = area.width as usize;
    let padded = format!("{status:width$}");
    let second = if let Some(prompt) = app.prompt() {
        Line::from(vec![
            Span::styled(format!(" {}", prompt.kind.label()), theme.bold()),
            Span::raw(format!("{}_", prompt.text)),
            Span::styled("   Enter runs, Esc cancels", theme.dim()),
        ])
    } else if let Some(note) = app.note() {
        let style = if note.error {
            theme.bad()
        } else {
            theme.plain()
        };
        Line::styled(format!(" {}", note.text), style)
    } else {
        Line::styled(
            " → ← step  Tab focus  ↑ ↓ select  t o m follow  g event  : time  / search  f F again  ? help  q quit",
            theme.dim(),
        )
    };
    let lines = vec![Line::styled(padded, theme.current()), second];
    frame.render_widget(Paragraph::new(lines), area);
}
