//! Drafting: from a matter's record and notes, through a template, to a draft an attorney reviews.
//! `templates` (data files), `record` (what templates see), `document` (filling and the draft's
//! text), `provenance` (where a draft came from), `offline` (the structured summary from the
//! record alone), `redaction` (placeholders before sending, restored in the answer), `pipeline`
//! (the AI path: size check, policy gate, consent, redaction, stream, audit).

pub mod document;
pub mod offline;
pub mod pipeline;
pub mod provenance;
pub mod record;
pub mod redaction;
pub mod templates;
