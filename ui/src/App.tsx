import { useCallback, useEffect, useRef, useState } from "react";
import { ClientsScreen } from "./screens/ClientsScreen";
import { DraftsScreen } from "./screens/DraftsScreen";
import { SearchScreen } from "./screens/SearchScreen";
import { SettingsScreen } from "./screens/SettingsScreen";
import { ErrorBanner } from "./shell/ErrorBanner";
import { NavRail } from "./shell/NavRail";
import { SECTIONS, type SectionId } from "./shell/sections";
import { StatusLine } from "./shell/StatusLine";
import { useSectionShortcuts } from "./shell/useSectionShortcuts";
import { useWorkspaceStatus, type WorkspaceState } from "./workspace/useWorkspaceStatus";

function SectionScreen({ section, workspace }: { section: SectionId; workspace: WorkspaceState }) {
  switch (section) {
    case "clients":
      return <ClientsScreen />;
    case "drafts":
      return <DraftsScreen />;
    case "search":
      return <SearchScreen />;
    case "settings":
      return <SettingsScreen workspace={workspace} />;
  }
}

const HEADING_ID = "screen-heading";

export function App() {
  const workspace = useWorkspaceStatus();
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Every navigation bumps `focusRequest`, so even re-choosing the current section moves focus.
  const [view, setView] = useState<{ section: SectionId; focusRequest: number }>({
    section: "clients",
    focusRequest: 0,
  });

  const navigate = useCallback((section: SectionId) => {
    setView((previous) => ({ section, focusRequest: previous.focusRequest + 1 }));
  }, []);
  useSectionShortcuts(navigate);

  useEffect(() => {
    // Not on start-up: focus stays where the window puts it until the user navigates.
    if (view.focusRequest > 0) headingRef.current?.focus();
  }, [view.focusRequest]);

  const label = SECTIONS.find((s) => s.id === view.section)?.label;

  return (
    <div className="app" data-ready={workspace.state === "loading" ? "false" : "true"}>
      <a
        className="skip-link"
        href={`#${HEADING_ID}`}
        onClick={(event) => {
          event.preventDefault();
          headingRef.current?.focus();
        }}
      >
        Skip to content
      </a>
      <NavRail current={view.section} onNavigate={navigate} />
      <main className="content" aria-labelledby={HEADING_ID}>
        {workspace.state === "failed" && <ErrorBanner error={workspace.error} />}
        <h1
          id={HEADING_ID}
          ref={headingRef}
          className="content__heading"
          tabIndex={-1}
          data-testid="screen-heading"
        >
          {label}
        </h1>
        <SectionScreen section={view.section} workspace={workspace} />
      </main>
      <StatusLine workspace={workspace} />
    </div>
  );
}
