import { useId } from "react";
import type { IpcError } from "../../bindings";
import { DateTime } from "../../components/DateTime";
import { InlineError } from "../../components/InlineError";
import { MarkdownView } from "../../components/MarkdownView";
import { QueryStatus } from "../../components/QueryStatus";
import { useNoteRevision } from "../../data/caseQueries";
import { noteTitle } from "../../format/noteTitle";

interface RevisionPreviewProps {
  noteId: number;
  number: number;
  restoring: boolean;
  error: IpcError | null;
  onRestore: () => void;
}

/** One saved version, read-only, with "Restore this version". */
export function RevisionPreview({
  noteId,
  number,
  restoring,
  error,
  onRestore,
}: RevisionPreviewProps) {
  const headingId = useId();
  const revision = useNoteRevision(noteId, number);
  if (revision.state !== "ready") return <QueryStatus query={revision} what="this version" />;

  return (
    <section className="revision" aria-labelledby={headingId}>
      <h4 id={headingId} className="revision__heading">
        Version {number}, saved <DateTime iso={revision.data.savedAt} />
      </h4>
      <p className="revision__title">{noteTitle(revision.data.title)}</p>
      <MarkdownView
        className="revision__body"
        testId="revision-body"
        text={revision.data.body}
        topLevel={5}
      />
      <div className="form__actions">
        <button
          type="button"
          className="button button--primary"
          data-testid="revision-restore"
          onClick={() => {
            if (!restoring) onRestore();
          }}
        >
          {restoring ? "Restoring…" : "Restore this version"}
        </button>
      </div>
      {error && <InlineError error={error} />}
    </section>
  );
}
