import { useId, type Ref } from "react";

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
  selectRef,
}: SelectFieldProps<T>) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
        {required && <span className="field__required"> (required)</span>}
      </label>
      <select
        id={id}
        ref={selectRef}
        className="field__input field__select"
        aria-required={required}
        aria-describedby={hint === undefined ? undefined : hintId}
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
      {hint !== undefined && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}
