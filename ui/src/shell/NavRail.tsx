import { useRef, type KeyboardEvent } from "react";
// The one source image every app icon is generated from.
import logoUrl from "../../../icons/casefile.svg";
import { SECTIONS, shortcutAria, shortcutLabel, type SectionId } from "./sections";

interface NavRailProps {
  current: SectionId;
  onNavigate: (section: SectionId) => void;
}

/** Where focus goes for a navigation key, or undefined when the key is not one of ours. */
function targetIndex(key: string, index: number, count: number): number | undefined {
  switch (key) {
    case "ArrowDown":
      return (index + 1) % count;
    case "ArrowUp":
      return (index - 1 + count) % count;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return undefined;
  }
}

export function NavRail({ current, onNavigate }: NavRailProps) {
  const listRef = useRef<HTMLUListElement>(null);

  function moveFocus(event: KeyboardEvent<HTMLButtonElement>, index: number) {
    const target = targetIndex(event.key, index, SECTIONS.length);
    if (target === undefined) return;
    event.preventDefault();
    listRef.current?.querySelectorAll("button")[target]?.focus();
  }

  return (
    <header className="rail">
      <div className="rail__brand">
        <img className="rail__logo" src={logoUrl} alt="" width="28" height="28" />
        <span>Casefile</span>
      </div>
      <nav aria-label="Sections">
        <ul className="rail__list" ref={listRef}>
          {SECTIONS.map((section, index) => {
            const shortcut = shortcutLabel(section);
            return (
              <li key={section.id}>
                <button
                  type="button"
                  className="nav-item"
                  data-testid={`nav-${section.id}`}
                  aria-current={section.id === current ? "page" : undefined}
                  aria-keyshortcuts={shortcutAria(section)}
                  title={`${section.label} (${shortcut})`}
                  onClick={() => {
                    onNavigate(section.id);
                  }}
                  onKeyDown={(event) => {
                    moveFocus(event, index);
                  }}
                >
                  <span className="nav-item__label">{section.label}</span>
                  <kbd className="nav-item__shortcut" aria-hidden="true">
                    {shortcut}
                  </kbd>
                </button>
              </li>
            );
          })}
        </ul>
      </nav>
    </header>
  );
}
