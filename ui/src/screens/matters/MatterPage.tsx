import { useRef } from "react";
import { QueryStatus } from "../../components/QueryStatus";
import { useFocusOnce } from "../../components/useFocusOnce";
import { useMatter } from "../../data/caseQueries";
import { DeadlineList } from "../deadlines/DeadlineList";
import { MatterDrafts } from "../drafts/MatterDrafts";
import { FilingList } from "../filings/FilingList";
import { BackToClient } from "./BackToClient";
import { MatterDetails } from "./MatterDetails";
import { NoteList } from "./NoteList";
import { MatterRetention } from "./MatterRetention";
import { PartyList } from "./PartyList";

interface MatterPageProps {
  matterId: number;
  /** A message about what just happened, e.g. that a note went to the trash. */
  notice: string | undefined;
  focusOnOpen: boolean;
  onOpenClient: (clientId: number) => void;
  onOpenNote: (noteId: number) => void;
  onNewNote: () => void;
  onOpenDraft: (draftId: number) => void;
}

/** One matter: its notes, drafts, filings and deadlines, then its details and parties. */
export function MatterPage({
  matterId,
  notice,
  focusOnOpen,
  onOpenClient,
  onOpenNote,
  onNewNote,
  onOpenDraft,
}: MatterPageProps) {
  const matter = useMatter(matterId);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useFocusOnce(headingRef, focusOnOpen && matter.state === "ready");

  if (matter.state !== "ready") return <QueryStatus query={matter} what="matter" />;
  const { clientId, title } = matter.data;

  return (
    <>
      <BackToClient
        clientId={clientId}
        onBack={() => {
          onOpenClient(clientId);
        }}
      />
      <div className="page-header">
        <h2
          ref={headingRef}
          className="page-header__title"
          tabIndex={-1}
          data-testid="matter-name"
        >
          {title}
        </h2>
      </div>
      {notice !== undefined && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <NoteList matterId={matterId} onOpenNote={onOpenNote} onNewNote={onNewNote} />
      <MatterDrafts
        matterId={matterId}
        onOpenDraft={onOpenDraft}
        onOpenClient={() => {
          onOpenClient(clientId);
        }}
      />
      <FilingList matterId={matterId} />
      <DeadlineList matterId={matterId} />
      {/* Below the daily work, so that loading them never moves what is above. */}
      <MatterDetails matterId={matterId} onSaved={matter.reload} />
      <PartyList matterId={matterId} />
      <MatterRetention matterId={matterId} />
    </>
  );
}
