//! Views of a trace, read from the trace alone (no kernel runtime): the one fold
//! of its events into the kernel's state ([`stepper::State`]), navigation through
//! it ([`stepper::Stepper`]), the words every view says things in ([`words`]: an
//! event as one sentence, waits, places, values), the account of a run
//! ([`story`]), the run's figures ([`stats`]), and the exports (Mermaid,
//! Chrome/Perfetto, message sequence charts). Everything but the stepper's own
//! navigation reads the trace through the fold, so no view keeps its own copy of
//! the kernel's state.

pub mod export;
pub mod stats;
pub mod stepper;
pub mod story;
pub mod words;
