//! The ready queue: runnable tasks, in the order they became runnable.
//!
//! A run with 100,000 tasks makes every kernel call take a task off the queue and
//! put one on, and an ending task leaves it from anywhere; a `VecDeque` scanned for
//! the task made each of those linear and the run quadratic. Here no operation
//! scans: a member's slot is remembered, leaving clears the slot (a hole), holes
//! at either end are trimmed as the ends move past them, and the slots are
//! compacted when the queue runs out of room. A queue for a scheduler that picks
//! by position (seeded random) also counts the occupied slots in a Fenwick tree,
//! so the k-th member is found in O(log n).

use ports::TaskId;

/// Where a member of the queue sits.
#[derive(Clone, Copy, Debug)]
struct Place {
    task: TaskId,
    slot: usize,
    stamp: Stamp,
}

/// A number that orders the queue's members as the queue does and does not change
/// while the task stays in the queue (a scheduler may index members by it).
pub(crate) type Stamp = u64;

/// Runnable tasks in order: O(1) to add at the end, to remove any member, to
/// find the first; O(log n) to find the k-th when `ranked`.
#[derive(Debug)]
pub(crate) struct ReadyQueue {
    /// Members in queue order, `None` where one left: `slots[first..end]`.
    slots: Vec<Option<TaskId>>,
    first: usize,
    end: usize,
    len: usize,
    /// Each member's place, by task index.
    places: Vec<Option<Place>>,
    /// Occupied slots counted, for `nth`; only for a queue picked from by position.
    rank: Option<Fenwick>,
    next_stamp: Stamp,
}

impl ReadyQueue {
    /// An empty queue; `ranked` makes [`ReadyQueue::nth`] logarithmic.
    pub(crate) fn new(ranked: bool) -> ReadyQueue {
        ReadyQueue {
            slots: Vec::new(),
            first: 0,
            end: 0,
            len: 0,
            places: Vec::new(),
            rank: ranked.then(Fenwick::default),
            next_stamp: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn contains(&self, task: TaskId) -> bool {
        self.place(task).is_some()
    }

    /// The first member.
    pub(crate) fn front(&self) -> Option<TaskId> {
        // The ends are trimmed of holes, so the first slot is a member's.
        self.slots.get(self.first).copied().flatten()
    }

    /// The member at position `k` in queue order.
    pub(crate) fn nth(&self, k: usize) -> Option<TaskId> {
        if k >= self.len {
            return None;
        }
        match &self.rank {
            Some(rank) => self.slots.get(rank.nth(k)).copied().flatten(),
            None => self.slots[self.first..self.end]
                .iter()
                .flatten()
                .nth(k)
                .copied(),
        }
    }

    /// The members in queue order.
    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = TaskId> + '_ {
        self.slots[self.first..self.end].iter().flatten().copied()
    }

    /// Adds `task` at the back; returns its stamp.
    pub(crate) fn push_back(&mut self, task: TaskId) -> Stamp {
        debug_assert!(!self.contains(task), "{task} is queued twice");
        if self.end == self.slots.len() {
            self.compact();
        }
        let stamp = self.next_stamp;
        self.next_stamp += 1;
        let slot = self.end;
        self.end += 1;
        self.occupy(task, slot, stamp);
        stamp
    }

    /// Takes `task` out of the queue wherever it is; returns its stamp, or `None`
    /// if it was not queued.
    pub(crate) fn remove(&mut self, task: TaskId) -> Option<Stamp> {
        let place = self.place(task)?;
        self.places[task.index as usize] = None;
        self.slots[place.slot] = None;
        if let Some(rank) = &mut self.rank {
            rank.add(place.slot, -1);
        }
        self.len -= 1;
        if self.len == 0 {
            // Start again from the first slot, so a queue that keeps emptying (two
            // tasks taking turns) never needs compacting.
            self.first = 0;
            self.end = 0;
        } else {
            while self.slots[self.first].is_none() {
                self.first += 1;
            }
            while self.slots[self.end - 1].is_none() {
                self.end -= 1;
            }
        }
        Some(place.stamp)
    }

    fn place(&self, task: TaskId) -> Option<Place> {
        self.places
            .get(task.index as usize)
            .copied()
            .flatten()
            .filter(|place| place.task == task)
    }

    fn occupy(&mut self, task: TaskId, slot: usize, stamp: Stamp) {
        self.slots[slot] = Some(task);
        let index = task.index as usize;
        if self.places.len() <= index {
            self.places.resize(index + 1, None);
        }
        self.places[index] = Some(Place { task, slot, stamp });
        if let Some(rank) = &mut self.rank {
            rank.add(slot, 1);
        }
        self.len += 1;
    }

    /// Moves the members, in order, into fresh slots at the start, dropping the
    /// holes. It runs only when the end has no room left, and leaves room for as
    /// many pushes as there are members, so its cost is constant per push.
    fn compact(&mut self) {
        let capacity = (2 * (self.len + 1)).max(16);
        let mut slots = vec![None; capacity];
        let mut at = 0;
        for task in self.slots[self.first..self.end].iter().flatten() {
            slots[at] = Some(*task);
            if let Some(place) = &mut self.places[task.index as usize] {
                place.slot = at;
            }
            at += 1;
        }
        self.slots = slots;
        self.first = 0;
        self.end = at;
        if let Some(rank) = &mut self.rank {
            *rank = Fenwick::counting(&self.slots);
        }
    }
}

/// A Fenwick (binary indexed) tree counting occupied slots: a count changes, and
/// the slot of the k-th occupied one is found, in O(log n).
#[derive(Debug, Default)]
struct Fenwick {
    /// `tree[i]` counts the occupied slots in `(i - lowbit(i), i]`, 1-based.
    tree: Vec<i32>,
}

impl Fenwick {
    /// A tree over `slots`, built in O(n).
    fn counting(slots: &[Option<TaskId>]) -> Fenwick {
        let n = slots.len();
        let mut tree = vec![0; n + 1];
        for (i, slot) in slots.iter().enumerate() {
            tree[i + 1] += i32::from(slot.is_some());
            let parent = (i + 1) + lowbit(i + 1);
            if parent <= n {
                tree[parent] += tree[i + 1];
            }
        }
        Fenwick { tree }
    }

    fn add(&mut self, slot: usize, delta: i32) {
        let mut i = slot + 1;
        while i < self.tree.len() {
            self.tree[i] += delta;
            i += lowbit(i);
        }
    }

    /// The slot of the `k`-th occupied slot (from 0); the caller checks that there
    /// are more than `k`.
    fn nth(&self, k: usize) -> usize {
        let n = self.tree.len() - 1;
        let mut remaining = k as i32 + 1;
        let mut at = 0;
        let mut step = if n == 0 { 0 } else { 1 << n.ilog2() };
        while step > 0 {
            if at + step <= n && self.tree[at + step] < remaining {
                at += step;
                remaining -= self.tree[at];
            }
            step >>= 1;
        }
        // `at` is the last 1-based index whose prefix count is below `k + 1`, so
        // slot `at` (0-based) is the one.
        at
    }
}

fn lowbit(i: usize) -> usize {
    i & i.wrapping_neg()
}

#[cfg(test)]
mod tests;
