import { useEffect, useRef, useState, type ReactNode } from "react";

interface RepeatableRowsProps<T> {
  /** What the rows are, e.g. "Passports": the fieldset's legend. */
  legend: string;
  /** One row, e.g. "Passport": names each row ("Passport 2") and its Remove button. */
  itemLabel: string;
  /** The add button's text, e.g. "Add passport". */
  addLabel: string;
  /** Prefix of the hooks: `<testId>-row`, `<testId>-add`, `<testId>-remove-<index>`. */
  testId: string;
  rows: readonly T[];
  onChange: (rows: T[]) => void;
  /** A new, empty row. */
  blank: () => T;
  renderRow: (row: T, index: number, update: (row: T) => void) => ReactNode;
  /** Shown while there are no rows. */
  empty: string;
}

const FIELD = "input, select, textarea";

/**
 * A list of rows the user adds and removes (passports, addresses…), each a labelled group with
 * its fields and a Remove button. Focus follows: to the new row's first field after Add, and
 * to the neighbouring row (or Add) after Remove.
 */
export function RepeatableRows<T>({
  legend,
  itemLabel,
  addLabel,
  testId,
  rows,
  onChange,
  blank,
  renderRow,
  empty,
}: RepeatableRowsProps<T>) {
  // Stable keys, so that removing a row in the middle keeps every other row's element. (Should
  // the rows change from outside, they are keyed by position until the next add or remove.)
  const [keys, setKeys] = useState<number[]>(() => rows.map((_, i) => i));
  const nextKey = useRef(rows.length);
  const rowKeys = keys.length === rows.length ? keys : rows.map((_, i) => -1 - i);
  const listRef = useRef<HTMLOListElement>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const focusRow = useRef<number | null>(null);

  useEffect(() => {
    const index = focusRow.current;
    if (index === null) return;
    focusRow.current = null;
    const row = listRef.current?.children[index];
    const field = row?.querySelector<HTMLElement>(FIELD);
    (field ?? addRef.current)?.focus();
  });

  const lower = itemLabel.toLowerCase();

  return (
    <fieldset className="repeat" data-testid={testId}>
      <legend className="repeat__legend">{legend}</legend>
      {rows.length === 0 && <p className="quiet repeat__empty">{empty}</p>}
      <ol className="repeat__rows" ref={listRef}>
        {rows.map((row, index) => (
          <li
            key={rowKeys[index]}
            className="repeat__row"
            data-testid={`${testId}-row`}
          >
            <div
              className="repeat__fields"
              role="group"
              aria-label={`${itemLabel} ${String(index + 1)}`}
            >
              {renderRow(row, index, (changed) => {
                onChange(rows.map((r, i) => (i === index ? changed : r)));
              })}
            </div>
            <button
              type="button"
              className="button button--small button--danger repeat__remove"
              aria-label={`Remove ${lower} ${String(index + 1)}`}
              data-testid={`${testId}-remove-${String(index)}`}
              onClick={() => {
                focusRow.current = index < rows.length - 1 ? index : index - 1;
                setKeys(rowKeys.filter((_, i) => i !== index));
                onChange(rows.filter((_, i) => i !== index));
              }}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <button
        ref={addRef}
        type="button"
        className="button button--small repeat__add"
        data-testid={`${testId}-add`}
        onClick={() => {
          focusRow.current = rows.length;
          setKeys([...rowKeys, nextKey.current]);
          nextKey.current += 1;
          onChange([...rows, blank()]);
        }}
      >
        {addLabel}
      </button>
    </fieldset>
  );
}
