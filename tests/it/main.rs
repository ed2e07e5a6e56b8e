//! Integration tests, one module per area.

mod kernel_ipc;
mod kernel_notify;
mod traces;
