import { useState } from "react";
import { commands, type Consent, type ConsentMethod, type ConsentScope } from "../../bindings";
import { RecordForm } from "../../components/RecordForm";
import { SelectField, type Choice } from "../../components/SelectField";
import { TextField } from "../../components/TextField";
import { useFocusOnMount } from "../../components/useFocusOnMount";
import { useProviderProfiles } from "../../data/settingsQueries";

const SCOPES: readonly Choice<ConsentScope>[] = [
  { value: "drafting", label: "AI drafts from the client's matters" },
  { value: "ask", label: "Questions to an AI model about the client" },
];

const METHODS: readonly Choice<ConsentMethod>[] = [
  { value: "written", label: "In writing" },
  { value: "email", label: "By e-mail" },
  { value: "verbal", label: "Verbally" },
];

interface NewConsentFormProps {
  clientId: number;
  onSaved: (consent: Consent) => void;
  onCancel: () => void;
}

/** Records a client's informed consent for one use through one provider profile. */
export function NewConsentForm({ clientId, onSaved, onCancel }: NewConsentFormProps) {
  const profiles = useProviderProfiles();
  const [scope, setScope] = useState<ConsentScope | "">("drafting");
  const [profile, setProfile] = useState("");
  const [method, setMethod] = useState<ConsentMethod | "">("");
  const [givenOn, setGivenOn] = useState("");
  const [note, setNote] = useState("");
  const [unchosen, setUnchosen] = useState<{ profile?: string; method?: string }>({});
  const firstField = useFocusOnMount<HTMLSelectElement>();
  const profileChoices =
    profiles.state === "ready"
      ? profiles.data.map((p) => ({ value: p.name, label: p.display_name ?? p.name }))
      : [];

  return (
    <RecordForm
      title="Record consent"
      heading="h4"
      saveLabel="Save consent"
      saveTestId="consent-save"
      onCancel={onCancel}
      onSubmit={(save) => {
        // How and for what the client consented is never guessed.
        const missing = {
          ...(profile === "" && { profile: "Choose the profile the client consented to." }),
          ...(method === "" && { method: "Choose how the client gave their consent." }),
        };
        setUnchosen(missing);
        if (scope === "" || profile === "" || method === "") return;
        void save
          .run(() =>
            commands.recordConsent(
              clientId,
              scope,
              profile,
              method,
              givenOn === "" ? null : givenOn,
              note.trim() === "" ? null : note.trim(),
            ),
          )
          .then((result) => {
            if (result.status === "ok") onSaved(result.data);
          });
      }}
    >
      <p className="field__hint">
        A consent covers one use through one AI provider profile: the vendor, region and contract
        the client was told about.
      </p>
      <div className="form__row">
        <SelectField<ConsentScope>
          label="Allows"
          choices={SCOPES}
          placeholder="Choose…"
          required
          testId="consent-scope"
          value={scope}
          onChange={setScope}
          selectRef={firstField}
        />
        <SelectField<string>
          label="Through profile"
          choices={profileChoices}
          placeholder={profileChoices.length === 0 ? "No AI provider set up yet" : "Choose…"}
          required
          testId="consent-profile"
          value={profile}
          onChange={setProfile}
          error={unchosen.profile}
        />
      </div>
      <div className="form__row">
        <SelectField<ConsentMethod>
          label="Given"
          choices={METHODS}
          placeholder="Choose…"
          required
          testId="consent-method"
          value={method}
          onChange={setMethod}
          error={unchosen.method}
        />
        <TextField
          label="On"
          type="date"
          hint="Empty: today."
          testId="consent-given-on"
          value={givenOn}
          onChange={setGivenOn}
        />
      </div>
      <TextField label="Note" hint="Optional." testId="consent-note" value={note} onChange={setNote} />
    </RecordForm>
  );
}
