import { statusText, statusTone, type DraftState } from "./draftStatus";

/** A draft's review status as a small coloured label. */
export function DraftStatusBadge({ draft }: { draft: DraftState }) {
  return (
    <span
      className={`draft-status draft-status--${statusTone(draft.status)}`}
      data-testid="draft-status"
    >
      {statusText(draft)}
    </span>
  );
}
