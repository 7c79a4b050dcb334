import { useState } from "react";
import type { Note } from "../../bindings";
import { QueryStatus } from "../../components/QueryStatus";
import { useNote } from "../../data/caseQueries";
import type { NoteRoute } from "../clients/routes";
import { NoteEditor } from "./NoteEditor";

interface NoteEditorPageProps {
  route: NoteRoute;
  focusOnOpen: boolean;
  onCreated: (note: Note) => void;
  onClose: (matterId: number, notice?: string) => void;
}

/** Opens the editor on a stored note (once it is loaded) or on a new, empty one. */
export function NoteEditorPage({ route, ...editor }: NoteEditorPageProps) {
  // What the editor was opened on. A new note that gets its id on its first save keeps this
  // editor, text and all, rather than being loaded again.
  const [opened] = useState(route);
  if (opened.noteId === null) {
    return <NoteEditor matterId={opened.matterId} note={null} {...editor} />;
  }
  return <StoredNoteEditor noteId={opened.noteId} {...editor} />;
}

function StoredNoteEditor({
  noteId,
  ...editor
}: Omit<NoteEditorPageProps, "route"> & { noteId: number }) {
  const note = useNote(noteId);
  if (note.state !== "ready") return <QueryStatus query={note} what="note" />;
  return <NoteEditor matterId={note.data.matterId} note={note.data} {...editor} />;
}
