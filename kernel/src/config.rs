//! A kernel's configuration: seed, schedule, limits and tracing.

use crate::clock::{Ticks, ms};
use ports::ScheduleKind;

/// The default largest memory object, in bytes (64 MiB).
pub const DEFAULT_MAX_MEMORY_OBJECT_BYTES: u32 = 64 << 20;

/// Everything a kernel is built with.
#[derive(Clone, Debug)]
pub struct Config {
    /// The seed of every random choice in the run.
    pub seed: u64,
    /// The scheduler.
    pub schedule: ScheduleKind,
    /// Virtual time after which the run stops with `time_limit`.
    pub time_limit: Ticks,
    /// Kernel calls after which the run stops with `step_limit`.
    pub step_limit: u64,
    /// Record a trace.
    pub trace: bool,
    /// Encode the trace as it is recorded, in the binary form, instead of keeping
    /// the events in memory: for long runs whose trace goes to a `.trace` file.
    pub stream_binary_trace: bool,
    /// The largest message, in bytes of `msgh_size` (`send_too_large` above it).
    pub max_message_bytes: u32,
    /// The most messages an unbounded queue holds before ordinary senders see it as
    /// full (so a runaway sender blocks instead of exhausting memory). Messages to
    /// send-once rights and the kernel's notifications are never refused, as in
    /// Mach 3.0.
    pub max_queue_messages: usize,
    /// The most names one task's space holds (`no_space` past it).
    pub max_names_per_task: usize,
    /// The largest memory object, in bytes (`invalid_value` past it).
    pub max_memory_object_bytes: u32,
    /// The most handles (mappings and pipe ends) one task holds (`no_space` past it).
    pub max_handles_per_task: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 0,
            schedule: ScheduleKind::RoundRobin,
            time_limit: ms(60_000),
            step_limit: 1_000_000,
            trace: false,
            stream_binary_trace: false,
            max_message_bytes: 64 << 20,
            max_queue_messages: 1 << 20,
            max_names_per_task: ports::PortSpace::DEFAULT_MAX_NAMES,
            max_memory_object_bytes: DEFAULT_MAX_MEMORY_OBJECT_BYTES,
            max_handles_per_task: 65_536,
        }
    }
}
