//! The scenario model: plain data parsed from a scenario file.
