import { useId, type ReactNode } from "react";

/** What a control inside a field needs: its id (for the label) and its hint's id, if any. */
export interface FieldControl {
  id: string;
  describedBy: string | undefined;
  /** Whether the app refused this field's value (its message shows below it). */
  invalid: boolean;
}

interface FieldFrameProps {
  label: string;
  hint?: string | undefined;
  required?: boolean | undefined;
  /** The app's message about this field's value, shown below it and read out with it. */
  error?: string | undefined;
  /** The `data-testid` of the error message. */
  errorTestId?: string | undefined;
  children: (control: FieldControl) => ReactNode;
}

/** The label, the "(required)" mark, the hint and any error around one form control. */
export function FieldFrame({ label, hint, required, error, errorTestId, children }: FieldFrameProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy =
    [hint === undefined ? null : hintId, error === undefined ? null : errorId]
      .filter((part) => part !== null)
      .join(" ") || undefined;
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
        {required && <span className="field__required"> (required)</span>}
      </label>
      {children({ id, describedBy, invalid: error !== undefined })}
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
