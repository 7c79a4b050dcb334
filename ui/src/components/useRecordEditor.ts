import { useEffect, useEffectEvent, useRef, useState, type RefObject } from "react";
import type { IpcError } from "../bindings";
import type { CommandResult } from "../ipc/commandResult";
import { useAction } from "../data/useAction";
import { isCommandKey } from "../shell/useSectionShortcuts";

/** `passports.0.expires` → `passports-0-expires`, `aNumber` → `a-number`, `base_url` → `base-url`. */
export function fieldSlug(path: string): string {
  return path
    .replace(/[._]/g, "-")
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase();
}

interface RecordEditorOptions<T, R> {
  /** The record as stored: the draft starts from it, and "dirty" compares with it. */
  stored: T;
  /** The editor's form: Ctrl+S submits it, Escape inside it cancels. */
  formRef: RefObject<HTMLFormElement | null>;
  /** Prefix of every field's test id: `<prefix>-<field slug>`. */
  testIdPrefix: string;
  save: (draft: T) => Promise<CommandResult<R>>;
  onSaved: (saved: R) => void;
  /** Leaves the editor (after a confirmation when there are unsaved edits). */
  onClose: () => void;
  /** Whether the form shows a field with this path (`passports.1.number`) for this draft. */
  showsField: (path: string, draft: T) => boolean;
}

/**
 * Editing a whole record in a form: the draft, whether it differs from what is stored, Ctrl+S
 * (⌘S) to save, Cancel or Escape with a confirmation when there are unsaved edits (Escape again
 * keeps editing), and the app's refusal of one field shown beside that field, which takes the
 * focus. A failed save keeps everything typed.
 */
export function useRecordEditor<T, R>({
  stored,
  formRef,
  testIdPrefix,
  save: saveRecord,
  onSaved,
  onClose,
  showsField,
}: RecordEditorOptions<T, R>) {
  const [draft, setDraft] = useState<T>(stored);
  const [confirming, setConfirming] = useState(false);
  const returnFocus = useRef<HTMLElement | null>(null);
  const save = useAction();
  const dirty = JSON.stringify(draft) !== JSON.stringify(stored);

  const testId = (path: string) => `${testIdPrefix}-${fieldSlug(path)}`;

  function submit() {
    void save.run(() => saveRecord(draft)).then((result) => {
      if (result.status === "ok") {
        onSaved(result.data);
        return;
      }
      const field = result.error.field;
      if (field === undefined || field === null) return;
      formRef.current?.querySelector<HTMLElement>(`[data-testid="${testId(field)}"]`)?.focus();
    });
  }

  function cancel() {
    if (!dirty) {
      onClose();
      return;
    }
    const active = document.activeElement;
    returnFocus.current = active instanceof HTMLElement ? active : null;
    setConfirming(true);
  }

  function keepEditing() {
    setConfirming(false);
    returnFocus.current?.focus();
  }

  const onKeyDown = useEffectEvent((event: KeyboardEvent) => {
    const form = formRef.current;
    if (form === null) return;
    if (isCommandKey(event) && (event.key.toLowerCase() === "s" || event.code === "KeyS")) {
      event.preventDefault();
      if (!save.pending) form.requestSubmit();
    } else if (
      event.key === "Escape" &&
      !event.defaultPrevented &&
      event.target instanceof Node &&
      form.contains(event.target)
    ) {
      event.preventDefault();
      if (confirming) keepEditing();
      else cancel();
    }
  });

  useEffect(() => {
    window.addEventListener("keydown", onKeyDown);
    return () => {
      window.removeEventListener("keydown", onKeyDown);
    };
  }, []);

  /** The test id and the app's error for the field at `path`. */
  function field(path: string): { testId: string; error: string | undefined } {
    const error = save.error?.field === path ? save.error.message : undefined;
    return { testId: testId(path), error };
  }

  const errorShownInline = (error: IpcError) =>
    typeof error.field === "string" && showsField(error.field, draft);

  return {
    draft,
    /** Changes one property of the draft. */
    set: <K extends keyof T>(key: K, value: T[K]) => {
      setDraft((d) => ({ ...d, [key]: value }));
    },
    dirty,
    save,
    submit,
    cancel,
    confirming,
    keepEditing,
    field,
    errorShownInline,
  };
}
