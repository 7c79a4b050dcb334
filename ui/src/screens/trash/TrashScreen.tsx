import { useEffect, useRef, useState } from "react";
import { QueryStatus } from "../../components/QueryStatus";
import { useTrash } from "../../data/caseQueries";
import { EmptyState } from "../EmptyState";
import { TrashItem } from "./TrashItem";

/** Notes moved to the trash, most recent first, until they are restored or deleted for good. */
export function TrashScreen() {
  const trash = useTrash();
  const [notice, setNotice] = useState<{ text: string; seq: number } | null>(null);
  // Left out at once, before the reloaded list arrives, so nothing can be acted on twice.
  const [gone, setGone] = useState<ReadonlySet<number>>(new Set());
  const noticeRef = useRef<HTMLParagraphElement>(null);

  // The item the user acted on is gone: keep focus in the screen, on what happened.
  useEffect(() => {
    if (notice !== null) noticeRef.current?.focus();
  }, [notice]);

  const shown = trash.state === "ready" ? trash.data.filter((note) => !gone.has(note.id)) : null;

  return (
    <>
      {notice !== null && (
        <p className="notice" role="status" tabIndex={-1} ref={noticeRef}>
          {notice.text}
        </p>
      )}
      {trash.state !== "ready" && <QueryStatus query={trash} what="the trash" />}
      {shown?.length === 0 && (
        <EmptyState title="The trash is empty">
          Notes you move to the trash stay here, with all their versions, until you restore them
          or delete them forever.
        </EmptyState>
      )}
      {shown !== null && shown.length > 0 && (
        <ul className="trash-list" aria-label="Notes in the trash">
          {shown.map((note) => (
            <TrashItem
              key={note.id}
              note={note}
              onGone={(text) => {
                setNotice((previous) => ({ text, seq: (previous?.seq ?? 0) + 1 }));
                setGone((previous) => new Set(previous).add(note.id));
                trash.reload();
              }}
            />
          ))}
        </ul>
      )}
    </>
  );
}
