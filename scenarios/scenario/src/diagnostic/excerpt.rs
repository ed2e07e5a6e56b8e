//! The part of a file a diagnostic quotes: the lines around its span, each line cut to
//! the neighbourhood of the span when it is very long.
//!
//! A diagnostic must stay small and printable whatever the file: a scenario that is one
//! line of sixteen megabytes, or a value after sixteen thousand tabs, would otherwise be
//! echoed whole, and miette cannot draw a marker past column 65,535 at all (it pads with
//! a formatting width, which is limited to 16 bits, and panics beyond it). So the
//! renderer never hands miette the file: it hands it an [`Excerpt`], the few lines
//! miette shows, with every line wider than [`MAX_LINE_WIDTH`] columns cut to a window
//! of [`WINDOW`] columns around the span and `…` where text was left out. Lines of an
//! ordinary file are never cut, so their rendering is exactly miette's.

use std::ops::Range;

/// The widest line (in columns, a tab counting [`TAB_WIDTH`]) quoted whole.
pub(super) const MAX_LINE_WIDTH: usize = 240;

/// The columns of a cut line that are kept.
pub(super) const WINDOW: usize = 120;

/// Of [`WINDOW`], the columns kept before the span's start on the span's line.
const LEAD: usize = 40;

/// The most lines of a span quoted; a span over more lines is quoted on its first line.
const MAX_SPAN_LINES: usize = 8;

/// A tab's width, as miette draws it (to the next multiple of 4; counted as 4 here).
const TAB_WIDTH: usize = 4;

/// Lines quoted beyond the span on each side: one more than miette's context line, so
/// that miette picks from the excerpt exactly the lines it would pick from the file.
const MARGIN_LINES: usize = 2;

/// What marks text left out of a cut line.
const ELLIPSIS: &str = "…";

/// The lines a diagnostic quotes, cut where they are too long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Excerpt {
    /// The quoted lines, as the renderer shows them.
    pub(super) text: String,
    /// The 0-based line of the file that `text` starts at.
    pub(super) first_line: usize,
    /// The span, as an offset range into `text`.
    pub(super) span: Range<usize>,
}

impl Excerpt {
    /// The excerpt of `text` around `span`, whose start is on the 0-based line
    /// `span_line`. `span` must lie within `text` on character boundaries.
    pub(super) fn new(text: &str, span: Range<usize>, span_line: usize) -> Self {
        let span = shorten_span(text, span);
        // The excerpt's whole lines: MARGIN_LINES before the span's first, and after
        // its last.
        let mut start = line_start(text, span.start);
        let mut first_line = span_line;
        for _ in 0..MARGIN_LINES {
            if start == 0 {
                break;
            }
            start = line_start(text, start - 1);
            first_line = first_line.saturating_sub(1);
        }
        let mut end = line_end(text, span.end);
        for _ in 0..MARGIN_LINES {
            if end == text.len() {
                break;
            }
            end = line_end(text, end + 1);
        }
        let mut excerpt = Excerpt {
            text: String::with_capacity((end - start).min(MARGIN_LINES * 2 * WINDOW)),
            first_line,
            span: 0..0,
        };
        let mut offset = start;
        for line in text[start..end].split('\n') {
            let line_span = offset..offset + line.len();
            if offset > start {
                excerpt.text.push('\n');
            }
            excerpt.push_line(line, line_span, &span);
            offset += line.len() + 1;
        }
        excerpt
    }

    /// Appends one line of the file (at `line_span` in it), cut if it is too wide, and
    /// maps the span's ends that fall on it.
    fn push_line(&mut self, line: &str, line_span: Range<usize>, span: &Range<usize>) {
        let holds = |offset: usize| line_span.contains(&offset) || offset == line_span.end;
        let (kept, cut_before, cut_after) = if width(line) <= MAX_LINE_WIDTH {
            (0..line.len(), false, false)
        } else {
            // The window starts LEAD columns before the span's start when the span
            // starts on this line, else at the line's start.
            let anchor = if holds(span.start) {
                span.start - line_span.start
            } else {
                0
            };
            let from = back_by_width(line, anchor, LEAD);
            let to = forward_by_width(line, from, WINDOW);
            (from..to, from > 0, to < line.len())
        };
        if cut_before {
            self.text.push_str(ELLIPSIS);
        }
        let shift = self.text.len();
        self.text.push_str(&line[kept.clone()]);
        // An end outside the kept window is moved to the window's edge.
        let map = |offset: usize| {
            let within = (offset - line_span.start).clamp(kept.start, kept.end);
            shift + within - kept.start
        };
        // Only one line holds the span's start, and none after it precedes its end.
        if holds(span.start) {
            self.span.start = map(span.start);
        }
        if holds(span.end) {
            self.span.end = map(span.end).max(self.span.start);
        }
        if cut_after {
            self.text.push_str(ELLIPSIS);
        }
    }
}

/// A span over more than [`MAX_SPAN_LINES`] lines, ended at the end of its first line.
fn shorten_span(text: &str, span: Range<usize>) -> Range<usize> {
    let lines = text[span.clone()].bytes().filter(|b| *b == b'\n').count();
    if lines < MAX_SPAN_LINES {
        span
    } else {
        span.start..line_end(text, span.start)
    }
}

/// The offset where the line holding `offset` starts.
fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |newline| newline + 1)
}

/// The offset of the newline ending the line that holds `offset`, or the text's end.
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |newline| offset + newline)
}

/// The columns a character takes.
fn char_width(c: char) -> usize {
    if c == '\t' { TAB_WIDTH } else { 1 }
}

/// The columns a line takes.
fn width(line: &str) -> usize {
    // A line this long in bytes is too wide whatever its characters.
    if line.len() > MAX_LINE_WIDTH * TAB_WIDTH {
        return usize::MAX;
    }
    line.chars().map(char_width).sum()
}

/// The offset `columns` columns before `offset` in `line` (or its start).
fn back_by_width(line: &str, offset: usize, columns: usize) -> usize {
    let mut taken = 0;
    let mut from = offset;
    for (at, c) in line[..offset].char_indices().rev() {
        taken += char_width(c);
        if taken > columns {
            break;
        }
        from = at;
    }
    from
}

/// The offset `columns` columns after `offset` in `line` (or its end).
fn forward_by_width(line: &str, offset: usize, columns: usize) -> usize {
    let mut taken = 0;
    for (at, c) in line[offset..].char_indices() {
        taken += char_width(c);
        if taken > columns {
            return offset + at;
        }
    }
    line.len()
}

#[cfg(test)]
mod tests {
    use super::{ELLIPSIS, Excerpt, MAX_LINE_WIDTH, WINDOW};

    #[test]
    fn short_lines_are_quoted_whole_with_two_lines_each_side() {
        let text = "a\nb\nc\nd = 1\ne\nf\ng\n";
        let start = text.find("d =").expect("present");
        let excerpt = Excerpt::new(text, start + 4..start + 5, 3);
        assert_eq!(excerpt.text, "b\nc\nd = 1\ne\nf");
        assert_eq!(excerpt.first_line, 1);
        assert_eq!(&excerpt.text[excerpt.span.clone()], "1");
    }

    #[test]
    fn a_long_line_is_cut_around_the_span_with_ellipses() {
        let line = format!("x = \"{}\" y = bad {}", "a".repeat(70_000), "b".repeat(500));
        let text = format!("[scenario]\n{line}\nnext = 1\n");
        let start = text.find("bad").expect("present");
        let excerpt = Excerpt::new(&text, start..start + 3, 1);
        assert_eq!(&excerpt.text[excerpt.span.clone()], "bad");
        let cut = excerpt.text.lines().nth(1).expect("the span's line");
        assert!(
            cut.starts_with(ELLIPSIS) && cut.ends_with(ELLIPSIS),
            "{cut}"
        );
        assert!(cut.chars().count() <= WINDOW + 2, "{cut}");
        assert!(excerpt.text.len() < 2 * MAX_LINE_WIDTH, "{}", excerpt.text);
    }

    #[test]
    fn a_span_after_many_tabs_keeps_few_of_them() {
        let text = format!("[scenario]\n{}seed = \"x\"\n", "\t".repeat(16_400));
        let start = text.find('"').expect("present");
        let excerpt = Excerpt::new(&text, start..start + 3, 1);
        assert_eq!(&excerpt.text[excerpt.span.clone()], "\"x\"");
        assert!(excerpt.text.len() < 200, "{:?}", excerpt.text);
    }

    #[test]
    fn a_span_reaching_past_the_window_ends_at_its_edge() {
        let text = format!("k = \"{}\"\n", "z".repeat(10_000));
        let excerpt = Excerpt::new(&text, 4..text.len() - 1, 0);
        assert!(excerpt.span.end <= excerpt.text.len());
        assert!(excerpt.text[excerpt.span.clone()].starts_with("\"zzz"));
        assert!(excerpt.text.trim_end().ends_with(ELLIPSIS));
    }

    #[test]
    fn a_span_over_many_lines_is_quoted_on_its_first() {
        let text = format!("steps = [\n{}]\n", "  1,\n".repeat(1000));
        let excerpt = Excerpt::new(&text, 8..text.len() - 1, 0);
        assert_eq!(&excerpt.text[excerpt.span.clone()], "[");
        assert!(excerpt.text.lines().count() <= 3, "{}", excerpt.text);
    }

    #[test]
    fn an_empty_text_and_a_span_at_the_end_are_quoted() {
        assert_eq!(Excerpt::new("", 0..0, 0).text, "");
        let excerpt = Excerpt::new("a\nb", 3..3, 1);
        assert_eq!(excerpt.text, "a\nb");
        assert_eq!(excerpt.span, 3..3);
    }
}
