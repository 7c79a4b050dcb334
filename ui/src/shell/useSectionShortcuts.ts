import { useEffect } from "react";
import { SECTIONS, type SectionId } from "./sections";

/** True for Ctrl+key or ⌘+key without Alt or Shift. */
export function isCommandKey(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
}

/** Ctrl+1…5 (or ⌘1…5) switch sections and Ctrl+K (⌘K) opens Search, from anywhere in the window. */
export function useSectionShortcuts(
  onNavigate: (section: SectionId) => void,
  onSearch: () => void,
): void {
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (!isCommandKey(event)) return;
      // `code` keeps the shortcuts working where the keyboard types other characters (e.g. AZERTY).
      if (event.key.toLowerCase() === "k" || event.code === "KeyK") {
        event.preventDefault();
        onSearch();
        return;
      }
      const section = SECTIONS.find(
        (s) => event.key === s.key || event.code === `Digit${s.key}`,
      );
      if (!section) return;
      event.preventDefault();
      onNavigate(section.id);
    }
    window.addEventListener("keydown", onKeyDown);
    return () => {
      window.removeEventListener("keydown", onKeyDown);
    };
  }, [onNavigate, onSearch]);
}
