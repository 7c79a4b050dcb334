import type { DueStatus } from "./deadlineText";

const TEXT: Record<DueStatus, string | null> = {
  done: "Done",
  overdue: "Overdue",
  soon: "Due soon",
  later: null,
};

/** "Overdue", "Due soon" or "Done" in words (the colour only repeats them); nothing otherwise. */
export function DueMark({ status }: { status: DueStatus }) {
  const text = TEXT[status];
  if (text === null) return null;
  return (
    <span className={`due-mark due-mark--${status}`} data-testid="due-mark">
      {text}
    </span>
  );
}
