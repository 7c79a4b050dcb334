import { useId, useRef, useState } from "react";
import { commands, type Consent } from "../../bindings";
import { CalendarDate } from "../../components/CalendarDate";
import { DateTime } from "../../components/DateTime";
import { InlineError } from "../../components/InlineError";
import { QueryStatus } from "../../components/QueryStatus";
import { StatusMessage, useAnnouncement } from "../../components/StatusMessage";
import { useConsents } from "../../data/caseQueries";
import { useAction } from "../../data/useAction";
import { NewConsentForm } from "./NewConsentForm";

const SCOPE: Record<Consent["scope"], string> = {
  drafting: "AI drafts",
  ask: "Questions to an AI model",
};

const METHOD: Record<Consent["method"], string> = {
  written: "in writing",
  email: "by e-mail",
  verbal: "verbally",
};

/**
 * A client's consents to sending their information to an AI provider: what each allows, through
 * which profile, how and when it was given, and revocations (kept, never deleted).
 */
export function ClientConsents({ clientId }: { clientId: number }) {
  const headingId = useId();
  const consents = useConsents(clientId);
  const { announcement, announce } = useAnnouncement();
  const [adding, setAdding] = useState(false);
  const addRef = useRef<HTMLButtonElement>(null);
  const revoke = useAction();

  function closeForm() {
    setAdding(false);
    addRef.current?.focus();
  }

  async function revokeConsent(consent: Consent) {
    const result = await revoke.run(() => commands.revokeConsent(consent.id, null));
    if (result.status !== "ok") return;
    announce(`Consent for ${SCOPE[consent.scope].toLowerCase()} through ${consent.profile} revoked.`);
    consents.reload();
  }

  return (
    <section className="page-section" aria-labelledby={headingId}>
      <div className="page-section__header">
        <h3 id={headingId}>AI consent</h3>
        <button
          ref={addRef}
          type="button"
          className="button"
          data-testid="add-consent"
          aria-expanded={adding}
          onClick={() => {
            setAdding(true);
          }}
        >
          Record consent
        </button>
      </div>

      {adding && (
        <NewConsentForm
          clientId={clientId}
          onSaved={(consent) => {
            closeForm();
            announce(`Consent through ${consent.profile} recorded.`);
            consents.reload();
          }}
          onCancel={closeForm}
        />
      )}

      <StatusMessage announcement={announcement} testId="consent-status" />
      {revoke.error && <InlineError error={revoke.error} />}

      {consents.state !== "ready" && <QueryStatus query={consents} what="consents" />}
      {consents.state === "ready" && consents.data.length === 0 && (
        <p className="quiet">
          No consent recorded. Where the firm requires it, nothing about this client is sent to an
          AI provider until their consent is recorded here.
        </p>
      )}
      {consents.state === "ready" && consents.data.length > 0 && (
        <ul className="record-list" aria-labelledby={headingId}>
          {consents.data.map((consent) => (
            <li
              key={consent.id}
              className="record record--static"
              data-testid="consent-item"
              data-id={consent.id}
              data-revoked={consent.revocation !== null}
              data-covers={consent.revocation === null && consent.noLongerCovers === null}
            >
              <span className="record__title">
                {SCOPE[consent.scope]} through {consent.profile}
                {consent.revocation !== null && " — revoked"}
                {consent.noLongerCovers !== null && " — no longer covers sends"}
              </span>
              <span className="record__meta">
                <span>
                  Given {METHOD[consent.method]} on <CalendarDate date={consent.givenOn} />
                </span>
                <span>
                  Recorded by {consent.recordedBy}, <DateTime iso={consent.recordedAt} />
                </span>
                {consent.revocation !== null && (
                  <span>
                    Revoked by {consent.revocation.by}, <DateTime iso={consent.revocation.at} />
                    {consent.revocation.reason !== null && `: ${consent.revocation.reason}`}
                  </span>
                )}
                {consent.noLongerCovers !== null && (
                  <span data-testid="consent-no-longer-covers">
                    Record it again to send: {consent.noLongerCovers}.
                  </span>
                )}
                {consent.note !== null && <span>{consent.note}</span>}
              </span>
              {consent.revocation === null && (
                <button
                  type="button"
                  className="button button--small"
                  data-testid="consent-revoke"
                  disabled={revoke.pending}
                  onClick={() => {
                    void revokeConsent(consent);
                  }}
                >
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
