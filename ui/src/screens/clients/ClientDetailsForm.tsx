import { useRef, useState } from "react";
import { commands, type Contact_Serialize } from "../../bindings";
import { CheckboxField } from "../../components/CheckboxField";
import { DiscardConfirm } from "../../components/DiscardConfirm";
import { RecordForm } from "../../components/RecordForm";
import { RepeatableRows } from "../../components/RepeatableRows";
import { SelectField } from "../../components/SelectField";
import { TextAreaField } from "../../components/TextAreaField";
import { TextField } from "../../components/TextField";
import { useFocusOnMount } from "../../components/useFocusOnMount";
import { useRecordEditor } from "../../components/useRecordEditor";
import {
  ADDRESS_KINDS,
  CONTACT_KINDS,
  EMAIL_KINDS,
  JURISDICTIONS,
  PHONE_KINDS,
  SENSITIVITY_FLAGS,
} from "../../format/recordLabels";
import { shortcutText } from "../../shell/sections";
import type { RecordFormProps } from "../../components/EditableDetails";
import { contactName, type ContactDetails } from "./ClientDetailsView";

type Passport = ContactDetails["passports"][number];
type Address = ContactDetails["addresses"][number];
type Phone = ContactDetails["phones"][number];
type Email = ContactDetails["emails"][number];
type I94 = NonNullable<ContactDetails["latestI94"]>;

const NO_I94: I94 = { number: "", admissionDate: null, class: "", admitUntil: null };

/** "" (an emptied field) is stored as nothing. */
function orNull(value: string): string | null {
  return value === "" ? null : value;
}

/** Whether the form has a field at `path` for this draft (list rows only while they exist). */
function showsField(path: string, draft: ContactDetails): boolean {
  const row = /^(passports|addresses|phones|emails)\.(\d+)\./.exec(path);
  if (row) return Number(row[2]) < draft[row[1] as "passports"].length;
  return !path.includes(".") || path.startsWith("latestI94.");
}

/**
 * Edits a client's whole record. Ctrl+S saves; Escape or Cancel leaves, asking first when
 * something changed; a refused value is explained beside its field, and nothing typed is lost.
 */
export function ClientDetailsForm({
  record: contact,
  onSaved,
  onClose,
}: RecordFormProps<Contact_Serialize>) {
  const formRef = useRef<HTMLFormElement>(null);
  const name = contactName(contact.details);
  const editor = useRecordEditor({
    stored: contact.details,
    formRef,
    testIdPrefix: "edit-client",
    save: (details) => commands.updateContact(contact.id, details),
    onSaved,
    onClose,
    showsField,
  });
  const { draft: d, set, field } = editor;
  const firstField = useFocusOnMount<HTMLInputElement>();
  const [showSsn, setShowSsn] = useState(false);
  const i94 = d.latestI94 ?? NO_I94;
  const setI94 = (change: Partial<I94>) => {
    set("latestI94", { ...i94, ...change });
  };

  return (
    <RecordForm
      ref={formRef}
      title={`Edit ${name}`}
      heading="h4"
      className="details-form"
      saveLabel="Save details"
      saveTestId="client-details-save"
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
        <legend className="form__legend">Identity</legend>
        <SelectField
          label="Kind"
          choices={CONTACT_KINDS}
          placeholder="Choose…"
          value={d.kind}
          onChange={(kind) => {
            if (kind !== "") set("kind", kind);
          }}
          {...field("kind")}
        />
        {d.kind === "institution" ? (
          <TextField
            label="Name"
            required
            value={d.institutionName}
            onChange={(v) => {
              set("institutionName", v);
            }}
            inputRef={firstField}
            {...field("institutionName")}
          />
        ) : (
          <div className="form__row">
            <TextField
              label="Given name"
              value={d.givenName}
              onChange={(v) => {
                set("givenName", v);
              }}
              inputRef={firstField}
              {...field("givenName")}
            />
            <TextField
              label="Middle name"
              value={d.middleName}
              onChange={(v) => {
                set("middleName", v);
              }}
              {...field("middleName")}
            />
            <TextField
              label="Family name"
              value={d.familyName}
              onChange={(v) => {
                set("familyName", v);
              }}
              {...field("familyName")}
            />
          </div>
        )}
        <RepeatableRows
          legend="Other names used"
          itemLabel="Other name"
          addLabel="Add other name"
          testId="other-names"
          empty="None recorded: add maiden names, aliases and other spellings."
          rows={d.otherNames}
          onChange={(rows) => {
            set("otherNames", rows);
          }}
          blank={() => ""}
          renderRow={(value, index, update) => (
            <TextField
              label={`Other name ${String(index + 1)}`}
              value={value}
              onChange={update}
              {...field(`otherNames.${String(index)}`)}
            />
          )}
        />
        <div className="form__row">
          <TextField
            label="Date of birth"
            type="date"
            value={d.dateOfBirth ?? ""}
            onChange={(v) => {
              set("dateOfBirth", orNull(v));
            }}
            {...field("dateOfBirth")}
          />
          <TextField
            label="Country of birth"
            value={d.countryOfBirth ?? ""}
            onChange={(v) => {
              set("countryOfBirth", orNull(v));
            }}
            {...field("countryOfBirth")}
          />
        </div>
        <RepeatableRows
          legend="Citizenship"
          itemLabel="Citizenship"
          addLabel="Add citizenship"
          testId="citizenships"
          empty="None recorded."
          rows={d.citizenships}
          onChange={(rows) => {
            set("citizenships", rows);
          }}
          blank={() => ""}
          renderRow={(value, index, update) => (
            <TextField
              label={`Country of citizenship ${String(index + 1)}`}
              value={value}
              onChange={update}
              {...field(`citizenships.${String(index)}`)}
            />
          )}
        />
      </fieldset>

      <fieldset className="form__section">
        <legend className="form__legend">Identifiers</legend>
        <div className="form__row">
          <TextField
            label="A-number"
            hint="A followed by 7 to 9 digits, e.g. A012345678."
            value={d.aNumber ?? ""}
            onChange={(v) => {
              set("aNumber", orNull(v));
            }}
            {...field("aNumber")}
          />
          <TextField
            label="USCIS online account number"
            hint="12 digits."
            value={d.uscisAccountNumber ?? ""}
            onChange={(v) => {
              set("uscisAccountNumber", orNull(v));
            }}
            {...field("uscisAccountNumber")}
          />
        </div>
        <div className="form__row">
          <div className="masked-field">
            <TextField
              label="SSN or ITIN"
              hint="9 digits, e.g. 123-45-6789."
              type={showSsn ? "text" : "password"}
              value={d.ssnItin ?? ""}
              onChange={(v) => {
                set("ssnItin", orNull(v));
              }}
              {...field("ssnItin")}
            />
            <button
              type="button"
              className="button button--small"
              aria-pressed={showSsn}
              aria-label="Show SSN or ITIN"
              data-testid="edit-client-ssn-itin-toggle"
              onClick={() => {
                setShowSsn((shown) => !shown);
              }}
            >
              Show
            </button>
          </div>
          <TextField
            label="SEVIS ID"
            hint="N followed by 10 digits."
            value={d.sevisId ?? ""}
            onChange={(v) => {
              set("sevisId", orNull(v));
            }}
            {...field("sevisId")}
          />
        </div>
      </fieldset>

      <fieldset className="form__section">
        <legend className="form__legend">Travel documents</legend>
        <RepeatableRows<Passport>
          legend="Passports"
          itemLabel="Passport"
          addLabel="Add passport"
          testId="passports"
          empty="None recorded."
          rows={d.passports}
          onChange={(rows) => {
            set("passports", rows);
          }}
          blank={() => ({ number: "", country: "", issued: null, expires: null })}
          renderRow={(p, index, update) => {
            const at = (name: string) => field(`passports.${String(index)}.${name}`);
            return (
              <>
                <TextField
                  label="Number"
                  value={p.number}
                  onChange={(v) => {
                    update({ ...p, number: v });
                  }}
                  {...at("number")}
                />
                <TextField
                  label="Issuing country"
                  value={p.country}
                  onChange={(v) => {
                    update({ ...p, country: v });
                  }}
                  {...at("country")}
                />
                <TextField
                  label="Issued"
                  type="date"
                  value={p.issued ?? ""}
                  onChange={(v) => {
                    update({ ...p, issued: orNull(v) });
                  }}
                  {...at("issued")}
                />
                <TextField
                  label="Expires"
                  type="date"
                  value={p.expires ?? ""}
                  onChange={(v) => {
                    update({ ...p, expires: orNull(v) });
                  }}
                  {...at("expires")}
                />
              </>
            );
          }}
        />
        <fieldset className="repeat">
          <legend className="repeat__legend">Latest I-94</legend>
          <div className="form__row">
            <TextField
              label="I-94 number"
              hint="11 characters, e.g. 123456789A1."
              value={i94.number}
              onChange={(v) => {
                setI94({ number: v });
              }}
              {...field("latestI94.number")}
            />
            <TextField
              label="Class of admission"
              hint="E.g. B2, F1, H1B."
              value={i94.class}
              onChange={(v) => {
                setI94({ class: v });
              }}
              {...field("latestI94.class")}
            />
            <TextField
              label="Admitted on"
              type="date"
              value={i94.admissionDate ?? ""}
              onChange={(v) => {
                setI94({ admissionDate: orNull(v) });
              }}
              {...field("latestI94.admissionDate")}
            />
            <TextField
              label="Admit until"
              hint="YYYY-MM-DD, or D/S for duration of status."
              value={i94.admitUntil ?? ""}
              onChange={(v) => {
                setI94({ admitUntil: orNull(v) });
              }}
              {...field("latestI94.admitUntil")}
            />
          </div>
        </fieldset>
      </fieldset>

      <fieldset className="form__section">
        <legend className="form__legend">Addresses</legend>
        <RepeatableRows<Address>
          legend="Addresses, with the dates the client lived there"
          itemLabel="Address"
          addLabel="Add address"
          testId="addresses"
          empty="None recorded."
          rows={d.addresses}
          onChange={(rows) => {
            set("addresses", rows);
          }}
          blank={() => ({
            kind: "residence",
            lines: [],
            city: "",
            region: "",
            postalCode: "",
            country: "",
            from: null,
            to: null,
          })}
          renderRow={(a, index, update) => {
            const at = (name: string) => field(`addresses.${String(index)}.${name}`);
            return (
              <>
                <SelectField
                  label="Kind"
                  choices={ADDRESS_KINDS}
                  placeholder="Choose…"
                  value={a.kind}
                  onChange={(kind) => {
                    if (kind !== "") update({ ...a, kind });
                  }}
                  {...at("kind")}
                />
                <TextAreaField
                  label="Street"
                  hint="One line per line of the address."
                  rows={2}
                  value={a.lines.join("\n")}
                  onChange={(v) => {
                    update({ ...a, lines: v === "" ? [] : v.split("\n") });
                  }}
                  {...at("lines")}
                />
                <TextField
                  label="City"
                  value={a.city}
                  onChange={(v) => {
                    update({ ...a, city: v });
                  }}
                  {...at("city")}
                />
                <TextField
                  label="State or region"
                  value={a.region}
                  onChange={(v) => {
                    update({ ...a, region: v });
                  }}
                  {...at("region")}
                />
                <TextField
                  label="Postal code"
                  value={a.postalCode}
                  onChange={(v) => {
                    update({ ...a, postalCode: v });
                  }}
                  {...at("postalCode")}
                />
                <TextField
                  label="Country"
                  value={a.country}
                  onChange={(v) => {
                    update({ ...a, country: v });
                  }}
                  {...at("country")}
                />
                <TextField
                  label="From"
                  type="date"
                  value={a.from ?? ""}
                  onChange={(v) => {
                    update({ ...a, from: orNull(v) });
                  }}
                  {...at("from")}
                />
                <TextField
                  label="To"
                  type="date"
                  hint="Empty while the client lives there."
                  value={a.to ?? ""}
                  onChange={(v) => {
                    update({ ...a, to: orNull(v) });
                  }}
                  {...at("to")}
                />
              </>
            );
          }}
        />
      </fieldset>

      <fieldset className="form__section">
        <legend className="form__legend">Contact</legend>
        <RepeatableRows<Phone>
          legend="Phone numbers"
          itemLabel="Phone"
          addLabel="Add phone"
          testId="phones"
          empty="None recorded."
          rows={d.phones}
          onChange={(rows) => {
            set("phones", rows);
          }}
          blank={() => ({ kind: "mobile", number: "" })}
          renderRow={(p, index, update) => (
            <>
              <SelectField
                label="Kind"
                choices={PHONE_KINDS}
                placeholder="Choose…"
                value={p.kind}
                onChange={(kind) => {
                  if (kind !== "") update({ ...p, kind });
                }}
                {...field(`phones.${String(index)}.kind`)}
              />
              <TextField
                label="Number"
                value={p.number}
                onChange={(v) => {
                  update({ ...p, number: v });
                }}
                {...field(`phones.${String(index)}.number`)}
              />
            </>
          )}
        />
        <RepeatableRows<Email>
          legend="E-mail addresses"
          itemLabel="E-mail"
          addLabel="Add e-mail"
          testId="emails"
          empty="None recorded."
          rows={d.emails}
          onChange={(rows) => {
            set("emails", rows);
          }}
          blank={() => ({ kind: "personal", address: "" })}
          renderRow={(e, index, update) => (
            <>
              <SelectField
                label="Kind"
                choices={EMAIL_KINDS}
                placeholder="Choose…"
                value={e.kind}
                onChange={(kind) => {
                  if (kind !== "") update({ ...e, kind });
                }}
                {...field(`emails.${String(index)}.kind`)}
              />
              <TextField
                label="Address"
                value={e.address}
                onChange={(v) => {
                  update({ ...e, address: v });
                }}
                {...field(`emails.${String(index)}.address`)}
              />
            </>
          )}
        />
      </fieldset>

      <fieldset className="form__section">
        <legend className="form__legend">Language &amp; needs</legend>
        <TextField
          label="Preferred language"
          value={d.preferredLanguage ?? ""}
          onChange={(v) => {
            set("preferredLanguage", orNull(v));
          }}
          {...field("preferredLanguage")}
        />
        <CheckboxField
          label="Needs an interpreter"
          testId="edit-client-interpreter-needed"
          checked={d.interpreterNeeded}
          onChange={(v) => {
            set("interpreterNeeded", v);
          }}
        />
        <CheckboxField
          label="Detained"
          testId="edit-client-detained"
          checked={d.detained}
          onChange={(v) => {
            set("detained", v);
          }}
        />
      </fieldset>

      <fieldset className="form__section">
        <legend className="form__legend">Sensitivity</legend>
        <fieldset className="repeat">
          <legend className="repeat__legend">Sensitivity flags</legend>
          <p className="field__hint">
            Flagged information needs the client&apos;s consent before it leaves this computer.
          </p>
          <div className="checkbox-group">
            {SENSITIVITY_FLAGS.map((flag) => (
              <CheckboxField
                key={flag.value}
                label={flag.label}
                testId={`edit-client-flag-${flag.value}`}
                checked={d.sensitivityFlags.includes(flag.value)}
                onChange={(checked) => {
                  set(
                    "sensitivityFlags",
                    checked
                      ? [...d.sensitivityFlags, flag.value]
                      : d.sensitivityFlags.filter((f) => f !== flag.value),
                  );
                }}
              />
            ))}
          </div>
        </fieldset>
        <SelectField
          label="Privacy jurisdiction"
          hint="Which privacy law covers the client's data; it decides where drafts may be processed."
          choices={JURISDICTIONS}
          placeholder="Not recorded"
          value={d.jurisdiction ?? ""}
          onChange={(v) => {
            set("jurisdiction", v === "" ? null : v);
          }}
          {...field("jurisdiction")}
        />
      </fieldset>

      {editor.confirming && (
        <DiscardConfirm
          prompt={`Discard your changes to ${name}'s details?`}
          onDiscard={onClose}
          onKeepEditing={editor.keepEditing}
        />
      )}
    </RecordForm>
  );
}
