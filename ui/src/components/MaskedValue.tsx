import { useState } from "react";

/** Every digit but the last four hidden: `123-45-6789` → `•••-••-6789`. */
export function maskDigits(value: string): string {
  let toKeep = 4;
  return Array.from(value)
    .reverse()
    .map((char) => {
      if (!/\d/.test(char)) return char;
      if (toKeep > 0) {
        toKeep -= 1;
        return char;
      }
      return "•";
    })
    .reverse()
    .join("");
}

interface MaskedValueProps {
  value: string;
  /** What the value is, e.g. "SSN or ITIN": names the Show button. */
  label: string;
  testId: string;
}

/**
 * A sensitive number shown with only its last four digits until the user asks to see it. The
 * Show button (test id `<testId>-toggle`) is a toggle: pressed while the number shows.
 */
export function MaskedValue({ value, label, testId }: MaskedValueProps) {
  const [shown, setShown] = useState(false);
  const last = value.replace(/\D/g, "").slice(-4);
  return (
    <span className="masked">
      {shown ? (
        <span data-testid={testId}>{value}</span>
      ) : (
        <span data-testid={testId} data-masked="true">
          <span className="visually-hidden">Hidden, ending in {last}</span>
          <span aria-hidden="true">{maskDigits(value)}</span>
        </span>
      )}
      <button
        type="button"
        className="button button--small"
        aria-pressed={shown}
        aria-label={`Show ${label}`}
        data-testid={`${testId}-toggle`}
        onClick={() => {
          setShown((s) => !s);
        }}
      >
        Show
      </button>
    </span>
  );
}
