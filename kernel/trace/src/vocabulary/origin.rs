//! Where a message the kernel made comes from.

ports::word_enum! {
    /// How a message entered the kernel other than as a task's ordinary send
    /// (`message_sent`'s `kind`; absent, `null`, for a task's send or a request to
    /// a kernel port).
    pub enum MessageOrigin {
        /// The kernel's notification.
        Notification = "notification",
        /// A task's send to another task by name (direct naming).
        Direct = "direct",
    }
}
