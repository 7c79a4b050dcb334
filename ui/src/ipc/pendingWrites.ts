// Saves that were started but not answered yet, e.g. the save a note editor fires as it closes.
// Reads wait for them, so a list or a search never shows text from before the last edit
// (the backend runs commands in parallel, so a read sent later could otherwise finish first).
const pending = new Set<Promise<unknown>>();

/** Registers a write so that later reads wait for it; returns the same promise. */
export function trackWrite<T>(write: Promise<T>): Promise<T> {
  pending.add(write);
  const forget = () => {
    pending.delete(write);
  };
  write.then(forget, forget);
  return write;
}

/** Resolves once no tracked write is in flight. */
export async function writesSettled(): Promise<void> {
  while (pending.size > 0) {
    await Promise.allSettled([...pending]);
  }
}
