import { formatDate } from "../format/dates";

/** A calendar date (YYYY-MM-DD), such as a due date, as the user's locale writes it. */
export function CalendarDate({ date, className }: { date: string; className?: string }) {
  return (
    <time className={className} dateTime={date}>
      {formatDate(date)}
    </time>
  );
}
