import { commands, type SavedExport_Serialize } from "../../bindings";
import { InlineError } from "../../components/InlineError";
import { useAction } from "../../data/useAction";

/** Where an export was written, and a button that opens the export folder. */
export function SavedExportNotice({ saved, testId }: { saved: SavedExport_Serialize; testId: string }) {
  const show = useAction();
  return (
    <div className="export-saved" data-testid={testId}>
      <p className="notice">
        Saved to <span className="path" data-testid={`${testId}-path`}>{saved.path}</span>
      </p>
      <button
        type="button"
        className="button"
        data-testid={`${testId}-show`}
        disabled={show.pending}
        onClick={() => void show.run(() => commands.showExportFolder())}
      >
        Show in folder
      </button>
      {show.error !== null && <InlineError error={show.error} />}
    </div>
  );
}

