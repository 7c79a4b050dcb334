import { useCallback, useMemo, useState } from "react";
import {
  commands,
  type AiDraftOrder_Serialize,
  type EffectivePolicy_Serialize,
  type ManualChanges_Serialize,
  type NoteSummary,
  type ProfileEntry_Serialize,
  type TemplateCatalog_Serialize,
} from "../../bindings";
import { CheckboxField } from "../../components/CheckboxField";
import { QueryStatus } from "../../components/QueryStatus";
import { RecordForm } from "../../components/RecordForm";
import { SelectField } from "../../components/SelectField";
import { useFocusOnMount } from "../../components/useFocusOnMount";
import { useNotes, useTemplates } from "../../data/caseQueries";
import { useEffectivePolicy, useProviderProfiles } from "../../data/settingsQueries";
import { noteTitle } from "../../format/noteTitle";
import { NO_CHANGES } from "./aiDraft";
import { DraftStream } from "./DraftStream";
import { SendPreview } from "./SendPreview";
import { templateChoices, templateHint } from "./templateChoices";

interface NewDraftFormProps {
  matterId: number;
  onCreated: (draftId: number) => void;
  onCancel: () => void;
  /** Opens the matter's client, where the client's consent is recorded. */
  onRecordConsent: () => void;
}

const OFFLINE = "offline";

/**
 * Choose a template, the notes to use, and how to write it: from the record on this computer, or
 * by an AI provider the firm's policy allows, after a preview of exactly what would be sent.
 */
export function NewDraftForm({ matterId, ...props }: NewDraftFormProps) {
  const templates = useTemplates();
  const notes = useNotes(matterId);
  const profiles = useProviderProfiles();
  const policy = useEffectivePolicy();
  if (templates.state !== "ready") return <QueryStatus query={templates} what="templates" />;
  if (notes.state !== "ready") return <QueryStatus query={notes} what="notes" />;
  if (profiles.state === "loading") return <QueryStatus query={profiles} what="AI providers" />;
  if (policy.state === "loading") return <QueryStatus query={policy} what="the firm's policy" />;
  // Without profiles or a readable policy, the draft can still be made from the record.
  return (
    <DraftChoices
      matterId={matterId}
      catalog={templates.data}
      notes={notes.data}
      profiles={profiles.state === "ready" ? usable(profiles.data) : []}
      policy={policy.state === "ready" ? policy.data : null}
      {...props}
    />
  );
}

/** The profiles the policy lets drafts go through, the default first. */
function usable(profiles: ProfileEntry_Serialize[]): ProfileEntry_Serialize[] {
  return profiles
    .filter((p) => p.blocked === null)
    .sort((a, b) => Number(b.is_default) - Number(a.is_default));
}

/** The policy's reason when it requires redaction (the choice is then locked on). */
function redactionLock(policy: EffectivePolicy_Serialize | null): string | undefined {
  const setting = policy?.settings.find((s) => s.name === "require_redaction");
  if (setting?.value !== true) return undefined;
  return setting.reason ?? "Your firm's policy requires redaction before sending.";
}

function DraftChoices({
  matterId,
  catalog,
  notes,
  profiles,
  policy,
  onCreated,
  onCancel,
  onRecordConsent,
}: NewDraftFormProps & {
  catalog: TemplateCatalog_Serialize;
  notes: NoteSummary[];
  profiles: ProfileEntry_Serialize[];
  policy: EffectivePolicy_Serialize | null;
}) {
  const [template, setTemplate] = useState(catalog.templates[0]?.name ?? "");
  // Every note is used unless the user leaves it out.
  const [left, setLeft] = useState<ReadonlySet<number>>(new Set());
  const [how, setHow] = useState(profiles[0] === undefined ? OFFLINE : profiles[0].name);
  const lock = redactionLock(policy);
  const [redactChosen, setRedact] = useState(true);
  const redact = lock !== undefined || redactChosen;
  const [changes, setChanges] = useState<ManualChanges_Serialize>(NO_CHANGES);
  const [stage, setStage] = useState<"choose" | "preview" | "send">("choose");
  const firstField = useFocusOnMount<HTMLSelectElement>();
  const chosen = catalog.templates.find((t) => t.name === template);
  const noteIds = useMemo(
    () => (left.size === 0 ? null : notes.map((n) => n.id).filter((id) => !left.has(id))),
    [left, notes],
  );
  const order = useMemo<AiDraftOrder_Serialize>(
    () => ({
      matterId,
      template,
      profile: how === OFFLINE ? null : how,
      noteIds,
      redact,
      changes,
    }),
    [matterId, template, how, noteIds, redact, changes],
  );
  const chooseNote = useCallback((noteId: number, use: boolean) => {
    setLeft((previous) => {
      const next = new Set(previous);
      if (use) next.delete(noteId);
      else next.add(noteId);
      return next;
    });
  }, []);
  const backToPreview = useCallback(() => {
    setStage("preview");
  }, []);

  if (stage === "preview")
    return (
      <SendPreview
        order={order}
        notes={notes}
        onNoteChosen={chooseNote}
        onChanges={setChanges}
        onSend={() => {
          setStage("send");
        }}
        onBack={() => {
          setStage("choose");
        }}
        onRecordConsent={onRecordConsent}
      />
    );
  if (stage === "send")
    return <DraftStream order={order} onDone={onCreated} onBack={backToPreview} />;

  return (
    <RecordForm
      title="New draft"
      heading="h4"
      saveLabel={how === OFFLINE ? "Create draft" : "Preview what will be sent"}
      saveTestId="create-draft"
      onCancel={onCancel}
      onSubmit={(save) => {
        if (chosen === undefined) {
          save.fail("Choose a template for the draft.");
          return;
        }
        if (how !== OFFLINE) {
          setStage("preview");
          return;
        }
        void save
          .run(() => commands.createOfflineDraft(matterId, chosen.name, noteIds))
          .then((result) => {
            if (result.status === "ok") onCreated(result.data.draft.id);
          });
      }}
    >
      {profiles.length === 0 && (
        <p className="notice" data-testid="offline-explanation">
          AI drafting starts once your firm&apos;s IT provider sets up an AI provider for
          Casefile. Until then, this draft is filled from the matter&apos;s record on this
          computer, and nothing leaves it; the sections an AI provider would write are left for
          you.
        </p>
      )}
      {profiles.length > 0 && (
        <SelectField
          label="How"
          placeholder="Choose how to write it"
          required
          testId="draft-how"
          value={how}
          onChange={(value) => {
            if (value !== "") setHow(value);
          }}
          choices={[
            ...profiles.map((p) => ({
              value: p.name,
              label: `AI draft with ${p.display_name ?? p.name}`,
            })),
            { value: OFFLINE, label: "Offline summary (no AI)" },
          ]}
          hint={
            how === OFFLINE
              ? "Filled from the record on this computer; nothing leaves it."
              : "You see exactly what would be sent before anything is."
          }
        />
      )}
      <SelectField
        label="Template"
        placeholder="Choose a template"
        required
        testId="draft-template"
        value={template}
        onChange={setTemplate}
        choices={templateChoices(catalog.templates)}
        {...(chosen === undefined ? {} : { hint: templateHint(chosen) })}
        selectRef={firstField}
      />
      {catalog.problems.length > 0 && (
        <div className="notice" data-testid="template-problems">
          <p>
            Some of the firm&apos;s template files could not be used. Ask whoever maintains them
            to fix them:
          </p>
          <ul>
            {catalog.problems.map((problem) => (
              <li key={problem.path}>
                <span className="path">{problem.path}</span>: {problem.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      <fieldset className="form__section">
        <legend className="form__legend">Notes to use</legend>
        {notes.length === 0 ? (
          <p className="field__hint">This matter has no notes yet; the draft uses its record.</p>
        ) : (
          <div className="checkbox-group">
            {notes.map((note) => (
              <CheckboxField
                key={note.id}
                label={noteTitle(note.title)}
                testId="draft-note"
                checked={!left.has(note.id)}
                onChange={(checked) => {
                  chooseNote(note.id, checked);
                }}
              />
            ))}
          </div>
        )}
      </fieldset>
      {how !== OFFLINE && (
        <CheckboxField
          label="Redact client identifiers"
          hint="Names, numbers and addresses become placeholders such as [CLIENT_1] before sending, and are put back in the answer on this computer."
          testId="draft-redact"
          checked={redact}
          locked={lock}
          onChange={setRedact}
        />
      )}
    </RecordForm>
  );
}
