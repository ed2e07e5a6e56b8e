//! The summary `machsim run` prints after the account: the outcome, each task and
//! port, the services, and every expectation with its verdict.

use kernel::Outcome;
use scenario::run::{RunResult, Verdict};
use std::fmt::Write;
use views::stats::Mechanism;
use views::story::{Style, column_width as width, time};

/// A table row's figures, each as its text.
macro_rules! figures {
    ($($figure:expr),* $(,)?) => {
        vec![$($figure.to_string()),*]
    };
}

/// The summary: outcome, tasks, ports, expectations.
///
/// The steps are the trace's ([`views::stats`]): each task's, and their sum after
/// the outcome.
pub fn summary(result: &RunResult, style: Style) -> String {
    let mut out = String::new();
    let outcome = result.report.outcome.as_str();
    let stats = &result.stats;
    let _ = writeln!(
        out,
        "{} {} after {} kernel steps, at {}",
        style.bold("outcome:"),
        outcome,
        stats.steps,
        time(result.report.end_ns)
    );
    if let Outcome::Deadlock(d) = &result.report.outcome {
        for (task, what) in &d.blocked {
            let _ = writeln!(out, "  {task} is blocked {what}");
        }
        if d.cycle.is_empty() {
            let _ = writeln!(
                out,
                "  no wait-for cycle: every blocked task waits on a port nobody else can send to"
            );
        } else {
            let mut cycle = d.cycle.clone();
            cycle.push(d.cycle[0].clone());
            let _ = writeln!(out, "  wait-for cycle: {}", cycle.join(" → "));
        }
    }
    let _ = writeln!(out, "\n{}", style.bold("tasks"));
    let name_width = width(stats.tasks.iter().map(|t| t.name.len()), "task");
    for task in &stats.tasks {
        let _ = writeln!(
            out,
            "  {:name_width$}  {:<28} {:>6} steps  {:>12} blocked",
            task.name,
            task.end,
            task.steps,
            time(task.blocked_ns)
        );
    }
    let _ = writeln!(out, "\n{}", style.bold("ports"));
    if stats.ports.is_empty() {
        let _ = writeln!(out, "  none");
    } else {
        let rows = stats.ports.iter().map(|p| Row {
            label: p.label.clone(),
            figures: figures![p.sent, p.received, p.returned, p.destroyed, p.max_depth],
            names: names(&p.blocked_senders),
        });
        PORTS.write(&mut out, rows);
    }
    services_summary(&mut out, result, style);
    let _ = writeln!(out, "\n{}", style.bold("expectations"));
    for check in &result.checks {
        let line = check
            .line
            .map(|l| format!(" (line {l})"))
            .unwrap_or_default();
        match check.verdict {
            Verdict::Pass => {
                let _ = writeln!(
                    out,
                    "  {} {}{line}: {}",
                    style.ok("✓"),
                    check.what,
                    check.happened
                );
            }
            Verdict::Fail => {
                // Step failures say which task; whole-run checks name theirs already.
                let who = match (&check.task, check.t_ns) {
                    (Some(task), Some(_)) => format!(" in {task}"),
                    _ => String::new(),
                };
                let when = check
                    .t_ns
                    .map(|t| format!(" at {}", time(t)))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {} {}{who}{line}{when}: expected {}, got {}",
                    style.bad("✗"),
                    check.what,
                    check.expected,
                    check.happened
                );
            }
        }
    }
    let failed = result
        .checks
        .iter()
        .filter(|c| c.verdict == Verdict::Fail)
        .count();
    let _ = writeln!(
        out,
        "\n{}",
        if failed == 0 {
            style.ok("every expectation holds")
        } else {
            style.bad(&format!("{failed} expectation(s) failed"))
        }
    );
    out
}

/// Names in order, or `-`.
fn names(list: &[String]) -> String {
    if list.is_empty() {
        "-".to_string()
    } else {
        list.join(", ")
    }
}

/// The summary's services part: memory objects, semaphores, pipes, and, when the
/// run moved data more than one way, the comparison of the ways.
fn services_summary(out: &mut String, result: &RunResult, style: Style) {
    let Some(services) = &result.stats.services else {
        return;
    };
    let _ = writeln!(out, "\n{}", style.bold("services"));
    let mut first = true;
    let mut gap = |out: &mut String| {
        if !std::mem::take(&mut first) {
            let _ = writeln!(out);
        }
    };
    if !services.memory.is_empty() {
        gap(out);
        let rows = services.memory.iter().map(|m| Row {
            label: m.label.clone(),
            figures: figures![
                m.size,
                m.mappings,
                m.reads,
                m.writes,
                m.bytes_read,
                m.bytes_written
            ],
            names: names(&m.tasks),
        });
        MEMORY.write(out, rows);
    }
    if !services.semaphores.is_empty() {
        gap(out);
        let rows = services.semaphores.iter().map(|s| Row {
            label: s.label.clone(),
            figures: figures![s.initial, s.waits, s.blocks, s.timeouts, s.signals, s.last],
            names: names(&s.blocked),
        });
        SEMAPHORES.write(out, rows);
    }
    if !services.pipes.is_empty() {
        gap(out);
        let rows = services.pipes.iter().map(|p| {
            let blocked: Vec<String> = p
                .blocked
                .iter()
                .map(|(task, op)| format!("{task} ({op})"))
                .collect();
            Row {
                label: p.label.clone(),
                figures: figures![p.capacity, p.written, p.read, p.max_depth],
                names: names(&blocked),
            }
        });
        PIPES.write(out, rows);
    }
    if services.mechanisms.len() > 1 {
        gap(out);
        let title = services
            .mechanisms
            .iter()
            .map(|m| m.mechanism.as_str())
            .collect::<Vec<_>>()
            .join(" vs ");
        let _ = writeln!(out, "  {title}");
        let rows = services.mechanisms.iter().map(|m| Row {
            label: m.mechanism.as_str().to_string(),
            figures: figures![m.steps, m.bytes_copied, m.blocks, time(m.blocked_ns)],
            names: names(&m.blocked_tasks),
        });
        MECHANISMS.write(out, rows);
        for m in &services.mechanisms {
            let note = match m.mechanism {
                Mechanism::Port => "port: each message is copied into the kernel when sent and \
                                    out again when received (its size, header included)"
                    .to_string(),
                Mechanism::Pipe => "pipe: each byte is copied into the pipe when written and out \
                                    again when read"
                    .to_string(),
                Mechanism::SharedMemory => format!(
                    "shared memory: nothing is copied. {} of its {} kernel steps are reads and \
                     writes of the mapped memory ({} bytes, in place), which a real kernel never \
                     sees: machsim makes each one a step so that interleavings can be explored",
                    m.accesses, m.steps, m.bytes_in_place
                ),
                Mechanism::Lpc => "lpc: each message is copied into the kernel when sent and out \
                                   again when received (its 24-byte header and its data rounded \
                                   up to 4 bytes); a reply goes straight into the waiting task's \
                                   reply slot"
                    .to_string(),
            };
            wrap(out, &note);
        }
    }
}

/// The shape of one of the summary's tables: the label column's title, each
/// figure column's title and width, the gap between figures, and the title of the
/// names that end a line.
struct Table {
    label: &'static str,
    columns: &'static [(&'static str, usize)],
    gap: &'static str,
    names: &'static str,
}

const PORTS: Table = Table {
    label: "port",
    columns: &[
        ("sent", 5),
        ("received", 9),
        ("returned", 9),
        ("destroyed", 10),
        ("max depth", 10),
    ],
    gap: " ",
    names: "blocked senders",
};

const MEMORY: Table = Table {
    label: "memory",
    columns: &[
        ("size", 8),
        ("maps", 5),
        ("reads", 6),
        ("writes", 7),
        ("bytes read", 11),
        ("bytes written", 14),
    ],
    gap: " ",
    names: "tasks",
};

const SEMAPHORES: Table = Table {
    label: "semaphore",
    columns: &[
        ("initial", 7),
        ("waits", 6),
        ("blocked", 8),
        ("timed out", 10),
        ("signals", 8),
        ("final", 6),
    ],
    gap: " ",
    names: "blocked tasks",
};

const PIPES: Table = Table {
    label: "pipe",
    columns: &[
        ("capacity", 8),
        ("written", 8),
        ("read", 8),
        ("max depth", 10),
    ],
    gap: " ",
    names: "blocked",
};

/// The ways data moved, compared.
const MECHANISMS: Table = Table {
    label: "mechanism",
    columns: &[
        ("kernel steps", 12),
        ("bytes copied", 12),
        ("blocked", 7),
        ("time blocked", 12),
    ],
    gap: "  ",
    names: "tasks that blocked",
};

/// One line of a table: its label, its figures, and the names that end it.
struct Row {
    label: String,
    figures: Vec<String>,
    names: String,
}

impl Table {
    /// Writes the line of titles, then `rows`. The label column is as wide as its
    /// widest label or title; each figure is right-aligned in its column.
    fn write(&self, out: &mut String, rows: impl Iterator<Item = Row>) {
        let rows: Vec<Row> = rows.collect();
        let w = width(rows.iter().map(|r| r.label.len()), self.label);
        let titles = self.columns.iter().map(|(title, _)| *title);
        self.line(out, w, self.label, titles, self.names);
        for row in &rows {
            let figures = row.figures.iter().map(String::as_str);
            self.line(out, w, &row.label, figures, &row.names);
        }
    }

    /// One line: the label padded to `w`, the figures in their columns, the names.
    fn line<'a>(
        &self,
        out: &mut String,
        w: usize,
        label: &str,
        figures: impl Iterator<Item = &'a str>,
        names: &str,
    ) {
        let mut line = format!("  {label:w$}  ");
        for (i, (figure, (_, width))) in figures.zip(self.columns).enumerate() {
            if i > 0 {
                line.push_str(self.gap);
            }
            let _ = write!(line, "{figure:>width$}");
        }
        let _ = writeln!(out, "{line}  {names}");
    }
}

/// Writes `text` as indented lines of at most 88 columns.
fn wrap(out: &mut String, text: &str) {
    let mut line = String::from("  ");
    for word in text.split_whitespace() {
        if line.len() > 4 && line.len() + 1 + word.len() > 88 {
            let _ = writeln!(out, "{line}");
            line = String::from("    ");
        } else if line.trim_start().is_empty() {
            // The first word of a line goes straight after the indent.
        } else {
            line.push(' ');
        }
        line.push_str(word);
    }
    let _ = writeln!(out, "{line}");
}
