//! The summary `machsim run` prints after the account: the outcome, each task and
//! port, the services, and every expectation with its verdict.

use kernel::Outcome;
use scenario::run::{RunResult, Verdict};
use std::fmt::Write;
use views::stats::Mechanism;
use views::story::{Style, column_width as width, time};

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
    let label_width = width(stats.ports.iter().map(|p| p.label.len()), "port");
    if stats.ports.is_empty() {
        let _ = writeln!(out, "  none");
    } else {
        let _ = writeln!(
            out,
            "  {:label_width$}  {:>5} {:>9} {:>9} {:>10} {:>10}  blocked senders",
            "port", "sent", "received", "returned", "destroyed", "max depth"
        );
    }
    for port in &stats.ports {
        let _ = writeln!(
            out,
            "  {:label_width$}  {:>5} {:>9} {:>9} {:>10} {:>10}  {}",
            port.label,
            port.sent,
            port.received,
            port.returned,
            port.destroyed,
            port.max_depth,
            names(&port.blocked_senders)
        );
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
        let w = width(services.memory.iter().map(|m| m.label.len()), "memory");
        let _ = writeln!(
            out,
            "  {:w$}  {:>8} {:>5} {:>6} {:>7} {:>11} {:>14}  tasks",
            "memory", "size", "maps", "reads", "writes", "bytes read", "bytes written"
        );
        for m in &services.memory {
            let _ = writeln!(
                out,
                "  {:w$}  {:>8} {:>5} {:>6} {:>7} {:>11} {:>14}  {}",
                m.label,
                m.size,
                m.mappings,
                m.reads,
                m.writes,
                m.bytes_read,
                m.bytes_written,
                names(&m.tasks)
            );
        }
    }
    if !services.semaphores.is_empty() {
        gap(out);
        let w = width(
            services.semaphores.iter().map(|s| s.label.len()),
            "semaphore",
        );
        let _ = writeln!(
            out,
            "  {:w$}  {:>7} {:>6} {:>8} {:>10} {:>8} {:>6}  blocked tasks",
            "semaphore", "initial", "waits", "blocked", "timed out", "signals", "final"
        );
        for s in &services.semaphores {
            let _ = writeln!(
                out,
                "  {:w$}  {:>7} {:>6} {:>8} {:>10} {:>8} {:>6}  {}",
                s.label,
                s.initial,
                s.waits,
                s.blocks,
                s.timeouts,
                s.signals,
                s.last,
                names(&s.blocked)
            );
        }
    }
    if !services.pipes.is_empty() {
        gap(out);
        let w = width(services.pipes.iter().map(|p| p.label.len()), "pipe");
        let _ = writeln!(
            out,
            "  {:w$}  {:>8} {:>8} {:>8} {:>10}  blocked",
            "pipe", "capacity", "written", "read", "max depth"
        );
        for p in &services.pipes {
            let blocked: Vec<String> = p
                .blocked
                .iter()
                .map(|(task, op)| format!("{task} ({op})"))
                .collect();
            let _ = writeln!(
                out,
                "  {:w$}  {:>8} {:>8} {:>8} {:>10}  {}",
                p.label,
                p.capacity,
                p.written,
                p.read,
                p.max_depth,
                names(&blocked)
            );
        }
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
        let w = width(
            services
                .mechanisms
                .iter()
                .map(|m| m.mechanism.as_str().len()),
            "mechanism",
        );
        let _ = writeln!(
            out,
            "  {:w$}  {:>12}  {:>12}  {:>7}  {:>12}  tasks that blocked",
            "mechanism", "kernel steps", "bytes copied", "blocked", "time blocked"
        );
        for m in &services.mechanisms {
            let _ = writeln!(
                out,
                "  {:w$}  {:>12}  {:>12}  {:>7}  {:>12}  {}",
                m.mechanism.as_str(),
                m.steps,
                m.bytes_copied,
                m.blocks,
                time(m.blocked_ns),
                names(&m.blocked_tasks)
            );
        }
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
            };
            wrap(out, &note);
        }
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
