import type { Kind, SearchHit } from "../../bindings";
import { noteRoute, type ClientsRoute } from "../clients/routes";

export const KIND_LABEL: Record<Kind, string> = {
  contact: "Client",
  matter: "Matter",
  note: "Note",
  draft: "Draft",
};

/** Where a search result opens: the client, the matter, the note or the draft itself. */
export function routeFor(hit: SearchHit): ClientsRoute {
  switch (hit.kind) {
    case "contact":
      return { page: "client", clientId: hit.id };
    case "matter":
      return { page: "matter", matterId: hit.id };
    case "note":
      return noteRoute(hit.id);
    case "draft":
      return { page: "draft", draftId: hit.id };
  }
}
