import { useId } from "react";
import { CalendarDate } from "../../components/CalendarDate";
import { moveInList } from "../../components/listNavigation";
import { QueryStatus } from "../../components/QueryStatus";
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
  const shown = upcoming.state === "ready" ? byDue(upcoming.data, (u) => u.deadline) : null;

  return (
    <section className="upcoming" aria-labelledby={headingId} data-testid="upcoming-deadlines">
      <h2 id={headingId} className="upcoming__title">
        Upcoming deadlines
      </h2>
      {shown === null && <QueryStatus query={upcoming} what="deadlines" />}
      {shown?.length === 0 && <p className="quiet">No open deadlines.</p>}
      {shown !== null && shown.length > 0 && (
        <ul className="record-list record-list--compact" aria-labelledby={headingId}>
          {shown.map(({ deadline, clientName, matterTitle }, index) => {
            const status = dueStatus(deadline, today);
            return (
              <li key={deadline.id}>
                <button
                  type="button"
                  className="record upcoming__item"
                  data-testid="upcoming-deadline"
                  data-list-item
                  data-id={deadline.id}
                  data-due={deadline.due}
                  data-status={status}
                  tabIndex={index === 0 ? 0 : -1}
                  onClick={() => {
                    onOpenMatter(deadline.matterId);
                  }}
                  onKeyDown={(event) => {
                    moveInList(event);
                  }}
                >
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
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
