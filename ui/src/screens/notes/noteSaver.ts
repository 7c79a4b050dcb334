import { commands, type IpcError, type Note } from "../../bindings";
import { runCommand } from "../../ipc/commandResult";
import { trackWrite } from "../../ipc/pendingWrites";

/** How long after the last keystroke a note saves itself. */
export const AUTOSAVE_DELAY_MS = 1000;

export interface Draft {
  title: string;
  body: string;
}

export type SaveStatus =
  | { state: "saved" }
  | { state: "saving" }
  | { state: "unsaved" }
  | { state: "error"; error: IpcError };

export interface NoteSaver {
  /** The user typed: remember it, and save once they pause. */
  change: (draft: Draft) => void;
  /** Save now if anything changed; true once everything typed so far is stored. */
  flush: () => Promise<boolean>;
  /** Take a note as both what is shown and what is stored (after restoring a version). */
  replace: (note: Note) => void;
  /** Who to tell when the first save has created the note (told even after the editor closed). */
  setOnCreated: (onCreated: (note: Note) => void) => void;
}

interface NoteSaverOptions {
  matterId: number;
  /** The stored note, or null for one that the first save creates. */
  note: Note | null;
  onStatus: (status: SaveStatus) => void;
  /** After each save that stored something. */
  onSaved: (note: Note) => void;
  delayMs?: number;
}

function sameDraft(a: Draft, b: Draft): boolean {
  return a.title === b.title && a.body === b.body;
}

/**
 * Saves a note as the user types. Saves run one at a time, in order, so a new note is created
 * exactly once (`createNote`) and every later save goes to it (`saveNote`). A blank new note is
 * never created.
 */
export function createNoteSaver({
  matterId,
  note,
  onStatus,
  onSaved,
  delayMs = AUTOSAVE_DELAY_MS,
}: NoteSaverOptions): NoteSaver {
  let id = note?.id ?? null;
  let latest: Draft = { title: note?.title ?? "", body: note?.body ?? "" };
  let stored = latest;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let queue = Promise.resolve(true);
  let onCreated: (note: Note) => void = () => undefined;

  function cancelTimer() {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  }

  function schedule() {
    cancelTimer();
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, delayMs);
  }

  async function saveIfChanged(): Promise<boolean> {
    const draft = latest;
    if (sameDraft(draft, stored)) return true;
    onStatus({ state: "saving" });
    const noteId = id;
    const result = await runCommand(() =>
      noteId === null
        ? commands.createNote(matterId, draft.title, draft.body)
        : commands.saveNote(noteId, draft.title, draft.body),
    );
    if (result.status === "error") {
      onStatus({ state: "error", error: result.error });
      return false;
    }
    stored = draft;
    id = result.data.id;
    onSaved(result.data);
    if (noteId === null) onCreated(result.data);
    if (sameDraft(latest, stored)) {
      onStatus({ state: "saved" });
    } else {
      // Typed while this save was on its way: that text gets its own save.
      onStatus({ state: "unsaved" });
      if (timer === undefined) schedule();
    }
    return true;
  }

  function flush(): Promise<boolean> {
    cancelTimer();
    queue = queue.then(saveIfChanged);
    // Registered at once, so a list or search opened right after leaving the editor waits for it.
    return trackWrite(queue);
  }

  function change(draft: Draft) {
    latest = draft;
    if (sameDraft(draft, stored)) {
      cancelTimer();
      onStatus({ state: "saved" });
    } else {
      onStatus({ state: "unsaved" });
      schedule();
    }
  }

  function replace(restored: Note) {
    cancelTimer();
    id = restored.id;
    latest = { title: restored.title, body: restored.body };
    stored = latest;
    onSaved(restored);
    onStatus({ state: "saved" });
  }

  return {
    change,
    flush,
    replace,
    setOnCreated: (callback) => {
      onCreated = callback;
    },
  };
}
