//! Vocabulary placeholder.
