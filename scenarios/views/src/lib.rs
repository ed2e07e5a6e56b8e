//! Views of a trace, read from the trace alone (no kernel runtime): the one fold
//! of its events into the kernel's state ([`stepper::State`]), navigation through
//! it ([`stepper::Stepper`]), the plain-English story of each event ([`story`]),
//! the run's figures ([`stats`]), and the exports (Mermaid, Chrome/Perfetto,
//! message sequence charts).

pub mod export;
pub mod stats;
pub mod stepper;
pub mod story;
pub mod words;
