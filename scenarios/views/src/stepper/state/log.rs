//! The lists of a fold that only grow: dead ports and inconsistencies.

use serde::Serialize;
use std::sync::Arc;

/// An event that makes no sense for the state before it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Inconsistency {
    /// The event.
    pub seq: u64,
    /// What is wrong.
    pub problem: String,
}

/// An append-only list whose clones share every full chunk: cloning costs one
/// reference count per chunk plus the short tail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Log<T> {
    sealed: Vec<Arc<[T]>>,
    tail: Vec<T>,
}

const LOG_CHUNK: usize = 64;

impl<T> Default for Log<T> {
    fn default() -> Self {
        Log {
            sealed: Vec::new(),
            tail: Vec::new(),
        }
    }
}

impl<T: Clone> Log<T> {
    pub(crate) fn push(&mut self, item: T) {
        self.tail.push(item);
        if self.tail.len() == LOG_CHUNK {
            let full = std::mem::take(&mut self.tail);
            self.sealed.push(Arc::from(full));
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.sealed.len() * LOG_CHUNK + self.tail.len()
    }

    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.sealed
            .iter()
            .flat_map(|chunk| chunk.iter())
            .chain(self.tail.iter())
    }
}
