import type { Ref } from "react";
import { FieldFrame } from "./FieldFrame";

export interface Choice<T extends string> {
  value: T;
  label: string;
}

interface SelectFieldProps<T extends string> {
  label: string;
  /** The chosen value, or "" while nothing is chosen (the placeholder shows). */
  value: T | "";
  onChange: (value: T | "") => void;
  choices: readonly Choice<T>[];
  /** The first, empty option: asks the user to choose rather than guessing for them. */
  placeholder: string;
  testId: string;
  hint?: string;
  required?: boolean;
  /** The app's message about this choice; shown below it with test id `<testId>-error`. */
  error?: string | undefined;
  /** The policy's reason when the firm's IT provider decides this choice: disabled. */
  locked?: string | undefined;
  selectRef?: Ref<HTMLSelectElement>;
}

/** A labelled drop-down list; `hint` is read out with it. */
export function SelectField<T extends string>({
  label,
  value,
  onChange,
  choices,
  placeholder,
  testId,
  hint,
  required,
  error,
  locked,
  selectRef,
}: SelectFieldProps<T>) {
  return (
    <FieldFrame
      label={label}
      hint={hint}
      required={required}
      error={error}
      errorTestId={`${testId}-error`}
      locked={locked}
    >
      {({ id, describedBy, invalid, locked: fixed }) => (
        <select
          id={id}
          ref={selectRef}
          className="field__input field__select"
          aria-required={required}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          disabled={fixed}
          data-testid={testId}
          value={value}
          onChange={(event) => {
            const chosen = choices.find((choice) => choice.value === event.target.value);
            onChange(chosen?.value ?? "");
          }}
        >
          <option value="">{placeholder}</option>
          {choices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}
