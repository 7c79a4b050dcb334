import { useState } from "react";
import { commands, type DeadlineEvent } from "../../bindings";
import { RecordForm } from "../../components/RecordForm";
import { SelectField } from "../../components/SelectField";
import { TextField } from "../../components/TextField";
import { useFocusOnMount } from "../../components/useFocusOnMount";
import { EVENTS, EVENT_DATE_LABEL, type Deadline } from "./deadlineText";

interface EventDeadlineFormProps {
  matterId: number;
  onSaved: (deadline: Deadline) => void;
  onCancel: () => void;
}

/** A deadline that runs from an event rather than a notice: a decision, an arrival, an expiry. */
export function EventDeadlineForm({ matterId, onSaved, onCancel }: EventDeadlineFormProps) {
  const [event, setEvent] = useState<DeadlineEvent | "">("");
  const [date, setDate] = useState("");
  const firstField = useFocusOnMount<HTMLSelectElement>();

  return (
    <RecordForm
      title="Add a deadline from an event"
      heading="h4"
      saveLabel="Add deadline"
      saveTestId="event-save"
      onCancel={onCancel}
      onSubmit={(save) => {
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
    </RecordForm>
  );
}
