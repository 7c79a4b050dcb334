// One hook per thing a screen shows. Each is a `useQuery` keyed by what it asks for.
import { commands, type DraftFilter_Deserialize } from "../bindings";
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

/** The drafting templates, and the firm's template files that could not be used. */
export function useTemplates() {
  return useQuery("templates", () => commands.templates());
}

/** A matter's drafts, newest first. */
export function useDrafts(matterId: number) {
  return useQuery(`drafts:${String(matterId)}`, () => commands.drafts(matterId));
}

/** Every draft, newest first, narrowed by `filter`. */
export function useAllDrafts(filter: DraftFilter_Deserialize) {
  return useQuery(`all-drafts:${JSON.stringify(filter)}`, () => commands.allDrafts(filter));
}

/** A draft and its review banner. */
export function useDraft(id: number) {
  return useQuery(`draft:${String(id)}`, () => commands.draft(id));
}

/** A draft's versions, oldest first; asked again whenever `version` (the latest) changes. */
export function useDraftVersions(id: number, version: number) {
  return useQuery(`draft-versions:${String(id)}`, () => commands.draftVersions(id), version);
}

/** Who approves a draft from this computer. */
export function useReviewer() {
  return useQuery("reviewer", () => commands.reviewer());
}

/** A matter's AI drafts and their summed tokens and cost. */
export function useMatterAiCost(matterId: number) {
  return useQuery(`ai-cost:${String(matterId)}`, () => commands.matterAiCost(matterId));
}

export function useNoteTags(noteId: number) {
  return useQuery(`note-tags:${String(noteId)}`, () => commands.noteTags(noteId));
}

/** A client's consents to AI processing, revoked ones included. */
export function useConsents(clientId: number) {
  return useQuery(`consents:${String(clientId)}`, () => commands.clientConsents(clientId));
}

/** The retention period in force for a matter's AI drafts, where it comes from, and its hold. */
export function useMatterRetention(matterId: number) {
  return useQuery(`retention:${String(matterId)}`, () => commands.matterRetention(matterId));
}
