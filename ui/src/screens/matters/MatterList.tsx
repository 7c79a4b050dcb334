import { useEffect, useId, useRef, useState } from "react";
import { DateTime } from "../../components/DateTime";
import { focusItemById } from "../../components/listNavigation";
import { QueryStatus } from "../../components/QueryStatus";
import { RecordList } from "../../components/RecordList";
import { useMatters } from "../../data/caseQueries";
import { countOf } from "../../format/counts";
import { NewMatterForm } from "./NewMatterForm";

interface MatterListProps {
  clientId: number;
  onOpenMatter: (matterId: number) => void;
}

/** A client's matters, most recently changed first, with "New matter". */
export function MatterList({ clientId, onOpenMatter }: MatterListProps) {
  const headingId = useId();
  const matters = useMatters(clientId);
  const [creating, setCreating] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);
  const newMatterRef = useRef<HTMLButtonElement>(null);
  const focusWhenListed = useRef<number | null>(null);

  const all = matters.state === "ready" ? matters.data : null;
  useEffect(() => {
    const id = focusWhenListed.current;
    if (all === null || id === null) return;
    focusWhenListed.current = null;
    focusItemById(listRef, id);
  }, [all]);

  return (
    <section className="page-section" aria-labelledby={headingId}>
      <div className="page-section__header">
        <h3 id={headingId}>Matters</h3>
        <button
          ref={newMatterRef}
          type="button"
          className="button button--primary"
          data-testid="new-matter"
          aria-expanded={creating}
          onClick={() => {
            setCreating(true);
          }}
        >
          New matter
        </button>
      </div>

      {creating && (
        <NewMatterForm
          clientId={clientId}
          onSaved={(matter) => {
            setCreating(false);
            focusWhenListed.current = matter.id;
            matters.reload();
          }}
          onCancel={() => {
            setCreating(false);
            newMatterRef.current?.focus();
          }}
        />
      )}

      {all === null && <QueryStatus query={matters} what="matters" />}
      {all !== null && (
        <RecordList
          ref={listRef}
          aria-labelledby={headingId}
          items={all}
          itemKey={(matter) => matter.id}
          itemTestId="matter-item"
          itemAttributes={(matter) => ({ "data-id": matter.id })}
          onOpen={(matter) => {
            onOpenMatter(matter.id);
          }}
          empty={
            <p className="quiet">
              No matters yet. Add one for each case you handle for this client, for example “I-130
              for spouse”.
            </p>
          }
          renderItem={(matter) => (
            <>
              <span className="record__title">{matter.title}</span>
              <span className="record__meta">
                {matter.number !== null && <span>No. {matter.number}</span>}
                <span>{countOf(matter.notes, "note")}</span>
                <span>
                  Updated <DateTime iso={matter.updatedAt} />
                </span>
              </span>
            </>
          )}
        />
      )}
    </section>
  );
}
