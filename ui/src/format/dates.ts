// `undefined` locale: the user's own, as the system reports it.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** A stored RFC 3339 time as the user's locale writes it; the raw text if it cannot be read. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

const calendarDate = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date (YYYY-MM-DD) at local midnight, or null if the text is not one. */
function localDate(ymd: string): Date | null {
  const match = YMD.exec(ymd);
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(0);
  date.setFullYear(year, month - 1, day);
  date.setHours(0, 0, 0, 0);
  // Rejects dates that roll over, like 2026-02-30.
  return date.getMonth() === month - 1 && date.getDate() === day ? date : null;
}

/** A calendar date (a due date, a filing date) in the user's locale, e.g. "May 28, 2026". */
export function formatDate(ymd: string): string {
  const date = localDate(ymd);
  return date === null ? ymd : calendarDate.format(date);
}

/** Today in the user's time zone, as YYYY-MM-DD. */
export function todayLocal(now: Date = new Date()): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(now.getFullYear(), 4)}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Whole days from one calendar date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number | null {
  const a = YMD.exec(from);
  const b = YMD.exec(to);
  if (!a || !b) return null;
  const utc = (m: RegExpExecArray) => Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Math.round((utc(b) - utc(a)) / 86_400_000);
}
