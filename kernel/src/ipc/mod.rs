//! The message paths: copy rights in, deliver or wait, take, copy rights out.
//!
//! One file per step of Mach's `mach_msg`: `copyin` checks and moves the sender's
//! rights into the message, `send` delivers it under the full-queue policy, `receive`
//! takes a message (from a port, a set or the direct mailbox), `copyout` puts its
//! rights into the receiver's space, and `destroy` ends messages and ports.
//! `circularity` finds receive rights sent into a loop nobody could receive from;
//! `direct` is direct naming, a send or receive addressed to a task by name.

pub(crate) mod circularity;
pub(crate) mod copyin;
pub(crate) mod copyout;
pub(crate) mod destroy;
pub(crate) mod direct;
pub(crate) mod receive;
pub(crate) mod send;
