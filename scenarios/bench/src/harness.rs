//! The measuring loop: workloads, the suite that runs them, and their results.
//!
//! Wall-clock time (`std::time::Instant`) is used here on purpose: benchmarks
//! measure the simulator from outside, they are not part of the simulated path
//! whose time is virtual.

use std::fmt;
use std::time::Duration;

/// Why a workload or figure probe could not produce a number.
///
/// A benchmark that cannot run (no pipes, no `/proc`, a kernel error) is
/// reported as a failed line, so one broken workload never hides the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadError {
    message: String,
}

impl WorkloadError {
    /// Wraps anything printable, e.g. `.map_err(WorkloadError::new)`.
    pub fn new(message: impl fmt::Display) -> Self {
        Self {
            message: message.to_string(),
        }
    }

    /// The explanation, as it appears in the report.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for WorkloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for WorkloadError {}

impl From<std::io::Error> for WorkloadError {
    fn from(error: std::io::Error) -> Self {
        Self::new(error)
    }
}

impl From<String> for WorkloadError {
    fn from(message: String) -> Self {
        Self { message }
    }
}

impl From<&str> for WorkloadError {
    fn from(message: &str) -> Self {
        Self::new(message)
    }
}

/// One benchmarked operation in one implementation, e.g. `send_receive/vecdeque`.
///
/// The harness owns the loop over runs; the workload owns the loop over
/// messages, so that set-up (building a kernel, spawning a thread) can stay
/// outside the timed region.
pub trait Workload {
    /// What is measured, e.g. `send_receive`; results are grouped by it.
    fn name(&self) -> &str;

    /// Which implementation measures it, e.g. `machsim` or `tokio_mpsc`.
    fn implementation(&self) -> &str;

    /// How many messages one run handles, fewer in quick mode.
    fn messages(&self, quick: bool) -> u64;

    /// Handles `messages` messages and returns the time they took.
    ///
    /// Only the time spent on messages should be counted; set-up and
    /// tear-down belong outside the measured interval.
    fn run(&mut self, messages: u64) -> Result<Duration, WorkloadError>;

    /// How many times it runs under the suite's `config`: the suite's counts,
    /// unless the workload is long enough to need fewer.
    fn run_config(&self, config: RunConfig) -> RunConfig {
        config
    }
}

/// The type of the closure a [`FnWorkload`] calls for each run.
pub type RunFn = dyn FnMut(u64) -> Result<Duration, WorkloadError>;

/// A [`Workload`] made from a closure, so new workloads need no new type.
pub struct FnWorkload {
    name: String,
    implementation: String,
    messages: u64,
    quick_messages: u64,
    /// At most this many measured runs and no warm-up, for long workloads.
    long_runs: Option<usize>,
    run: Box<RunFn>,
}

impl FnWorkload {
    /// A workload handling `messages` per run (a hundredth in quick mode).
    ///
    /// `run` receives the message count and returns the measured time.
    pub fn new(
        name: impl Into<String>,
        implementation: impl Into<String>,
        messages: u64,
        run: impl FnMut(u64) -> Result<Duration, WorkloadError> + 'static,
    ) -> Self {
        let messages = messages.max(1);
        Self {
            name: name.into(),
            implementation: implementation.into(),
            messages,
            quick_messages: (messages / 100).max(1),
            long_runs: None,
            run: Box::new(run),
        }
    }

    /// A workload long enough to warm itself up (seconds per run): no warm-up
    /// run, and at most `runs` measured runs.
    pub fn long_runs(mut self, runs: usize) -> Self {
        self.long_runs = Some(runs.max(1));
        self
    }

    /// Overrides the quick-mode message count, for unusually slow workloads.
    pub fn quick_messages(mut self, messages: u64) -> Self {
        self.quick_messages = messages.max(1);
        self
    }
}

impl fmt::Debug for FnWorkload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FnWorkload")
            .field("name", &self.name)
            .field("implementation", &self.implementation)
            .field("messages", &self.messages)
            .field("quick_messages", &self.quick_messages)
            .field("long_runs", &self.long_runs)
            .finish_non_exhaustive()
    }
}

impl Workload for FnWorkload {
    fn name(&self) -> &str {
        &self.name
    }

    fn implementation(&self) -> &str {
        &self.implementation
    }

    fn messages(&self, quick: bool) -> u64 {
        if quick {
            self.quick_messages
        } else {
            self.messages
        }
    }

    fn run(&mut self, messages: u64) -> Result<Duration, WorkloadError> {
        (self.run)(messages)
    }

    fn run_config(&self, config: RunConfig) -> RunConfig {
        match self.long_runs {
            Some(runs) => RunConfig {
                warmup_runs: 0,
                runs: config.runs.min(runs),
                ..config
            },
            None => config,
        }
    }
}

/// The type of the closure a figure probe is; it receives the quick flag.
pub type FigureFn = dyn FnMut(bool) -> Result<f64, WorkloadError>;

/// A registered figure: a number that is not a time per message.
struct FigureProbe {
    workload: String,
    implementation: String,
    key: String,
    probe: Box<FigureFn>,
}

/// How many times each workload runs.
///
/// Several measured runs and their median make one noisy run (a page fault,
/// a preempted thread) harmless; the warm-up fills caches and the allocator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunConfig {
    /// Fewer messages and runs, so tests and CI can exercise every workload.
    pub quick: bool,
    /// Runs made and thrown away before measuring.
    pub warmup_runs: usize,
    /// Runs measured; the report gives their median, min and max (at least 1).
    pub runs: usize,
}

impl RunConfig {
    /// The full configuration: one warm-up, then five measured runs.
    pub fn full() -> Self {
        Self {
            quick: false,
            warmup_runs: 1,
            runs: 5,
        }
    }

    /// The quick configuration: one warm-up, then three small measured runs.
    pub fn quick() -> Self {
        Self {
            quick: true,
            warmup_runs: 1,
            runs: 3,
        }
    }
}

/// One workload's timings: the median, min and max nanoseconds per message.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// The workload name, e.g. `request_reply`.
    pub workload: String,
    /// The implementation, e.g. `tokio_mpsc`.
    pub implementation: String,
    /// Messages handled in each measured run.
    pub messages: u64,
    /// Nanoseconds per message of each measured run, in run order.
    pub run_ns_per_msg: Vec<f64>,
    /// The median of `run_ns_per_msg`: the headline number.
    pub ns_per_msg: f64,
    /// The fastest run, in nanoseconds per message.
    pub min_ns: f64,
    /// The slowest run, in nanoseconds per message.
    pub max_ns: f64,
}

impl Measurement {
    /// Builds a measurement from the durations of runs of `messages` each.
    ///
    /// Public so synthetic results (tests, replayed numbers) use the same
    /// arithmetic as real ones.
    pub fn from_runs(
        workload: impl Into<String>,
        implementation: impl Into<String>,
        messages: u64,
        runs: &[Duration],
    ) -> Self {
        let per_message = messages.max(1) as f64;
        let run_ns_per_msg: Vec<f64> = runs
            .iter()
            .map(|run| run.as_nanos() as f64 / per_message)
            .collect();
        Self::from_ns_per_msg(workload, implementation, messages, run_ns_per_msg)
    }

    /// Builds a measurement from per-run nanoseconds per message.
    pub fn from_ns_per_msg(
        workload: impl Into<String>,
        implementation: impl Into<String>,
        messages: u64,
        run_ns_per_msg: Vec<f64>,
    ) -> Self {
        let min_ns = run_ns_per_msg
            .iter()
            .copied()
            .min_by(f64::total_cmp)
            .unwrap_or(f64::NAN);
        let max_ns = run_ns_per_msg
            .iter()
            .copied()
            .max_by(f64::total_cmp)
            .unwrap_or(f64::NAN);
        Self {
            workload: workload.into(),
            implementation: implementation.into(),
            messages,
            ns_per_msg: median(&run_ns_per_msg),
            min_ns,
            max_ns,
            run_ns_per_msg,
        }
    }

    /// How many runs were measured.
    pub fn runs(&self) -> usize {
        self.run_ns_per_msg.len()
    }
}

/// A result that is not a time per message, e.g. bytes per idle port.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The workload name, e.g. `idle_port_memory`.
    pub workload: String,
    /// The implementation, e.g. `machsim`.
    pub implementation: String,
    /// What the value is, with its unit, e.g. `bytes_per_port`.
    pub key: String,
    /// The measured value.
    pub value: f64,
}

/// A workload or figure that could not be measured, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The workload name.
    pub workload: String,
    /// The implementation.
    pub implementation: String,
    /// What went wrong.
    pub error: WorkloadError,
}

/// Everything one suite run produced, in registration order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Results {
    /// The configuration the suite ran with.
    pub config: Option<RunConfig>,
    /// Timings, one per workload that ran.
    pub measurements: Vec<Measurement>,
    /// Figures, one per probe that succeeded.
    pub figures: Vec<Figure>,
    /// Workloads and probes that failed.
    pub failures: Vec<Failure>,
    /// For each workload name, the implementation the others are compared to.
    ///
    /// A workload without an entry uses its first measured implementation.
    pub references: Vec<(String, String)>,
}

impl Results {
    /// The measurement of `workload` in `implementation`, if it ran.
    pub fn measurement(&self, workload: &str, implementation: &str) -> Option<&Measurement> {
        self.measurements
            .iter()
            .find(|m| m.workload == workload && m.implementation == implementation)
    }

    /// The median nanoseconds per message of `workload` in `implementation`.
    pub fn ns_per_msg(&self, workload: &str, implementation: &str) -> Option<f64> {
        self.measurement(workload, implementation)
            .map(|m| m.ns_per_msg)
    }

    /// The value of figure `key` of `workload` in `implementation`.
    pub fn figure(&self, workload: &str, implementation: &str, key: &str) -> Option<f64> {
        self.figures
            .iter()
            .find(|f| f.workload == workload && f.implementation == implementation && f.key == key)
            .map(|f| f.value)
    }

    /// The reference implementation of `workload`: the declared one if it
    /// was measured, else the first measured one.
    pub fn reference(&self, workload: &str) -> Option<&str> {
        let declared = self
            .references
            .iter()
            .find(|(w, _)| w == workload)
            .map(|(_, implementation)| implementation.as_str())
            .filter(|implementation| self.measurement(workload, implementation).is_some());
        declared.or_else(|| {
            self.measurements
                .iter()
                .find(|m| m.workload == workload)
                .map(|m| m.implementation.as_str())
        })
    }
}

/// The median of `values`: the middle one, or the mean of the middle two.
///
/// The median rather than the mean, because a benchmark run's outliers are
/// one-sided (interruptions only ever add time). NaN for no values.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[middle]
    } else {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    }
}

/// A set of workloads and figure probes, run together so ratios are fair.
///
/// Absolute times drift between machines and runs; ratios measured in the
/// same process, minutes apart, are what the targets are written in.
pub struct Suite {
    /// How many messages and runs; adjust before calling [`Suite::run`].
    pub config: RunConfig,
    workloads: Vec<Box<dyn Workload>>,
    figures: Vec<FigureProbe>,
    references: Vec<(String, String)>,
}

impl fmt::Debug for Suite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Suite")
            .field("config", &self.config)
            .field("workloads", &self.workload_names())
            .field("figures", &self.figures.len())
            .field("references", &self.references)
            .finish()
    }
}

impl Suite {
    /// An empty suite, in quick or full configuration.
    pub fn new(quick: bool) -> Self {
        Self {
            config: if quick {
                RunConfig::quick()
            } else {
                RunConfig::full()
            },
            workloads: Vec::new(),
            figures: Vec::new(),
            references: Vec::new(),
        }
    }

    /// A suite holding the baseline workloads, with their references set.
    ///
    /// See [`crate::baseline`] for what each one measures.
    pub fn baselines(quick: bool) -> Self {
        let mut suite = Self::new(quick);
        crate::baseline::register(&mut suite);
        suite
    }

    /// Registers a workload; it runs after those registered before it.
    pub fn add(&mut self, workload: impl Workload + 'static) -> &mut Self {
        self.workloads.push(Box::new(workload));
        self
    }

    /// Registers a figure probe, called once with the quick flag.
    pub fn add_figure(
        &mut self,
        workload: impl Into<String>,
        implementation: impl Into<String>,
        key: impl Into<String>,
        probe: impl FnMut(bool) -> Result<f64, WorkloadError> + 'static,
    ) -> &mut Self {
        self.figures.push(FigureProbe {
            workload: workload.into(),
            implementation: implementation.into(),
            key: key.into(),
            probe: Box::new(probe),
        });
        self
    }

    /// Declares the implementation the others of `workload` are compared to.
    pub fn set_reference(
        &mut self,
        workload: impl Into<String>,
        implementation: impl Into<String>,
    ) -> &mut Self {
        let workload = workload.into();
        let implementation = implementation.into();
        match self.references.iter_mut().find(|(w, _)| *w == workload) {
            Some(entry) => entry.1 = implementation,
            None => self.references.push((workload, implementation)),
        }
        self
    }

    /// The registered workloads as `(name, implementation)`, in run order.
    pub fn workload_names(&self) -> Vec<(&str, &str)> {
        self.workloads
            .iter()
            .map(|w| (w.name(), w.implementation()))
            .collect()
    }

    /// The names of every workload and figure, each once, in registration order.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        let all = self.workloads.iter().map(|w| w.name());
        for name in all.chain(self.figures.iter().map(|f| f.workload.as_str())) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// True when nothing is left to run: no workload and no figure.
    pub fn is_empty(&self) -> bool {
        self.workloads.is_empty() && self.figures.is_empty()
    }

    /// Keeps only the workloads and figures for which `keep(name, impl)` holds.
    ///
    /// For `machsim bench <filter>`: running one workload is much faster.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &str) -> bool) -> &mut Self {
        self.workloads
            .retain(|w| keep(w.name(), w.implementation()));
        self.figures
            .retain(|f| keep(&f.workload, &f.implementation));
        self
    }

    /// Runs every figure probe, then every workload (warm-up, then measured runs).
    ///
    /// Workloads run one after another, in registration order, on the
    /// calling thread; a failing one is recorded and the rest still run.
    pub fn run(&mut self) -> Results {
        let config = self.config;
        let mut results = Results {
            config: Some(config),
            references: self.references.clone(),
            ..Results::default()
        };
        // The figures first: a memory probe reads the resident set, which memory
        // the workloads freed (and the allocator kept) would make read low.
        let mut figure_failures = Vec::new();
        for figure in &mut self.figures {
            match (figure.probe)(config.quick) {
                Ok(value) => results.figures.push(Figure {
                    workload: figure.workload.clone(),
                    implementation: figure.implementation.clone(),
                    key: figure.key.clone(),
                    value,
                }),
                Err(error) => figure_failures.push(Failure {
                    workload: figure.workload.clone(),
                    implementation: figure.implementation.clone(),
                    error,
                }),
            }
        }
        for workload in &mut self.workloads {
            match measure(workload.as_mut(), config) {
                Ok(measurement) => results.measurements.push(measurement),
                Err(error) => results.failures.push(Failure {
                    workload: workload.name().to_owned(),
                    implementation: workload.implementation().to_owned(),
                    error,
                }),
            }
        }
        results.failures.extend(figure_failures);
        results
    }
}

/// Runs one workload: the warm-up runs, then the measured ones.
fn measure(workload: &mut dyn Workload, config: RunConfig) -> Result<Measurement, WorkloadError> {
    let config = workload.run_config(config);
    let messages = workload.messages(config.quick).max(1);
    for _ in 0..config.warmup_runs {
        workload.run(messages)?;
    }
    let runs = (0..config.runs.max(1))
        .map(|_| workload.run(messages))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Measurement::from_runs(
        workload.name(),
        workload.implementation(),
        messages,
        &runs,
    ))
}
