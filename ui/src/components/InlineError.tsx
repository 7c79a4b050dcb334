import type { IpcError } from "../bindings";

/** The app's own explanation of what went wrong, right below the control that caused it. */
export function InlineError({ error, testId }: { error: IpcError; testId?: string }) {
  return (
    <p className="inline-error" role="alert" data-testid={testId}>
      {error.message}
    </p>
  );
}
