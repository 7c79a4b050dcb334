import { useState } from "react";
import { commands, type NoteSummary, type TemplateCatalog_Serialize } from "../../bindings";
import { CheckboxField } from "../../components/CheckboxField";
import { QueryStatus } from "../../components/QueryStatus";
import { RecordForm } from "../../components/RecordForm";
import { SelectField } from "../../components/SelectField";
import { useFocusOnMount } from "../../components/useFocusOnMount";
import { useNotes, useTemplates } from "../../data/caseQueries";
import { noteTitle } from "../../format/noteTitle";

interface NewDraftFormProps {
  matterId: number;
  onCreated: (draftId: number) => void;
  onCancel: () => void;
}

/** Choose a template and the notes to use; the draft is filled from the record on this computer. */
export function NewDraftForm({ matterId, ...props }: NewDraftFormProps) {
  const templates = useTemplates();
  const notes = useNotes(matterId);
  if (templates.state !== "ready") return <QueryStatus query={templates} what="templates" />;
  if (notes.state !== "ready") return <QueryStatus query={notes} what="notes" />;
  return (
    <DraftChoices matterId={matterId} catalog={templates.data} notes={notes.data} {...props} />
  );
}

function DraftChoices({
  matterId,
  catalog,
  notes,
  onCreated,
  onCancel,
}: NewDraftFormProps & { catalog: TemplateCatalog_Serialize; notes: NoteSummary[] }) {
  const [template, setTemplate] = useState(catalog.templates[0]?.name ?? "");
  // Every note is used unless the user leaves it out.
  const [left, setLeft] = useState<ReadonlySet<number>>(new Set());
  const firstField = useFocusOnMount<HTMLSelectElement>();
  const chosen = catalog.templates.find((t) => t.name === template);

  return (
    <RecordForm
      title="New draft"
      heading="h4"
      saveLabel="Create draft"
      saveTestId="create-draft"
      onCancel={onCancel}
      onSubmit={(save) => {
        if (chosen === undefined) {
          save.fail("Choose a template for the draft.");
          return;
        }
        const noteIds =
          left.size === 0 ? null : notes.map((n) => n.id).filter((id) => !left.has(id));
        void save
          .run(() => commands.createOfflineDraft(matterId, chosen.name, noteIds))
          .then((result) => {
            if (result.status === "ok") onCreated(result.data.draft.id);
          });
      }}
    >
      <p className="notice" data-testid="offline-explanation">
        AI drafting starts once your firm&apos;s IT provider sets up an AI provider for Casefile.
        Until then, this draft is filled from the matter&apos;s record on this computer, and
        nothing leaves it; the sections an AI provider would write are left for you.
      </p>
      <SelectField
        label="Template"
        placeholder="Choose a template"
        required
        testId="draft-template"
        value={template}
        onChange={setTemplate}
        choices={catalog.templates.map((t) => ({ value: t.name, label: t.title }))}
        {...(chosen === undefined ? {} : { hint: chosen.description })}
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
                  setLeft((previous) => {
                    const next = new Set(previous);
                    if (checked) next.delete(note.id);
                    else next.add(note.id);
                    return next;
                  });
                }}
              />
            ))}
          </div>
        )}
      </fieldset>
    </RecordForm>
  );
}
