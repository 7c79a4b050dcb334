// Plain words for the notices, services and events the app knows, and how close a deadline is.
import type {
  DeadlineEvent,
  DeadlineRecord_Serialize,
  NoticeKind,
  Service,
} from "../../bindings";
import type { Choice } from "../../components/SelectField";
import { daysBetween, formatDate } from "../../format/dates";

/** A deadline as the app sends it. */
export type Deadline = DeadlineRecord_Serialize;

export const NOTICE_KINDS: readonly Choice<NoticeKind>[] = [
  { value: "receipt", label: "Receipt notice" },
  { value: "biometrics", label: "Biometrics appointment notice" },
  { value: "rfe", label: "Request for Evidence (RFE)" },
  { value: "noid", label: "Notice of Intent to Deny (NOID)" },
  { value: "noir", label: "Notice of Intent to Revoke (NOIR)" },
  { value: "nta", label: "Notice to Appear (NTA)" },
  { value: "interview", label: "Interview notice" },
  { value: "approval", label: "Approval notice" },
  { value: "denial", label: "Denial" },
  { value: "transfer", label: "Transfer notice" },
];

export const SERVICES: readonly Choice<Service>[] = [
  { value: "mail", label: "By mail" },
  { value: "personal", label: "In person" },
  { value: "electronic", label: "Electronically (online account)" },
];

export const EVENTS: readonly Choice<DeadlineEvent>[] = [
  { value: "judgeDecision", label: "Immigration judge's decision (appeal to the BIA)" },
  { value: "lastArrival", label: "Last arrival in the United States (asylum one-year deadline)" },
  {
    value: "conditionalResidenceExpires",
    label: "Conditional residence expires (joint I-751)",
  },
];

/** What the date field asks for, once the event is chosen. */
export const EVENT_DATE_LABEL: Record<DeadlineEvent, string> = {
  judgeDecision: "Date of the decision",
  lastArrival: "Date of the last arrival",
  conditionalResidenceExpires: "Date conditional residence expires",
};

/** What is due after a notice that starts a deadline. */
const DUE_AFTER: Partial<Record<NoticeKind, string>> = {
  rfe: "Response due",
  noid: "Response due",
  denial: "Appeal or motion due",
};

function noticeLabel(kind: NoticeKind): string {
  return NOTICE_KINDS.find((choice) => choice.value === kind)?.label ?? "Notice";
}

/** What to announce once a notice is recorded, e.g. "… recorded. Response due May 28, 2026." */
export function noticeRecordedText(kind: NoticeKind, deadline: Deadline | null): string {
  const recorded = `${noticeLabel(kind)} recorded.`;
  if (deadline === null) return `${recorded} It does not start a deadline.`;
  const due = `${DUE_AFTER[kind] ?? "Due"} ${formatDate(deadline.due)}.`;
  return `${recorded} ${due}${checkWarnings(deadline)}`;
}

/** What to announce once a deadline is added from an event. */
export function eventDeadlineText(deadline: Deadline): string {
  const due = formatDate(deadline.due);
  return `Deadline added: ${deadline.rule}, due ${due}.${checkWarnings(deadline)}`;
}

function checkWarnings(deadline: Deadline): string {
  return deadline.warnings.length > 0 ? " Check the warning shown with it." : "";
}

/** Deadlines within this many days (today included) are "due soon". */
export const DUE_SOON_DAYS = 7;

export type DueStatus = "done" | "overdue" | "soon" | "later";

/** How close a deadline is, compared with `today` (YYYY-MM-DD, local time). */
export function dueStatus(deadline: Pick<Deadline, "due" | "done">, today: string): DueStatus {
  if (deadline.done) return "done";
  const days = daysBetween(today, deadline.due);
  if (days === null) return "later";
  if (days < 0) return "overdue";
  return days <= DUE_SOON_DAYS ? "soon" : "later";
}

/** Soonest first; the same day in the order they were added. */
export function byDue<T>(items: readonly T[], deadlineOf: (item: T) => Deadline): T[] {
  return [...items].sort((a, b) => {
    const x = deadlineOf(a);
    const y = deadlineOf(b);
    return x.due < y.due ? -1 : x.due > y.due ? 1 : x.id - y.id;
  });
}

/** The app's explanation as a sentence: capital first letter, full stop at the end. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return trimmed;
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
