import { useEffect, useId, useRef, useState } from "react";
import { commands, type DeadlineEvent } from "../../bindings";
import { InlineError } from "../../components/InlineError";
import { SelectField } from "../../components/SelectField";
import { TextField } from "../../components/TextField";
import { useAction } from "../../data/useAction";
import { EVENTS, EVENT_DATE_LABEL, type Deadline } from "./deadlineText";

interface EventDeadlineFormProps {
  matterId: number;
  onSaved: (deadline: Deadline) => void;
  onCancel: () => void;
}

/** A deadline that runs from an event rather than a notice: a decision, an arrival, an expiry. */
export function EventDeadlineForm({ matterId, onSaved, onCancel }: EventDeadlineFormProps) {
  const headingId = useId();
  const [event, setEvent] = useState<DeadlineEvent | "">("");
  const [date, setDate] = useState("");
  const save = useAction();
  const firstField = useRef<HTMLSelectElement>(null);

  useEffect(() => {
    firstField.current?.focus();
  }, []);

  return (
    <form
      className="panel form"
      aria-labelledby={headingId}
      noValidate
      onSubmit={(submit) => {
        submit.preventDefault();
        if (save.pending) return;
        if (event === "") {
          save.fail("Choose the event the deadline runs from.");
          return;
        }
        if (date === "") {
          save.fail(`Enter the ${EVENT_DATE_LABEL[event].toLowerCase()}.`);
          return;
        }
        void save
          .run(() => commands.addEventDeadline(matterId, event, date))
          .then((result) => {
            if (result.status === "ok") onSaved(result.data);
          });
      }}
    >
      <h4 id={headingId} className="panel__title">
        Add a deadline from an event
      </h4>
      <SelectField
        label="Event"
        required
        placeholder="Choose the event"
        choices={EVENTS}
        testId="event-kind"
        value={event}
        onChange={setEvent}
        selectRef={firstField}
      />
      <TextField
        label={event === "" ? "Date of the event" : EVENT_DATE_LABEL[event]}
        type="date"
        required
        testId="event-date"
        value={date}
        onChange={setDate}
      />
      {save.error && <InlineError error={save.error} testId="form-error" />}
      <div className="form__actions">
        <button type="submit" className="button button--primary" data-testid="event-save">
          {save.pending ? "Saving…" : "Add deadline"}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
