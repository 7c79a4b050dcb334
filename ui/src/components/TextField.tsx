import type { Ref } from "react";
import { FieldFrame } from "./FieldFrame";

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
  return (
    <FieldFrame label={label} hint={hint} required={required}>
      {({ id, describedBy }) => (
        <input
          id={id}
          ref={inputRef}
          className="field__input"
          type={type}
          autoComplete="off"
          spellCheck={false}
          aria-required={required}
          aria-describedby={describedBy}
          data-testid={testId}
          value={value}
          onChange={(event) => {
            onChange(event.target.value);
          }}
        />
      )}
    </FieldFrame>
  );
}
