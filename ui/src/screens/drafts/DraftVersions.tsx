import { useId, useState } from "react";
import { commands, type DraftVersion, type ShownDraft_Serialize } from "../../bindings";
import { DateTime } from "../../components/DateTime";
import { InlineError } from "../../components/InlineError";
import { MarkdownView } from "../../components/MarkdownView";
import { QueryStatus } from "../../components/QueryStatus";
import { RecordList } from "../../components/RecordList";
import { useDraftVersions } from "../../data/caseQueries";
import { useAction } from "../../data/useAction";
import { DraftDiff } from "./DraftDiff";

interface DraftVersionsProps {
  id: string;
  draftId: number;
  /** The latest version's number; the list is asked again when it changes. */
  version: number;
  /** False while the draft is being written or edited: nothing may replace its text then. */
  canRestore: boolean;
  onRestored: (draft: ShownDraft_Serialize) => void;
}

const ORIGIN: Record<string, string> = {
  generated: "made",
  edited: "edited",
  restored: "restored",
};

/** "Version 2, edited by jane" */
export function versionLabel(version: DraftVersion): string {
  const how = ORIGIN[version.origin] ?? version.origin;
  return `Version ${String(version.number)}, ${how} by ${version.savedBy}`;
}

/** Every version of a draft, newest first; one can be read and made current again. */
export function DraftVersions({
  id,
  draftId,
  version,
  canRestore,
  onRestored,
}: DraftVersionsProps) {
  const headingId = useId();
  const versions = useDraftVersions(draftId, version);
  const [selected, setSelected] = useState<number | null>(null);
  const [comparing, setComparing] = useState(false);
  const restore = useAction();

  async function restoreVersion(number: number) {
    const result = await restore.run(() => commands.restoreDraftVersion(draftId, number));
    if (result.status !== "ok") return;
    setSelected(null);
    onRestored(result.data);
  }

  const newestFirst = versions.state === "ready" ? [...versions.data].reverse() : [];
  const shown = newestFirst.find((v) => v.number === selected);
  const current = newestFirst.find((v) => v.number === version);

  return (
    <section className="panel history no-print" id={id} aria-labelledby={headingId}>
      <h3 id={headingId} className="panel__title">
        Versions
      </h3>
      <p className="quiet">
        Every text this draft has had. Restoring one saves it again as the newest version, so
        nothing is lost.
      </p>
      {versions.state !== "ready" ? (
        <QueryStatus query={versions} what="versions" />
      ) : (
        <div className="history__layout">
          <RecordList
            compact
            aria-labelledby={headingId}
            data-testid="draft-versions"
            items={newestFirst}
            itemKey={(item) => item.number}
            itemTestId="draft-version"
            itemAttributes={(item) => ({
              "data-number": item.number,
              "aria-pressed": selected === item.number,
            })}
            onOpen={(item) => {
              restore.clearError();
              setSelected(item.number);
              setComparing(false);
            }}
            renderItem={(item) => (
              <>
                <span className="record__title">
                  {versionLabel(item)}
                  {item.number === version && " (current)"}
                </span>
                <span className="record__meta">
                  <DateTime iso={item.savedAt} />
                </span>
              </>
            )}
          />
          {shown !== undefined && (
            <section className="revision" aria-label={`Version ${String(shown.number)}`}>
              <h4 className="revision__heading">
                {versionLabel(shown)}, <DateTime iso={shown.savedAt} />
              </h4>
              {comparing && current !== undefined ? (
                <DraftDiff from={shown.body} to={current.body} testId="draft-version-diff" />
              ) : (
                <MarkdownView
                  className="revision__body"
                  testId="draft-version-body"
                  text={shown.body}
                  topLevel={5}
                />
              )}
              {shown.number !== version && (
                <div className="form__actions">
                  <button
                    type="button"
                    className="button"
                    data-testid="draft-version-compare"
                    aria-pressed={comparing}
                    onClick={() => {
                      setComparing(!comparing);
                    }}
                  >
                    {comparing ? "Show this version" : "Compare with the current version"}
                  </button>
                  <button
                    type="button"
                    className="button button--primary"
                    data-testid="draft-version-restore"
                    disabled={!canRestore}
                    onClick={() => {
                      if (!restore.pending) void restoreVersion(shown.number);
                    }}
                  >
                    {restore.pending ? "Restoring…" : "Restore this version"}
                  </button>
                </div>
              )}
              {restore.error && <InlineError error={restore.error} />}
            </section>
          )}
        </div>
      )}
    </section>
  );
}
