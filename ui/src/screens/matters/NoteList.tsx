import { useId } from "react";
import { DateTime } from "../../components/DateTime";
import { moveInList } from "../../components/listNavigation";
import { QueryStatus } from "../../components/QueryStatus";
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
      {notes.state === "ready" && notes.data.length === 0 && (
        <p className="quiet">
          No notes yet. Notes you write here are encrypted on this computer, and every saved
          version is kept.
        </p>
      )}
      {notes.state === "ready" && notes.data.length > 0 && (
        <ul className="record-list" aria-labelledby={headingId}>
          {notes.data.map((note, index) => (
            <li key={note.id}>
              <button
                type="button"
                className="record"
                data-testid="note-item"
                data-list-item
                data-id={note.id}
                tabIndex={index === 0 ? 0 : -1}
                onClick={() => {
                  onOpenNote(note.id);
                }}
                onKeyDown={(event) => {
                  moveInList(event);
                }}
              >
                <span className="record__title">{noteTitle(note.title)}</span>
                {note.preview.trim() !== "" && (
                  <span className="record__preview">{note.preview}</span>
                )}
                <span className="record__meta">
                  <span>
                    Updated <DateTime iso={note.updatedAt} />
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
