import type { DraftFilter_Deserialize, DraftStatus, ProviderKind } from "../../bindings";

/** The Drafts & history filters as the screen holds them: "" leaves one open. */
export interface DraftsFilter {
  status: DraftStatus | "";
  template: string;
  /** YYYY-MM-DD, both days included. */
  from: string;
  to: string;
  profile: string;
  providerKind: ProviderKind | "";
}

export const ANY_DRAFT: DraftsFilter = {
  status: "",
  template: "",
  from: "",
  to: "",
  profile: "",
  providerKind: "",
};

const orNull = <T extends string>(value: T | ""): T | null => (value === "" ? null : value);

/** The filter the app's command takes. */
export function toDraftFilter(filter: DraftsFilter): DraftFilter_Deserialize {
  return {
    clientId: null,
    matterId: null,
    status: orNull(filter.status),
    template: orNull(filter.template),
    createdFrom: orNull(filter.from),
    createdTo: orNull(filter.to),
    profile: orNull(filter.profile),
    providerKind: orNull(filter.providerKind),
  };
}

export function isFiltered(filter: DraftsFilter): boolean {
  return Object.values(filter).some((value) => value !== "");
}
