import { useId, useState } from "react";
import { commands, type ConnectionReport_Serialize, type ProviderErrorKind } from "../../bindings";
import { LockNote } from "../../components/FieldFrame";
import { InlineError } from "../../components/InlineError";
import { useAction } from "../../data/useAction";

const FAILURE_TITLES: Record<ProviderErrorKind, string> = {
  rateLimited: "Too many requests right now",
  quotaExceeded: "The account's quota or billing limit is used up",
  overloaded: "The provider is overloaded",
  authentication: "The credentials were refused or are missing",
  permissionDenied: "The credentials may not use this model or region",
  badRequest: "The provider rejected the request",
  notFound: "Nothing found where the profile points",
  contentFiltered: "The provider's content filter blocked the test",
  retentionBlocked: "Refused because of the account's data-retention setting",
  server: "The provider failed on its side",
  network: "The provider could not be reached",
  timeout: "The provider stopped answering",
  protocol: "The provider's answer could not be understood",
  configuration: "The profile cannot be used as it is set up",
};

interface ConnectionTestProps {
  name: string;
  /** The policy's reason when no request may be sent now. */
  locked: string | undefined;
  /** Whether the editor holds changes not saved yet (the test uses the saved settings). */
  unsaved: boolean;
}

/** "Test connection": one tiny request through the saved profile, timed, with the diagnosis. */
export function ConnectionTest({ name, locked, unsaved }: ConnectionTestProps) {
  const headingId = useId();
  const action = useAction();
  const [report, setReport] = useState<ConnectionReport_Serialize | null>(null);

  function test() {
    setReport(null);
    void action.run(() => commands.testProviderConnection(name)).then((result) => {
      if (result.status === "ok") setReport(result.data);
    });
  }

  return (
    <section className="page-section" aria-labelledby={headingId} data-testid="connection-test">
      <div className="page-section__header">
        <h4 id={headingId}>Connection</h4>
        <button
          type="button"
          className="button"
          disabled={locked !== undefined || action.pending}
          data-testid="test-connection"
          onClick={test}
        >
          {action.pending ? "Testing…" : "Test connection"}
        </button>
      </div>
      {locked !== undefined && <LockNote reason={locked} />}
      {unsaved && (
        <p className="field__hint">The test uses the saved settings: save your changes first.</p>
      )}
      <div role="status" className="status-message" data-testid="connection-status">
        {action.pending && (
          <p className="notice">Sending a short test request through {name}…</p>
        )}
        {report !== null && <ReportText report={report} />}
      </div>
      {action.error && <InlineError error={action.error} testId="connection-error" />}
    </section>
  );
}

function ReportText({ report }: { report: ConnectionReport_Serialize }) {
  const { failure } = report;
  if (failure === null) {
    const first = report.first_text_ms ?? report.total_ms;
    return (
      <div className="connection-result" data-testid="connection-result" data-ok="true">
        <p className="connection-result__title">
          Connected: answered in <span data-testid="connection-latency">{report.total_ms}</span> ms
          (first words after {first} ms).
        </p>
        {report.reply.trim() !== "" && (
          <p className="quiet">The model answered: “{report.reply.trim()}”</p>
        )}
      </div>
    );
  }
  return (
    <div
      className="connection-result connection-result--failed"
      data-testid="connection-result"
      data-ok="false"
      data-kind={failure.kind}
    >
      <p className="connection-result__title">
        {FAILURE_TITLES[failure.kind]}
        {failure.status === null ? "" : ` (HTTP ${String(failure.status)})`} after{" "}
        {report.total_ms} ms.
      </p>
      <p>{failure.message}</p>
    </div>
  );
}
