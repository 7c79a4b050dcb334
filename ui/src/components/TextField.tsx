import type { Ref } from "react";
import { FieldFrame } from "./FieldFrame";

interface TextFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  /**
   * "date" gives the system date picker; its value is YYYY-MM-DD (or "" when empty).
   * "password" hides what is typed, e.g. an SSN while it is masked.
   */
  type?: "text" | "date" | "password";
  hint?: string;
  required?: boolean;
  /** The app's message about this value; shown below it with test id `<testId>-error`. */
  error?: string | undefined;
  /** The policy's reason when the firm's IT provider decides this value: read-only. */
  locked?: string | undefined;
  inputRef?: Ref<HTMLInputElement> | undefined;
}

/** A labelled one-line input (text or date); `hint` and `error` are read out with it. */
export function TextField({
  label,
  value,
  onChange,
  testId,
  type = "text",
  hint,
  required,
  error,
  locked,
  inputRef,
}: TextFieldProps) {
  return (
    <FieldFrame
      label={label}
      hint={hint}
      required={required}
      error={error}
      errorTestId={`${testId}-error`}
      locked={locked}
    >
      {({ id, describedBy, invalid, locked: readOnly }) => (
        <input
          id={id}
          ref={inputRef}
          className="field__input"
          type={type}
          autoComplete="off"
          spellCheck={false}
          aria-required={required}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          readOnly={readOnly}
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
