//! Rendering a state for `machsim step --at N`: text for people, JSON for tools.
//!
//! Both show the same things in the same order: the event itself, the tasks, the
//! live ports with their queues and blocked senders, the dead ports, the port sets,
//! the services (memory objects with their mappings and bytes, semaphores with
//! their waiters, pipes with their buffered bytes, ends and waiting tasks, named
//! pipes with the tasks waiting to open or accept), the messages in flight outside
//! any queue, every task's name space and handles, and any inconsistency the fold
//! found. Tasks, ports, sets and service objects come in creation order, names and
//! handles in number order, messages oldest first. A section with nothing in it is
//! left out of the text (the services', the handles') and of the JSON (the
//! services' lists, a task's `handles`), so a run without services renders as it
//! did before them.
//!
//! [`text`] and [`json`] render a state; [`describe`] and [`what`] spell an event
//! as the stepper lists it.

mod json;
mod record;
mod text;

pub use json::json;
pub use record::{describe, what};
pub use text::text;
