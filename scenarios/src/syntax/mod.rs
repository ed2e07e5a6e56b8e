//! Parsing and validation of scenario files.
