import { useId } from "react";
import type { Provenance_Serialize } from "../../bindings";
import { DateTime } from "../../components/DateTime";
import { Detail } from "../../components/Detail";
import { noteTitle } from "../../format/noteTitle";

interface ProvenancePanelProps {
  provenance: Provenance_Serialize;
  onOpenNote: (noteId: number) => void;
}

const tokens = new Intl.NumberFormat();

function orUnknown(value: number | null): string {
  return value === null ? "not reported" : tokens.format(value);
}

/** Where the draft came from: template, notes, what the record lacks, who, when, and any AI use. */
export function ProvenancePanel({ provenance: p, onOpenNote }: ProvenancePanelProps) {
  const headingId = useId();
  const ai = p.ai;
  const redactions = ai
    ? Object.entries(ai.redactions).filter(([, count]) => count > 0)
    : [];

  return (
    <section className="page-section" aria-labelledby={headingId} data-testid="draft-provenance">
      <h3 id={headingId}>Provenance</h3>
      <dl className="details">
        <Detail term="Template">
          {p.template}, version {p.templateVersion} (
          {p.templateOrigin === "built-in" ? "built in" : `the firm's file ${p.templateOrigin}`})
        </Detail>
        <Detail term="Notes used">
          {p.notes.length === 0 ? (
            "None"
          ) : (
            <ul className="provenance__notes">
              {p.notes.map((note) => (
                <li key={note.id}>
                  <button
                    type="button"
                    className="link-button"
                    data-testid="provenance-note"
                    onClick={() => {
                      onOpenNote(note.id);
                    }}
                  >
                    {noteTitle(note.title)}
                  </button>{" "}
                  <span className="quiet">(as of its version {note.revision})</span>
                </li>
              ))}
            </ul>
          )}
        </Detail>
        <Detail term="Not recorded in the matter">
          {p.missing.length === 0 ? "Nothing the template asked for" : p.missing.join(", ")}
        </Detail>
        <Detail term="Drafted by">
          {ai
            ? "An AI provider, from the record and the notes"
            : "Filled from the record on this computer; no AI was used"}
        </Detail>
        {ai && (
          <>
            <Detail term="Provider profile">
              {ai.profile} ({ai.providerKind})
            </Detail>
            <Detail term="Endpoint">{ai.endpointHost}</Detail>
            <Detail term="Region">{ai.region ?? "not pinned"}</Detail>
            <Detail term="Model or deployment">{ai.model}</Detail>
            <Detail term="Retention">{ai.retention}</Detail>
            <Detail term="Training on the firm's data">
              {ai.noTraining ? "None, per the firm's terms" : "Terms not recorded"}
            </Detail>
            <Detail term="Redacted before sending">
              {redactions.length === 0
                ? "Nothing"
                : redactions.map(([kind, count]) => `${kind} ${String(count)}`).join(", ")}
            </Detail>
            <Detail term="Tokens">
              {orUnknown(ai.tokensIn)} in, {orUnknown(ai.tokensOut)} out
            </Detail>
            <Detail term="Estimated cost">
              {ai.estimatedCostUsd === null
                ? "No prices in the profile"
                : `$${ai.estimatedCostUsd.toFixed(4)}`}
            </Detail>
            <Detail term="Policy exception">{ai.policyException ?? "None"}</Detail>
            <Detail term="Client consent">
              {ai.consentId === null ? "None on record" : `Record ${String(ai.consentId)}`}
            </Detail>
            <Detail term="Outcome">{ai.outcome}</Detail>
            <Detail term="Audit log">
              {ai.auditEntry === null
                ? "No request entry"
                : `Request entry ${String(ai.auditEntry)}`}
            </Detail>
          </>
        )}
        <Detail term="Made by">{p.user}</Detail>
        <Detail term="Started">
          <DateTime iso={p.startedAt} />
        </Detail>
        <Detail term="Finished">
          {p.finishedAt === null ? "Not finished" : <DateTime iso={p.finishedAt} />}
        </Detail>
      </dl>
    </section>
  );
}
