import { useState } from "react";
import { commands, type ClientSummary } from "../../bindings";
import { RecordForm } from "../../components/RecordForm";
import { TextField } from "../../components/TextField";
import { useFocusOnMount } from "../../components/useFocusOnMount";

interface NewClientFormProps {
  onSaved: (client: ClientSummary) => void;
  onCancel: () => void;
}

/** Given name, family name and an optional A-number; the app checks them and says what is wrong. */
export function NewClientForm({ onSaved, onCancel }: NewClientFormProps) {
  const [givenName, setGivenName] = useState("");
  const [familyName, setFamilyName] = useState("");
  const [aNumber, setANumber] = useState("");
  const firstField = useFocusOnMount<HTMLInputElement>();

  return (
    <RecordForm
      title="New client"
      heading="h2"
      saveLabel="Save client"
      saveTestId="client-save"
      onCancel={onCancel}
      onSubmit={(save) => {
        const trimmedANumber = aNumber.trim();
        void save
          .run(() =>
            commands.createClient(
              givenName.trim(),
              familyName.trim(),
              trimmedANumber === "" ? null : trimmedANumber,
            ),
          )
          .then((result) => {
            if (result.status === "ok") onSaved(result.data);
          });
      }}
    >
      <div className="form__row">
        <TextField
          label="Given name"
          testId="client-given-name"
          value={givenName}
          onChange={setGivenName}
          inputRef={firstField}
        />
        <TextField
          label="Family name"
          testId="client-family-name"
          value={familyName}
          onChange={setFamilyName}
        />
      </div>
      <TextField
        label="A-number"
        hint="Optional. A followed by 7 to 9 digits, e.g. A012345678."
        testId="client-a-number"
        value={aNumber}
        onChange={setANumber}
      />
    </RecordForm>
  );
}
