import { useState } from "react";
import { commands, type Filing } from "../../bindings";
import { RecordForm } from "../../components/RecordForm";
import { TextField } from "../../components/TextField";
import { useFocusOnMount } from "../../components/useFocusOnMount";

interface NewFilingFormProps {
  matterId: number;
  onSaved: (filing: Filing) => void;
  onCancel: () => void;
}

/** A form filed (or to be filed) in the matter; the app checks the receipt number's shape. */
export function NewFilingForm({ matterId, onSaved, onCancel }: NewFilingFormProps) {
  const [formType, setFormType] = useState("");
  const [filedOn, setFiledOn] = useState("");
  const [receipt, setReceipt] = useState("");
  const firstField = useFocusOnMount<HTMLInputElement>();

  return (
    <RecordForm
      title="Add filing"
      heading="h4"
      saveLabel="Save filing"
      saveTestId="filing-save"
      onCancel={onCancel}
      onSubmit={(save) => {
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
    </RecordForm>
  );
}
