import { useEffect, useState } from "react";
import { commands, type Format, type SavedExport_Serialize } from "../../bindings";
import { InlineError } from "../../components/InlineError";
import { useAction } from "../../data/useAction";
import { isCommandKey } from "../../shell/useSectionShortcuts";
import { EXPORT_FORMATS } from "./exportFormats";
import { SavedExportNotice } from "./SavedExportNotice";

interface DraftExportProps {
  draftId: number;
  /** Nothing to export or print while the text is still arriving. */
  disabled: boolean;
}

/**
 * Export the draft as Word, PDF, Markdown or JSON into the export folder (a new file every
 * time), and Print (Ctrl+P) through the system's print dialog; the print stylesheet leaves only
 * the banner, the text and the provenance on paper.
 */
export function DraftExport({ draftId, disabled }: DraftExportProps) {
  const exporting = useAction();
  const [saved, setSaved] = useState<SavedExport_Serialize | null>(null);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (!isCommandKey(event) || !(event.key.toLowerCase() === "p" || event.code === "KeyP")) {
        return;
      }
      event.preventDefault();
      if (!disabled) window.print();
    }
    window.addEventListener("keydown", onKeyDown);
    return () => {
      window.removeEventListener("keydown", onKeyDown);
    };
  }, [disabled]);

  async function exportAs(format: Format) {
    setSaved(null);
    const result = await exporting.run(() => commands.exportDraft(draftId, format));
    if (result.status === "ok") setSaved(result.data);
  }

  return (
    <section className="draft-export no-print" aria-label="Export and print">
      <div className="toolbar" role="group" aria-label="Export this draft">
        {EXPORT_FORMATS.map(({ format, label }) => (
          <button
            key={format}
            type="button"
            className="button"
            data-testid={`draft-export-${format}`}
            disabled={disabled || exporting.pending}
            onClick={() => void exportAs(format)}
          >
            Export {label}
          </button>
        ))}
        <button
          type="button"
          className="button"
          data-testid="draft-print"
          aria-keyshortcuts="Control+P"
          disabled={disabled}
          onClick={() => {
            window.print();
          }}
        >
          Print…
        </button>
      </div>
      {exporting.pending && <p className="quiet">Exporting…</p>}
      {exporting.error !== null && (
        <InlineError error={exporting.error} testId="draft-export-error" />
      )}
      {saved !== null && <SavedExportNotice saved={saved} testId="draft-export-saved" />}
    </section>
  );
}
