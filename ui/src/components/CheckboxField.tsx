import { useId, type ReactNode } from "react";
import { LockNote } from "./FieldFrame";

interface CheckboxFieldProps {
  /** What the box says; may include visually hidden words that tell similar boxes apart. */
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId: string;
  hint?: string;
  /** The policy's reason when the firm's IT provider decides this value: disabled. */
  locked?: string | undefined;
  className?: string;
}

/** A labelled checkbox; `hint` is read out with it. */
export function CheckboxField({
  label,
  checked,
  onChange,
  testId,
  hint,
  locked,
  className,
}: CheckboxFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const lockId = `${id}-lock`;
  const describedBy =
    [locked === undefined ? null : lockId, hint === undefined ? null : hintId]
      .filter((part) => part !== null)
      .join(" ") || undefined;
  return (
    <div className={className === undefined ? "checkbox" : `checkbox ${className}`}>
      <input
        id={id}
        className="checkbox__input"
        type="checkbox"
        aria-describedby={describedBy}
        disabled={locked !== undefined}
        data-testid={testId}
        checked={checked}
        onChange={(event) => {
          onChange(event.target.checked);
        }}
      />
      <label className="checkbox__label" htmlFor={id}>
        {label}
      </label>
      {locked !== undefined && <LockNote id={lockId} reason={locked} />}
      {hint !== undefined && (
        <p className="field__hint checkbox__hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}
