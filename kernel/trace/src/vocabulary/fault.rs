//! What an outside fault did.

ports::word_enum! {
    /// What an outside fault (a scenario's `[[fault]]`) did (`fault_applied`'s `kind`).
    pub enum FaultKind {
        /// A task was killed.
        Kill = "kill",
        /// A port was destroyed.
        Destroy = "destroy",
        /// A destroy fault found no live port with its label, and did nothing.
        DestroyMissed = "destroy_missed",
    }
}
