import { useEffect, useId, useRef, useState } from "react";
import { DateTime } from "../../components/DateTime";
import { focusItemById, moveInList } from "../../components/listNavigation";
import { QueryStatus } from "../../components/QueryStatus";
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
      {all?.length === 0 && (
        <p className="quiet">
          No matters yet. Add one for each case you handle for this client, for example “I-130 for
          spouse”.
        </p>
      )}
      {all !== null && all.length > 0 && (
        <ul className="record-list" aria-labelledby={headingId} ref={listRef}>
          {all.map((matter, index) => (
            <li key={matter.id}>
              <button
                type="button"
                className="record"
                data-testid="matter-item"
                data-list-item
                data-id={matter.id}
                tabIndex={index === 0 ? 0 : -1}
                onClick={() => {
                  onOpenMatter(matter.id);
                }}
                onKeyDown={(event) => {
                  moveInList(event);
                }}
              >
                <span className="record__title">{matter.title}</span>
                <span className="record__meta">
                  {matter.number !== null && <span>No. {matter.number}</span>}
                  <span>{countOf(matter.notes, "note")}</span>
                  <span>
                    Updated <DateTime iso={matter.updatedAt} />
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
