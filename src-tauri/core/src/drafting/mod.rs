//! Drafting: from a matter's record and notes, through a template, to a draft an attorney reviews.
//! `templates` (data files), `record` (what templates see), `document` (filling and the draft's
//! text), `provenance` (where a draft came from).

pub mod document;
pub mod offline;
pub mod provenance;
pub mod record;
pub mod templates;
