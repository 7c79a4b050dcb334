import { useEffect, useId, useRef, useState } from "react";
import { commands, type MatterSummary } from "../../bindings";
import { InlineError } from "../../components/InlineError";
import { TextField } from "../../components/TextField";
import { useAction } from "../../data/useAction";

interface NewMatterFormProps {
  clientId: number;
  onSaved: (matter: MatterSummary) => void;
  onCancel: () => void;
}

/** A matter (one case) for the client: a title, and the firm's matter number if it uses them. */
export function NewMatterForm({ clientId, onSaved, onCancel }: NewMatterFormProps) {
  const headingId = useId();
  const [title, setTitle] = useState("");
  const [number, setNumber] = useState("");
  const save = useAction();
  const firstField = useRef<HTMLInputElement>(null);

  useEffect(() => {
    firstField.current?.focus();
  }, []);

  return (
    <form
      className="panel form"
      aria-labelledby={headingId}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (save.pending) return;
        const trimmedNumber = number.trim();
        void save
          .run(() =>
            commands.createMatter(
              clientId,
              title.trim(),
              trimmedNumber === "" ? null : trimmedNumber,
            ),
          )
          .then((result) => {
            if (result.status === "ok") onSaved(result.data);
          });
      }}
    >
      <h4 id={headingId} className="panel__title">
        New matter
      </h4>
      <TextField
        label="Title"
        hint="What the case is about, e.g. “I-130 for spouse”."
        required
        testId="matter-title"
        value={title}
        onChange={setTitle}
        inputRef={firstField}
      />
      <TextField
        label="Matter number"
        hint="Optional: your firm's own number for this case."
        testId="matter-number"
        value={number}
        onChange={setNumber}
      />
      {save.error && <InlineError error={save.error} testId="form-error" />}
      <div className="form__actions">
        <button type="submit" className="button button--primary" data-testid="matter-save">
          {save.pending ? "Saving…" : "Save matter"}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
