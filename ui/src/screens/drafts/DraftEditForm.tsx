import { useEffect, useId, useRef } from "react";
import { commands, type ShownDraft_Serialize } from "../../bindings";
import { DiscardConfirm } from "../../components/DiscardConfirm";
import { RecordForm } from "../../components/RecordForm";
import { useFocusOnMount } from "../../components/useFocusOnMount";
import { useRecordEditor } from "../../components/useRecordEditor";
import { runCommand } from "../../ipc/commandResult";
import { trackWrite } from "../../ipc/pendingWrites";
import { shortcutText } from "../../shell/sections";

interface DraftEditFormProps {
  draft: ShownDraft_Serialize["draft"];
  onSaved: (saved: ShownDraft_Serialize) => void;
  onClose: () => void;
}

/**
 * The draft's Markdown in a text area. Ctrl+S (⌘S) saves it as a new version; Cancel or Escape
 * asks before throwing edits away. Leaving the page any other way (the Back button, another
 * section, a search result) saves what was typed, as the note editor does, so nothing is lost.
 */
export function DraftEditForm({ draft, onSaved, onClose }: DraftEditFormProps) {
  const formRef = useRef<HTMLFormElement>(null);
  const textId = useId();
  const textRef = useFocusOnMount<HTMLTextAreaElement>();
  /** What to save if the page goes away mid-edit; null once saved or discarded. */
  const unsaved = useRef<string | null>(null);
  const editor = useRecordEditor({
    stored: { body: draft.body },
    formRef,
    testIdPrefix: "edit-draft",
    save: ({ body }) => commands.saveDraft(draft.id, body),
    onSaved: (saved: ShownDraft_Serialize) => {
      unsaved.current = null;
      onSaved(saved);
    },
    onClose,
    showsField: () => false,
  });
  const { dirty } = editor;
  const body = editor.draft.body;

  useEffect(() => {
    unsaved.current = dirty ? body : null;
  }, [dirty, body]);

  useEffect(() => {
    const id = draft.id;
    return () => {
      const text = unsaved.current;
      if (text !== null) void trackWrite(runCommand(() => commands.saveDraft(id, text)));
    };
  }, [draft.id]);

  return (
    <RecordForm
      ref={formRef}
      title={`Edit ${draft.title}`}
      saveLabel="Save as new version"
      saveTestId="draft-save"
      action={editor.save}
      onSubmit={editor.submit}
      onCancel={editor.cancel}
      footnote={
        <span className="editor-shortcuts">
          {shortcutText("S")} saves · Escape cancels
        </span>
      }
    >
      <div className="field">
        <label className="field__label" htmlFor={textId}>
          Draft (Markdown)
        </label>
        <textarea
          id={textId}
          ref={textRef}
          className="field__input editor__body"
          rows={24}
          data-testid="draft-text"
          value={body}
          onChange={(event) => {
            editor.set("body", event.target.value);
          }}
        />
        <p className="field__hint">
          Saving keeps the text before it as a version, and an approval applies to the text it was
          given: an approved draft needs approving again after an edit.
        </p>
      </div>
      {editor.confirming && (
        <DiscardConfirm
          prompt={`Discard your changes to ${draft.title}?`}
          onDiscard={() => {
            unsaved.current = null;
            onClose();
          }}
          onKeepEditing={editor.keepEditing}
        />
      )}
    </RecordForm>
  );
}
