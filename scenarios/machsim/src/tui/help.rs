//! The help overlay: every key, from the table in `keys.rs`, over the middle of the
//! screen.

use super::app::App;
use super::keys::HELP;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

/// The overlay's lines.
pub(super) fn lines(app: &App<'_>) -> Vec<Line<'static>> {
    let keys_w = HELP
        .iter()
        .flat_map(|(_, keys)| keys.iter().map(|(k, _)| k.chars().count()))
        .max()
        .unwrap_or(0);
    let mut lines = Vec::new();
    for (i, (section, keys)) in HELP.iter().enumerate() {
        if i > 0 {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(section.to_string(), app.theme.bold()));
        for (key, what) in keys.iter() {
            lines.push(Line::raw(format!("  {key:keys_w$}  {what}")));
        }
    }
    lines
}

/// Draws the overlay centred in `area`, as large as its text or the screen allows
/// (on a short screen, without the blank lines between sections).
pub(super) fn draw(app: &App<'_>, frame: &mut Frame<'_>, area: Rect) {
    let mut lines = lines(app);
    if lines.len() + 2 > usize::from(area.height) {
        // A short screen: the sections without the blank lines between them.
        lines.retain(|line| line.width() > 0);
    }
    let text_w = lines.iter().map(Line::width).max().unwrap_or(0) as u16;
    let width = (text_w + 4).min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .border_style(app.theme.focused_border())
        .title(" Keys (? Esc q close) ");
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(block.padding(ratatui::widgets::Padding::horizontal(1))),
        popup,
    );
}
