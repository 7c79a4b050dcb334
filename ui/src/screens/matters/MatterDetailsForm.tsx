import { useRef } from "react";
import { commands, type Matter_Serialize } from "../../bindings";
import { CheckboxField } from "../../components/CheckboxField";
import type { RecordFormProps } from "../../components/EditableDetails";
import { DiscardConfirm } from "../../components/DiscardConfirm";
import { RecordForm } from "../../components/RecordForm";
import { SelectField } from "../../components/SelectField";
import { TextAreaField } from "../../components/TextAreaField";
import { TextField } from "../../components/TextField";
import { useFocusOnMount } from "../../components/useFocusOnMount";
import { useRecordEditor } from "../../components/useRecordEditor";
import { FORUMS } from "../../format/recordLabels";
import { shortcutText } from "../../shell/sections";

type Details = Matter_Serialize["details"];

/** The fields that hold optional text (or a date as text). */
type OptionalText = {
  [K in keyof Details]: Details[K] extends string | null
    ? null extends Details[K]
      ? K
      : never
    : never;
}[keyof Details];

/** "" (an emptied field) is stored as nothing. */
function orNull(value: string): string | null {
  return value === "" ? null : value;
}

/**
 * Edits a matter's record. The firm's status and the agency's are separate fields; the agency's
 * is kept exactly as the agency wrote it, with its date.
 */
export function MatterDetailsForm({
  record: matter,
  onSaved,
  onClose,
}: RecordFormProps<Matter_Serialize>) {
  const formRef = useRef<HTMLFormElement>(null);
  const editor = useRecordEditor({
    stored: matter.details,
    formRef,
    testIdPrefix: "edit-matter",
    save: (details) => commands.updateMatter(matter.id, details),
    onSaved,
    onClose,
    showsField: () => true,
  });
  const { draft: d, set, field } = editor;
  const firstField = useFocusOnMount<HTMLInputElement>();
  const text = (key: OptionalText) => ({
    value: d[key] ?? "",
    onChange: (v: string) => {
      set(key, orNull(v));
    },
    ...field(key),
  });

  return (
    <RecordForm
      ref={formRef}
      title={`Edit ${matter.details.title}`}
      heading="h3"
      saveLabel="Save matter"
      saveTestId="matter-details-save"
      action={editor.save}
      errorShownInline={editor.errorShownInline}
      onSubmit={editor.submit}
      onCancel={editor.cancel}
      footnote={
        <span className="editor-shortcuts">
          {shortcutText("S")} saves · Escape cancels
        </span>
      }
    >
      <fieldset className="form__section">
        <legend className="form__legend">The case</legend>
        <div className="form__row">
          <TextField
            label="Title"
            required
            value={d.title}
            onChange={(v) => {
              set("title", v);
            }}
            inputRef={firstField}
            {...field("title")}
          />
          <TextField label="Matter number" {...text("number")} />
        </div>
        <div className="form__row">
          <TextField label="Type" hint="E.g. family-based, removal defense." {...text("matterType")} />
          <TextField
            label="Benefit sought"
            hint="E.g. lawful permanent residence, asylum."
            {...text("benefitSought")}
          />
        </div>
        <div className="form__row">
          <SelectField
            label="Forum"
            choices={FORUMS}
            placeholder="Not recorded"
            value={d.forum ?? ""}
            onChange={(v) => {
              set("forum", v === "" ? null : v);
            }}
            {...field("forum")}
          />
          <TextField label="Category" hint="E.g. F2A, EB-2, IR-1." {...text("category")} />
        </div>
        <div className="form__row">
          <TextField label="Priority date" type="date" {...text("priorityDate")} />
          <TextField
            label="Chargeability"
            hint="Country of chargeability for the visa bulletin."
            {...text("chargeability")}
          />
        </div>
        <CheckboxField
          label="Premium processing"
          testId="edit-matter-premium-processing"
          checked={d.premiumProcessing}
          onChange={(v) => {
            set("premiumProcessing", v);
          }}
        />
        <TextAreaField
          label="Description"
          rows={3}
          value={d.description}
          onChange={(v) => {
            set("description", v);
          }}
          {...field("description")}
        />
      </fieldset>

      <fieldset className="form__section">
        <legend className="form__legend">Where it stands</legend>
        <div className="form__row">
          <TextField label="Responsible attorney" {...text("responsibleAttorney")} />
          <TextField
            label="Firm status"
            hint="Where the case is in your firm's work, e.g. preparing, filed."
            {...text("firmStatus")}
          />
        </div>
        <div className="form__row">
          <TextField
            label="Agency status"
            hint="Exactly as the agency wrote it."
            {...text("agencyStatus")}
          />
          <TextField label="Agency status date" type="date" {...text("agencyStatusDate")} />
        </div>
        <TextField label="Next hearing" type="date" {...text("nextHearing")} />
      </fieldset>

      {editor.confirming && (
        <DiscardConfirm
          prompt={`Discard your changes to ${matter.details.title}?`}
          onDiscard={onClose}
          onKeepEditing={editor.keepEditing}
        />
      )}
    </RecordForm>
  );
}
