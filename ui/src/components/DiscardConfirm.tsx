import { useEffect, useId, useRef } from "react";

interface DiscardConfirmProps {
  /** E.g. "Discard your changes to Ana Peña's details?" */
  prompt: string;
  onDiscard: () => void;
  onKeepEditing: () => void;
}

/**
 * Asks, in place, before unsaved edits are thrown away. "Keep editing" has the focus, so Enter
 * keeps the edits (and so does Escape, which the editor handles); only a deliberate choice
 * discards them.
 */
export function DiscardConfirm({ prompt, onDiscard, onKeepEditing }: DiscardConfirmProps) {
  const promptId = useId();
  const keepRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    keepRef.current?.focus();
  }, []);

  return (
    <div
      className="confirm"
      role="group"
      aria-labelledby={promptId}
      data-testid="discard-confirm"
    >
      <p id={promptId} className="confirm__prompt">
        {prompt} What you changed since the last save will be lost.
      </p>
      <div className="form__actions">
        <button
          ref={keepRef}
          type="button"
          className="button"
          data-testid="keep-editing"
          onClick={onKeepEditing}
        >
          Keep editing
        </button>
        <button
          type="button"
          className="button button--destructive"
          data-testid="discard-changes"
          onClick={onDiscard}
        >
          Discard changes
        </button>
      </div>
    </div>
  );
}
