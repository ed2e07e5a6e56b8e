//! The table every kind of object of the fold lives in: tasks, ports, port sets,
//! memory objects, semaphores, pipes and named pipes.
//!
//! Objects are kept in creation order (keyed by the event that made them) and
//! found by label; each sits behind an `Arc`, so cloning a state (a checkpoint)
//! copies pointers, and an event that changes an object copies that one object
//! only (copy on write).

use super::log::{Inconsistency, Log};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use trace::Label;

/// Objects of one kind, in creation order, found by label.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Registry<T> {
    /// Every object by the event that made it: creation order.
    objects: BTreeMap<u64, Arc<T>>,
    /// The objects that answer to a label, by label. An object can stay in the
    /// table without one (an unlinked named pipe that still has streams).
    index: HashMap<Label, u64>,
}

impl<T> Default for Registry<T> {
    fn default() -> Self {
        Registry {
            objects: BTreeMap::new(),
            index: HashMap::new(),
        }
    }
}

impl<T: Clone> Registry<T> {
    /// True when an object answers to `label`.
    pub(crate) fn contains(&self, label: &str) -> bool {
        self.index.contains_key(label)
    }

    /// The object that answers to `label`.
    pub(crate) fn get(&self, label: &str) -> Option<&T> {
        self.index
            .get(label)
            .and_then(|key| self.objects.get(key))
            .map(|o| &**o)
    }

    /// The object that answers to `label`, to change it (copied first if a
    /// checkpoint shares it).
    pub(crate) fn get_mut(&mut self, label: &str) -> Option<&mut T> {
        let key = self.index.get(label)?;
        self.objects.get_mut(key).map(Arc::make_mut)
    }

    /// The object that answers to `label`, to change it; when none does, the
    /// problem `missing` words is logged against event `seq`.
    pub(crate) fn expect_mut(
        &mut self,
        label: &str,
        seq: u64,
        problems: &mut Log<Inconsistency>,
        missing: impl FnOnce() -> String,
    ) -> Option<&mut T> {
        if !self.contains(label) {
            problems.push(Inconsistency {
                seq,
                problem: missing(),
            });
        }
        self.get_mut(label)
    }

    /// Changes the object that answers to `label` with `change`, only when `needs`
    /// says it must: an object a checkpoint shares is copied only to be changed.
    pub(crate) fn change_if(
        &mut self,
        label: &str,
        needs: impl FnOnce(&T) -> bool,
        change: impl FnOnce(&mut T),
    ) {
        if self.get(label).is_some_and(needs)
            && let Some(object) = self.get_mut(label)
        {
            change(object);
        }
    }

    /// The key (the event that made it) of the object that answers to `label`.
    pub(crate) fn key(&self, label: &str) -> Option<u64> {
        self.index.get(label).copied()
    }

    /// The object made at event `key`, to change it.
    pub(crate) fn at_mut(&mut self, key: u64) -> Option<&mut T> {
        self.objects.get_mut(&key).map(Arc::make_mut)
    }

    /// Every object, in creation order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.objects.values().map(|o| &**o)
    }

    /// Adds `value`, made at event `key`, under `label`. An object that answered
    /// to `label` before is taken out first and returned (the caller reports it).
    pub(crate) fn insert(&mut self, label: Label, key: u64, value: T) -> Option<Arc<T>> {
        let displaced = self.remove(&label);
        self.index.insert(label, key);
        self.objects.insert(key, Arc::new(value));
        displaced
    }

    /// Adds `value` as [`Registry::insert`] does; when an object already answers
    /// to `label`, the problem `again` words is logged against event `key`.
    pub(crate) fn insert_new(
        &mut self,
        label: Label,
        key: u64,
        value: T,
        problems: &mut Log<Inconsistency>,
        again: impl FnOnce() -> String,
    ) {
        if self.insert(label, key, value).is_some() {
            problems.push(Inconsistency {
                seq: key,
                problem: again(),
            });
        }
    }

    /// Takes the object that answers to `label` out of the table.
    pub(crate) fn remove(&mut self, label: &str) -> Option<Arc<T>> {
        let key = self.index.remove(label)?;
        self.objects.remove(&key)
    }

    /// Takes the object made at event `key` out of the table.
    pub(crate) fn remove_at(&mut self, key: u64) -> Option<Arc<T>> {
        let object = self.objects.remove(&key)?;
        self.index.retain(|_, k| *k != key);
        Some(object)
    }

    /// Stops `label` answering, keeping its object: the object's key.
    pub(crate) fn unlink(&mut self, label: &str) -> Option<u64> {
        self.index.remove(label)
    }
}
