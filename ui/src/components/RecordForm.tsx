import { useId, type ReactNode } from "react";
import { useAction, type Action } from "../data/useAction";
import { InlineError } from "./InlineError";

interface RecordFormProps {
  title: string;
  /** The element for the visible heading; without one, `title` only names the form (aria-label). */
  heading?: "h2" | "h3" | "h4";
  /** Added to "panel form". */
  className?: string;
  saveLabel: string;
  saveTestId: string;
  /** Called on submit unless a save is already running; checks the fields and runs `save`. */
  onSubmit: (save: Action) => void;
  onCancel: () => void;
  children: ReactNode;
}

/** A form that saves one record: its heading, fields, error and Save/Cancel buttons. */
export function RecordForm({
  title,
  heading: Heading,
  className,
  saveLabel,
  saveTestId,
  onSubmit,
  onCancel,
  children,
}: RecordFormProps) {
  const headingId = useId();
  const save = useAction();

  return (
    <form
      className={className === undefined ? "panel form" : `panel form ${className}`}
      aria-labelledby={Heading === undefined ? undefined : headingId}
      aria-label={Heading === undefined ? title : undefined}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (save.pending) return;
        onSubmit(save);
      }}
    >
      {Heading !== undefined && (
        <Heading id={headingId} className="panel__title">
          {title}
        </Heading>
      )}
      {children}
      {save.error && <InlineError error={save.error} testId="form-error" />}
      <div className="form__actions">
        <button type="submit" className="button button--primary" data-testid={saveTestId}>
          {save.pending ? "Saving…" : saveLabel}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
