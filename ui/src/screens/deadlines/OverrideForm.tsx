import { useState } from "react";
import { commands } from "../../bindings";
import { RecordForm } from "../../components/RecordForm";
import { TextField } from "../../components/TextField";
import { useFocusOnMount } from "../../components/useFocusOnMount";
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
  const firstField = useFocusOnMount<HTMLInputElement>();

  return (
    <RecordForm
      title="Change the due date"
      className="deadline__override-form"
      saveLabel="Save date"
      saveTestId="override-save"
      onCancel={onCancel}
      onSubmit={(save) => {
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
    </RecordForm>
  );
}
