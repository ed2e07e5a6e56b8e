//! Searching the events for text.
//!
//! An event matches when its one-line text ([`views::stepper::describe`]: number,
//! time, cause, kind and fields) contains the query, ignoring case: `/p2` finds every
//! event by or about `p2`, `/send_blocked` every blocked send, `/msg 4 ` the events
//! of message 4. A search starts after the current event and wraps round the end.

use trace::TraceRecord;
use views::stepper::{Stepper, describe};

/// The direction of a search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Direction {
    Forward,
    Backward,
}

/// The last search and where it led.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Search {
    /// What was searched for, as typed.
    pub query: String,
    /// The event it found last, if it found one.
    pub hit: Option<u64>,
    /// True when that hit came after going round the end of the trace.
    pub wrapped: bool,
}

/// True when `record` matches `needle` (already lower-case).
fn matches(record: &TraceRecord, needle: &str) -> bool {
    describe(record).to_lowercase().contains(needle)
}

impl Search {
    /// Finds `query` from event `from` in `direction`, going round the end once.
    pub(super) fn run(stepper: &Stepper, query: &str, from: u64, direction: Direction) -> Search {
        let needle = query.to_lowercase();
        let last = stepper.last_seq();
        let is = |r: &TraceRecord| matches(r, &needle);
        let (hit, wrapped) = match direction {
            Direction::Forward => match stepper.find_next(from, is) {
                Some(k) => (Some(k), false),
                None => (stepper.find_next(0, is).filter(|k| *k <= from), true),
            },
            Direction::Backward => match stepper.find_prev(from, is) {
                Some(k) => (Some(k), false),
                None => (stepper.find_prev(last + 1, is).filter(|k| *k >= from), true),
            },
        };
        Search {
            query: query.to_string(),
            hit,
            wrapped: wrapped && hit.is_some(),
        }
    }
}
