import { useEffect, useState } from "react";
import { commands, type IpcError, type WorkspaceStatus } from "../bindings";

export type WorkspaceState =
  | { state: "loading" }
  | { state: "ready"; status: WorkspaceStatus }
  | { state: "failed"; error: IpcError };

const UNREACHABLE_BACKEND: IpcError = {
  code: "internal",
  message:
    "Casefile could not reach its own background service. Restart Casefile; if this keeps happening, tell your IT provider.",
};

// Tauri itself (not our command) rejects with a plain string, e.g. when a permission is missing,
// so the error half of the result is not always the IpcError the bindings promise.
function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    "code" in value &&
    typeof value.code === "string" &&
    "message" in value &&
    typeof value.message === "string"
  );
}

async function loadWorkspaceStatus(): Promise<WorkspaceState> {
  try {
    const result = await commands.workspaceStatus();
    if (result.status === "ok") return { state: "ready", status: result.data };
    const error: unknown = result.error;
    return { state: "failed", error: isIpcError(error) ? error : UNREACHABLE_BACKEND };
  } catch {
    return { state: "failed", error: UNREACHABLE_BACKEND };
  }
}

/** Asks the app once, at start-up, for its version, folders and keychain state. */
export function useWorkspaceStatus(): WorkspaceState {
  const [workspace, setWorkspace] = useState<WorkspaceState>({ state: "loading" });

  useEffect(() => {
    let current = true;
    void loadWorkspaceStatus().then((next) => {
      if (current) setWorkspace(next);
    });
    return () => {
      current = false;
    };
  }, []);

  return workspace;
}
