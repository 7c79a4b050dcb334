import { useId, type ReactNode } from "react";

/** What a control inside a field needs: its id (for the label) and its hint's id, if any. */
export interface FieldControl {
  id: string;
  describedBy: string | undefined;
}

interface FieldFrameProps {
  label: string;
  hint?: string | undefined;
  required?: boolean | undefined;
  children: (control: FieldControl) => ReactNode;
}

/** The label, the "(required)" mark and the hint around one form control. */
export function FieldFrame({ label, hint, required, children }: FieldFrameProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
        {required && <span className="field__required"> (required)</span>}
      </label>
      {children({ id, describedBy: hint === undefined ? undefined : hintId })}
      {hint !== undefined && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}
