//! Drafting: from a matter and its notes to an AI draft (redaction of what leaves the computer).

pub mod redaction;
