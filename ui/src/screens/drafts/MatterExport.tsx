import { Channel } from "@tauri-apps/api/core";
import { useRef, useState } from "react";
import { commands, type ExportProgress, type SavedExport_Serialize } from "../../bindings";
import { InlineError } from "../../components/InlineError";
import { useAction } from "../../data/useAction";
import { SavedExportNotice } from "./SavedExportNotice";

let jobs = 0;

/** A name for one export, unique in this window, by which it can be cancelled. */
function newJob(matterId: number): string {
  jobs += 1;
  return `matter-${String(matterId)}-${String(jobs)}`;
}

type Outcome = { kind: "saved"; saved: SavedExport_Serialize } | { kind: "cancelled" } | null;

/**
 * Every draft of the matter, in every format, as one ZIP in the export folder: progress draft by
 * draft, and Cancel (nothing is written then).
 */
export function MatterExport({ matterId }: { matterId: number }) {
  const exporting = useAction();
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const job = useRef<string | null>(null);

  async function exportAll() {
    const name = newJob(matterId);
    job.current = name;
    setOutcome(null);
    setProgress(null);
    const channel = new Channel<ExportProgress>((reached) => {
      setProgress(reached);
    });
    const result = await exporting.run(() =>
      commands.exportMatterDrafts(matterId, ["docx", "pdf", "md", "json"], name, channel),
    );
    job.current = null;
    setProgress(null);
    if (result.status !== "ok") return;
    setOutcome(result.data === null ? { kind: "cancelled" } : { kind: "saved", saved: result.data });
  }

  return (
    <div className="matter-export" data-testid="matter-export">
      <div className="toolbar">
        <button
          type="button"
          className="button"
          data-testid="matter-export-zip"
          disabled={exporting.pending}
          onClick={() => void exportAll()}
        >
          Export all drafts (ZIP)
        </button>
        {exporting.pending && (
          <button
            type="button"
            className="button"
            data-testid="matter-export-cancel"
            onClick={() => {
              if (job.current !== null) void commands.cancelExport(job.current);
            }}
          >
            Cancel export
          </button>
        )}
      </div>
      {exporting.pending && (
        <p role="status" data-testid="matter-export-progress">
          {progress === null ? (
            "Starting the export…"
          ) : (
            <>
              Exported draft {progress.done} of {progress.total}{" "}
              <progress max={progress.total} value={progress.done} />
            </>
          )}
        </p>
      )}
      {exporting.error !== null && (
        <InlineError error={exporting.error} testId="matter-export-error" />
      )}
      {outcome?.kind === "cancelled" && (
        <p className="notice" data-testid="matter-export-cancelled">
          Export cancelled; nothing was written.
        </p>
      )}
      {outcome?.kind === "saved" && (
        <SavedExportNotice saved={outcome.saved} testId="matter-export-saved" />
      )}
    </div>
  );
}
