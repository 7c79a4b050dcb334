import { useState } from "react";
import { commands, type MatterSummary } from "../../bindings";
import { RecordForm } from "../../components/RecordForm";
import { TextField } from "../../components/TextField";
import { useFocusOnMount } from "../../components/useFocusOnMount";

interface NewMatterFormProps {
  clientId: number;
  onSaved: (matter: MatterSummary) => void;
  onCancel: () => void;
}

/** A matter (one case) for the client: a title, and the firm's matter number if it uses them. */
export function NewMatterForm({ clientId, onSaved, onCancel }: NewMatterFormProps) {
  const [title, setTitle] = useState("");
  const [number, setNumber] = useState("");
  const firstField = useFocusOnMount<HTMLInputElement>();

  return (
    <RecordForm
      title="New matter"
      heading="h4"
      saveLabel="Save matter"
      saveTestId="matter-save"
      onCancel={onCancel}
      onSubmit={(save) => {
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
    </RecordForm>
  );
}
