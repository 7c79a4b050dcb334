import { useEffect, useId, useRef, useState } from "react";
import { commands, type Note } from "../../bindings";
import { InlineError } from "../../components/InlineError";
import { MarkdownView } from "../../components/MarkdownView";
import { useAction } from "../../data/useAction";
import { noteTitle } from "../../format/noteTitle";
import { shiftShortcutText, shortcutText } from "../../shell/sections";
import { BackToMatter } from "./BackToMatter";
import { NoteHistory } from "./NoteHistory";
import { NoteTags } from "./NoteTags";
import { SaveState } from "./SaveState";
import { useNoteAutosave } from "./useNoteAutosave";

type View = "write" | "preview";

/** Ctrl+Shift+P (⇧⌘P): Write ↔ Preview. */
function isPreviewKey(event: KeyboardEvent): boolean {
  return (
    (event.ctrlKey || event.metaKey) &&
    event.shiftKey &&
    !event.altKey &&
    (event.key.toLowerCase() === "p" || event.code === "KeyP")
  );
}

interface NoteEditorProps {
  matterId: number;
  /** The stored note, or null to write a new one. */
  note: Note | null;
  focusOnOpen: boolean;
  onCreated: (note: Note) => void;
  /** Back to the matter, with a message to show there if there is one. */
  onClose: (matterId: number, notice?: string) => void;
}

/**
 * Title and text of a note, saved as the user types, with a Markdown preview, its history and
 * "Move to trash".
 */
export function NoteEditor({ matterId, note, focusOnOpen, onCreated, onClose }: NoteEditorProps) {
  const titleId = useId();
  const bodyId = useId();
  const historyId = useId();
  const previewLabelId = useId();
  const [view, setView] = useState<View>("write");
  /** Set when the user switched views, so focus follows the switch (not on opening). */
  const viewSwitched = useRef(false);
  const previewRef = useRef<HTMLDivElement>(null);
  const [title, setTitle] = useState(note?.title ?? "");
  const [body, setBody] = useState(note?.body ?? "");
  const [historyOpen, setHistoryOpen] = useState(false);
  const autosave = useNoteAutosave({ matterId, note, onCreated });
  const trash = useAction();
  const titleRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);

  // As the editor opens (neither changes while it is open).
  useEffect(() => {
    if (!focusOnOpen) return;
    if (note === null) {
      titleRef.current?.focus();
    } else if (bodyRef.current) {
      // Carry on writing where the note ends.
      const end = bodyRef.current.value.length;
      bodyRef.current.focus();
      bodyRef.current.setSelectionRange(end, end);
    }
  }, [focusOnOpen, note]);

  function switchView(next: View) {
    viewSwitched.current = true;
    setView(next);
  }

  // Ctrl+Shift+P from anywhere in the editor's window switches Write and Preview.
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (!isPreviewKey(event)) return;
      event.preventDefault();
      viewSwitched.current = true;
      setView((current) => (current === "write" ? "preview" : "write"));
    }
    window.addEventListener("keydown", onKeyDown);
    return () => {
      window.removeEventListener("keydown", onKeyDown);
    };
  }, []);

  // After a switch, focus goes where the user will read or write.
  useEffect(() => {
    if (!viewSwitched.current) return;
    viewSwitched.current = false;
    if (view === "preview") previewRef.current?.focus();
    else bodyRef.current?.focus();
  }, [view]);

  function edit(nextTitle: string, nextBody: string) {
    setTitle(nextTitle);
    setBody(nextBody);
    autosave.change({ title: nextTitle, body: nextBody });
  }

  async function leave() {
    // Stay (with the error showing) if what was typed could not be saved.
    if (await autosave.flush()) onClose(matterId);
  }

  async function moveToTrash(noteId: number) {
    // Whatever was typed is kept as a version, so restoring from the trash brings it back too.
    await autosave.flush();
    const result = await trash.run(() => commands.trashNote(noteId));
    if (result.status !== "ok") return;
    const where = `Trash (${shortcutText("5")})`;
    onClose(matterId, `“${noteTitle(title)}” is in the trash. You can restore it from ${where}.`);
  }

  const saved = autosave.saved;

  return (
    <>
      <div className="editor-bar">
        <BackToMatter matterId={matterId} onBack={() => void leave()} />
        <SaveState
          status={autosave.status}
          everSaved={saved !== null}
          onRetry={() => void autosave.flush()}
        />
      </div>
      <h2 className="visually-hidden">{note === null ? "New note" : "Edit note"}</h2>

      <div className="editor">
        <div className="field">
          <label className="field__label" htmlFor={titleId}>
            Title
          </label>
          <input
            id={titleId}
            ref={titleRef}
            className="field__input editor__title"
            type="text"
            autoComplete="off"
            data-testid="note-title"
            value={title}
            onChange={(event) => {
              edit(event.target.value, body);
            }}
          />
        </div>
        <div className="field">
          <div className="editor__body-bar">
            {view === "write" ? (
              <label className="field__label" htmlFor={bodyId}>
                Note
              </label>
            ) : (
              <span className="field__label" id={previewLabelId}>
                Note (preview)
              </span>
            )}
            <div className="editor__views" role="group" aria-label="Show the note as">
              <button
                type="button"
                className="button button--small"
                data-testid="note-write"
                aria-pressed={view === "write"}
                aria-keyshortcuts="Control+Shift+P Meta+Shift+P"
                onClick={() => {
                  if (view !== "write") switchView("write");
                }}
              >
                Write
              </button>
              <button
                type="button"
                className="button button--small"
                data-testid="note-preview"
                aria-pressed={view === "preview"}
                aria-keyshortcuts="Control+Shift+P Meta+Shift+P"
                onClick={() => {
                  if (view !== "preview") switchView("preview");
                }}
              >
                Preview
              </button>
            </div>
          </div>
          {view === "write" ? (
            <textarea
              id={bodyId}
              ref={bodyRef}
              className="field__input editor__body"
              rows={16}
              data-testid="note-body"
              value={body}
              onChange={(event) => {
                edit(title, event.target.value);
              }}
            />
          ) : (
            <div
              ref={previewRef}
              className="editor__preview"
              role="region"
              aria-labelledby={previewLabelId}
              tabIndex={-1}
              data-testid="note-preview-body"
            >
              {body.trim() === "" ? (
                <p className="field__hint">Nothing written yet.</p>
              ) : (
                <MarkdownView text={body} topLevel={3} />
              )}
            </div>
          )}
        </div>
        <p className="field__hint">
          Saved automatically as you write; {shortcutText("S")} saves at once. Every saved version
          is kept in History. Notes are written in Markdown; {shiftShortcutText("P")} switches
          between Write and Preview.
        </p>
        {saved !== null && <NoteTags noteId={saved.id} />}
      </div>

      {saved !== null && (
        <div className="form__actions">
          <button
            type="button"
            className="button"
            data-testid="note-history"
            aria-expanded={historyOpen}
            aria-controls={historyOpen ? historyId : undefined}
            onClick={() => {
              setHistoryOpen((open) => !open);
            }}
          >
            History
          </button>
          <button
            type="button"
            className="button button--danger"
            data-testid="note-trash"
            onClick={() => {
              if (!trash.pending) void moveToTrash(saved.id);
            }}
          >
            Move to trash
          </button>
        </div>
      )}
      {trash.error && <InlineError error={trash.error} />}

      {historyOpen && saved !== null && (
        <NoteHistory
          id={historyId}
          noteId={saved.id}
          revision={saved.revision}
          beforeRestore={autosave.flush}
          onRestored={(restored) => {
            autosave.replace(restored);
            setTitle(restored.title);
            setBody(restored.body);
            bodyRef.current?.focus();
          }}
        />
      )}
    </>
  );
}
