export const SECTIONS = [
  { id: "clients", label: "Clients", key: "1" },
  { id: "drafts", label: "Drafts & history", key: "2" },
  { id: "search", label: "Search", key: "3" },
  { id: "settings", label: "Settings", key: "4" },
  { id: "trash", label: "Trash", key: "5" },
] as const;

export type Section = (typeof SECTIONS)[number];
export type SectionId = Section["id"];

const isMac = typeof navigator !== "undefined" && /Mac/i.test(navigator.userAgent);

/** How a shortcut is written on this computer, e.g. "Ctrl+2" or "⌘2". */
export function shortcutText(key: string): string {
  return isMac ? `⌘${key}` : `Ctrl+${key}`;
}

/** How a shortcut with Shift is written on this computer, e.g. "Ctrl+Shift+P" or "⇧⌘P". */
export function shiftShortcutText(key: string): string {
  return isMac ? `⇧⌘${key}` : `Ctrl+Shift+${key}`;
}

/** How the section's shortcut is written on this computer, e.g. "Ctrl+2" or "⌘2". */
export function shortcutLabel(section: Section): string {
  return shortcutText(section.key);
}

/** The same shortcut in the `aria-keyshortcuts` syntax. */
export function shortcutAria(section: Section): string {
  return `Control+${section.key} Meta+${section.key}`;
}
