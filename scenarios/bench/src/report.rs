//! Reports of a suite run: a table for people, JSON lines for tools, and the
//! design brief's targets checked against the numbers.

use std::fmt::{self, Write as _};

use serde::Serialize;

use crate::harness::Results;
use crate::names::{
    BYTES_PER_PORT, BYTES_PER_ROUND_TRIP, IDLE_PORT_MEMORY, MACHSIM, MACHSIM_1E4, MACHSIM_1E7,
    MACHSIM_BINARY_TRACE, MACHSIM_BINARY_TRACE_1E4, MACHSIM_BINARY_TRACE_1E7, MANY_PORTS,
    MANY_TASKS, PIPE, PIPE_RTT, REQUEST_REPLY, REQUEST_REPLY_SCALE, SEND_RECEIVE, TOKIO_MPSC,
    TRACE_MEMORY, VECDEQUE,
};

/// Formats nanoseconds with precision suited to their size.
fn format_ns(ns: f64) -> String {
    if !ns.is_finite() {
        format!("{ns}")
    } else if ns < 100.0 {
        format!("{ns:.2}")
    } else if ns < 100_000.0 {
        format!("{ns:.1}")
    } else {
        format!("{ns:.0}")
    }
}

/// Formats a plain value (a figure, a bound) without needless decimals.
fn format_value(value: f64) -> String {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else if value.is_finite() && value.abs() >= 100.0 {
        format!("{value:.1}")
    } else if value.is_finite() {
        format!("{value:.2}")
    } else {
        format!("{value}")
    }
}

/// Groups workload names in order of first appearance.
fn workload_order(results: &Results) -> Vec<&str> {
    let mut order: Vec<&str> = Vec::new();
    for m in &results.measurements {
        if !order.contains(&m.workload.as_str()) {
            order.push(&m.workload);
        }
    }
    order
}

/// Renders `rows` with each column padded; columns listed in `right` are
/// right-aligned (numbers), the others left-aligned.
fn render_table(rows: &[Vec<String>], right: &[usize]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|row| row.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            let pad = widths[c].saturating_sub(cell.chars().count());
            if right.contains(&c) {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// An aligned table of the results, grouped by workload, for people.
///
/// Each workload's reference implementation comes first; every row shows
/// its median, min and max nanoseconds per message and its ratio to the
/// reference (below 1 means faster). Figures and failures follow.
pub fn report_text(results: &Results) -> String {
    let mut out = String::new();
    if let Some(config) = results.config {
        let _ = writeln!(
            out,
            "{} mode: {} warm-up run(s), then {} measured run(s); ns per message, median [min, max]",
            if config.quick { "quick" } else { "full" },
            config.warmup_runs,
            config.runs.max(1),
        );
    }
    if let Ok(cores) = std::thread::available_parallelism() {
        let _ = writeln!(out, "{cores} CPU(s) available");
    }
    out.push('\n');

    let mut rows = vec![
        [
            "workload", "impl", "ns/msg", "min", "max", "runs", "messages", "vs ref",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for workload in workload_order(results) {
        let reference = results.reference(workload);
        let reference_ns = reference.and_then(|r| results.ns_per_msg(workload, r));
        let mut group: Vec<_> = results
            .measurements
            .iter()
            .filter(|m| m.workload == workload)
            .collect();
        // Stable: the reference first, the rest in registration order.
        group.sort_by_key(|m| Some(m.implementation.as_str()) != reference);
        for (index, m) in group.into_iter().enumerate() {
            let ratio = if Some(m.implementation.as_str()) == reference {
                "1.00 (ref)".to_owned()
            } else {
                reference_ns.map_or_else(String::new, |r| format!("{:.2}", m.ns_per_msg / r))
            };
            rows.push(vec![
                if index == 0 {
                    workload.to_owned()
                } else {
                    String::new()
                },
                m.implementation.clone(),
                format_ns(m.ns_per_msg),
                format_ns(m.min_ns),
                format_ns(m.max_ns),
                m.runs().to_string(),
                m.messages.to_string(),
                ratio,
            ]);
        }
    }
    out.push_str(&render_table(&rows, &[2, 3, 4, 5, 6]));

    if !results.figures.is_empty() {
        out.push('\n');
        let mut rows = vec![
            ["figure", "impl", "key", "value"]
                .map(str::to_owned)
                .to_vec(),
        ];
        for f in &results.figures {
            rows.push(vec![
                f.workload.clone(),
                f.implementation.clone(),
                f.key.clone(),
                format_value(f.value),
            ]);
        }
        out.push_str(&render_table(&rows, &[3]));
    }

    if !results.failures.is_empty() {
        out.push_str("\nfailed:\n");
        for failure in &results.failures {
            let _ = writeln!(
                out,
                "  {}/{}: {}",
                failure.workload, failure.implementation, failure.error
            );
        }
    }
    out
}

/// The JSON line of one measurement; field order is the output's key order.
#[derive(Serialize)]
struct MeasurementLine<'a> {
    workload: &'a str,
    #[serde(rename = "impl")]
    implementation: &'a str,
    ns_per_msg: f64,
    runs: usize,
    min_ns: f64,
    max_ns: f64,
    messages: u64,
}

/// The JSON line of one figure: its key is the figure's own key.
#[derive(Serialize)]
struct FigureLine<'a> {
    workload: &'a str,
    #[serde(rename = "impl")]
    implementation: &'a str,
    #[serde(flatten)]
    value: std::collections::BTreeMap<&'a str, f64>,
}

/// The JSON line of one failure.
#[derive(Serialize)]
struct FailureLine<'a> {
    workload: &'a str,
    #[serde(rename = "impl")]
    implementation: &'a str,
    error: &'a str,
}

/// The results as JSON lines, one object per measurement, figure or failure.
///
/// A measurement line has `workload`, `impl`, `ns_per_msg` (the median),
/// `runs`, `min_ns`, `max_ns` and `messages`; a figure line has `workload`,
/// `impl` and its key (e.g. `bytes_per_port`); a failure line has `workload`,
/// `impl` and `error`. Non-finite numbers are written as `null`.
pub fn report_json(results: &Results) -> String {
    let mut out = String::new();
    let mut push = |line: Result<String, serde_json::Error>| {
        // These lines are plain strings and numbers: serialising cannot fail.
        if let Ok(line) = line {
            out.push_str(&line);
            out.push('\n');
        }
    };
    for m in &results.measurements {
        push(serde_json::to_string(&MeasurementLine {
            workload: &m.workload,
            implementation: &m.implementation,
            ns_per_msg: m.ns_per_msg,
            runs: m.runs(),
            min_ns: m.min_ns,
            max_ns: m.max_ns,
            messages: m.messages,
        }));
    }
    for f in &results.figures {
        push(serde_json::to_string(&FigureLine {
            workload: &f.workload,
            implementation: &f.implementation,
            value: [(f.key.as_str(), f.value)].into_iter().collect(),
        }));
    }
    for failure in &results.failures {
        push(serde_json::to_string(&FailureLine {
            workload: &failure.workload,
            implementation: &failure.implementation,
            error: failure.error.message(),
        }));
    }
    out
}

/// A number in the results that a target refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Metric {
    /// The median nanoseconds per message of a workload in an implementation.
    NsPerMsg {
        /// The workload name.
        workload: String,
        /// The implementation.
        implementation: String,
    },
    /// A figure's value.
    Figure {
        /// The workload name.
        workload: String,
        /// The implementation.
        implementation: String,
        /// The figure's key, e.g. `bytes_per_port`.
        key: String,
    },
}

impl Metric {
    /// The median ns/msg of `workload` in `implementation`.
    pub fn ns_per_msg(workload: impl Into<String>, implementation: impl Into<String>) -> Self {
        Self::NsPerMsg {
            workload: workload.into(),
            implementation: implementation.into(),
        }
    }

    /// Figure `key` of `workload` in `implementation`.
    pub fn figure(
        workload: impl Into<String>,
        implementation: impl Into<String>,
        key: impl Into<String>,
    ) -> Self {
        Self::Figure {
            workload: workload.into(),
            implementation: implementation.into(),
            key: key.into(),
        }
    }

    /// The workload the metric is measured in.
    pub fn workload(&self) -> &str {
        match self {
            Self::NsPerMsg { workload, .. } | Self::Figure { workload, .. } => workload,
        }
    }

    /// Looks the metric up in `results`.
    pub fn value(&self, results: &Results) -> Option<f64> {
        match self {
            Self::NsPerMsg {
                workload,
                implementation,
            } => results.ns_per_msg(workload, implementation),
            Self::Figure {
                workload,
                implementation,
                key,
            } => results.figure(workload, implementation, key),
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NsPerMsg {
                workload,
                implementation,
            } => write!(f, "{workload}/{implementation}"),
            Self::Figure {
                workload,
                implementation,
                key,
            } => write!(f, "{workload}/{implementation} {key}"),
        }
    }
}

/// Which side of the limit a target's measured value must stay on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// The value (or ratio) must be at most this.
    AtMost(f64),
    /// The value (or ratio) must be at least this.
    AtLeast(f64),
}

impl Bound {
    /// Whether `value` meets the bound; NaN never does.
    pub fn holds(self, value: f64) -> bool {
        match self {
            Self::AtMost(limit) => value <= limit,
            Self::AtLeast(limit) => value >= limit,
        }
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AtMost(limit) => write!(f, "≤ {}", format_value(*limit)),
            Self::AtLeast(limit) => write!(f, "≥ {}", format_value(*limit)),
        }
    }
}

/// A performance target: a value, or a ratio of two, and its bound.
///
/// Targets are ratios of numbers measured in the same run because absolute
/// times drift between machines; absolute bounds suit sizes, not times.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// What the target promises, in words.
    pub description: String,
    /// The measured number (the ratio's numerator).
    pub numerator: Metric,
    /// The number it is divided by; `None` checks the numerator itself.
    pub denominator: Option<Metric>,
    /// The bound the value or ratio must meet.
    pub bound: Bound,
}

impl Target {
    /// `numerator / denominator ≤ max_ratio`.
    pub fn max_ratio(
        description: impl Into<String>,
        numerator: Metric,
        denominator: Metric,
        max_ratio: f64,
    ) -> Self {
        Self {
            description: description.into(),
            numerator,
            denominator: Some(denominator),
            bound: Bound::AtMost(max_ratio),
        }
    }

    /// `numerator / denominator ≥ min_ratio`.
    pub fn min_ratio(
        description: impl Into<String>,
        numerator: Metric,
        denominator: Metric,
        min_ratio: f64,
    ) -> Self {
        Self {
            description: description.into(),
            numerator,
            denominator: Some(denominator),
            bound: Bound::AtLeast(min_ratio),
        }
    }

    /// `metric ≤ limit`, an absolute bound.
    pub fn at_most(description: impl Into<String>, metric: Metric, limit: f64) -> Self {
        Self {
            description: description.into(),
            numerator: metric,
            denominator: None,
            bound: Bound::AtMost(limit),
        }
    }

    /// `metric ≥ limit`, an absolute bound.
    pub fn at_least(description: impl Into<String>, metric: Metric, limit: f64) -> Self {
        Self {
            description: description.into(),
            numerator: metric,
            denominator: None,
            bound: Bound::AtLeast(limit),
        }
    }

    /// The metrics the target reads: its numerator, and its denominator if any.
    pub fn metrics(&self) -> impl Iterator<Item = &Metric> {
        std::iter::once(&self.numerator).chain(self.denominator.as_ref())
    }

    /// Computes the value or ratio from `results` and checks the bound.
    pub fn evaluate(&self, results: &Results) -> TargetOutcome {
        let numerator = self.numerator.value(results);
        let denominator = self.denominator.as_ref().map(|d| d.value(results));
        let mut missing = Vec::new();
        if numerator.is_none() {
            missing.push(self.numerator.clone());
        }
        if let (Some(metric), Some(None)) = (&self.denominator, denominator) {
            missing.push(metric.clone());
        }
        let measured = match (numerator, denominator) {
            (Some(n), None) => Some(n),
            (Some(n), Some(Some(d))) => Some(n / d),
            _ => None,
        };
        let verdict = match measured {
            None => Verdict::Missing,
            Some(value) if self.bound.holds(value) => Verdict::Pass,
            Some(_) => Verdict::Fail,
        };
        TargetOutcome {
            target: self.clone(),
            measured,
            missing,
            verdict,
        }
    }
}

/// Whether a target was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Measured, and within the bound.
    Pass,
    /// Measured, and outside the bound.
    Fail,
    /// A number it needs was not measured, so it is not met either.
    Missing,
}

/// A target checked against one run's results.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetOutcome {
    /// The target checked.
    pub target: Target,
    /// The value or ratio computed, if every number was there.
    pub measured: Option<f64>,
    /// The metrics that were not in the results.
    pub missing: Vec<Metric>,
    /// The verdict.
    pub verdict: Verdict,
}

impl TargetOutcome {
    /// Whether the target was measured and met.
    pub fn passed(&self) -> bool {
        self.verdict == Verdict::Pass
    }
}

impl fmt::Display for TargetOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = if self.passed() { '✓' } else { '✗' };
        write!(f, "{mark} {}: ", self.target.description)?;
        let ratio = self.target.denominator.is_some();
        match self.measured {
            Some(value) if ratio => write!(f, "measured {value:.2}×")?,
            Some(value) => write!(f, "measured {}", format_value(value))?,
            None => {
                let missing: Vec<String> = self.missing.iter().map(Metric::to_string).collect();
                write!(f, "not measured ({})", missing.join(", "))?;
            }
        }
        match &self.target.denominator {
            Some(denominator) => write!(
                f,
                ", target {} / {} {}×",
                self.target.numerator, denominator, self.target.bound
            ),
            None => write!(
                f,
                ", target {} {}",
                self.target.numerator, self.target.bound
            ),
        }
    }
}

/// Checks every target against `results`, in order.
pub fn evaluate_targets(results: &Results, targets: &[Target]) -> Vec<TargetOutcome> {
    targets.iter().map(|t| t.evaluate(results)).collect()
}

/// Whether every target was met: measured and within its bound. What
/// `machsim bench --check` exits with.
pub fn all_met(outcomes: &[TargetOutcome]) -> bool {
    outcomes.iter().all(TargetOutcome::passed)
}

/// One ✓ or ✗ line per target, with the measured value or ratio.
pub fn report_targets(outcomes: &[TargetOutcome]) -> String {
    let mut out = String::new();
    for outcome in outcomes {
        let _ = writeln!(out, "{outcome}");
    }
    out
}

/// The design brief's targets ("Targets" in `DESIGN.md`), by the shared names.
///
/// The machsim side is whatever is registered under [`MACHSIM`],
/// [`MACHSIM_BINARY_TRACE`] and the [`IDLE_PORT_MEMORY`] figure; until then
/// those targets read "not measured". The scale targets ("10× the messages in
/// at most 11× the time") compare 10⁷ round trips with 10⁴: 1,000× the
/// messages, so at most 1.1× the time per message.
pub fn design_targets() -> Vec<Target> {
    vec![
        Target::max_ratio(
            "machsim request/reply round trip at most 0.8× tokio mpsc ping-pong",
            Metric::ns_per_msg(REQUEST_REPLY, MACHSIM),
            Metric::ns_per_msg(REQUEST_REPLY, TOKIO_MPSC),
            0.8,
        ),
        Target::max_ratio(
            "machsim send+receive within 4× a VecDeque push+pop",
            Metric::ns_per_msg(SEND_RECEIVE, MACHSIM),
            Metric::ns_per_msg(SEND_RECEIVE, VECDEQUE),
            4.0,
        ),
        Target::max_ratio(
            "machsim per-message cost over many ports within 2× one port",
            Metric::ns_per_msg(MANY_PORTS, MACHSIM),
            Metric::ns_per_msg(SEND_RECEIVE, MACHSIM),
            2.0,
        ),
        Target::max_ratio(
            "machsim round trip among 100,000 tasks within 2× two tasks",
            Metric::ns_per_msg(MANY_TASKS, MACHSIM),
            Metric::ns_per_msg(REQUEST_REPLY, MACHSIM),
            2.0,
        ),
        Target::at_most(
            "machsim idle port at most 200 bytes",
            Metric::figure(IDLE_PORT_MEMORY, MACHSIM, BYTES_PER_PORT),
            200.0,
        ),
        Target::min_ratio(
            "Linux pipe round trip at least 10× machsim request/reply",
            Metric::ns_per_msg(PIPE_RTT, PIPE),
            Metric::ns_per_msg(REQUEST_REPLY, MACHSIM),
            10.0,
        ),
        Target::max_ratio(
            "machsim with the binary trace on within 2× trace off",
            Metric::ns_per_msg(REQUEST_REPLY, MACHSIM_BINARY_TRACE),
            Metric::ns_per_msg(REQUEST_REPLY, MACHSIM),
            2.0,
        ),
        Target::at_most(
            "machsim streamed binary trace holds at most 8 bytes per round trip",
            Metric::figure(TRACE_MEMORY, MACHSIM_BINARY_TRACE, BYTES_PER_ROUND_TRIP),
            8.0,
        ),
        Target::max_ratio(
            "machsim cost per round trip flat from 10⁴ to 10⁷ round trips",
            Metric::ns_per_msg(REQUEST_REPLY_SCALE, MACHSIM_1E7),
            Metric::ns_per_msg(REQUEST_REPLY_SCALE, MACHSIM_1E4),
            1.1,
        ),
        Target::max_ratio(
            "machsim cost per round trip flat from 10⁴ to 10⁷ round trips, binary trace on",
            Metric::ns_per_msg(REQUEST_REPLY_SCALE, MACHSIM_BINARY_TRACE_1E7),
            Metric::ns_per_msg(REQUEST_REPLY_SCALE, MACHSIM_BINARY_TRACE_1E4),
            1.1,
        ),
    ]
}
