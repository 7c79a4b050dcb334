import { useEffect, useId, useRef, useState, type ComponentType } from "react";
import type { Query } from "../data/useQuery";
import { QueryStatus } from "./QueryStatus";
import { StatusMessage, useAnnouncement } from "./StatusMessage";

/** What the form gets: the record, and `onSaved` with the stored record or `onClose` to leave. */
export interface RecordFormProps<R> {
  record: R;
  onSaved: (record: R) => void;
  onClose: () => void;
}

interface EditableDetailsProps<R> {
  heading: string;
  editLabel: string;
  /** `data-testid` of the Edit button; the section's live message is `<editTestId>-status`. */
  editTestId: string;
  query: Query<R>;
  /** For "Loading …". */
  what: string;
  View: ComponentType<{ record: R }>;
  Form: ComponentType<RecordFormProps<R>>;
  /** After a save, e.g. to refresh a heading that shows part of the record. */
  onSaved?: (record: R) => void;
}

/**
 * A page section that shows a record and edits it in place: "Edit" swaps the view for the form;
 * saving or leaving swaps back, says what happened, and returns the focus to "Edit".
 */
export function EditableDetails<R>({
  heading,
  editLabel,
  editTestId,
  query,
  what,
  View,
  Form,
  onSaved,
}: EditableDetailsProps<R>) {
  const headingId = useId();
  // What the last save returned: newer than what the page loaded.
  const [saved, setSaved] = useState<R | null>(null);
  const [editing, setEditing] = useState(false);
  const editRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const { announcement, announce } = useAnnouncement();
  const current = saved ?? (query.state === "ready" ? query.data : null);

  useEffect(() => {
    if (editing || !returnFocus.current) return;
    returnFocus.current = false;
    editRef.current?.focus();
  }, [editing]);

  function close() {
    returnFocus.current = true;
    setEditing(false);
  }

  return (
    <section className="page-section" aria-labelledby={headingId}>
      <div className="page-section__header">
        <h3 id={headingId}>{heading}</h3>
        {!editing && current !== null && (
          <button
            ref={editRef}
            type="button"
            className="button"
            data-testid={editTestId}
            onClick={() => {
              setEditing(true);
            }}
          >
            {editLabel}
          </button>
        )}
      </div>
      <StatusMessage announcement={announcement} testId={`${editTestId}-status`} />
      {current === null && <QueryStatus query={query} what={what} />}
      {current !== null &&
        (editing ? (
          <Form
            record={current}
            onSaved={(record) => {
              setSaved(record);
              close();
              announce("Saved.");
              onSaved?.(record);
            }}
            onClose={close}
          />
        ) : (
          <View record={current} />
        ))}
    </section>
  );
}
