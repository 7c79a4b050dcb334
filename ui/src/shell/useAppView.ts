import { useCallback, useState } from "react";
import { CLIENT_LIST, type ClientsRoute } from "../screens/clients/routes";
import type { SectionId } from "./sections";

export interface AppView {
  section: SectionId;
  /** Where the user is inside Clients; kept while they visit other sections. */
  clients: ClientsRoute;
  /** Whether the Clients page takes focus when it shows (not after a switch from the rail). */
  focusPage: boolean;
  /** Bumped to move focus to the section heading, or to the search box. */
  headingFocus: number;
  searchFocus: number;
}

const START: AppView = {
  section: "clients",
  clients: CLIENT_LIST,
  focusPage: false,
  headingFocus: 0,
  searchFocus: 0,
};

/** Which section shows, where Clients is, and where focus should go. */
export function useAppView() {
  const [view, setView] = useState<AppView>(START);

  /** From the rail or a section shortcut. Choosing Clients again goes back to the client list. */
  const navigate = useCallback((section: SectionId) => {
    setView((previous) => ({
      ...previous,
      section,
      clients:
        section === "clients" && previous.section === "clients" ? CLIENT_LIST : previous.clients,
      focusPage: false,
      headingFocus: previous.headingFocus + 1,
    }));
  }, []);

  /** Opens a page inside Clients (from a list, a back button or a search result). */
  const openInClients = useCallback((route: ClientsRoute) => {
    setView((previous) => ({ ...previous, section: "clients", clients: route, focusPage: true }));
  }, []);

  /** Changes the Clients route in place, without moving focus or switching section. */
  const updateClientsRoute = useCallback((update: (route: ClientsRoute) => ClientsRoute) => {
    setView((previous) => ({ ...previous, clients: update(previous.clients) }));
  }, []);

  const openSearch = useCallback(() => {
    setView((previous) => ({
      ...previous,
      section: "search",
      searchFocus: previous.searchFocus + 1,
    }));
  }, []);

  return { view, navigate, openInClients, updateClientsRoute, openSearch };
}
