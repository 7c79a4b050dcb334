import { useId } from "react";
import { DateTime } from "../../components/DateTime";
import { QueryStatus } from "../../components/QueryStatus";
import { RecordList } from "../../components/RecordList";
import { useNotes } from "../../data/caseQueries";
import { noteTitle } from "../../format/noteTitle";

interface NoteListProps {
  matterId: number;
  onOpenNote: (noteId: number) => void;
  onNewNote: () => void;
}

/** A matter's notes, most recently changed first: title, first words and when it last changed. */
export function NoteList({ matterId, onOpenNote, onNewNote }: NoteListProps) {
  const headingId = useId();
  const notes = useNotes(matterId);

  return (
    <section className="page-section" aria-labelledby={headingId}>
      <div className="page-section__header">
        <h3 id={headingId}>Notes</h3>
        <button
          type="button"
          className="button button--primary"
          data-testid="new-note"
          onClick={onNewNote}
        >
          New note
        </button>
      </div>

      {notes.state !== "ready" && <QueryStatus query={notes} what="notes" />}
      {notes.state === "ready" && (
        <RecordList
          aria-labelledby={headingId}
          items={notes.data}
          itemKey={(note) => note.id}
          itemTestId="note-item"
          itemAttributes={(note) => ({ "data-id": note.id })}
          onOpen={(note) => {
            onOpenNote(note.id);
          }}
          empty={
            <p className="quiet">
              No notes yet. Notes you write here are encrypted on this computer, and every saved
              version is kept.
            </p>
          }
          renderItem={(note) => (
            <>
              <span className="record__title">{noteTitle(note.title)}</span>
              {note.preview.trim() !== "" && (
                <span className="record__preview">{note.preview}</span>
              )}
              <span className="record__meta">
                <span>
                  Updated <DateTime iso={note.updatedAt} />
                </span>
              </span>
            </>
          )}
        />
      )}
    </section>
  );
}
