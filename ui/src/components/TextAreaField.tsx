import { FieldFrame } from "./FieldFrame";

interface TextAreaFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  rows?: number;
  hint?: string;
  /** The app's message about this value; shown below it with test id `<testId>-error`. */
  error?: string | undefined;
}

/** A labelled text area for a few lines (a street address, a description). */
export function TextAreaField({
  label,
  value,
  onChange,
  testId,
  rows = 3,
  hint,
  error,
}: TextAreaFieldProps) {
  return (
    <FieldFrame label={label} hint={hint} error={error} errorTestId={`${testId}-error`}>
      {({ id, describedBy, invalid }) => (
        <textarea
          id={id}
          className="field__input field__textarea"
          rows={rows}
          aria-invalid={invalid || undefined}
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
