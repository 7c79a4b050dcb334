// The Settings screen's data: each a `useQuery` keyed by what it asks for.
import { commands } from "../bindings";
import { useQuery } from "./useQuery";

/** Every AI provider profile: the firm's policy's first, then the user's own. */
export function useProviderProfiles() {
  return useQuery("provider-profiles", () => commands.providerProfiles());
}

/** The firm's policy over this user's settings, read from its file now. */
export function useEffectivePolicy() {
  return useQuery("effective-policy", () => commands.effectivePolicy());
}
