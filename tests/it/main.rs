//! Integration tests, one module per area.
//!
//! `mach_*` modules hold one test per behaviour of the Mach reference's §10 that
//! machsim models, named as a sentence; `properties` holds the proptest suites.

mod golden;
mod kernel_ipc;
mod kernel_notify;
mod kernel_regressions;
mod lpc;
mod mach_cache;
mod mach_destruction;
mod mach_direct;
mod mach_messages;
mod mach_notifications;
mod mach_queues;
mod mach_receive;
mod mach_rights;
mod mach_sets;
mod properties;
mod scenario_grammar;
mod services;
mod stepper;
mod trace_robustness;
mod traces;
mod workloads;
