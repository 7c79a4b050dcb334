import { useId, useState } from "react";
import { commands, type MatterRetention as Retention } from "../../bindings";
import { DateTime } from "../../components/DateTime";
import { LockNote } from "../../components/FieldFrame";
import { InlineError } from "../../components/InlineError";
import { NumberField } from "../../components/NumberField";
import { QueryStatus } from "../../components/QueryStatus";
import { StatusMessage, useAnnouncement } from "../../components/StatusMessage";
import { TextField } from "../../components/TextField";
import { useMatterRetention } from "../../data/caseQueries";
import { useAction } from "../../data/useAction";
import { periodText, sourceText } from "./retentionText";

/**
 * How long the matter's AI drafts are kept, and its legal hold: a hold keeps every draft of the
 * matter (nothing is deleted, by hand or by retention) until it is released.
 */
export function MatterRetention({ matterId }: { matterId: number }) {
  const headingId = useId();
  const retention = useMatterRetention(matterId);
  const { announcement, announce } = useAnnouncement();
  return (
    <section className="page-section" aria-labelledby={headingId} data-testid="matter-retention">
      <div className="page-section__header">
        <h3 id={headingId}>Retention and legal hold</h3>
      </div>
      <StatusMessage announcement={announcement} testId="retention-status" />
      {retention.state !== "ready" ? (
        <QueryStatus query={retention} what="retention" />
      ) : (
        <>
          <LegalHold
            matterId={matterId}
            retention={retention.data}
            onChanged={(message) => {
              announce(message);
              retention.reload();
            }}
          />
          <RetentionPeriod
            matterId={matterId}
            retention={retention.data}
            onChanged={(message) => {
              announce(message);
              retention.reload();
            }}
          />
        </>
      )}
    </section>
  );
}

interface PartProps {
  matterId: number;
  retention: Retention;
  onChanged: (message: string) => void;
}

function LegalHold({ matterId, retention, onChanged }: PartProps) {
  const [placing, setPlacing] = useState(false);
  const [reason, setReason] = useState("");
  const action = useAction();
  const { hold } = retention;

  async function place() {
    if (reason.trim() === "") {
      action.fail("Write why the matter is held (the litigation, subpoena or request).");
      return;
    }
    const result = await action.run(() => commands.setLegalHold(matterId, reason));
    if (result.status !== "ok") return;
    setPlacing(false);
    setReason("");
    onChanged("Legal hold placed: no draft of this matter can be deleted.");
  }

  async function release() {
    const result = await action.run(() => commands.releaseLegalHold(matterId));
    if (result.status === "ok") onChanged("Legal hold released.");
  }

  if (hold) {
    return (
      <div className="retention-part" data-testid="legal-hold" data-held="true">
        <p>
          <strong>Under legal hold</strong> since <DateTime iso={hold.setAt} />, placed by{" "}
          {hold.setBy}: {hold.reason}
        </p>
        <p className="quiet">No draft of this matter is deleted, by hand or by retention.</p>
        <button
          type="button"
          className="button"
          data-testid="legal-hold-release"
          disabled={action.pending}
          onClick={() => void release()}
        >
          Release legal hold
        </button>
        {action.error && <InlineError error={action.error} />}
      </div>
    );
  }
  return (
    <div className="retention-part" data-testid="legal-hold" data-held="false">
      <p>Not under legal hold.</p>
      {placing ? (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            void place();
          }}
        >
          <TextField
            label="Reason for the hold"
            value={reason}
            onChange={setReason}
            testId="legal-hold-reason"
            required
            hint="Shown with the hold, e.g. the litigation or subpoena it preserves the matter for."
          />
          <FormButtons
            submit="Place legal hold"
            submitTestId="legal-hold-save"
            pending={action.pending}
            onCancel={() => {
              action.clearError();
              setPlacing(false);
            }}
          />
          {action.error && <InlineError error={action.error} />}
        </form>
      ) : (
        <button
          type="button"
          className="button"
          data-testid="legal-hold-place"
          onClick={() => {
            setPlacing(true);
          }}
        >
          Place legal hold…
        </button>
      )}
    </div>
  );
}

function RetentionPeriod({ matterId, retention, onChanged }: PartProps) {
  const { effective, setting, matterOverride } = retention;
  const [editing, setEditing] = useState(false);
  const [days, setDays] = useState<number | null>(matterOverride?.days ?? null);
  const action = useAction();

  async function save(value: number | null) {
    if (value !== null && (!Number.isInteger(value) || value < 0)) {
      action.fail("Write a whole number of days, or leave it empty to use the setting.");
      return;
    }
    const result = await action.run(() => commands.setMatterRetention(matterId, value));
    if (result.status !== "ok") return;
    setEditing(false);
    onChanged(value === null ? "This matter follows the setting again." : "Retention period saved.");
  }

  return (
    <div className="retention-part" data-testid="retention-period">
      <p data-testid="retention-effective">{periodText(effective)}</p>
      <p className="quiet" data-testid="retention-source">
        {sourceText(effective)}
      </p>
      {effective.locked ? (
        <LockNote reason={effective.lockReason ?? "Locked by your firm's policy."} />
      ) : editing ? (
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            void save(days);
          }}
        >
          <NumberField
            label="Days to keep this matter's AI drafts"
            value={days}
            onChange={setDays}
            testId="retention-days"
            hint={`Leave empty to follow the setting: ${periodText(setting)}`}
          />
          <FormButtons
            submit="Save"
            submitTestId="retention-save"
            pending={action.pending}
            onCancel={() => {
              action.clearError();
              setEditing(false);
            }}
          />
          {action.error && <InlineError error={action.error} />}
        </form>
      ) : (
        <button
          type="button"
          className="button"
          data-testid="retention-change"
          onClick={() => {
            setDays(matterOverride?.days ?? null);
            setEditing(true);
          }}
        >
          Change for this matter…
        </button>
      )}
    </div>
  );
}

/** Cancel, then the form's submit button (disabled while its action runs). */
function FormButtons(props: {
  submit: string;
  submitTestId: string;
  pending: boolean;
  onCancel: () => void;
}) {
  return (
    <div className="form__actions">
      <button type="button" className="button" onClick={props.onCancel}>
        Cancel
      </button>
      <button
        type="submit"
        className="button button--primary"
        data-testid={props.submitTestId}
        disabled={props.pending}
      >
        {props.submit}
      </button>
    </div>
  );
}
