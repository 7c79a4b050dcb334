import { useEffect, useId, useRef, useState } from "react";
import { commands, type ShownDraft_Serialize } from "../../bindings";
import { MarkdownView } from "../../components/MarkdownView";
import { QueryStatus } from "../../components/QueryStatus";
import { StatusMessage, useAnnouncement } from "../../components/StatusMessage";
import { useFocusOnce } from "../../components/useFocusOnce";
import { useDraft, useReviewer } from "../../data/caseQueries";
import { useAction } from "../../data/useAction";
import { BackToMatter } from "../notes/BackToMatter";
import { ApproveConfirm } from "./ApproveConfirm";
import { DeleteDraft } from "./DeleteDraft";
import { DraftEditForm } from "./DraftEditForm";
import { DraftExport } from "./DraftExport";
import { DraftVersions } from "./DraftVersions";
import { statusTone } from "./draftStatus";
import { ProvenancePanel } from "./ProvenancePanel";

interface DraftPageProps {
  draftId: number;
  focusOnOpen: boolean;
  onOpenMatter: (matterId: number) => void;
  onOpenNote: (noteId: number) => void;
}

/**
 * One draft: its review banner, its text (read or edited), versions, approval, export, print and
 * provenance.
 */
export function DraftPage({ draftId, ...props }: DraftPageProps) {
  const draft = useDraft(draftId);
  if (draft.state !== "ready") return <QueryStatus query={draft} what="draft" />;
  return <DraftView loaded={draft.data} {...props} />;
}

type Mode = "read" | "edit" | "approve";

function DraftView({
  loaded,
  focusOnOpen,
  onOpenMatter,
  onOpenNote,
}: Omit<DraftPageProps, "draftId"> & { loaded: ShownDraft_Serialize }) {
  // What the last save, restore or approval returned: newer than what the page loaded.
  const [shown, setShown] = useState(loaded);
  const [mode, setMode] = useState<Mode>("read");
  const [versionsOpen, setVersionsOpen] = useState(false);
  const reviewer = useReviewer();
  const approve = useAction();
  const { announcement, announce } = useAnnouncement();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const editRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const versionsId = useId();
  const titleId = useId();
  useFocusOnce(headingRef, focusOnOpen);

  const { draft, banner } = shown;
  const writing = draft.status === "writing";

  // Back from editing or approving: the focus returns to the toolbar.
  useEffect(() => {
    if (mode !== "read" || !returnFocus.current) return;
    returnFocus.current = false;
    editRef.current?.focus();
  }, [mode]);

  function backToReading() {
    returnFocus.current = true;
    setMode("read");
  }

  async function approveDraft() {
    const result = await approve.run(() => commands.approveDraft(draft.id));
    if (result.status !== "ok") return;
    setShown(result.data);
    backToReading();
    announce("Approved.");
  }

  const reviewerName = reviewer.state === "ready" ? reviewer.data : null;

  return (
    <>
      <div className="no-print">
        <BackToMatter
          matterId={draft.matterId}
          onBack={() => {
            onOpenMatter(draft.matterId);
          }}
        />
      </div>
      <div className="page-header">
        <h2
          id={titleId}
          ref={headingRef}
          className="page-header__title"
          tabIndex={-1}
          data-testid="draft-title"
        >
          {draft.title}
        </h2>
      </div>
      <p
        className={`draft-banner draft-banner--${statusTone(draft.status)}`}
        data-testid="draft-banner"
      >
        {banner}
      </p>

      <div className="toolbar no-print" role="group" aria-label="Draft actions">
        <button
          ref={editRef}
          type="button"
          className="button"
          data-testid="draft-edit"
          disabled={writing || mode === "edit"}
          onClick={() => {
            setMode("edit");
          }}
        >
          Edit
        </button>
        <button
          type="button"
          className="button"
          data-testid="draft-versions-toggle"
          aria-expanded={versionsOpen}
          aria-controls={versionsOpen ? versionsId : undefined}
          onClick={() => {
            setVersionsOpen((open) => !open);
          }}
        >
          Versions ({draft.version})
        </button>
        {draft.status !== "approved" && (
          <button
            type="button"
            className="button button--primary"
            data-testid="draft-approve"
            disabled={writing || mode !== "read" || reviewerName === null}
            onClick={() => {
              approve.clearError();
              setMode("approve");
            }}
          >
            Approve…
          </button>
        )}
      </div>
      <DraftExport draftId={draft.id} disabled={writing || mode === "edit"} />
      {writing && (
        <p className="quiet no-print">
          This draft is still being written; edit or approve it once it is complete.
        </p>
      )}
      <StatusMessage announcement={announcement} testId="draft-status-message" />
      <DeleteDraft draft={draft} onOpenMatter={onOpenMatter} />

      {mode === "approve" && reviewerName !== null && (
        <ApproveConfirm
          reviewer={reviewerName}
          version={draft.version}
          approving={approve.pending}
          error={approve.error}
          onApprove={() => void approveDraft()}
          onCancel={backToReading}
        />
      )}

      {mode === "edit" ? (
        <DraftEditForm
          draft={draft}
          onSaved={(saved) => {
            const changed = saved.draft.version !== draft.version;
            setShown(saved);
            backToReading();
            announce(
              changed
                ? `Saved as version ${String(saved.draft.version)}.`
                : "Nothing changed; no new version.",
            );
          }}
          onClose={backToReading}
        />
      ) : (
        <article className="draft-document" aria-labelledby={titleId}>
          <MarkdownView text={draft.body} topLevel={3} testId="draft-body" />
        </article>
      )}

      {versionsOpen && (
        <DraftVersions
          id={versionsId}
          draftId={draft.id}
          version={draft.version}
          canRestore={!writing && mode === "read"}
          onRestored={(restored) => {
            setShown(restored);
            announce(`Restored as version ${String(restored.draft.version)}.`);
          }}
        />
      )}

      <ProvenancePanel provenance={draft.provenance} onOpenNote={onOpenNote} />
    </>
  );
}
