import { useEffect, useId, useRef, useState } from "react";
import { commands, type Filing } from "../../bindings";
import { InlineError } from "../../components/InlineError";
import { TextField } from "../../components/TextField";
import { useAction } from "../../data/useAction";

interface NewFilingFormProps {
  matterId: number;
  onSaved: (filing: Filing) => void;
  onCancel: () => void;
}

/** A form filed (or to be filed) in the matter; the app checks the receipt number's shape. */
export function NewFilingForm({ matterId, onSaved, onCancel }: NewFilingFormProps) {
  const headingId = useId();
  const [formType, setFormType] = useState("");
  const [filedOn, setFiledOn] = useState("");
  const [receipt, setReceipt] = useState("");
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
        const trimmedReceipt = receipt.trim();
        void save
          .run(() =>
            commands.addFiling(
              matterId,
              formType.trim(),
              filedOn === "" ? null : filedOn,
              trimmedReceipt === "" ? null : trimmedReceipt,
            ),
          )
          .then((result) => {
            if (result.status === "ok") onSaved(result.data);
          });
      }}
    >
      <h4 id={headingId} className="panel__title">
        Add filing
      </h4>
      <TextField
        label="Form"
        hint="The form filed, e.g. I-130."
        required
        testId="filing-form-type"
        value={formType}
        onChange={setFormType}
        inputRef={firstField}
      />
      <div className="form__row">
        <TextField
          label="Filed on"
          type="date"
          hint="Optional."
          testId="filing-filed-on"
          value={filedOn}
          onChange={setFiledOn}
        />
        <TextField
          label="Receipt number"
          hint="Optional. Three letters and ten digits, e.g. EAC2690123456; dashes are fine."
          testId="filing-receipt"
          value={receipt}
          onChange={setReceipt}
        />
      </div>
      {save.error && <InlineError error={save.error} testId="form-error" />}
      <div className="form__actions">
        <button type="submit" className="button button--primary" data-testid="filing-save">
          {save.pending ? "Saving…" : "Save filing"}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
