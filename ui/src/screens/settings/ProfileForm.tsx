import { useEffect, useRef } from "react";
import { commands, type EffectivePolicy_Serialize, type ProfileEntry_Serialize } from "../../bindings";
import { DiscardConfirm } from "../../components/DiscardConfirm";
import { RecordForm } from "../../components/RecordForm";
import { useFocusOnMount } from "../../components/useFocusOnMount";
import { useRecordEditor } from "../../components/useRecordEditor";
import type { CommandResult } from "../../ipc/commandResult";
import { shortcutText } from "../../shell/sections";
import { familyOf, usesSetting, type ProfileSetting } from "./kinds";
import { fromDraft, type ProfileDraft } from "./profileDraft";
import { ProfileFields } from "./ProfileFields";

interface ProfileFormProps {
  /** The profile as saved (or a blank one to add). */
  stored: ProfileDraft;
  isNew: boolean;
  policy: EffectivePolicy_Serialize;
  onSaved: (profiles: ProfileEntry_Serialize[], name: string) => void;
  onClose: () => void;
  /** Told whether the form holds unsaved changes, e.g. for the connection test's note. */
  onDirty?: (dirty: boolean) => void;
}

/** Whether the form shows the field at `path` for this draft (so a refusal goes beside it). */
function showsField(path: string, draft: ProfileDraft): boolean {
  if (["name", "kind", "display_name", "extra_headers"].includes(path)) return true;
  if (path.startsWith("data_processing.") || path === "model_limits") return true;
  if (draft.kind === "") return false;
  const setting = path as ProfileSetting;
  if (!usesSetting(draft.kind, setting)) return false;
  if (familyOf(draft.kind) === "azure") {
    if (setting === "api_version") return draft.azure_api === "classic";
    if (["tenant_id", "client_id", "token_url"].includes(setting)) {
      return draft.azure_sign_in === "entra";
    }
  }
  return true;
}

const CHOOSE_KIND: CommandResult<never> = {
  status: "error",
  error: { code: "invalidInput", message: "Choose the kind of provider.", field: "kind" },
};

/**
 * Adds or edits a profile of the user's. Ctrl+S saves; Escape or Cancel leaves, asking first
 * when something changed; a refused value is explained beside its field and nothing typed is
 * lost.
 */
export function ProfileForm({ stored, isNew, policy, onSaved, onClose, onDirty }: ProfileFormProps) {
  const formRef = useRef<HTMLFormElement>(null);
  const firstField = useFocusOnMount<HTMLInputElement>();
  const editor = useRecordEditor({
    stored,
    formRef,
    testIdPrefix: "profile",
    save: (draft) => {
      if (draft.kind === "") return Promise.resolve(CHOOSE_KIND);
      return commands.saveProviderProfile(fromDraft(draft, draft.kind), !isNew, draft.make_default);
    },
    onSaved: (profiles) => {
      onSaved(profiles, editor.draft.name.trim());
    },
    onClose,
    showsField,
  });
  const dirty = editor.dirty;
  useEffect(() => {
    onDirty?.(dirty);
  }, [dirty, onDirty]);
  const title = isNew ? "New profile" : `Edit ${stored.display_name ?? stored.name}`;

  return (
    <RecordForm
      ref={formRef}
      title={title}
      heading="h4"
      className="details-form profile-form"
      saveLabel={isNew ? "Add profile" : "Save profile"}
      saveTestId="profile-save"
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
      <ProfileFields
        draft={editor.draft}
        set={editor.set}
        field={editor.field}
        policy={policy}
        isNew={isNew}
        locked={undefined}
        firstField={firstField}
      />
      {editor.confirming && (
        <DiscardConfirm
          prompt={isNew ? "Discard this new profile?" : `Discard your changes to ${stored.name}?`}
          onDiscard={onClose}
          onKeepEditing={editor.keepEditing}
        />
      )}
    </RecordForm>
  );
}
