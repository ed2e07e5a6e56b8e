//! Checkpoints: the state every K events, so any event's state is one clone and at
//! most K - 1 folded events away.

use super::state::State;
use trace::TraceRecord;

/// The spacing used unless a caller chooses one: 4096 events, or more for a trace
/// so long that 1024 checkpoints would not cover it (the cost of reaching an event
/// stays one clone plus at most `spacing - 1` folds).
pub fn default_spacing(events: usize) -> u64 {
    const SPACING: u64 = 4096;
    const MAX_CHECKPOINTS: u64 = 1024;
    SPACING.max((events as u64).div_ceil(MAX_CHECKPOINTS))
}

/// The state after events 0, K, 2K, … of one trace.
#[derive(Clone, Debug)]
pub struct Checkpoints {
    spacing: u64,
    states: Vec<State>,
}

impl Checkpoints {
    /// Folds the whole of `records` once, keeping the state every `spacing` events
    /// (at least 1). Returns the checkpoints and the state after the last event.
    pub fn build(records: &[TraceRecord], spacing: u64) -> (Checkpoints, State) {
        let spacing = spacing.max(1);
        let mut states = vec![State::new()];
        let mut state = State::new();
        for (i, record) in records.iter().enumerate() {
            state.apply(record);
            if (i as u64 + 1).is_multiple_of(spacing) {
                states.push(state.clone());
            }
        }
        (Checkpoints { spacing, states }, state)
    }

    /// Events between two checkpoints.
    pub fn spacing(&self) -> u64 {
        self.spacing
    }

    /// How many checkpoints there are (the empty state at event 0 included).
    pub fn len(&self) -> usize {
        self.states.len()
    }

    /// Always false: the state before any event is a checkpoint.
    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// The latest checkpoint at or before event `k`: the number of events it
    /// follows, and the state after them.
    pub fn at_or_before(&self, k: u64) -> (u64, &State) {
        let index = usize::try_from(k / self.spacing)
            .unwrap_or(usize::MAX)
            .min(self.states.len() - 1);
        (index as u64 * self.spacing, &self.states[index])
    }
}
