import { useEffect, useId, useRef } from "react";
import type { IpcError } from "../../bindings";
import { InlineError } from "../../components/InlineError";

interface ApproveConfirmProps {
  reviewer: string;
  version: number;
  approving: boolean;
  error: IpcError | null;
  onApprove: () => void;
  onCancel: () => void;
}

/**
 * Asks, in place, before a draft is approved: the approval is a named person's statement that
 * they verified this text. "Cancel" has the focus, so only a deliberate choice approves.
 */
export function ApproveConfirm({
  reviewer,
  version,
  approving,
  error,
  onApprove,
  onCancel,
}: ApproveConfirmProps) {
  const promptId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    cancelRef.current?.focus();
  }, []);

  return (
    <div
      className="confirm confirm--approve"
      role="group"
      aria-labelledby={promptId}
      data-testid="approve-confirm"
    >
      <p id={promptId} className="confirm__prompt">
        Approve version {version} as {reviewer}? This records that {reviewer} has read this draft,
        verified its facts and citations against the record, and approves it for use. An edit
        afterwards needs a new approval.
      </p>
      <div className="form__actions">
        <button
          ref={cancelRef}
          type="button"
          className="button"
          data-testid="approve-cancel"
          onClick={onCancel}
        >
          Cancel
        </button>
        <button
          type="button"
          className="button button--primary"
          data-testid="approve-confirm-button"
          onClick={() => {
            if (!approving) onApprove();
          }}
        >
          {approving ? "Approving…" : `Approve as ${reviewer}`}
        </button>
      </div>
      {error && <InlineError error={error} />}
    </div>
  );
}
