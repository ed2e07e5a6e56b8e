//! Judging a run: every expectation of the file, and the checks every run gets.

use super::log::StepLog;
use crate::model::labels::as_written;
use crate::model::{ExitExpectation, Outcome, Scenario};
use kernel::trace::{Event, MessageOrigin, Receiver, TraceRecord};
use kernel::{Kernel, NotificationKind, RunReport};
use std::collections::BTreeMap;

/// Whether an expectation held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It held.
    Pass,
    /// It did not.
    Fail,
}

/// One expectation and its verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// What was checked, in a few words (`outcome`, `delivered requests`, …).
    pub what: String,
    /// The line of the file that asked for it, if any.
    pub line: Option<u32>,
    /// The task it is about, if any.
    pub task: Option<String>,
    /// Virtual time, in nanoseconds, when it failed, for step expectations.
    pub t_ns: Option<u64>,
    /// What was expected.
    pub expected: String,
    /// What happened.
    pub happened: String,
    /// The verdict.
    pub verdict: Verdict,
}

impl Check {
    fn new(
        what: impl Into<String>,
        line: Option<u32>,
        expected: impl Into<String>,
        happened: impl Into<String>,
    ) -> Check {
        let expected = expected.into();
        let happened = happened.into();
        let verdict = if expected == happened {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
        Check {
            what: what.into(),
            line,
            task: None,
            t_ns: None,
            expected,
            happened,
            verdict,
        }
    }
}

/// How a report lists notification kinds: `[no_senders, dead_name]`.
fn kinds_text(kinds: &[NotificationKind]) -> String {
    let words: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
    format!("[{}]", words.join(", "))
}

pub(super) fn judge(
    scenario: &Scenario,
    report: &RunReport,
    trace: &[TraceRecord],
    kernel: &Kernel,
    log: &StepLog,
) -> Vec<Check> {
    let mut checks = Vec::new();
    let steps_total: usize = log.failures.len();
    for failure in &log.failures {
        checks.push(Check {
            what: format!("{} step", failure.op),
            line: Some(failure.line),
            task: Some(failure.task.clone()),
            t_ns: Some(failure.t_ns),
            expected: failure.expected.clone(),
            happened: failure.happened.clone(),
            verdict: Verdict::Fail,
        });
    }
    if steps_total == 0 {
        checks.push(Check::new(
            "every step returned what it expected",
            None,
            "yes",
            "yes",
        ));
    }
    // Both sides spelled by the expectation's words, so the texts agree exactly when
    // the outcomes do (a kernel bug, which no expectation names, says `kernel_bug`).
    checks.push(Check::new(
        "outcome",
        scenario.expect.outcome_line,
        scenario.expect.outcome.as_str(),
        Outcome::of(&report.outcome).map_or(report.outcome.as_str(), Outcome::as_str),
    ));

    let mut delivered: BTreeMap<&str, u64> = BTreeMap::new();
    let mut notification_ids: BTreeMap<u64, i32> = BTreeMap::new();
    let mut notifications: BTreeMap<&str, Vec<NotificationKind>> = BTreeMap::new();
    for record in trace {
        match &record.event {
            Event::MessageSent {
                msg,
                id,
                kind: Some(kind),
                ..
            } if *kind == MessageOrigin::Notification => {
                notification_ids.insert(*msg, *id);
            }
            Event::MessageReceived {
                msg,
                port,
                receiver,
                pseudo: false,
                ..
            } if *receiver != Receiver::Kernel => {
                *delivered.entry(as_written(port)).or_default() += 1;
                if let Some(kind) = notification_ids
                    .get(msg)
                    .and_then(|id| NotificationKind::from_id(*id))
                {
                    notifications
                        .entry(receiver.as_str())
                        .or_default()
                        .push(kind);
                }
            }
            _ => {}
        }
    }
    for (label, want) in &scenario.expect.delivered {
        let got = delivered.get(label.as_str()).copied().unwrap_or(0);
        checks.push(Check::new(
            format!("delivered {label}"),
            Some(want.line),
            want.value.to_string(),
            got.to_string(),
        ));
    }
    let queued: BTreeMap<String, usize> = kernel.inspect(|i| {
        let mut by_label = BTreeMap::new();
        for port in i.ports() {
            *by_label
                .entry(as_written(&port.label).to_string())
                .or_default() += port.queued;
        }
        by_label
    });
    for (label, want) in &scenario.expect.queued {
        let got = queued.get(label).copied().unwrap_or(0);
        checks.push(Check::new(
            format!("queued {label}"),
            Some(want.line),
            want.value.to_string(),
            got.to_string(),
        ));
    }
    let exits: BTreeMap<String, Option<kernel::TaskExit>> =
        kernel.inspect(|i| i.tasks().into_iter().map(|t| (t.name, t.exit)).collect());
    for (task, want) in &scenario.expect.exit {
        let happened = match exits.get(task) {
            Some(Some(exit)) => ExitExpectation::of(exit).to_string(),
            Some(None) | None => "still running".into(),
        };
        let mut check = Check::new(
            format!("exit {task}"),
            Some(want.line),
            want.value.to_string(),
            happened,
        );
        check.task = Some(task.clone());
        checks.push(check);
    }
    for (task, want) in &scenario.expect.notifications {
        let got = notifications
            .get(task.as_str())
            .map_or(&[][..], Vec::as_slice);
        let mut check = Check::new(
            format!("notifications {task}"),
            Some(want.line),
            kinds_text(&want.value),
            kinds_text(got),
        );
        check.task = Some(task.clone());
        checks.push(check);
    }
    let m = report.messages;
    let balanced = format!(
        "{} sent = received + returned + destroyed + in flight",
        m.sent
    );
    let happened = if m.received + m.returned + m.destroyed + report.in_flight == m.sent {
        balanced.clone()
    } else {
        format!(
            "{} sent, but {} received + {} returned + {} destroyed + {} in flight",
            m.sent, m.received, m.returned, m.destroyed, report.in_flight
        )
    };
    checks.push(Check::new("message conservation", None, balanced, happened));
    let invariants = if report.violations.is_empty() {
        "hold".to_string()
    } else {
        let violations: Vec<String> = report.violations.iter().map(ToString::to_string).collect();
        violations.join("; ")
    };
    checks.push(Check::new("rights invariants", None, "hold", invariants));
    checks
}
