import { useEffect, useId, useRef, useState } from "react";
import { commands, type ClientSummary } from "../../bindings";
import { InlineError } from "../../components/InlineError";
import { TextField } from "../../components/TextField";
import { useAction } from "../../data/useAction";

interface NewClientFormProps {
  onSaved: (client: ClientSummary) => void;
  onCancel: () => void;
}

/** Given name, family name and an optional A-number; the app checks them and says what is wrong. */
export function NewClientForm({ onSaved, onCancel }: NewClientFormProps) {
  const headingId = useId();
  const [givenName, setGivenName] = useState("");
  const [familyName, setFamilyName] = useState("");
  const [aNumber, setANumber] = useState("");
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
      <h2 id={headingId} className="panel__title">
        New client
      </h2>
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
      {save.error && <InlineError error={save.error} testId="form-error" />}
      <div className="form__actions">
        <button type="submit" className="button button--primary" data-testid="client-save">
          {save.pending ? "Saving…" : "Save client"}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
