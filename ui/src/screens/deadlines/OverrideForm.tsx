import { useEffect, useRef, useState } from "react";
import { commands } from "../../bindings";
import { InlineError } from "../../components/InlineError";
import { TextField } from "../../components/TextField";
import { useAction } from "../../data/useAction";
import type { Deadline } from "./deadlineText";
import { formatDate } from "../../format/dates";

interface OverrideFormProps {
  deadline: Deadline;
  onSaved: (deadline: Deadline) => void;
  onCancel: () => void;
}

/** The attorney's own due date, with the reason for it; the computed date is kept beside it. */
export function OverrideForm({ deadline, onSaved, onCancel }: OverrideFormProps) {
  const [due, setDue] = useState(deadline.due);
  const [reason, setReason] = useState(deadline.overrideReason ?? "");
  const save = useAction();
  const firstField = useRef<HTMLInputElement>(null);

  useEffect(() => {
    firstField.current?.focus();
  }, []);

  return (
    <form
      className="panel form deadline__override-form"
      aria-label="Change the due date"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (save.pending) return;
        // An empty date would clear the override: that is "Use computed date", not this form.
        if (due === "") {
          save.fail("Enter the date that should count.");
          return;
        }
        if (reason.trim() === "") {
          save.fail(
            "Say why the date differs from the computed one (e.g. the notice prints another date).",
          );
          return;
        }
        void save
          .run(() => commands.overrideDeadline(deadline.id, due, reason.trim()))
          .then((result) => {
            if (result.status === "ok") onSaved(result.data);
          });
      }}
    >
      <div className="form__row">
        <TextField
          label="Date that counts"
          type="date"
          hint={`The app computed ${formatDate(deadline.computedDue)}; that date stays on record.`}
          required
          testId="override-date"
          value={due}
          onChange={setDue}
          inputRef={firstField}
        />
        <TextField
          label="Reason"
          hint="E.g. the notice prints another date."
          required
          testId="override-reason"
          value={reason}
          onChange={setReason}
        />
      </div>
      {save.error && <InlineError error={save.error} testId="form-error" />}
      <div className="form__actions">
        <button type="submit" className="button button--primary" data-testid="override-save">
          {save.pending ? "Saving…" : "Save date"}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
