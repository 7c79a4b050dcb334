import type { Note } from "../../bindings";
import { DraftPage } from "../drafts/DraftPage";
import { MatterPage } from "../matters/MatterPage";
import { NoteEditorPage } from "../notes/NoteEditorPage";
import { ClientListPage } from "./ClientListPage";
import { ClientPage } from "./ClientPage";
import { newNoteRoute, noteRoute, type ClientsRoute } from "./routes";

interface ClientsSectionProps {
  route: ClientsRoute;
  /** Whether the page should take focus as it opens (it came from inside the app, not the rail). */
  focusOnOpen: boolean;
  onOpen: (route: ClientsRoute) => void;
  onUpdateRoute: (update: (route: ClientsRoute) => ClientsRoute) => void;
}

/** The Clients section: the client list, and the client, matter, note and draft pages below it. */
export function ClientsSection({ route, focusOnOpen, onOpen, onUpdateRoute }: ClientsSectionProps) {
  switch (route.page) {
    case "list":
      return (
        <ClientListPage
          focusClientId={focusOnOpen ? route.focusClientId : undefined}
          onOpenClient={(clientId) => {
            onOpen({ page: "client", clientId });
          }}
          onOpenMatter={(matterId) => {
            onOpen({ page: "matter", matterId });
          }}
        />
      );
    case "client":
      return (
        <ClientPage
          key={route.clientId}
          clientId={route.clientId}
          focusOnOpen={focusOnOpen}
          onBack={() => {
            onOpen({ page: "list", focusClientId: route.clientId });
          }}
          onOpenMatter={(matterId) => {
            onOpen({ page: "matter", matterId });
          }}
        />
      );
    case "matter":
      return (
        <MatterPage
          key={route.matterId}
          matterId={route.matterId}
          notice={route.notice}
          focusOnOpen={focusOnOpen}
          onOpenClient={(clientId) => {
            onOpen({ page: "client", clientId });
          }}
          onOpenNote={(noteId) => {
            onOpen(noteRoute(noteId));
          }}
          onNewNote={() => {
            onOpen(newNoteRoute(route.matterId));
          }}
          onOpenDraft={(draftId) => {
            onOpen({ page: "draft", draftId });
          }}
        />
      );
    case "draft":
      return (
        <DraftPage
          key={route.draftId}
          draftId={route.draftId}
          focusOnOpen={focusOnOpen}
          onOpenMatter={(matterId) => {
            onOpen({ page: "matter", matterId });
          }}
          onOpenNote={(noteId) => {
            onOpen(noteRoute(noteId));
          }}
        />
      );
    case "note": {
      const session = route.session;
      return (
        <NoteEditorPage
          key={session}
          route={route}
          focusOnOpen={focusOnOpen}
          onCreated={(note: Note) => {
            // Only if the user is still in this editor: the first save can finish after they left.
            onUpdateRoute((current) =>
              current.page === "note" && current.session === session
                ? { page: "note", session, noteId: note.id }
                : current,
            );
          }}
          onClose={(matterId, notice) => {
            onOpen(
              notice === undefined
                ? { page: "matter", matterId }
                : { page: "matter", matterId, notice },
            );
          }}
        />
      );
    }
  }
}
