//! The task pane: each task's state (ready, blocked on what, sleeping until when,
//! ended how), its steps and its time blocked so far, the selected task marked.

use super::app::{App, Focus};
use super::draw::{fit, pane_block};
use super::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use views::stepper::time;

/// Draws the pane in `area`, scrolled so that the selected task shows.
pub(super) fn draw(app: &App<'_>, frame: &mut Frame<'_>, area: Rect) {
    let theme = app.theme;
    let state = app.state();
    let tasks: Vec<_> = state.tasks().collect();
    let ended = tasks.iter().filter(|t| t.status.is_ended()).count();
    let title = if ended > 0 {
        format!("Tasks: {} ({ended} ended)", tasks.len())
    } else {
        format!("Tasks: {}", tasks.len())
    };
    let block = pane_block(app, &title, Focus::Tasks);
    let inner = block.inner(area);
    let now = state.t_ns();

    let rows: Vec<(String, String, String, String)> = tasks
        .iter()
        .map(|t| {
            (
                t.name.to_string(),
                text::task_state_short(t, state),
                t.steps.to_string(),
                time(t.blocked_ns_at(now)),
            )
        })
        .collect();
    let name_w = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let steps_w = rows.iter().map(|r| r.2.len()).max().unwrap_or(0).max(5);
    let blocked_w = rows.iter().map(|r| r.3.len()).max().unwrap_or(0).max(7);
    let fixed = 2 + name_w + 2 + 1 + steps_w + 1 + blocked_w;
    let widest = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    let state_w = widest
        .min((inner.width as usize).saturating_sub(fixed))
        .max(10);

    let mut lines = vec![Line::styled(
        format!(
            "  {:name_w$}  {:state_w$} {:>steps_w$} {:>blocked_w$}",
            "task", "state", "steps", "blocked"
        ),
        theme.dim(),
    )];
    let mut selected_row = None;
    for (task, (name, status, steps, blocked)) in tasks.iter().zip(&rows) {
        let selected = app.selected_task.as_deref() == Some(&**name);
        if selected {
            selected_row = Some(lines.len());
        }
        let marker = if selected { "› " } else { "  " };
        let status = fit(status, state_w);
        let line = if selected {
            let style = if app.focus == Focus::Tasks {
                theme.current()
            } else {
                theme.selected()
            };
            Line::styled(
                format!(
                    "{marker}{name:name_w$}  {status:state_w$} {steps:>steps_w$} {blocked:>blocked_w$}"
                ),
                style,
            )
        } else {
            Line::from(vec![
                Span::raw(format!("{marker}{name:name_w$}  ")),
                Span::styled(format!("{status:state_w$}"), theme.status(&task.status)),
                Span::raw(format!(" {steps:>steps_w$} ")),
                Span::styled(format!("{blocked:>blocked_w$}"), theme.dim()),
            ])
        };
        lines.push(line);
    }
    if tasks.is_empty() {
        lines.push(Line::styled("  no task yet", theme.dim()));
    }
    let height = inner.height as usize;
    let offset = match selected_row {
        Some(row) if row >= height => row + 1 - height,
        _ => 0,
    };
    let shown: Vec<Line<'_>> = if offset > 0 {
        // Keep the header; scroll the rows under it.
        let mut shown = vec![lines[0].clone()];
        shown.extend(
            lines
                .into_iter()
                .skip(offset + 1)
                .take(height.saturating_sub(1)),
        );
        shown
    } else {
        lines
    };
    frame.render_widget(Paragraph::new(shown).block(block), area);
}
