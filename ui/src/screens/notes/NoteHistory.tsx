import { useEffect, useId, useRef, useState } from "react";
import { commands, type Note } from "../../bindings";
import { DateTime } from "../../components/DateTime";
import { QueryStatus } from "../../components/QueryStatus";
import { RecordList } from "../../components/RecordList";
import { useNoteRevisions } from "../../data/caseQueries";
import { useAction } from "../../data/useAction";
import { countOf } from "../../format/counts";
import { RevisionPreview } from "./RevisionPreview";

interface NoteHistoryProps {
  id: string;
  noteId: number;
  /** The current version's number; the list is asked again when it changes. */
  revision: number;
  /** Saves what is typed before a restore, so that text is kept as a version too. */
  beforeRestore: () => Promise<boolean>;
  onRestored: (note: Note) => void;
}

/** Every saved version of a note, newest first; one can be read and restored. */
export function NoteHistory({ id, noteId, revision, beforeRestore, onRestored }: NoteHistoryProps) {
  const headingId = useId();
  const revisions = useNoteRevisions(noteId, revision);
  const [selected, setSelected] = useState<number | null>(null);
  const [restoredNotice, setRestoredNotice] = useState<string | null>(null);
  const restore = useAction();
  const panelRef = useRef<HTMLElement>(null);

  // It opens below the editor: bring it into view.
  useEffect(() => {
    const panel = panelRef.current;
    if (panel && "scrollIntoView" in panel) panel.scrollIntoView({ block: "nearest" });
  }, []);

  async function restoreSelected(number: number) {
    if (!(await beforeRestore())) return;
    const result = await restore.run(() => commands.restoreNoteRevision(noteId, number));
    if (result.status !== "ok") return;
    setSelected(null);
    const now = String(result.data.revision);
    setRestoredNotice(`Version ${String(number)} is the note's text again, saved as version ${now}.`);
    onRestored(result.data);
  }

  return (
    <section className="panel history" id={id} aria-labelledby={headingId} ref={panelRef}>
      <h3 id={headingId} className="panel__title">
        History
      </h3>
      <p className="quiet">
        Every saved version of this note. Restoring one saves it again as the newest version, so
        nothing is lost.
      </p>
      {restoredNotice !== null && (
        <p className="notice" role="status">
          {restoredNotice}
        </p>
      )}
      {revisions.state !== "ready" ? (
        <QueryStatus query={revisions} what="versions" />
      ) : (
        <div className="history__layout">
          <RecordList
            compact
            aria-labelledby={headingId}
            items={revisions.data}
            itemKey={(item) => item.number}
            itemTestId="revision-item"
            itemAttributes={(item) => ({
              "data-number": item.number,
              "aria-pressed": selected === item.number,
            })}
            onOpen={(item) => {
              restore.clearError();
              setSelected(item.number);
            }}
            renderItem={(item, index) => (
              <>
                <span className="record__title">
                  Version {item.number}
                  {index === 0 && " (current)"}
                </span>
                <span className="record__meta">
                  <DateTime iso={item.savedAt} />
                  <span>{countOf(item.chars, "character")}</span>
                </span>
              </>
            )}
          />
          {selected !== null && (
            <RevisionPreview
              key={selected}
              noteId={noteId}
              number={selected}
              restoring={restore.pending}
              error={restore.error}
              onRestore={() => {
                void restoreSelected(selected);
              }}
            />
          )}
        </div>
      )}
    </section>
  );
}
