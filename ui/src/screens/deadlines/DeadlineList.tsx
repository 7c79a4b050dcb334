import { useId, useRef, useState } from "react";
import { QueryStatus } from "../../components/QueryStatus";
import { StatusMessage, useAnnouncement } from "../../components/StatusMessage";
import { useToday } from "../../components/useToday";
import { useDeadlines } from "../../data/caseQueries";
import { DeadlineItem } from "./DeadlineItem";
import { byDue, eventDeadlineText, noticeRecordedText, type Deadline } from "./deadlineText";
import { EventDeadlineForm } from "./EventDeadlineForm";
import { NoticeForm } from "./NoticeForm";

type Adding = "notice" | "event" | null;

/** Records the app answered with after a change, shown until the reloaded list arrives. */
interface Changed {
  base: readonly Deadline[];
  records: ReadonlyMap<number, Deadline>;
}

/**
 * A matter's deadlines, soonest first, with
 * "Record a notice" and "Add a deadline from an event".
 */
export function DeadlineList({ matterId }: { matterId: number }) {
  const headingId = useId();
  const deadlines = useDeadlines(matterId);
  const today = useToday();
  const { announcement, announce } = useAnnouncement();
  const [adding, setAdding] = useState<Adding>(null);
  const [changed, setChanged] = useState<Changed | null>(null);
  const noticeRef = useRef<HTMLButtonElement>(null);
  const eventRef = useRef<HTMLButtonElement>(null);

  const data = deadlines.state === "ready" ? deadlines.data : null;
  const shown =
    data === null
      ? null
      : byDue(
          data.map((d) => (changed?.base === data ? changed.records.get(d.id) : undefined) ?? d),
          (d) => d,
        );

  function close(form: Exclude<Adding, null>) {
    setAdding(null);
    (form === "notice" ? noticeRef : eventRef).current?.focus();
  }

  function added(text: string) {
    announce(text);
    deadlines.reload();
  }

  return (
    <section className="page-section" aria-labelledby={headingId}>
      <div className="page-section__header">
        <h3 id={headingId}>Deadlines</h3>
        <div className="page-section__actions">
          <button
            ref={noticeRef}
            type="button"
            className="button button--primary"
            data-testid="add-notice"
            aria-expanded={adding === "notice"}
            onClick={() => {
              setAdding("notice");
            }}
          >
            Record a notice
          </button>
          <button
            ref={eventRef}
            type="button"
            className="button"
            data-testid="add-event-deadline"
            aria-expanded={adding === "event"}
            onClick={() => {
              setAdding("event");
            }}
          >
            Add a deadline from an event
          </button>
        </div>
      </div>

      {adding === "notice" && (
        <NoticeForm
          matterId={matterId}
          onSaved={(kind, deadline) => {
            close("notice");
            added(noticeRecordedText(kind, deadline));
          }}
          onCancel={() => {
            close("notice");
          }}
        />
      )}
      {adding === "event" && (
        <EventDeadlineForm
          matterId={matterId}
          onSaved={(deadline) => {
            close("event");
            added(eventDeadlineText(deadline));
          }}
          onCancel={() => {
            close("event");
          }}
        />
      )}

      <StatusMessage announcement={announcement} testId="deadline-status" />

      {shown === null && <QueryStatus query={deadlines} what="deadlines" />}
      {shown?.length === 0 && (
        <p className="quiet">
          No deadlines yet. Record a notice such as an RFE, or add a deadline from an event such
          as a judge's decision, and the app works out the due date and names its rule.
        </p>
      )}
      {shown !== null && shown.length > 0 && (
        <ul className="deadline-list" aria-labelledby={headingId}>
          {shown.map((deadline) => (
            <DeadlineItem
              key={deadline.id}
              deadline={deadline}
              today={today}
              onChanged={(record, message) => {
                if (data !== null) {
                  setChanged((previous) => ({
                    base: data,
                    records: new Map(previous?.base === data ? previous.records : []).set(
                      record.id,
                      record,
                    ),
                  }));
                }
                if (message !== undefined) announce(message);
                deadlines.reload();
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
