import type { DraftStatus } from "../../bindings";
import { formatDate } from "../../format/dates";

/** What a draft's badge needs to know. */
export interface DraftState {
  status: DraftStatus;
  approvedBy: string | null;
  approvedAt: string | null;
}

/** The badge's words: "Pending review", "Approved by Jane Roe on Mar 14, 2026", "Incomplete". */
export function statusText({ status, approvedBy, approvedAt }: DraftState): string {
  switch (status) {
    case "pendingReview":
      return "Pending review";
    case "approved": {
      const by = approvedBy ?? "an attorney";
      // The day as stored (UTC), as the review banner says it.
      return approvedAt === null
        ? `Approved by ${by}`
        : `Approved by ${by} on ${formatDate(approvedAt.slice(0, 10))}`;
    }
    case "interrupted":
      return "Incomplete";
    case "writing":
      return "Being written";
  }
}

/** The look of a status: approved, awaiting review, cut short, or still arriving. */
export type StatusTone = "approved" | "pending" | "incomplete" | "writing";

export function statusTone(status: DraftStatus): StatusTone {
  switch (status) {
    case "pendingReview":
      return "pending";
    case "approved":
      return "approved";
    case "interrupted":
      return "incomplete";
    case "writing":
      return "writing";
  }
}

/** For the status filter: every status, as a person would ask for it. */
export const STATUS_CHOICES: readonly { value: DraftStatus; label: string }[] = [
  { value: "pendingReview", label: "Pending review" },
  { value: "approved", label: "Approved" },
  { value: "interrupted", label: "Incomplete" },
  { value: "writing", label: "Being written" },
];
