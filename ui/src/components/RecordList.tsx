import type { Key, ReactNode, Ref } from "react";
import { moveInList } from "./listNavigation";

/** Extra attributes for one item's button: `data-*` hooks, a modifier class, `aria-pressed`. */
export type RecordItemAttributes = Record<`data-${string}`, string | number | undefined> & {
  /** Added after `record`. */
  className?: string;
  "aria-pressed"?: boolean;
};

interface RecordListProps<T> {
  items: readonly T[];
  itemKey: (item: T) => Key;
  /** The `data-testid` of every item's button. */
  itemTestId: string;
  /** E.g. `{ "data-id": item.id }`, which `focusItemById` looks for. */
  itemAttributes: (item: T, index: number) => RecordItemAttributes;
  renderItem: (item: T, index: number) => ReactNode;
  onOpen: (item: T) => void;
  /** Up on the first item calls this (e.g. back to the filter box above the list). */
  onExitTop?: () => void;
  /** Shown instead of the list when there are no items; without it, the empty list is kept. */
  empty?: ReactNode;
  compact?: boolean;
  ref?: Ref<HTMLUListElement>;
  "aria-label"?: string;
  "aria-labelledby"?: string;
  "aria-busy"?: boolean;
  "data-testid"?: string;
}

/**
 * A `record-list` of buttons, one per item, with the arrow-key movement of `listNavigation`: only
 * the first button is in the Tab order, and Enter or a click opens the item.
 */
export function RecordList<T>({
  items,
  itemKey,
  itemTestId,
  itemAttributes,
  renderItem,
  onOpen,
  onExitTop,
  empty,
  compact = false,
  ref,
  ...listAttributes
}: RecordListProps<T>) {
  if (items.length === 0 && empty !== undefined) return empty;
  return (
    <ul
      className={compact ? "record-list record-list--compact" : "record-list"}
      ref={ref}
      {...listAttributes}
    >
      {items.map((item, index) => {
        const { className, ...attributes } = itemAttributes(item, index);
        return (
          <li key={itemKey(item)}>
            <button
              type="button"
              className={className === undefined ? "record" : `record ${className}`}
              data-testid={itemTestId}
              data-list-item
              {...attributes}
              tabIndex={index === 0 ? 0 : -1}
              onClick={() => {
                onOpen(item);
              }}
              onKeyDown={(event) => {
                moveInList(event, onExitTop);
              }}
            >
              {renderItem(item, index)}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
