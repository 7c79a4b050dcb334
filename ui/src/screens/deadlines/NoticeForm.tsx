import { useState } from "react";
import { commands, type NoticeKind, type Service } from "../../bindings";
import { CheckboxField } from "../../components/CheckboxField";
import { RecordForm } from "../../components/RecordForm";
import { SelectField } from "../../components/SelectField";
import { TextField } from "../../components/TextField";
import { useFocusOnMount } from "../../components/useFocusOnMount";
import { NOTICE_KINDS, SERVICES, type Deadline } from "./deadlineText";

interface NoticeFormProps {
  matterId: number;
  /** The notice is stored; `deadline` is the one the app worked out from it, if it starts one. */
  onSaved: (kind: NoticeKind, deadline: Deadline | null) => void;
  onCancel: () => void;
}

/**
 * A notice from USCIS or the court: what it is, its date and how it was served. An RFE, NOID or
 * denial gets its deadline computed by the app.
 */
export function NoticeForm({ matterId, onSaved, onCancel }: NoticeFormProps) {
  const [kind, setKind] = useState<NoticeKind | "">("");
  const [noticeDate, setNoticeDate] = useState("");
  const [service, setService] = useState<Service | "">("");
  const [printedDue, setPrintedDue] = useState("");
  const [formI539, setFormI539] = useState(false);
  const firstField = useFocusOnMount<HTMLSelectElement>();

  return (
    <RecordForm
      title="Record a notice"
      heading="h4"
      saveLabel="Save notice"
      saveTestId="notice-save"
      onCancel={onCancel}
      onSubmit={(save) => {
        if (kind === "") {
          save.fail("Choose what kind of notice this is.");
          return;
        }
        if (noticeDate === "") {
          save.fail("Enter the notice date, as printed on the notice.");
          return;
        }
        if (service === "") {
          save.fail("Choose how the notice was served: by mail, in person or electronically.");
          return;
        }
        void save
          .run(() =>
            commands.addNotice(
              matterId,
              kind,
              noticeDate,
              service,
              printedDue === "" ? null : printedDue,
              kind === "rfe" && formI539,
            ),
          )
          .then((result) => {
            if (result.status === "ok") onSaved(kind, result.data[1]);
          });
      }}
    >
      <SelectField
        label="Kind of notice"
        hint="A Request for Evidence, a Notice of Intent to Deny or a denial starts a deadline."
        required
        placeholder="Choose the kind of notice"
        choices={NOTICE_KINDS}
        testId="notice-kind"
        value={kind}
        onChange={setKind}
        selectRef={firstField}
      />
      <div className="form__row">
        <TextField
          label="Notice date"
          type="date"
          required
          testId="notice-date"
          value={noticeDate}
          onChange={setNoticeDate}
        />
        <SelectField
          label="How it was served"
          hint="By mail adds 3 days to a USCIS response period."
          required
          placeholder="Choose how it arrived"
          choices={SERVICES}
          testId="notice-service"
          value={service}
          onChange={setService}
        />
      </div>
      <TextField
        label="Due date printed on the notice"
        type="date"
        hint="Optional. When the notice prints a due date, that date controls."
        testId="notice-printed-due"
        value={printedDue}
        onChange={setPrintedDue}
      />
      {kind === "rfe" && (
        <CheckboxField
          label="The RFE is about a Form I-539"
          hint="An RFE on Form I-539 must be answered within 30 days instead of 12 weeks."
          testId="notice-i539"
          checked={formI539}
          onChange={setFormI539}
        />
      )}
    </RecordForm>
  );
}
