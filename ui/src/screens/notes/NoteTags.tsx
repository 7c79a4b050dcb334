import { useState } from "react";
import { commands } from "../../bindings";
import { InlineError } from "../../components/InlineError";
import { QueryStatus } from "../../components/QueryStatus";
import { StatusMessage, useAnnouncement } from "../../components/StatusMessage";
import { TextField } from "../../components/TextField";
import { useNoteTags } from "../../data/caseQueries";
import { useAction } from "../../data/useAction";

const TAGS_HINT =
  "Separated by commas. Tag a note “evidence” to list it in a draft's evidence inventory, " +
  "with “requested” or “missing” when it is not in hand.";

/** A note's tags, edited as one comma-separated line. */
export function NoteTags({ noteId }: { noteId: number }) {
  const tags = useNoteTags(noteId);
  if (tags.state !== "ready") return <QueryStatus query={tags} what="tags" />;
  return <TagsField noteId={noteId} stored={tags.data} />;
}

function TagsField({ noteId, stored }: { noteId: number; stored: string[] }) {
  const [text, setText] = useState(stored.join(", "));
  const save = useAction();
  const { announcement, announce } = useAnnouncement();

  async function saveTags() {
    const result = await save.run(() => commands.setNoteTags(noteId, text.split(",")));
    if (result.status !== "ok") return;
    setText(result.data.join(", "));
    announce("Tags saved.");
  }

  return (
    <form
      className="form__row"
      aria-label="Tags"
      onSubmit={(event) => {
        event.preventDefault();
        if (!save.pending) void saveTags();
      }}
    >
      <TextField
        label="Tags"
        hint={TAGS_HINT}
        testId="note-tags"
        value={text}
        onChange={setText}
      />
      <div className="form__actions">
        <button type="submit" className="button" data-testid="note-tags-save">
          {save.pending ? "Saving…" : "Save tags"}
        </button>
      </div>
      {save.error && <InlineError error={save.error} />}
      <StatusMessage announcement={announcement} testId="note-tags-status" />
    </form>
  );
}
