import { useEffect, useId, useRef, useState } from "react";
import { commands } from "../../bindings";
import { CalendarDate } from "../../components/CalendarDate";
import { CheckboxField } from "../../components/CheckboxField";
import { InlineError } from "../../components/InlineError";
import { useAction } from "../../data/useAction";
import { formatDate } from "../../format/dates";
import { dueStatus, sentence, type Deadline } from "./deadlineText";
import { DueMark } from "./DueMark";
import { OverrideForm } from "./OverrideForm";

interface DeadlineItemProps {
  deadline: Deadline;
  today: string;
  /** The app stored a change to this deadline; `message` says what, for screen readers. */
  onChanged: (deadline: Deadline, message?: string) => void;
}

/**
 * One deadline: the date that counts, its rule and source, how it was worked out (on demand),
 * warnings, "Done", and the attorney's own date beside the computed one.
 */
export function DeadlineItem({ deadline, today, onChanged }: DeadlineItemProps) {
  const ruleId = useId();
  const action = useAction();
  const [editing, setEditing] = useState(false);
  // The box shows what the user asked for while the app stores it.
  const [requestedDone, setRequestedDone] = useState<boolean | null>(null);
  const changeRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (!editing && returnFocus.current) {
      returnFocus.current = false;
      changeRef.current?.focus();
    }
  }, [editing]);

  function closeForm() {
    returnFocus.current = true;
    setEditing(false);
  }

  async function setDone(done: boolean) {
    setRequestedDone(done);
    const result = await action.run(() => commands.completeDeadline(deadline.id, done));
    setRequestedDone(null);
    if (result.status === "ok") onChanged(result.data);
  }

  async function clearOverride() {
    const result = await action.run(() => commands.overrideDeadline(deadline.id, null, ""));
    if (result.status !== "ok") return;
    setEditing(false);
    // "Use computed date" goes away with the override; keep focus on this deadline.
    changeRef.current?.focus();
    onChanged(
      result.data,
      `The computed date counts again: due ${formatDate(result.data.computedDue)}.`,
    );
  }

  const status = dueStatus(deadline, today);
  const overridden = deadline.overrideDue !== null;

  return (
    <li
      className="deadline"
      data-testid="deadline-item"
      data-id={deadline.id}
      data-due={deadline.due}
      data-done={deadline.done ? "true" : "false"}
      data-status={status}
    >
      <h4 className="deadline__due">
        <span>
          Due <CalendarDate date={deadline.due} />
        </span>
        <DueMark status={status} />
      </h4>
      <p className="deadline__rule" id={ruleId}>
        {deadline.rule}
      </p>
      {overridden && (
        <p className="deadline__override" data-testid="deadline-dates">
          Computed: <CalendarDate date={deadline.computedDue} />, Attorney's date:{" "}
          <CalendarDate date={deadline.due} /> — {deadline.overrideReason}
        </p>
      )}
      {deadline.opensOn !== null && (
        <p className="deadline__opens">
          Can be filed from <CalendarDate date={deadline.opensOn} />
        </p>
      )}
      <p className="record__meta">Source: {deadline.source}</p>
      {deadline.warnings.length > 0 && (
        <ul className="deadline__warnings" aria-label="Warnings">
          {deadline.warnings.map((warning) => (
            <li key={warning} className="deadline__warning" data-testid="deadline-warning">
              <strong>Check:</strong> {warning}
            </li>
          ))}
        </ul>
      )}
      <details className="deadline__explanation">
        <summary aria-describedby={ruleId}>How this date was worked out</summary>
        <p>{sentence(deadline.explanation)}</p>
      </details>

      <div className="form__actions">
        <CheckboxField
          label={
            <>
              Done<span className="visually-hidden">: {deadline.rule}</span>
            </>
          }
          testId="deadline-done"
          checked={requestedDone ?? deadline.done}
          onChange={(done) => {
            if (!action.pending) void setDone(done);
          }}
        />
        <button
          ref={changeRef}
          type="button"
          className="button button--small"
          data-testid="deadline-override"
          aria-expanded={editing}
          aria-describedby={ruleId}
          onClick={() => {
            action.clearError();
            setEditing(true);
          }}
        >
          Change date
        </button>
        {overridden && (
          <button
            type="button"
            className="button button--small"
            data-testid="override-clear"
            aria-describedby={ruleId}
            onClick={() => {
              if (!action.pending) void clearOverride();
            }}
          >
            Use computed date
          </button>
        )}
      </div>
      {editing && (
        <OverrideForm
          deadline={deadline}
          onSaved={(changed) => {
            closeForm();
            onChanged(
              changed,
              `Due date changed to ${formatDate(changed.due)}. The computed date, ${formatDate(
                changed.computedDue,
              )}, stays on record.`,
            );
          }}
          onCancel={closeForm}
        />
      )}
      {action.error && <InlineError error={action.error} />}
    </li>
  );
}
