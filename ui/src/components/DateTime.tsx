import { formatDateTime } from "../format/dates";

export function DateTime({ iso, className }: { iso: string; className?: string }) {
  return (
    <time className={className} dateTime={iso}>
      {formatDateTime(iso)}
    </time>
  );
}
