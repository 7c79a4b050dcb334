import { useEffect, useId, useRef, useState } from "react";
import type { MatterAiCost_Serialize } from "../../bindings";
import { DateTime } from "../../components/DateTime";
import { QueryStatus } from "../../components/QueryStatus";
import { RecordList } from "../../components/RecordList";
import { useDrafts, useMatterAiCost } from "../../data/caseQueries";
import { countOf } from "../../format/counts";
import { DraftStatusBadge } from "./DraftStatusBadge";
import { MatterExport } from "./MatterExport";
import { NewDraftForm } from "./NewDraftForm";

interface MatterDraftsProps {
  matterId: number;
  onOpenDraft: (draftId: number) => void;
  /** Opens the matter's client, where the client's consent is recorded. */
  onOpenClient: () => void;
}

const tokens = new Intl.NumberFormat();

/** "2 AI drafts: 2,400 tokens in, 600 out; estimated cost $0.0250". */
export function aiCostText(cost: MatterAiCost_Serialize): string {
  const drafts = countOf(cost.aiDrafts, "AI draft");
  const used = `${drafts}: ${tokens.format(cost.tokensIn)} tokens in, ${tokens.format(cost.tokensOut)} out`;
  return cost.costUsd === null ? used : `${used}; estimated cost $${cost.costUsd.toFixed(4)}`;
}

/**
 * A matter's drafts, newest first, its AI use when it has any, "New draft", and the export of
 * them all as one ZIP.
 */
export function MatterDrafts({ matterId, onOpenDraft, onOpenClient }: MatterDraftsProps) {
  const headingId = useId();
  const drafts = useDrafts(matterId);
  const cost = useMatterAiCost(matterId);
  const [creating, setCreating] = useState(false);
  const newRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  // Cancelling the form gives the focus back to "New draft".
  useEffect(() => {
    if (creating || !returnFocus.current) return;
    returnFocus.current = false;
    newRef.current?.focus();
  }, [creating]);

  return (
    <section className="page-section" aria-labelledby={headingId}>
      <div className="page-section__header">
        <h3 id={headingId}>Drafts</h3>
        {!creating && (
          <button
            ref={newRef}
            type="button"
            className="button button--primary"
            data-testid="new-draft"
            onClick={() => {
              setCreating(true);
            }}
          >
            New draft
          </button>
        )}
      </div>

      {creating && (
        <NewDraftForm
          matterId={matterId}
          onCreated={onOpenDraft}
          onRecordConsent={onOpenClient}
          onCancel={() => {
            returnFocus.current = true;
            setCreating(false);
          }}
        />
      )}

      {cost.state === "ready" && cost.data.aiDrafts > 0 && (
        <p className="quiet" data-testid="matter-ai-cost">
          {aiCostText(cost.data)}
        </p>
      )}

      {drafts.state !== "ready" && <QueryStatus query={drafts} what="drafts" />}
      {drafts.state === "ready" && (
        <RecordList
          aria-labelledby={headingId}
          items={drafts.data}
          itemKey={(draft) => draft.id}
          itemTestId="draft-item"
          itemAttributes={(draft) => ({ "data-id": draft.id })}
          onOpen={(draft) => {
            onOpenDraft(draft.id);
          }}
          empty={
            <p className="quiet">
              No drafts yet. A new draft fills a template (a case summary, an RFE response, a
              letter) from this matter&apos;s record and notes, for you to review.
            </p>
          }
          renderItem={(draft) => (
            <>
              <span className="record__title">{draft.title}</span>
              <span className="record__meta">
                <DraftStatusBadge draft={draft} />
                <span>
                  Made <DateTime iso={draft.createdAt} />
                </span>
              </span>
            </>
          )}
        />
      )}
      {drafts.state === "ready" && drafts.data.length > 0 && <MatterExport matterId={matterId} />}
    </section>
  );
}
