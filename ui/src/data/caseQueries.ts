// One hook per thing a screen shows. Each is a `useQuery` keyed by what it asks for.
import { commands } from "../bindings";
import { useQuery } from "./useQuery";

export function useClients() {
  return useQuery("clients", () => commands.clients());
}

export function useClient(id: number) {
  return useQuery(`client:${String(id)}`, () => commands.client(id));
}

/** A client's whole record (identity, identifiers, documents, addresses…). */
export function useContact(id: number) {
  return useQuery(`contact:${String(id)}`, () => commands.contact(id));
}

export function useMatters(clientId: number) {
  return useQuery(`matters:${String(clientId)}`, () => commands.matters(clientId));
}

export function useMatter(id: number) {
  return useQuery(`matter:${String(id)}`, () => commands.matter(id));
}

/** A matter's whole record (statuses, category, dates…). */
export function useMatterRecord(id: number) {
  return useQuery(`matter-record:${String(id)}`, () => commands.matterRecord(id));
}

export function useMatterParties(matterId: number) {
  return useQuery(`parties:${String(matterId)}`, () => commands.matterParties(matterId));
}

export function useNotes(matterId: number) {
  return useQuery(`notes:${String(matterId)}`, () => commands.notes(matterId));
}

export function useNote(id: number) {
  return useQuery(`note:${String(id)}`, () => commands.note(id));
}

/** The note's versions, newest first; asked again whenever `revision` (the current one) changes. */
export function useNoteRevisions(id: number, revision: number) {
  return useQuery(`revisions:${String(id)}`, () => commands.noteRevisions(id), revision);
}

export function useNoteRevision(id: number, number: number) {
  return useQuery(`revision:${String(id)}:${String(number)}`, () =>
    commands.noteRevision(id, number),
  );
}

export function useTrash() {
  return useQuery("trash", () => commands.trash());
}

export function useFilings(matterId: number) {
  return useQuery(`filings:${String(matterId)}`, () => commands.filings(matterId));
}

export function useDeadlines(matterId: number) {
  return useQuery(`deadlines:${String(matterId)}`, () => commands.deadlines(matterId));
}

/** Open deadlines across every matter, soonest (and overdue) first. */
export function useUpcomingDeadlines(limit: number) {
  return useQuery(`upcoming-deadlines:${String(limit)}`, () => commands.upcomingDeadlines(limit));
}
