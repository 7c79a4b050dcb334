import { useId, type Ref } from "react";

interface TextFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  /** "date" gives the system date picker; its value is YYYY-MM-DD (or "" when empty). */
  type?: "text" | "date";
  hint?: string;
  required?: boolean;
  inputRef?: Ref<HTMLInputElement>;
}

/** A labelled one-line input (text or date); `hint` is read out with it. */
export function TextField({
  label,
  value,
  onChange,
  testId,
  type = "text",
  hint,
  required,
  inputRef,
}: TextFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
        {required && <span className="field__required"> (required)</span>}
      </label>
      <input
        id={id}
        ref={inputRef}
        className="field__input"
        type={type}
        autoComplete="off"
        spellCheck={false}
        aria-required={required}
        aria-describedby={hint === undefined ? undefined : hintId}
        data-testid={testId}
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
      {hint !== undefined && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}
