import { keychainSummary } from "../workspace/keychain";
import type { WorkspaceState } from "../workspace/useWorkspaceStatus";

type KeychainIndicatorState = "loading" | "reachable" | "unreachable";

function KeychainIndicator({
  state,
  text,
  detail,
}: {
  state: KeychainIndicatorState;
  text: string;
  detail?: string | undefined;
}) {
  return (
    <span
      className="status-line__keychain"
      data-testid="status-keychain"
      data-state={state}
      title={detail}
    >
      {text}
    </span>
  );
}

/** The footer: version, workspace folder and keychain state, as reported at start-up. */
export function StatusLine({ workspace }: { workspace: WorkspaceState }) {
  return (
    <footer className="status-line" data-testid="status-line">
      {workspace.state === "loading" && <KeychainIndicator state="loading" text="Connecting…" />}

      {workspace.state === "failed" && (
        <>
          <span className="status-line__item">Workspace not open</span>
          {/* The workspace failed before the keychain could be checked, so it cannot be used. */}
          <KeychainIndicator state="unreachable" text="Keychain not checked" />
        </>
      )}

      {workspace.state === "ready" && (
        <>
          <span className="status-line__item" data-testid="status-version">
            Casefile {workspace.status.appVersion}
          </span>
          <span className="status-line__item status-line__folder">
            <span className="status-line__label">Workspace</span>
            <span
              className="status-line__path"
              data-testid="status-data-dir"
              title={workspace.status.dataDir}
            >
              {workspace.status.dataDir}
            </span>
          </span>
          <KeychainIndicator
            state={workspace.status.keychain.state}
            text={keychainSummary(workspace.status.keychain)}
            detail={
              workspace.status.keychain.state === "unreachable"
                ? workspace.status.keychain.message
                : undefined
            }
          />
        </>
      )}
    </footer>
  );
}
