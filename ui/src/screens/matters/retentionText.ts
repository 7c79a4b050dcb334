import type { RetentionPeriod } from "../../bindings";

/** "AI drafts are kept 90 days after their last activity" or "… until deleted by hand". */
export function periodText(period: RetentionPeriod): string {
  return period.days === null
    ? "AI drafts are kept until someone deletes them."
    : `AI drafts are deleted ${String(period.days)} days after their last activity (the last edit, approval or generation).`;
}

const SOURCES: Record<RetentionPeriod["source"], string> = {
  matter: "Set for this matter.",
  policy: "Set by your firm's policy.",
  user: "Your setting on this computer.",
  builtIn: "No period is set.",
};

/** Where the period comes from, in a few words. */
export function sourceText(period: RetentionPeriod): string {
  return SOURCES[period.source];
}
