// Where the user is inside the Clients section: the list, or a client, matter, note or draft below
// it.
export type ClientsRoute =
  | { page: "list"; focusClientId?: number }
  | { page: "client"; clientId: number }
  | { page: "matter"; matterId: number; notice?: string }
  | { page: "draft"; draftId: number }
  | NoteRoute;

/**
 * A note editor. `session` names one opening of the editor: it stays the same when a new note
 * gets its id on its first save, so the editor is not rebuilt under the user's hands.
 */
export type NoteRoute =
  | { page: "note"; session: number; noteId: number }
  | { page: "note"; session: number; noteId: null; matterId: number };

export const CLIENT_LIST: ClientsRoute = { page: "list" };

let sessions = 0;

export function noteRoute(noteId: number): NoteRoute {
  sessions += 1;
  return { page: "note", session: sessions, noteId };
}

export function newNoteRoute(matterId: number): NoteRoute {
  sessions += 1;
  return { page: "note", session: sessions, noteId: null, matterId };
}
