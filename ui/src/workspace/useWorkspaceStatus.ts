import { useEffect, useState } from "react";
import { commands, type IpcError, type WorkspaceStatus } from "../bindings";
import { runCommand } from "../ipc/commandResult";

export type WorkspaceState =
  | { state: "loading" }
  | { state: "ready"; status: WorkspaceStatus }
  | { state: "failed"; error: IpcError };

async function loadWorkspaceStatus(): Promise<WorkspaceState> {
  const result = await runCommand(() => commands.workspaceStatus());
  return result.status === "ok"
    ? { state: "ready", status: result.data }
    : { state: "failed", error: result.error };
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
