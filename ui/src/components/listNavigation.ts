import type { KeyboardEvent, RefObject } from "react";

// Lists of records are <ul>s of buttons marked `data-list-item`. Arrow keys move between the
// buttons (Enter opens the focused one, as any button does); only the first is in the Tab order,
// so Tab leaves the list.
const ITEM = "[data-list-item]";

function itemsIn(list: Element | null | undefined): HTMLElement[] {
  return Array.from(list?.querySelectorAll<HTMLElement>(ITEM) ?? []);
}

/** Focuses the first item; false when the list is empty or not there. */
export function focusFirstItem(list: RefObject<HTMLElement | null>): boolean {
  const first = itemsIn(list.current)[0];
  first?.focus();
  return first !== undefined;
}

/** Focuses the item with this `data-id`; false when it is not in the list. */
export function focusItemById(list: RefObject<HTMLElement | null>, id: number): boolean {
  const item = itemsIn(list.current).find((element) => element.dataset.id === String(id));
  item?.focus();
  return item !== undefined;
}

/**
 * For an item's keydown: Up/Down/Home/End move focus within its list. Up on the first item calls
 * `onExitTop` (e.g. back to the filter box above the list) when given.
 */
export function moveInList(event: KeyboardEvent<HTMLElement>, onExitTop?: () => void): void {
  const all = itemsIn(event.currentTarget.closest("ul, ol"));
  const index = all.indexOf(event.currentTarget);
  let target: number;
  switch (event.key) {
    case "ArrowDown":
      target = Math.min(index + 1, all.length - 1);
      break;
    case "ArrowUp":
      if (index === 0 && onExitTop) {
        event.preventDefault();
        onExitTop();
        return;
      }
      target = Math.max(index - 1, 0);
      break;
    case "Home":
      target = 0;
      break;
    case "End":
      target = all.length - 1;
      break;
    default:
      return;
  }
  event.preventDefault();
  all[target]?.focus();
}
