import type { IpcError } from "../bindings";

/** What every generated command resolves to. */
export type CommandResult<T> = { status: "ok"; data: T } | { status: "error"; error: IpcError };

/** What the UI shows when the backend could not be reached at all. */
export const UNREACHABLE_BACKEND: IpcError = {
  code: "internal",
  message:
    "Casefile could not reach its own background service. Restart Casefile; if this keeps happening, tell your IT provider.",
};

// Tauri itself (not our command) rejects with a plain string, e.g. when a permission is missing,
// so the error half of the result is not always the IpcError the bindings promise.
export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    "code" in value &&
    typeof value.code === "string" &&
    "message" in value &&
    typeof value.message === "string"
  );
}

/**
 * Runs a command and always resolves: a plain-string rejection or a thrown error becomes
 * UNREACHABLE_BACKEND, so callers only ever see `ok` data or an IpcError to show.
 */
export async function runCommand<T>(
  call: () => Promise<CommandResult<T>>,
): Promise<CommandResult<T>> {
  try {
    const result = await call();
    if (result.status === "ok") return result;
    const error: unknown = result.error;
    return { status: "error", error: isIpcError(error) ? error : UNREACHABLE_BACKEND };
  } catch {
    return { status: "error", error: UNREACHABLE_BACKEND };
  }
}
