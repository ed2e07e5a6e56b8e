//! Kernel placeholder.
