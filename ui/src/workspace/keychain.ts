import type { KeychainStatus } from "../bindings";

/** A few words on the keychain, short enough for the status line. */
export function keychainSummary(keychain: KeychainStatus): string {
  if (keychain.state === "reachable") return "Keychain ready";
  switch (keychain.code) {
    case "keychainAccessDenied":
      return "Keychain locked — see Settings";
    default:
      return "Keychain unavailable — see Settings";
  }
}
