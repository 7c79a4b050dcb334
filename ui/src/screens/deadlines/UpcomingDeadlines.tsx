import { useId } from "react";
import { CalendarDate } from "../../components/CalendarDate";
import { QueryStatus } from "../../components/QueryStatus";
import { RecordList } from "../../components/RecordList";
import { useToday } from "../../components/useToday";
import { useUpcomingDeadlines } from "../../data/caseQueries";
import { byDue, dueStatus } from "./deadlineText";
import { DueMark } from "./DueMark";

/** How many open deadlines the landing page lists. */
export const UPCOMING_LIMIT = 8;

interface UpcomingDeadlinesProps {
  onOpenMatter: (matterId: number) => void;
}

/** The next open deadlines across all clients, overdue ones first; each opens its matter. */
export function UpcomingDeadlines({ onOpenMatter }: UpcomingDeadlinesProps) {
  const headingId = useId();
  const upcoming = useUpcomingDeadlines(UPCOMING_LIMIT);
  const today = useToday();
  const shown =
    upcoming.state === "ready"
      ? byDue(upcoming.data, (u) => u.deadline).map((u) => ({
          ...u,
          status: dueStatus(u.deadline, today),
        }))
      : null;

  return (
    <section className="upcoming" aria-labelledby={headingId} data-testid="upcoming-deadlines">
      <h2 id={headingId} className="upcoming__title">
        Upcoming deadlines
      </h2>
      {shown === null && <QueryStatus query={upcoming} what="deadlines" />}
      {shown !== null && (
        <RecordList
          compact
          aria-labelledby={headingId}
          items={shown}
          itemKey={({ deadline }) => deadline.id}
          itemTestId="upcoming-deadline"
          itemAttributes={({ deadline, status }) => ({
            className: "upcoming__item",
            "data-id": deadline.id,
            "data-due": deadline.due,
            "data-status": status,
          })}
          onOpen={({ deadline }) => {
            onOpenMatter(deadline.matterId);
          }}
          empty={<p className="quiet">No open deadlines.</p>}
          renderItem={({ deadline, clientName, matterTitle, status }) => (
            <>
              <span className="upcoming__due">
                <span>
                  Due <CalendarDate date={deadline.due} />
                </span>
                <DueMark status={status} />
              </span>
              <span className="record__title">
                {clientName} — {matterTitle}
              </span>
              <span className="record__meta">{deadline.rule}</span>
            </>
          )}
        />
      )}
    </section>
  );
}
