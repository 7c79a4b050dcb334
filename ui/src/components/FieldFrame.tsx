import { useId, type ReactNode } from "react";

/** What a control inside a field needs: its id (for the label) and its hint's id, if any. */
export interface FieldControl {
  id: string;
  describedBy: string | undefined;
  /** Whether the app refused this field's value (its message shows below it). */
  invalid: boolean;
  /** Whether the firm's policy decides this value, so the control must not change it. */
  locked: boolean;
}

interface FieldFrameProps {
  label: string;
  hint?: string | undefined;
  required?: boolean | undefined;
  /** The app's message about this field's value, shown below it and read out with it. */
  error?: string | undefined;
  /** The `data-testid` of the error message. */
  errorTestId?: string | undefined;
  /** The policy's reason when the firm's IT provider decides this value (read-only). */
  locked?: string | undefined;
  children: (control: FieldControl) => ReactNode;
}

/** Why a value cannot be changed here: the firm's IT provider decides it, for this reason. */
export function LockNote({ id, reason }: { id?: string; reason: string }) {
  return (
    <p className="lock-note" id={id} data-testid="lock-note">
      <span className="lock-note__who">Managed by your IT provider</span>
      <span className="lock-note__reason">: {reason}</span>
    </p>
  );
}

/**
 * The label, the "(required)" mark, the policy's lock, the hint and any error around one form
 * control.
 */
export function FieldFrame({
  label,
  hint,
  required,
  error,
  errorTestId,
  locked,
  children,
}: FieldFrameProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const lockId = `${id}-lock`;
  const describedBy =
    [
      locked === undefined ? null : lockId,
      hint === undefined ? null : hintId,
      error === undefined ? null : errorId,
    ]
      .filter((part) => part !== null)
      .join(" ") || undefined;
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
        {required && <span className="field__required"> (required)</span>}
      </label>
      {children({ id, describedBy, invalid: error !== undefined, locked: locked !== undefined })}
      {locked !== undefined && <LockNote id={lockId} reason={locked} />}
      {hint !== undefined && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {error !== undefined && (
        <p className="inline-error" id={errorId} role="alert" data-testid={errorTestId}>
          {error}
        </p>
      )}
    </div>
  );
}
