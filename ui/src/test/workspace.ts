import type { commands, KeychainStatus, WorkspaceStatus } from "../bindings";

type StatusResult = Awaited<ReturnType<typeof commands.workspaceStatus>>;

export const DATA_DIR = "/home/maria/.local/share/casefile/workspace";

export function workspaceStatus(keychain?: KeychainStatus): WorkspaceStatus {
  return {
    appVersion: "0.1.0",
    dataDir: DATA_DIR,
    logDir: "/home/maria/.local/state/casefile/logs",
    keychain: keychain ?? { state: "reachable", service: "Casefile" },
  };
}

export function ok(status: WorkspaceStatus = workspaceStatus()): StatusResult {
  return { status: "ok", data: status };
}

export function failed(error: Extract<StatusResult, { status: "error" }>["error"]): StatusResult {
  return { status: "error", error };
}
