import { useCallback, useState } from "react";
import type { IpcError } from "../bindings";
import { runCommand, type CommandResult } from "../ipc/commandResult";
import { trackWrite } from "../ipc/pendingWrites";

export interface Action {
  /** Runs a command that changes something; keeps its error to show beside the control. */
  run: <T>(call: () => Promise<CommandResult<T>>) => Promise<CommandResult<T>>;
  pending: boolean;
  error: IpcError | null;
  clearError: () => void;
  /** Shows a problem found before asking the app, e.g. a required choice not made. */
  fail: (message: string) => void;
}

/** One user action that writes (save, restore, delete…), with its pending state and error. */
export function useAction(): Action {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);

  const run = useCallback(async <T>(call: () => Promise<CommandResult<T>>) => {
    setPending(true);
    setError(null);
    const result = await trackWrite(runCommand(call));
    setPending(false);
    if (result.status === "error") setError(result.error);
    return result;
  }, []);

  const clearError = useCallback(() => {
    setError(null);
  }, []);

  const fail = useCallback((message: string) => {
    setError({ code: "invalidInput", message });
  }, []);

  return { run, pending, error, clearError, fail };
}
