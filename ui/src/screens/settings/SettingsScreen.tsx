import { useId } from "react";
import type { WorkspaceStatus } from "../../bindings";
import { Detail } from "../../components/Detail";
import type { WorkspaceState } from "../../workspace/useWorkspaceStatus";
import { ExportSettings } from "./ExportSettings";
import { ProviderSettings } from "./ProviderSettings";

function WorkspaceDetails({ status }: { status: WorkspaceStatus }) {
  const { keychain } = status;
  return (
    <dl className="details">
      <Detail term="Version">{status.appVersion}</Detail>
      <Detail term="Workspace folder">
        <span className="path">{status.dataDir}</span>
      </Detail>
      <Detail term="Log folder">
        <span className="path">{status.logDir}</span>
      </Detail>
      <Detail term="Keychain">
        {keychain.state === "reachable" ? (
          <>Ready — entries are saved under “{keychain.service}”</>
        ) : (
          <span className="notice notice--warning">{keychain.message}</span>
        )}
      </Detail>
    </dl>
  );
}

export function SettingsScreen({ workspace }: { workspace: WorkspaceState }) {
  const workspaceHeading = useId();

  return (
    <>
      <section className="settings-group" aria-labelledby={workspaceHeading}>
        <h2 id={workspaceHeading}>Workspace</h2>
        {workspace.state === "loading" && <p>Connecting…</p>}
        {workspace.state === "failed" && (
          <p>
            Casefile could not open this workspace, so its details are not available. The message
            at the top of this window says what went wrong.
          </p>
        )}
        {workspace.state === "ready" && <WorkspaceDetails status={workspace.status} />}
      </section>

      <ExportSettings />

      <ProviderSettings />
    </>
  );
}
