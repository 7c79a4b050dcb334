// A provider profile as the editor holds it while it is being changed, and back.
import type { ProfileEntry_Serialize, ProviderKind, ProviderProfile_Serialize } from "../../bindings";
import { usesSetting, type ProfileSetting } from "./kinds";

export interface Header {
  name: string;
  value: string;
}

/** The profile, with its plain headers as rows (a row may be blank while it is typed) and the
 * choices the editor offers between ways of connecting. Headers whose values are credentials are
 * not here: they are set under Credentials, straight into the keychain. */
export interface ProfileDraft extends Omit<ProviderProfile_Serialize, "kind" | "extra_headers"> {
  /** "" until a new profile's kind is chosen. */
  kind: ProviderKind | "";
  extra_headers: Header[];
  /** Azure: an API key or Entra ID (tenant, client id and the client secret). */
  azure_sign_in: "api-key" | "entra";
  /** Azure: the v1 API, or a classic deployment URL with an api-version. */
  azure_api: "v1" | "classic";
  /** A new profile only: make it the default once saved. */
  make_default: boolean;
}

export function blankDraft(): ProfileDraft {
  return toDraft({
    name: "",
    kind: "openai",
    display_name: null,
    base_url: null,
    region: null,
    model: null,
    deployment: null,
    api_version: null,
    project: null,
    tenant_id: null,
    client_id: null,
    token_url: null,
    extra_headers: {},
    keychain_headers: [],
    data_processing: {
      processing_region: null,
      retention: "unknown",
      no_training: null,
      contract_reference: null,
    },
    model_limits: {
      context_window_tokens: null,
      max_output_tokens: null,
      usd_per_million_input_tokens: null,
      usd_per_million_output_tokens: null,
    },
  }, "");
}

export function toDraft(profile: ProviderProfile_Serialize, kind: ProviderKind | "" = profile.kind): ProfileDraft {
  return {
    ...profile,
    kind,
    extra_headers: Object.entries(profile.extra_headers).map(([name, value]) => ({ name, value })),
    azure_sign_in: profile.tenant_id !== null || profile.client_id !== null ? "entra" : "api-key",
    azure_api: profile.api_version === null ? "v1" : "classic",
    make_default: false,
  };
}

/** The profile settings of a listed profile. */
export function profileOf(entry: ProfileEntry_Serialize): ProviderProfile_Serialize {
  return {
    name: entry.name,
    kind: entry.kind,
    display_name: entry.display_name,
    base_url: entry.base_url,
    region: entry.region,
    model: entry.model,
    deployment: entry.deployment,
    api_version: entry.api_version,
    project: entry.project,
    tenant_id: entry.tenant_id,
    client_id: entry.client_id,
    token_url: entry.token_url,
    extra_headers: entry.extra_headers,
    keychain_headers: entry.keychain_headers,
    data_processing: entry.data_processing,
    model_limits: entry.model_limits,
  };
}

/**
 * The profile to save: only the settings its kind uses, and those of the chosen ways of
 * connecting. A chosen way keeps its fields even when blank ("" rather than none), so that the
 * app names the one still missing.
 */
export function fromDraft(draft: ProfileDraft, kind: ProviderKind): ProviderProfile_Serialize {
  const azure = kind === "azure-openai";
  const entra = azure && draft.azure_sign_in === "entra";
  const keep = (setting: ProfileSetting): string | null => {
    if (!usesSetting(kind, setting)) return null;
    if (setting === "api_version") return draft.azure_api === "classic" ? (draft.api_version ?? "") : null;
    if (setting === "tenant_id" || setting === "client_id") return entra ? (draft[setting] ?? "") : null;
    if (setting === "token_url" && !entra) return null;
    return draft[setting];
  };
  return {
    name: draft.name.trim(),
    kind,
    display_name: draft.display_name,
    base_url: keep("base_url"),
    region: keep("region"),
    model: keep("model"),
    deployment: keep("deployment"),
    api_version: keep("api_version"),
    project: keep("project"),
    tenant_id: keep("tenant_id"),
    client_id: keep("client_id"),
    token_url: keep("token_url"),
    extra_headers: Object.fromEntries(
      draft.extra_headers
        .filter((h) => h.name.trim() !== "" || h.value !== "")
        .map((h) => [h.name.trim(), h.value]),
    ),
    // Set and removed under Credentials; saving the settings keeps them.
    keychain_headers: draft.keychain_headers,
    data_processing: draft.data_processing,
    model_limits: draft.model_limits,
  };
}

/** "" (an emptied field) is stored as nothing. */
export function orNull(value: string): string | null {
  return value === "" ? null : value;
}
