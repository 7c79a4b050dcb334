import { useEffect, useId, useRef, useState } from "react";
import { commands, type Draft_Serialize } from "../../bindings";
import { InlineError } from "../../components/InlineError";
import { useAction } from "../../data/useAction";
import { countOf } from "../../format/counts";

interface DeleteDraftProps {
  draft: Draft_Serialize;
  /** Once the draft is gone, its page gives way to its matter's. */
  onOpenMatter: (matterId: number) => void;
}

/**
 * "Delete draft…", then a confirmation in place that names what goes (the draft and its
 * versions) and that it cannot be undone; "Cancel" has the focus. Refused, with the hold named,
 * while the matter is under legal hold. Every deletion is recorded in the audit log.
 */
export function DeleteDraft({ draft, onOpenMatter }: DeleteDraftProps) {
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const promptId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);

  const returnFocus = useRef(false);

  // The prompt takes the focus; closing it gives the focus back to "Delete draft…".
  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
    else if (returnFocus.current) openRef.current?.focus();
    returnFocus.current = false;
  }, [confirming]);

  async function remove() {
    const result = await action.run(() => commands.deleteDraft(draft.id));
    if (result.status === "ok") onOpenMatter(draft.matterId);
  }

  function cancel() {
    action.clearError();
    returnFocus.current = true;
    setConfirming(false);
  }

  return (
    <div className="delete-draft">
      {!confirming && (
        <button
          ref={openRef}
          type="button"
          className="button"
          data-testid="draft-delete"
          disabled={draft.status === "writing"}
          onClick={() => {
            setConfirming(true);
          }}
        >
          Delete draft…
        </button>
      )}
      {confirming && (
        <div className="confirm" role="group" aria-labelledby={promptId} data-testid="delete-confirm">
          <p id={promptId} className="confirm__prompt">
            Delete “{draft.title}” and its {countOf(draft.version, "version")}? This cannot be
            undone. The deletion (not the text) is recorded in the audit log.
          </p>
          <div className="form__actions">
            <button
              ref={cancelRef}
              type="button"
              className="button"
              data-testid="delete-cancel"
              onClick={cancel}
            >
              Cancel
            </button>
            <button
              type="button"
              className="button button--destructive"
              data-testid="delete-confirm-button"
              disabled={action.pending}
              onClick={() => void remove()}
            >
              {action.pending ? "Deleting…" : "Delete draft"}
            </button>
          </div>
          {action.error && <InlineError error={action.error} testId="delete-error" />}
        </div>
      )}
    </div>
  );
}
