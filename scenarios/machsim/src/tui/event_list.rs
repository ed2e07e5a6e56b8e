//! The event list: a window of the trace round the current event, one line per
//! event (number, virtual time, cause, what happened), the current one marked `>`
//! and highlighted. Row 0 is the start, before the first event.

use super::app::{App, Focus};
use super::draw::{fit, pane_block};
use super::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use views::stepper::time;

/// The widest task name the cause column makes room for.
const TASK_COLUMN: usize = 12;

/// The first row shown when `rows` rows (0..=last) are shown round `current`: the
/// current one in the middle, unless near an end.
pub(super) fn first_row(current: u64, last: u64, height: u64) -> u64 {
    let first = current.saturating_sub(height / 2);
    first.min((last + 1).saturating_sub(height))
}

/// Draws the list in `area`; remembers its height as the size of a page.
pub(super) fn draw(app: &App<'_>, frame: &mut Frame<'_>, area: Rect) {
    let theme = app.theme;
    let stepper = app.stepper;
    let last = stepper.last_seq();
    let current = app.position();
    let title = format!("Events: {current} of {last}");
    let block = pane_block(app, &title, Focus::Events);
    let inner = block.inner(area);
    let height = u64::from(inner.height);
    app.page.set(inner.height.saturating_sub(1).max(1));

    let seq_w = last.to_string().len();
    let time_w = stepper
        .records()
        .last()
        .map_or(0, |r| time(r.t_ns).len())
        .max(5);
    let task_w = stepper
        .task_names()
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(6, TASK_COLUMN);

    let width = inner.width as usize;
    let first = first_row(current, last, height);
    let mut lines = Vec::with_capacity(inner.height as usize);
    for k in first..(first + height).min(last + 1) {
        let is_current = k == current;
        let marker = if is_current { "> " } else { "  " };
        let line = match stepper.record(k) {
            None => Line::from(pad(
                format!(
                    "{marker}{:>seq_w$}  {:>time_w$}  {:task_w$}  (start: before the first event)",
                    0, "", ""
                ),
                width,
                is_current,
            )),
            Some(record) => {
                let (cause, cause_style) = match &record.task {
                    Some(task) => (fit(task, task_w), theme.plain()),
                    None => ("kernel".to_string(), theme.dim()),
                };
                let what = text::what(record);
                if is_current {
                    Line::from(pad(
                        format!(
                            "{marker}{k:>seq_w$}  {:>time_w$}  {cause:task_w$}  {what}",
                            time(record.t_ns)
                        ),
                        width,
                        true,
                    ))
                } else {
                    Line::from(vec![
                        Span::raw(format!("{marker}{k:>seq_w$}  ")),
                        Span::styled(format!("{:>time_w$}", time(record.t_ns)), theme.dim()),
                        Span::raw("  "),
                        Span::styled(format!("{cause:task_w$}"), cause_style),
                        Span::raw(format!("  {what}")),
                    ])
                }
            }
        };
        let line = if is_current {
            line.style(theme.current())
        } else {
            line
        };
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The current row filled to the pane's width, so its highlight spans the pane.
fn pad(line: String, width: usize, current: bool) -> String {
    let len = line.chars().count();
    if current && len < width {
        format!("{line}{}", " ".repeat(width - len))
    } else {
        line
    }
}
