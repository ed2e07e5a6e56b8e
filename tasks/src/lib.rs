//! Tasks placeholder.
