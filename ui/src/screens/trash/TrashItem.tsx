import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { commands, type TrashedNote } from "../../bindings";
import { DateTime } from "../../components/DateTime";
import { InlineError } from "../../components/InlineError";
import { useAction } from "../../data/useAction";
import { noteTitle } from "../../format/noteTitle";

interface TrashItemProps {
  note: TrashedNote;
  /** The note left the trash (restored or deleted); `message` says which. */
  onGone: (message: string) => void;
}

/** A trashed note with "Restore" and "Delete forever", which asks first, in place. */
export function TrashItem({ note, onGone }: TrashItemProps) {
  const promptId = useId();
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const keepRef = useRef<HTMLButtonElement>(null);
  const purgeRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const title = noteTitle(note.title);

  useEffect(() => {
    if (confirming) {
      keepRef.current?.focus();
    } else if (returnFocus.current) {
      returnFocus.current = false;
      purgeRef.current?.focus();
    }
  }, [confirming]);

  function cancel() {
    returnFocus.current = true;
    setConfirming(false);
  }

  async function restore() {
    const result = await action.run(() => commands.restoreNote(note.id));
    if (result.status === "ok") onGone(`“${title}” is back in its matter.`);
  }

  async function purge() {
    const result = await action.run(() => commands.purgeNote(note.id));
    if (result.status === "ok") onGone(`“${title}” was deleted for good.`);
  }

  const onEscape = (event: KeyboardEvent) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    cancel();
  };

  return (
    <li className="trash-item" data-testid="trash-item" data-id={note.id}>
      <div className="trash-item__summary">
        <span className="record__title">{title}</span>
        <span className="record__meta">
          <span>
            Moved to the trash <DateTime iso={note.deletedAt} />
          </span>
        </span>
      </div>

      {confirming ? (
        <div className="confirm" role="group" aria-labelledby={promptId}>
          <p id={promptId} className="confirm__prompt">
            Delete “{title}” forever? Its text and every saved version will be gone for good. This
            cannot be undone.
          </p>
          <div className="form__actions">
            <button
              type="button"
              className="button button--destructive"
              data-testid="trash-purge-confirm"
              onKeyDown={onEscape}
              onClick={() => {
                if (!action.pending) void purge();
              }}
            >
              Delete forever
            </button>
            <button
              ref={keepRef}
              type="button"
              className="button"
              onKeyDown={onEscape}
              onClick={cancel}
            >
              Keep it
            </button>
          </div>
        </div>
      ) : (
        <div className="form__actions">
          <button
            type="button"
            className="button"
            data-testid="trash-restore"
            onClick={() => {
              if (!action.pending) void restore();
            }}
          >
            Restore
          </button>
          <button
            ref={purgeRef}
            type="button"
            className="button button--danger"
            data-testid="trash-purge"
            onClick={() => {
              action.clearError();
              setConfirming(true);
            }}
          >
            Delete forever
          </button>
        </div>
      )}
      {action.error && <InlineError error={action.error} />}
    </li>
  );
}
