import { useId, type KeyboardEvent } from "react";
import {
  commands,
  type AiDraftOrder_Serialize,
  type AiDraftPreview_Serialize,
  type ManualChanges_Serialize,
  type NoteSummary,
  type RedactionKind,
} from "../../bindings";
import { CheckboxField } from "../../components/CheckboxField";
import { Detail } from "../../components/Detail";
import { QueryStatus } from "../../components/QueryStatus";
import { useFocusOnMount } from "../../components/useFocusOnMount";
import { useQuery } from "../../data/useQuery";
import { noteTitle } from "../../format/noteTitle";
import { KIND_LABELS as PROVIDER_KINDS } from "../settings/kinds";
import { RETENTION } from "../settings/ProfileFields";
import { RedactedTextView } from "./RedactedTextView";
import {
  KIND_LABELS,
  existingPlaceholders,
  formatCount,
  keepByHand,
  redactByHand,
  redactPeople,
  undoByHand,
  unredactedPeople,
} from "./aiDraft";

interface SendPreviewProps {
  order: AiDraftOrder_Serialize;
  /** Every note of the matter, to choose which go. */
  notes: readonly NoteSummary[];
  onNoteChosen: (noteId: number, chosen: boolean) => void;
  onChanges: (changes: ManualChanges_Serialize) => void;
  onSend: () => void;
  onBack: () => void;
  /** Opens the client's page, where consent is recorded. */
  onRecordConsent: () => void;
}

/**
 * Everything the attorney must see before a draft leaves the computer: where it goes and on what
 * terms, the client's consent, its size and cost, what the record lacks, and the exact text, with
 * redactions to add or undo by hand. Each change asks the app for a fresh preview.
 */
export function SendPreview({ order, ...props }: SendPreviewProps) {
  const preview = useQuery(`ai-draft-preview:${JSON.stringify(order)}`, () =>
    commands.previewAiDraft(order),
  );
  return (
    <section className="panel form send-preview" data-testid="send-preview" aria-label="Before sending">
      {preview.state === "ready" ? (
        <PreviewDetails order={order} shown={preview.data} {...props} />
      ) : (
        <>
          <QueryStatus query={preview} what="the preview" />
          <div className="form__actions">
            <button type="button" className="button" onClick={props.onBack}>
              Back
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function PreviewDetails({
  order,
  shown,
  notes,
  onNoteChosen,
  onChanges,
  onSend,
  onBack,
  onRecordConsent,
}: SendPreviewProps & { shown: AiDraftPreview_Serialize }) {
  const headingId = useId();
  // The preview takes the focus, so that its keys work at once.
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const { preview } = shown;
  const { profile, consent, estimate } = preview;
  const facts = profile.data_processing;
  const consentMissing = consent.required && consent.consent === null;
  const canSend = !consentMissing && estimate.fits;
  const changes = order.changes;
  const byHand = [
    ...changes.redact.map((v) => ({ ...v, redacted: true })),
    ...changes.keep.map((v) => ({ ...v, redacted: false })),
  ];
  const segments = [...shown.system, ...shown.prompt];
  const placeholders = existingPlaceholders(segments);
  const people = unredactedPeople(segments);
  // Under a policy requiring redaction, nothing redacted can be sent as it is.
  const onKeep = preview.redactionRequired
    ? undefined
    : (kind: RedactionKind, value: string) => {
        onChanges(keepByHand(changes, kind, value));
      };
  const onRedact = (kind: RedactionKind, value: string, sameAs: string | null) => {
    onChanges(redactByHand(changes, kind, value, sameAs));
  };
  const tokensOf = new Map(preview.notes.map((n) => [n.id, n.tokens]));
  const largest = [...preview.notes].sort((a, b) => b.tokens - a.tokens).slice(0, 3);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if (event.key === "Escape") {
      event.preventDefault();
      onBack();
    } else if (
      event.key === "Enter" &&
      canSend &&
      (event.ctrlKey || !["BUTTON", "INPUT", "SELECT", "TEXTAREA"].includes(target.tagName))
    ) {
      event.preventDefault();
      onSend();
    }
  };

  return (
    // The keys act on the whole preview: Enter or Ctrl+Enter sends, Escape goes back.
    // eslint-disable-next-line jsx-a11y/no-static-element-interactions
    <div onKeyDown={onKeyDown}>
      <h4 id={headingId} ref={heading} tabIndex={-1} className="panel__title">
        Before sending to {profile.display_name ?? profile.name}
      </h4>

      <dl className="details" data-testid="processing-facts" aria-labelledby={headingId}>
        <Detail term="Provider">{PROVIDER_KINDS[profile.kind]}</Detail>
        <Detail term="Endpoint">{endpointHost(profile.base_url)}</Detail>
        <Detail term="Region">{profile.region ?? "not recorded"}</Detail>
        <Detail term="Processing region">{facts.processing_region ?? "not recorded"}</Detail>
        <Detail term="Retention">
          {RETENTION.find((r) => r.value === facts.retention)?.label ?? facts.retention}
        </Detail>
        <Detail term="Training">{trainingTerms(facts.no_training)}</Detail>
        <Detail term="Model">{profile.deployment ?? profile.model ?? "not recorded"}</Detail>
        {facts.contract_reference !== null && (
          <Detail term="Contract">{facts.contract_reference}</Detail>
        )}
        {preview.policyException !== null && (
          <Detail term="Policy exception">{preview.policyException}</Detail>
        )}
      </dl>

      <div data-testid="preview-consent">
        {consentMissing ? (
          <div className="inline-error" role="alert">
            <p>
              Your firm&apos;s policy requires this client&apos;s consent before anything about
              them is sent to {profile.name}, and none is on record. Nothing can be sent until it
              is recorded.
            </p>
            <button
              type="button"
              className="button"
              data-testid="record-consent"
              onClick={onRecordConsent}
            >
              Record the client&apos;s consent
            </button>
          </div>
        ) : consent.consent !== null ? (
          <p className="quiet">
            Consent on record: {consent.consent.method}, given on {consent.consent.givenOn}.
          </p>
        ) : (
          <p className="quiet">Your firm&apos;s policy does not require the client&apos;s consent.</p>
        )}
      </div>

      <div data-testid="estimate">
        <p>
          About {formatCount(estimate.inputTokens)} tokens in, up to{" "}
          {formatCount(estimate.maxOutputTokens)} out; the model takes{" "}
          {formatCount(estimate.contextWindow)}.
          {estimate.maxCostUsd !== null &&
            ` Estimated cost at most $${estimate.maxCostUsd.toFixed(4)}.`}
        </p>
        {!estimate.fits && (
          <p className="inline-error" role="alert" data-testid="too-large">
            This is too large for one request. Untick notes below to make room; the largest are{" "}
            {largest.map((n) => `${noteTitle(n.title)} (about ${formatCount(n.tokens)} tokens)`).join(", ")}
            .
          </p>
        )}
      </div>

      {notes.length > 0 && (
        <fieldset className="form__section">
          <legend className="form__legend">Notes to send</legend>
          <div className="checkbox-group">
            {notes.map((note) => {
              const tokens = tokensOf.get(note.id);
              return (
                <CheckboxField
                  key={note.id}
                  label={`${noteTitle(note.title)}${tokens === undefined ? "" : ` (about ${formatCount(tokens)} tokens)`}`}
                  testId="preview-note"
                  checked={tokens !== undefined}
                  onChange={(checked) => {
                    onNoteChosen(note.id, checked);
                  }}
                />
              );
            })}
          </div>
        </fieldset>
      )}

      {preview.missing.length > 0 && (
        <div className="notice" data-testid="missing-fields">
          <p>The record lacks these; the draft says so rather than guessing:</p>
          <ul>
            {preview.missing.map((field) => (
              <li key={field}>{field}</li>
            ))}
          </ul>
        </div>
      )}

      <p data-testid="redaction-summary">
        {!preview.redacted
          ? "Nothing is redacted: the text below leaves exactly as written."
          : Object.keys(preview.redactions).length === 0
            ? "Redaction is on; nothing in this text needed it."
            : `Redacted: ${Object.entries(preview.redactions)
                .map(([label, count]) => `${label} ×${String(count.occurrences)}`)
                .join(", ")}.`}
      </p>

      {people.length > 0 && (
        <div className="notice" data-testid="unredacted-people" role="status">
          <p>
            {people.length === 1
              ? "1 name that looks like a person's was not redacted:"
              : `${String(people.length)} names that look like people were not redacted:`}
          </p>
          <ul>
            {people.map((name) => (
              <li key={name}>
                <q>{name}</q>{" "}
                <button
                  type="button"
                  className="button button--small"
                  data-testid="redact-person"
                  onClick={() => {
                    onChanges(redactPeople(changes, [name]));
                  }}
                >
                  Redact
                </button>
              </li>
            ))}
          </ul>
          {people.length > 1 && (
            <button
              type="button"
              className="button"
              data-testid="redact-all-people"
              onClick={() => {
                onChanges(redactPeople(changes, people));
              }}
            >
              Redact all
            </button>
          )}
        </div>
      )}

      {byHand.length > 0 && (
        <ul className="by-hand" data-testid="by-hand">
          {byHand.map((change) => (
            <li key={change.value}>
              {change.redacted ? "Redacted by hand" : "Sent as is"}:{" "}
              <q>{change.value}</q> ({KIND_LABELS[change.kind].toLowerCase()}){" "}
              <button
                type="button"
                className="button button--small"
                onClick={() => {
                  onChanges(undoByHand(changes, change.value));
                }}
              >
                Undo
              </button>
            </li>
          ))}
        </ul>
      )}

      <h5 className="form__legend">The exact text that will leave this computer</h5>
      {preview.redacted && (
        <p className="field__hint">
          Select text and choose &ldquo;Redact this&rdquo; to withhold it
          {onKeep === undefined
            ? "; your firm's policy requires every redaction to stay."
            : "; click a highlight to send that value as it is."}
        </p>
      )}
      <RedactedTextView
        label="Instructions sent"
        testId="sent-system"
        segments={shown.system}
        placeholders={placeholders}
        onRedact={onRedact}
        onKeep={onKeep}
      />
      <RedactedTextView
        label="Record and notes sent"
        testId="sent-prompt"
        segments={shown.prompt}
        placeholders={placeholders}
        onRedact={onRedact}
        onKeep={onKeep}
      />

      <div className="form__actions">
        <button
          type="button"
          className="button button--primary"
          data-testid="send-draft"
          disabled={!canSend}
          onClick={onSend}
        >
          Send to {profile.name}
        </button>
        <button type="button" className="button" data-testid="preview-back" onClick={onBack}>
          Back
        </button>
      </div>
    </div>
  );
}

function trainingTerms(noTraining: boolean | null): string {
  if (noTraining === true) return "Not used for training (contract)";
  if (noTraining === false) return "May be used for training";
  return "not recorded";
}

/** The host the request goes to; the provider's own endpoint when none is set. */
function endpointHost(baseUrl: string | null): string {
  if (baseUrl === null) return "the provider's standard endpoint";
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}
