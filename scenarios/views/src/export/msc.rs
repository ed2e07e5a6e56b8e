//! The MSC exporter: an ASCII message sequence chart for the terminal.
//!
//! A column per task (and `kernel` when it sends notifications), its name as the
//! header (wrapped when longer than the column), time running down the left edge.
//! Each row is one message or one note; the text beside the chart says what it is.
//!
//! ```text
//!     time       server         client         kernel
//!                  |              |              |
//! 0.000 ms         *              |              |         server: waits on requests
//!                  :<--m2 id 1----|              |         received on requests
//!                  *              |              |         server: sleeps until 10.000 ms
//!                  :              *              |         client: waits on reply
//! 5.000 ms         *              :              |         server: is killed
//!                                 :<~~m3 id 71~~~|         send_once notification about reply
//! ```
//!
//! Lifelines: `|` runnable, `:` blocked or asleep, blank before the task starts and
//! after it ends; `*` marks the task a note is about. Arrows: `---->` received,
//! `~~~~>` a kernel notification, `----X` destroyed unread, `....>` still in the
//! kernel when the run stopped; `<-+` beside a lifeline is a message handed back to
//! its sender, `--X` one destroyed with no task holding its port. An arrow's tag
//! (`m3 id 1`) is written on it when it fits, else at the start of its text.
//!
//! Every line is pure ASCII (other characters become `?`) and no wider than
//! [`Layout::width`]: columns shrink as tasks are added (between [`MIN_COLUMN`] and
//! [`MAX_COLUMN`]), and long texts wrap onto lines of their own.

use super::{Life, Step, Story, Who, ascii, story};
use crate::words::messages::End;
use crate::words::time;
use trace::Trace;

/// The trace as an ASCII message sequence chart.
pub fn to_msc(trace: &Trace) -> String {
    let story = story(trace);
    let layout = Layout::new(&story);
    render(&story, &layout)
}

/// The narrowest column: room for a self-arrow (`<-+`) and a gap before the next.
pub(crate) const MIN_COLUMN: usize = 8;
/// The width a column gets when there is room: a tag such as `m12 id 345` fits on
/// an arrow between neighbours.
const ROOMY_COLUMN: usize = 15;
/// The widest column.
pub(crate) const MAX_COLUMN: usize = 18;
/// The lifelines should fit in about this many characters before columns stop
/// shrinking (they never go below [`MIN_COLUMN`]).
const LANES_BUDGET: usize = 96;
/// The chart aims to fit this many characters, giving the text beside it what the
/// time and the lifelines leave, but never less than [`MIN_TEXT`].
const TARGET_WIDTH: usize = 110;
/// The narrowest the text beside the chart gets; longer texts wrap.
const MIN_TEXT: usize = 40;

/// Column sizes for one chart.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    /// Column headers (task names, ASCII).
    names: Vec<String>,
    /// Width of the time field.
    time_width: usize,
    /// Width of each column.
    column: usize,
    /// Width of the text beside the chart.
    text: usize,
}

impl Layout {
    pub(crate) fn new(story: &Story) -> Layout {
        let mut names: Vec<String> = story.tasks.iter().map(|n| ascii(n)).collect();
        if story.kernel {
            names.push("kernel".into());
        }
        let longest = names.iter().map(String::len).max().unwrap_or(0);
        let fair_share = LANES_BUDGET / names.len().max(1);
        // As wide as the longest name (within bounds), then narrower for many tasks.
        let column = (longest + 2)
            .clamp(ROOMY_COLUMN, MAX_COLUMN)
            .min(fair_share)
            .max(MIN_COLUMN);
        let time_width = story
            .steps
            .iter()
            .map(|s| time(s.t_ns()).len())
            .chain(["time".len()])
            .max()
            .unwrap_or(4);
        let used = time_width + 2 + names.len() * column + 2;
        Layout {
            names,
            time_width,
            column,
            text: TARGET_WIDTH.saturating_sub(used).max(MIN_TEXT),
        }
    }

    /// The width of each column.
    #[cfg(test)]
    pub(crate) fn column(&self) -> usize {
        self.column
    }

    /// The widest a line of the chart can be.
    pub(crate) fn width(&self) -> usize {
        self.time_width + 2 + self.lanes() + 2 + self.text
    }

    fn lanes(&self) -> usize {
        self.names.len() * self.column
    }

    /// The position of column `i`'s lifeline within the lanes.
    fn center(&self, i: usize) -> usize {
        i * self.column + self.column / 2
    }
}

/// One line being drawn: time field, lanes, text.
struct Line {
    lanes: Vec<u8>,
}

impl Line {
    fn new(layout: &Layout, lives: &[Life]) -> Line {
        let mut lanes = vec![b' '; layout.lanes()];
        for (i, life) in lives.iter().enumerate() {
            lanes[layout.center(i)] = glyph(*life);
        }
        Line { lanes }
    }

    fn put(&mut self, at: usize, c: u8) {
        if let Some(slot) = self.lanes.get_mut(at) {
            *slot = c;
        }
    }
}

fn glyph(life: Life) -> u8 {
    match life {
        Life::NotStarted | Life::Ended => b' ',
        Life::Running => b'|',
        Life::Waiting => b':',
    }
}

/// Splits `text` into lines of at most `width` characters, at spaces when it can.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word = word.to_string();
        while word.len() > width {
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            let rest = word.split_off(width);
            lines.push(word);
            word = rest;
        }
        if current.is_empty() {
            current = word;
        } else if current.len() + 1 + word.len() <= width {
            current.push(' ');
            current.push_str(&word);
        } else {
            lines.push(std::mem::replace(&mut current, word));
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

struct Chart<'a> {
    layout: &'a Layout,
    out: String,
    lives: Vec<Life>,
    shown_ns: Option<u64>,
}

impl Chart<'_> {
    /// Writes `line` with `time` on the left and `text` (wrapped) on the right.
    fn emit(&mut self, time_text: &str, line: Line, text: &str) {
        let texts = wrap(&ascii(text), self.layout.text);
        let mut first = true;
        for piece in texts {
            let lanes = if first {
                String::from_utf8_lossy(&line.lanes).into_owned()
            } else {
                let blank = Line::new(self.layout, &self.lives);
                String::from_utf8_lossy(&blank.lanes).into_owned()
            };
            let time_field = if first { time_text } else { "" };
            let full = format!(
                "{time_field:>tw$}  {lanes}  {piece}",
                tw = self.layout.time_width
            );
            let full = full.trim_end();
            debug_assert!(full.len() <= self.layout.width(), "{full:?} is too wide");
            self.out.push_str(full);
            self.out.push('\n');
            first = false;
        }
    }

    /// The time to print on the next row: only when it moved on.
    fn time_for(&mut self, t_ns: u64) -> String {
        if self.shown_ns == Some(t_ns) {
            String::new()
        } else {
            self.shown_ns = Some(t_ns);
            time(t_ns)
        }
    }
}

fn render(story: &Story, layout: &Layout) -> String {
    let participants = layout.names.len();
    let mut chart = Chart {
        layout,
        out: String::new(),
        lives: vec![Life::NotStarted; participants],
        shown_ns: None,
    };
    if story.kernel {
        chart.lives[participants - 1] = Life::Running;
    }
    let kernel = participants.saturating_sub(1);
    let title = format!("machsim message sequence chart: {}", story.title);
    for line in wrap(&ascii(&title), layout.width()) {
        chart.out.push_str(&line);
        chart.out.push('\n');
    }
    chart.out.push('\n');

    // Headers: each name wrapped to its column, centred on its lifeline.
    let label_width = layout.column - 1;
    let wrapped: Vec<Vec<String>> = layout
        .names
        .iter()
        .map(|name| {
            name.as_bytes()
                .chunks(label_width)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect()
        })
        .collect();
    let rows = wrapped.iter().map(Vec::len).max().unwrap_or(0);
    for row in 0..rows {
        let mut lanes = vec![b' '; layout.lanes()];
        for (i, pieces) in wrapped.iter().enumerate() {
            if let Some(piece) = pieces.get(row) {
                let start = (layout.center(i) + 1).saturating_sub(piece.len().div_ceil(2));
                let start = start.max(i * layout.column);
                for (k, b) in piece.bytes().enumerate() {
                    if let Some(slot) = lanes.get_mut(start + k) {
                        *slot = b;
                    }
                }
            }
        }
        let time_field = if row == 0 { "time" } else { "" };
        let full = format!(
            "{time_field:>tw$}  {}",
            String::from_utf8_lossy(&lanes),
            tw = layout.time_width
        );
        chart.out.push_str(full.trim_end());
        chart.out.push('\n');
    }
    // A row of every lifeline as it stands at the start, for the eye.
    let mut opening = Line::new(layout, &chart.lives);
    for i in 0..participants {
        opening.put(layout.center(i), b'|');
    }
    chart.emit("", opening, "");

    for step in &story.steps {
        match step {
            Step::Life { task, life, .. } => chart.lives[*task] = *life,
            Step::Note { t_ns, task, text } => {
                let mut line = Line::new(layout, &chart.lives);
                let text = match task {
                    Some(i) => {
                        line.put(layout.center(*i), b'*');
                        format!("{}: {text}", layout.names[*i])
                    }
                    None => text.clone(),
                };
                let when = chart.time_for(*t_ns);
                chart.emit(&when, line, &text);
            }
            Step::Arrow(arrow) => {
                let from = match arrow.from {
                    Who::Task(i) => i,
                    Who::Kernel => kernel,
                };
                let mut line = Line::new(layout, &chart.lives);
                let tag = arrow.tag();
                let mut text = arrow.detail();
                match arrow.to.filter(|to| *to != from) {
                    Some(to) => {
                        let fill = match (&arrow.end, arrow.from) {
                            (End::StillQueued | End::StillHeld, _) => b'.',
                            (_, Who::Kernel) => b'~',
                            _ => b'-',
                        };
                        let head = match arrow.end {
                            End::Destroyed(_) => b'X',
                            _ if to > from => b'>',
                            _ => b'<',
                        };
                        let (a, b) = (layout.center(from), layout.center(to));
                        let (lo, hi) = (a.min(b), a.max(b));
                        for at in lo + 1..hi {
                            line.put(at, fill);
                        }
                        line.put(if to > from { hi - 1 } else { lo + 1 }, head);
                        for end in [a, b] {
                            if line.lanes[end] == b' ' {
                                line.put(end, b'+');
                            }
                        }
                        // The tag on the shaft, with at least two shaft characters on
                        // either side of it.
                        let shaft = hi - lo - 1;
                        if tag.len() + 4 <= shaft {
                            let start = lo + 1 + (shaft - tag.len()) / 2;
                            for (k, c) in tag.bytes().enumerate() {
                                line.put(start + k, c);
                            }
                        } else {
                            text = format!("{tag} {text}");
                        }
                    }
                    None => {
                        let at = layout.center(from);
                        let mark: &[u8] = match arrow.end {
                            End::HandedBack => b"<-+",
                            End::Destroyed(_) => b"--X",
                            End::StillQueued | End::StillHeld => b"..>",
                            End::Received => b"<-+",
                        };
                        for (k, c) in mark.iter().enumerate() {
                            line.put(at + 1 + k, *c);
                        }
                        if line.lanes[at] == b' ' {
                            line.put(at, b'+');
                        }
                        text = format!("{tag} {text}");
                    }
                }
                let when = chart.time_for(arrow.t_ns);
                chart.emit(&when, line, &text);
            }
        }
    }
    chart.out
}
