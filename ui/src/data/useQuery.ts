import { useCallback, useEffect, useEffectEvent, useState } from "react";
import type { IpcError } from "../bindings";
import { runCommand, type CommandResult } from "../ipc/commandResult";
import { writesSettled } from "../ipc/pendingWrites";

export type Query<T> =
  | { state: "loading" }
  | { state: "ready"; data: T }
  | { state: "failed"; error: IpcError };

export type LiveQuery<T> = Query<T> & { reload: () => void };

/**
 * Loads data for `key` and keeps it: a new key shows "loading" until its answer arrives; a reload,
 * or a change of `refreshWhen`, keeps showing the data it has until the fresh answer replaces it.
 * Answers for a key the component no longer shows are dropped.
 */
export function useQuery<T>(
  key: string,
  load: () => Promise<CommandResult<T>>,
  refreshWhen: unknown = null,
): LiveQuery<T> {
  const [settled, setSettled] = useState<{ key: string; result: CommandResult<T> } | null>(null);
  const [version, setVersion] = useState(0);
  const loadNow = useEffectEvent(() => load());

  useEffect(() => {
    const request = { wanted: true };
    void (async () => {
      await writesSettled();
      const result = await runCommand(() => loadNow());
      if (request.wanted) setSettled({ key, result });
    })();
    return () => {
      request.wanted = false;
    };
  }, [key, version, refreshWhen]);

  const reload = useCallback(() => {
    setVersion((v) => v + 1);
  }, []);

  if (settled?.key !== key) return { state: "loading", reload };
  const { result } = settled;
  return result.status === "ok"
    ? { state: "ready", data: result.data, reload }
    : { state: "failed", error: result.error, reload };
}
