import { useEffect, useState } from "react";
import type { Note } from "../../bindings";
import { isCommandKey } from "../../shell/useSectionShortcuts";
import { createNoteSaver, type NoteSaver, type SaveStatus } from "./noteSaver";

interface AutosaveOptions {
  matterId: number;
  note: Note | null;
  onCreated: (note: Note) => void;
}

export interface Autosave extends Omit<NoteSaver, "setOnCreated"> {
  status: SaveStatus;
  /** The note as last stored; null until a new note's first save. */
  saved: Note | null;
}

/**
 * The editor's saving: 1 s after the last keystroke, on Ctrl+S (⌘S), and when the editor closes
 * (whichever way the user leaves it).
 */
export function useNoteAutosave({ matterId, note, onCreated }: AutosaveOptions): Autosave {
  const [status, setStatus] = useState<SaveStatus>({ state: "saved" });
  const [saved, setSaved] = useState<Note | null>(note);
  const [saver] = useState(() =>
    createNoteSaver({ matterId, note, onStatus: setStatus, onSaved: setSaved }),
  );

  useEffect(() => {
    saver.setOnCreated(onCreated);
  }, [saver, onCreated]);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (!isCommandKey(event)) return;
      if (event.key.toLowerCase() !== "s" && event.code !== "KeyS") return;
      event.preventDefault();
      void saver.flush();
    }
    window.addEventListener("keydown", onKeyDown);
    return () => {
      window.removeEventListener("keydown", onKeyDown);
      // Leaving the editor: store what was typed since the last save.
      void saver.flush();
    };
  }, [saver]);

  return { status, saved, change: saver.change, flush: saver.flush, replace: saver.replace };
}
