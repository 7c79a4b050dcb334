// Reading the effective policy (the firm's policy over this user's settings, as the app
// computed it) for the Settings screen: what is locked, why, and what the editor may offer.
import type { EffectivePolicy_Serialize, EffectiveSetting_Serialize, SettingName } from "../../bindings";

export const SETTING_LABELS: Record<SettingName, string> = {
  default_profile: "Default profile",
  custom_profiles: "Profiles of your own",
  proxy: "Proxy for AI traffic",
  extra_ca_file: "Extra CA certificates",
  ai_history_retention_days: "Days AI history is kept",
  require_client_consent: "Client consent required before sending",
  require_redaction: "Redaction required before sending",
  require_approval_before_export: "Attorney approval required before export",
  firm_name: "Firm name (letterhead of exports)",
  export_folder: "Export folder",
  audit_forward: "Audit log collector (SIEM)",
};

export function settingValueText(setting: EffectiveSetting_Serialize): string {
  const { value } = setting;
  if (value === null) return setting.name === "ai_history_retention_days" ? "Until deleted" : "None";
  if (typeof value === "boolean") {
    if (setting.name === "custom_profiles") return value ? "Allowed" : "Not allowed";
    return value ? "Yes" : "No";
  }
  return typeof value === "string" || typeof value === "number" ? String(value) : JSON.stringify(value);
}

function setting(policy: EffectivePolicy_Serialize, name: SettingName): EffectiveSetting_Serialize | undefined {
  return policy.settings.find((s) => s.name === name);
}

/** The policy's reason when it locks `name`. */
export function lockOf(policy: EffectivePolicy_Serialize, name: SettingName): string | undefined {
  const found = setting(policy, name);
  return found?.locked ? (found.reason ?? "Locked by your firm's policy.") : undefined;
}

/** What the screen says while the policy file is invalid, beside every control it disables. */
export const INVALID_POLICY_LOCK =
  "The policy file is invalid (see the message above): nothing here can change until it is fixed.";

/**
 * Why the user's own profiles cannot be added, changed or used, if they cannot: an invalid policy
 * file, or a policy that allows only its own profiles.
 */
export function userProfilesLock(policy: EffectivePolicy_Serialize): string | undefined {
  if (policy.status.state === "invalid") return INVALID_POLICY_LOCK;
  if (setting(policy, "custom_profiles")?.value !== false) return undefined;
  return lockOf(policy, "custom_profiles") ?? "Your firm's policy allows only its own profiles.";
}

/** Why a profile the policy defines cannot be changed here. */
export function managedProfileLock(policy: EffectivePolicy_Serialize): string {
  return (
    lockOf(policy, "custom_profiles") ??
    "This profile is defined by your firm's policy and cannot be changed on this computer."
  );
}

/** The kinds the policy allows (null: any). */
export function allowedKinds(policy: EffectivePolicy_Serialize): readonly string[] | null {
  return policy.rules?.allowed_kinds ?? null;
}

/** A hint naming the regions or models the policy allows, when it limits them. */
export function allowedText(what: "regions" | "models", policy: EffectivePolicy_Serialize): string | undefined {
  const list = what === "regions" ? policy.rules?.allowed_regions : policy.rules?.allowed_models;
  if (list === undefined || list === null) return undefined;
  return list.length === 0
    ? `Your IT provider allows no ${what}.`
    : `Your IT provider allows only: ${list.join(", ")}.`;
}
