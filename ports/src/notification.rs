//! Notification kinds: the messages the kernel sends when something happens to a port.

crate::word_enum! {
    /// A kind of notification, with Mach's message id; spelled as scenario files and
    /// traces write it.
    pub enum NotificationKind {
        /// A dead-name request can no longer fire: the name was freed (65).
        PortDeleted = "port_deleted",
        /// A forced (`notify`) message was received (66).
        MsgAccepted = "msg_accepted",
        /// A receive right would have died and is handed over instead (69).
        PortDestroyed = "port_destroyed",
        /// The last send right for a port went away (70).
        NoSenders = "no_senders",
        /// A send-once right was destroyed without being used (71).
        SendOnce = "send_once",
        /// A port died while a right for it was held under a watched name (72).
        DeadName = "dead_name",
    }
}

impl NotificationKind {
    /// Mach's `msgh_id` for this notification.
    pub const fn id(self) -> i32 {
        match self {
            NotificationKind::PortDeleted => 65,
            NotificationKind::MsgAccepted => 66,
            NotificationKind::PortDestroyed => 69,
            NotificationKind::NoSenders => 70,
            NotificationKind::SendOnce => 71,
            NotificationKind::DeadName => 72,
        }
    }

    /// The kind a message id stands for.
    pub fn from_id(id: i32) -> Option<NotificationKind> {
        NotificationKind::ALL.into_iter().find(|k| k.id() == id)
    }
}
