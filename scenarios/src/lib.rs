//! Scenarios placeholder.
