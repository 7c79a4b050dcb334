import { useId, type ReactNode, type Ref } from "react";
import type { IpcError } from "../bindings";
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
  /** The save action, when the fields need its error too (to show it beside a field). */
  action?: Action;
  /** True when the error already shows beside its field, so it is not repeated at the bottom. */
  errorShownInline?: (error: IpcError) => boolean;
  /** Said after the buttons, e.g. the keyboard shortcuts. */
  footnote?: ReactNode;
  ref?: Ref<HTMLFormElement>;
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
  action,
  errorShownInline,
  footnote,
  ref,
  children,
}: RecordFormProps) {
  const headingId = useId();
  const own = useAction();
  const save = action ?? own;
  const error = save.error;

  return (
    <form
      ref={ref}
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
      {error && !errorShownInline?.(error) && <InlineError error={error} testId="form-error" />}
      <div className="form__actions">
        <button type="submit" className="button button--primary" data-testid={saveTestId}>
          {save.pending ? "Saving…" : saveLabel}
        </button>
        <button type="button" className="button" data-testid={`${saveTestId}-cancel`} onClick={onCancel}>
          Cancel
        </button>
        {footnote}
      </div>
    </form>
  );
}
