import { useId, type ReactNode } from "react";

interface CheckboxFieldProps {
  /** What the box says; may include visually hidden words that tell similar boxes apart. */
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId: string;
  hint?: string;
  className?: string;
}

/** A labelled checkbox; `hint` is read out with it. */
export function CheckboxField({
  label,
  checked,
  onChange,
  testId,
  hint,
  className,
}: CheckboxFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className={className === undefined ? "checkbox" : `checkbox ${className}`}>
      <input
        id={id}
        className="checkbox__input"
        type="checkbox"
        aria-describedby={hint === undefined ? undefined : hintId}
        data-testid={testId}
        checked={checked}
        onChange={(event) => {
          onChange(event.target.checked);
        }}
      />
      <label className="checkbox__label" htmlFor={id}>
        {label}
      </label>
      {hint !== undefined && (
        <p className="field__hint checkbox__hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}
