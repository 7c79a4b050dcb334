import type { SaveStatus } from "./noteSaver";

const TEXT = {
  saved: "Saved",
  saving: "Saving…",
  unsaved: "Unsaved changes",
} as const;

interface SaveStateProps {
  status: SaveStatus;
  /** False for a new note nothing has been typed into. */
  everSaved: boolean;
  onRetry: () => void;
}

/** Whether what is on screen is stored, on its way, waiting, or could not be saved (and why). */
export function SaveState({ status, everSaved, onRetry }: SaveStateProps) {
  let text: string;
  if (status.state === "error") text = `Not saved. ${status.error.message}`;
  else if (status.state === "saved" && !everSaved) text = "Nothing to save yet";
  else text = TEXT[status.state];

  return (
    <div className="save-state">
      <p
        className="save-state__text"
        role="status"
        data-testid="save-state"
        data-state={status.state}
      >
        {text}
      </p>
      {status.state === "error" && (
        <button type="button" className="button button--small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
