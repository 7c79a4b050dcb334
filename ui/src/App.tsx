import { useEffect, useRef, useState } from "react";
import { ClientsSection } from "./screens/clients/ClientsSection";
import { DraftsScreen } from "./screens/drafts/DraftsScreen";
import { ANY_DRAFT } from "./screens/drafts/draftsFilter";
import { SearchScreen } from "./screens/search/SearchScreen";
import { SettingsScreen } from "./screens/settings/SettingsScreen";
import { TrashScreen } from "./screens/trash/TrashScreen";
import { ErrorBanner } from "./shell/ErrorBanner";
import { NavRail } from "./shell/NavRail";
import { SECTIONS } from "./shell/sections";
import { StatusLine } from "./shell/StatusLine";
import { useAppView } from "./shell/useAppView";
import { useSectionShortcuts } from "./shell/useSectionShortcuts";
import { useWorkspaceStatus } from "./workspace/useWorkspaceStatus";

const HEADING_ID = "screen-heading";

export function App() {
  const workspace = useWorkspaceStatus();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { view, navigate, openInClients, updateClientsRoute, openSearch } = useAppView();
  // Kept here so that the last search is still there after opening one of its results.
  const [searchQuery, setSearchQuery] = useState("");
  // Likewise the Drafts & history filters, after opening one of the drafts.
  const [draftsFilter, setDraftsFilter] = useState(ANY_DRAFT);
  useSectionShortcuts(navigate, openSearch);

  useEffect(() => {
    // Not on start-up: focus stays where the window puts it until the user navigates.
    if (view.headingFocus > 0) headingRef.current?.focus();
  }, [view.headingFocus]);

  const label = SECTIONS.find((s) => s.id === view.section)?.label;

  function sectionScreen() {
    switch (view.section) {
      case "clients":
        return (
          <ClientsSection
            route={view.clients}
            focusOnOpen={view.focusPage}
            onOpen={openInClients}
            onUpdateRoute={updateClientsRoute}
          />
        );
      case "drafts":
        return (
          <DraftsScreen
            filter={draftsFilter}
            onFilterChange={setDraftsFilter}
            onOpen={openInClients}
          />
        );
      case "search":
        return (
          <SearchScreen
            query={searchQuery}
            onQueryChange={setSearchQuery}
            focusRequest={view.searchFocus}
            onOpen={openInClients}
          />
        );
      case "settings":
        return <SettingsScreen workspace={workspace} />;
      case "trash":
        return <TrashScreen />;
    }
  }

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
        {sectionScreen()}
      </main>
      <StatusLine workspace={workspace} />
    </div>
  );
}
