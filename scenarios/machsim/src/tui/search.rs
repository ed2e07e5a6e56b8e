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
    /// Finds `query` from event `from` in `direction`, going round the end once:
    /// each event is looked at once at most, found or not.
    pub(super) fn run(stepper: &Stepper, query: &str, from: u64, direction: Direction) -> Search {
        let needle = query.to_lowercase();
        let records = stepper.records();
        let n = records.len();
        // Event k is records[k - 1]: forward, events from + 1 to the last and then
        // 1 to `from`; backward, events from - 1 down to 1 and then the last down
        // to `from`.
        let from = usize::try_from(from).unwrap_or(usize::MAX).min(n);
        let before = from.saturating_sub(1);
        let order: Vec<(std::ops::Range<usize>, bool)> = match direction {
            Direction::Forward => vec![(from..n, false), (0..from, true)],
            Direction::Backward => vec![(0..before, false), (before..n, true)],
        };
        let found = order.into_iter().find_map(|(range, wrapped)| {
            let mut indices: Box<dyn Iterator<Item = usize>> = match direction {
                Direction::Forward => Box::new(range),
                Direction::Backward => Box::new(range.rev()),
            };
            indices
                .find(|&i| matches(&records[i], &needle))
                .map(|i| (records[i].seq, wrapped))
        });
        Search {
            query: query.to_string(),
            hit: found.map(|(k, _)| k),
            wrapped: found.is_some_and(|(_, wrapped)| wrapped),
        }
    }
}
