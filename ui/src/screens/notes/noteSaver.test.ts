import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../../bindings";
import { aNote, deferred, fail, mockedCommands, ok, resetCommands } from "../../test/commands";
import { AUTOSAVE_DELAY_MS, createNoteSaver, type SaveStatus } from "./noteSaver";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
const mocks = mockedCommands(commands);

beforeEach(() => {
  resetCommands(mocks);
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

function saverFor(note: Parameters<typeof createNoteSaver>[0]["note"]) {
  const states: SaveStatus["state"][] = [];
  const onCreated = vi.fn();
  const saver = createNoteSaver({
    matterId: 10,
    note,
    onStatus: (status) => states.push(status.state),
    onSaved: vi.fn(),
  });
  saver.setOnCreated(onCreated);
  return { saver, states, onCreated };
}

describe("note saver", () => {
  it("creates a new note once, then saves to it; a blank new note is never created", async () => {
    const { saver, onCreated } = saverFor(null);
    expect(await saver.flush()).toBe(true);
    expect(mocks.createNote).not.toHaveBeenCalled();

    const created = deferred<ReturnType<typeof ok<ReturnType<typeof aNote>>>>();
    mocks.createNote.mockReturnValue(created.promise);
    mocks.saveNote.mockResolvedValue(ok(aNote({ id: 5, body: "ab" })));
    saver.change({ title: "", body: "a" });
    const first = saver.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(mocks.createNote).toHaveBeenCalledWith(10, "", "a");
    saver.change({ title: "", body: "ab" });
    // A second save asked for while the first is on its way waits for it, then saves to the note.
    const second = saver.flush();
    created.resolve(ok(aNote({ id: 5, body: "a" })));
    expect(await first).toBe(true);
    expect(await second).toBe(true);

    expect(mocks.createNote).toHaveBeenCalledTimes(1);
    expect(mocks.saveNote).toHaveBeenCalledWith(5, "", "ab");
    expect(onCreated).toHaveBeenCalledTimes(1);
  });

  it("waits for a pause of a second after the last change", async () => {
    mocks.saveNote.mockResolvedValue(ok(aNote()));
    const { saver, states } = saverFor(aNote({ body: "x" }));
    saver.change({ title: "Intake", body: "xy" });
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS - 100);
    saver.change({ title: "Intake", body: "xyz" });
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS - 1);
    expect(mocks.saveNote).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(mocks.saveNote).toHaveBeenCalledTimes(1);
    expect(mocks.saveNote).toHaveBeenCalledWith(100, "Intake", "xyz");
    expect(states).toEqual(["unsaved", "unsaved", "saving", "saved"]);
  });

  it("says nothing needs saving when the text is changed back", async () => {
    const { saver, states } = saverFor(aNote({ body: "x" }));
    saver.change({ title: "Intake", body: "xy" });
    saver.change({ title: "Intake", body: "x" });
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS * 2);
    expect(mocks.saveNote).not.toHaveBeenCalled();
    expect(states).toEqual(["unsaved", "saved"]);
  });

  it("reports an error, keeps the change, and saves it on the next try", async () => {
    mocks.saveNote.mockResolvedValueOnce(fail("storage", "The disk is full."));
    mocks.saveNote.mockResolvedValueOnce(ok(aNote({ body: "xy" })));
    const { saver, states } = saverFor(aNote({ body: "x" }));
    saver.change({ title: "Intake", body: "xy" });
    expect(await saver.flush()).toBe(false);
    expect(states.at(-1)).toBe("error");
    expect(await saver.flush()).toBe(true);
    expect(mocks.saveNote).toHaveBeenCalledTimes(2);
    expect(states.at(-1)).toBe("saved");
  });

  it("saves again what was typed while a save was on its way", async () => {
    const first = deferred<ReturnType<typeof ok<ReturnType<typeof aNote>>>>();
    mocks.saveNote.mockReturnValueOnce(first.promise);
    mocks.saveNote.mockResolvedValue(ok(aNote()));
    const { saver, states } = saverFor(aNote({ body: "x" }));
    saver.change({ title: "Intake", body: "xy" });
    const saving = saver.flush();
    await vi.advanceTimersByTimeAsync(0);
    saver.change({ title: "Intake", body: "xyz" });
    first.resolve(ok(aNote({ body: "xy" })));
    await saving;
    expect(states.at(-1)).toBe("unsaved");
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS);
    expect(mocks.saveNote).toHaveBeenLastCalledWith(100, "Intake", "xyz");
    expect(states.at(-1)).toBe("saved");
  });
});
