import { useEffect } from "react";
import { SECTIONS, type SectionId } from "./sections";

/** Ctrl+1…4 (or ⌘1…4) switch sections from anywhere in the window. */
export function useSectionShortcuts(onNavigate: (section: SectionId) => void): void {
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      // `code` keeps the shortcut working where the digit row types other characters (e.g. AZERTY).
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
  }, [onNavigate]);
}
