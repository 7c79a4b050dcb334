import { useEffect, useState } from "react";
import { commands, type IpcError, type SearchHit } from "../../bindings";
import { runCommand, type CommandResult } from "../../ipc/commandResult";
import { writesSettled } from "../../ipc/pendingWrites";

/** How long typing must pause before the app searches. */
export const SEARCH_DEBOUNCE_MS = 150;
export const SEARCH_LIMIT = 50;

export type SearchState =
  | { state: "idle" }
  /** `hits` are the last results, kept on screen until the new ones arrive. */
  | { state: "searching"; hits: SearchHit[] }
  | { state: "done"; query: string; hits: SearchHit[] }
  | { state: "failed"; error: IpcError };

/**
 * Searches as the user types. Only the answer for what the box holds now is shown: one for an
 * earlier query that arrives late is dropped.
 */
export function useSearch(query: string): SearchState {
  const trimmed = query.trim();
  const [answer, setAnswer] = useState<{
    query: string;
    result: CommandResult<SearchHit[]>;
  } | null>(null);

  useEffect(() => {
    if (trimmed === "") return;
    let current = true;
    const timer = setTimeout(() => {
      void (async () => {
        await writesSettled();
        const result = await runCommand(() => commands.search(trimmed, SEARCH_LIMIT));
        if (current) setAnswer({ query: trimmed, result });
      })();
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [trimmed]);

  if (trimmed === "") return { state: "idle" };
  if (answer?.query !== trimmed) {
    const previous = answer?.result.status === "ok" ? answer.result.data : [];
    return { state: "searching", hits: previous };
  }
  return answer.result.status === "ok"
    ? { state: "done", query: trimmed, hits: answer.result.data }
    : { state: "failed", error: answer.result.error };
}
