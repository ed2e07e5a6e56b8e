//! Diagnostics for scenario files.
