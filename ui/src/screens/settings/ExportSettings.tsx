import { useId, useState } from "react";
import { commands, type EffectivePolicy_Serialize, type SettingName } from "../../bindings";
import { Detail } from "../../components/Detail";
import { InlineError } from "../../components/InlineError";
import { QueryStatus } from "../../components/QueryStatus";
import { StatusMessage, useAnnouncement } from "../../components/StatusMessage";
import { TextField } from "../../components/TextField";
import { useAction } from "../../data/useAction";
import { useQuery } from "../../data/useQuery";
import { useEffectivePolicy } from "../../data/settingsQueries";
import { lockOf, SETTING_LABELS } from "./policy";

function textValue(policy: EffectivePolicy_Serialize, name: SettingName): string {
  const value = policy.settings.find((s) => s.name === name)?.value;
  return typeof value === "string" ? value : "";
}

/** The firm name printed on Word and PDF exports, and the folder exports are written to. */
export function ExportSettings() {
  const headingId = useId();
  const policy = useEffectivePolicy();
  const location = useQuery(
    "export-location",
    () => commands.exportLocation(),
    policy.state === "ready" ? policy.data : null,
  );
  const { announcement, announce } = useAnnouncement();

  return (
    <section className="settings-group" aria-labelledby={headingId} data-testid="export-settings">
      <h2 id={headingId}>Exports</h2>
      <StatusMessage announcement={announcement} testId="export-settings-status" />
      {policy.state !== "ready" && <QueryStatus query={policy} what="the export settings" />}
      {policy.state === "ready" && (
        <ExportFields
          // A fresh form when the settings change (saved here, or by the policy).
          key={JSON.stringify([textValue(policy.data, "firm_name"), textValue(policy.data, "export_folder")])}
          policy={policy.data}
          onSaved={() => {
            announce("Export settings saved.");
            policy.reload();
          }}
        />
      )}
      {location.state === "ready" && (
        <dl className="details">
          <Detail term="Exports are written to">
            <span className="path" data-testid="export-location">
              {location.data}
            </span>
          </Detail>
        </dl>
      )}
    </section>
  );
}

interface ExportFieldsProps {
  policy: EffectivePolicy_Serialize;
  onSaved: () => void;
}

function ExportFields({ policy, onSaved }: ExportFieldsProps) {
  const [firm, setFirm] = useState(textValue(policy, "firm_name"));
  const [folder, setFolder] = useState(textValue(policy, "export_folder"));
  const save = useAction();
  const firmLock = lockOf(policy, "firm_name");
  const folderLock = lockOf(policy, "export_folder");
  const changes: [SettingName, string][] = (
    [
      ["firm_name", firm],
      ["export_folder", folder],
    ] as [SettingName, string][]
  ).filter(([name, value]) => value.trim() !== textValue(policy, name));

  async function saveChanges() {
    for (const [name, value] of changes) {
      const trimmed = value.trim();
      const result = await save.run(() => commands.setSetting(name, trimmed === "" ? null : trimmed));
      if (result.status !== "ok") return;
    }
    onSaved();
  }

  const fieldError = (name: SettingName) =>
    save.error?.field === name ? save.error.message : undefined;

  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        void saveChanges();
      }}
    >
      <TextField
        label={SETTING_LABELS.firm_name}
        testId="setting-firm-name"
        hint="Printed at the top of every page of Word and PDF exports. Leave empty for none."
        value={firm}
        onChange={setFirm}
        locked={firmLock}
        error={fieldError("firm_name")}
      />
      <TextField
        label={SETTING_LABELS.export_folder}
        testId="setting-export-folder"
        hint="A full path. Leave empty for “Casefile exports” in your Documents folder."
        value={folder}
        onChange={setFolder}
        locked={folderLock}
        error={fieldError("export_folder")}
      />
      {save.error !== null && save.error.field === undefined && <InlineError error={save.error} />}
      <div className="toolbar">
        <button
          type="submit"
          className="button button--primary"
          data-testid="export-settings-save"
          disabled={changes.length === 0 || save.pending}
        >
          Save
        </button>
      </div>
    </form>
  );
}
