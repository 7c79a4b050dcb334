import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands, type Note } from "../../bindings";
import {
  aClient,
  aMatter,
  aNote,
  aNoteSummary,
  aRevision,
  aRevisionSummary,
  deferred,
  fail,
  mockedCommands,
  ok,
  resetCommands,
} from "../../test/commands";
import { nth, renderApp } from "../../test/render";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
const mocks = mockedCommands(commands);

const CLIENT = aClient({ id: 1, name: "Ana Peña", matters: 1 });
const MATTER = aMatter({ id: 10, clientId: 1, title: "I-130 for spouse" });
const NOTE = aNote({ id: 100, matterId: 10, title: "Intake", body: "Met the client.", revision: 3 });

beforeEach(() => {
  resetCommands(mocks);
  mocks.clients.mockResolvedValue(ok([CLIENT]));
  mocks.client.mockResolvedValue(ok(CLIENT));
  mocks.matters.mockResolvedValue(ok([MATTER]));
  mocks.matter.mockResolvedValue(ok(MATTER));
  mocks.notes.mockResolvedValue(ok([aNoteSummary({ id: 100, title: "Intake" })]));
  mocks.note.mockResolvedValue(ok(NOTE));
});

afterEach(() => {
  vi.useRealTimers();
  cleanup();
});

/** Clients → Ana Peña → I-130 for spouse, as a user would. */
async function openMatter() {
  const app = await renderApp();
  await app.user.click(await screen.findByTestId("client-item"));
  await app.user.click(await screen.findByTestId("matter-item"));
  await screen.findByTestId("matter-name");
  return app;
}

async function openNote() {
  const app = await openMatter();
  await app.user.click(await screen.findByTestId("note-item"));
  await screen.findByTestId("note-body");
  return app;
}

function saveState(): HTMLElement {
  return screen.getByTestId("save-state");
}

function type(testId: "note-title" | "note-body", value: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
}

async function advance(ms: number) {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

interface NoteResult {
  status: "ok";
  data: Note;
}

describe("matter page", () => {
  it("lists notes with title, first words and time", async () => {
    mocks.notes.mockResolvedValue(
      ok([aNoteSummary({ id: 100, title: "", preview: "Called USCIS about the RFE." })]),
    );
    await openMatter();
    const item = await screen.findByTestId("note-item");
    expect(item.dataset.id).toBe("100");
    expect(item.textContent).toContain("Untitled note");
    expect(item.textContent).toContain("Called USCIS about the RFE.");
    expect(item.querySelector("time")?.getAttribute("datetime")).toBe("2025-03-14T15:09:26Z");
  });
});

describe("autosave", () => {
  it("creates the note 1 s after typing stops, then saves later changes to it", async () => {
    const { user } = await openMatter();
    await user.click(screen.getByTestId("new-note"));
    expect(document.activeElement).toBe(screen.getByTestId("note-title"));
    expect(saveState().dataset.state).toBe("saved");
    expect(screen.queryByTestId("note-history")).toBeNull();

    vi.useFakeTimers();
    const created = deferred<NoteResult>();
    mocks.createNote.mockReturnValue(created.promise);

    type("note-title", "Intake");
    expect(saveState().dataset.state).toBe("unsaved");
    expect(saveState().textContent).toBe("Unsaved changes");
    await advance(600);
    type("note-body", "Met");
    await advance(999);
    expect(mocks.createNote).not.toHaveBeenCalled();
    await advance(1);
    expect(mocks.createNote).toHaveBeenCalledWith(10, "Intake", "Met");
    expect(saveState().dataset.state).toBe("saving");
    expect(saveState().textContent).toBe("Saving…");

    await act(async () => {
      created.resolve(ok(aNote({ id: 101, title: "Intake", body: "Met", revision: 1 })));
      await Promise.resolve();
    });
    expect(saveState().dataset.state).toBe("saved");
    expect(saveState().textContent).toBe("Saved");
    expect(screen.getByTestId("note-history")).toBeDefined();

    mocks.saveNote.mockResolvedValue(ok(aNote({ id: 101, body: "Met the client.", revision: 2 })));
    type("note-body", "Met the client.");
    await advance(1000);
    expect(mocks.saveNote).toHaveBeenCalledWith(101, "Intake", "Met the client.");
    expect(mocks.createNote).toHaveBeenCalledTimes(1);
    expect(saveState().dataset.state).toBe("saved");
  });

  it("saves at once on Ctrl+S and on ⌘S", async () => {
    await openNote();
    vi.useFakeTimers();
    mocks.saveNote.mockResolvedValue(ok(NOTE));

    type("note-body", "Met the client. Brought passports.");
    await act(async () => {
      fireEvent.keyDown(screen.getByTestId("note-body"), { key: "s", ctrlKey: true });
      await Promise.resolve();
    });
    expect(mocks.saveNote).toHaveBeenCalledWith(100, "Intake", "Met the client. Brought passports.");

    type("note-body", "Met the client. Brought both passports.");
    await act(async () => {
      fireEvent.keyDown(window, { key: "s", metaKey: true });
      await Promise.resolve();
    });
    expect(mocks.saveNote).toHaveBeenCalledTimes(2);
    await advance(2000);
    expect(mocks.saveNote).toHaveBeenCalledTimes(2);
  });

  it("shows the app's message when a save fails, and saves when asked to try again", async () => {
    const { user } = await openNote();
    const message = "Casefile can't write to its workspace folder: the disk is full.";
    mocks.saveNote.mockResolvedValueOnce(fail("storage", message));
    mocks.saveNote.mockResolvedValueOnce(ok(NOTE));

    type("note-body", "Met the client again.");
    await waitFor(
      () => {
        expect(saveState().dataset.state).toBe("error");
      },
      { timeout: 2000 },
    );
    expect(saveState().textContent).toContain(message);

    await user.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => {
      expect(saveState().dataset.state).toBe("saved");
    });
    expect(mocks.saveNote).toHaveBeenCalledTimes(2);
  });

  it("saves before going back to the matter", async () => {
    const { user } = await openNote();
    const saved = deferred<NoteResult>();
    mocks.saveNote.mockReturnValue(saved.promise);

    type("note-body", "Met the client; follow up Friday.");
    await user.click(screen.getByTestId("back-to-matter"));
    expect(mocks.saveNote).toHaveBeenCalledWith(100, "Intake", "Met the client; follow up Friday.");
    // Still in the editor until the save is done.
    expect(screen.getByTestId("note-body")).toBeDefined();

    saved.resolve(ok(NOTE));
    expect(await screen.findByTestId("matter-name")).toBeDefined();
  });

  it("saves when the user leaves for another section", async () => {
    const { user } = await openNote();
    mocks.saveNote.mockResolvedValue(ok(NOTE));
    type("note-title", "Intake meeting");
    await user.keyboard("{Control>}k{/Control}");
    expect(mocks.saveNote).toHaveBeenCalledWith(100, "Intake meeting", "Met the client.");
  });
});

describe("history", () => {
  it("shows versions, reads one, and restores it into the editor", async () => {
    mocks.noteRevisions.mockResolvedValue(
      ok([
        aRevisionSummary({ number: 3, chars: 15 }),
        aRevisionSummary({ number: 2, chars: 1204 }),
        aRevisionSummary({ number: 1, chars: 3 }),
      ]),
    );
    mocks.noteRevision.mockResolvedValue(
      ok(aRevision({ number: 1, title: "First", body: "Met.\nNo documents yet." })),
    );
    const restored = aNote({ title: "First", body: "Met.\nNo documents yet.", revision: 4 });
    mocks.restoreNoteRevision.mockResolvedValue(ok(restored));
    const { user } = await openNote();

    await user.click(screen.getByTestId("note-history"));
    const items = await screen.findAllByTestId("revision-item");
    expect(items.map((item) => item.dataset.number)).toEqual(["3", "2", "1"]);
    expect(items[0]?.textContent).toContain("(current)");
    expect(items[1]?.textContent).toContain("1,204 characters");

    await user.click(nth(items, 2));
    const body = await screen.findByTestId("revision-body");
    // Rendered as Markdown, the note's own line break kept.
    expect(body.querySelector("p")?.innerHTML).toBe("Met.<br>\nNo documents yet.");
    expect(body.tagName).not.toBe("TEXTAREA");
    expect(mocks.noteRevision).toHaveBeenCalledWith(100, 1);

    const listCalls = mocks.noteRevisions.mock.calls.length;
    await user.click(screen.getByTestId("revision-restore"));

    expect(mocks.restoreNoteRevision).toHaveBeenCalledWith(100, 1);
    await waitFor(() => {
      expect(screen.getByTestId<HTMLTextAreaElement>("note-body").value).toBe(
        "Met.\nNo documents yet.",
      );
    });
    expect(screen.getByTestId<HTMLInputElement>("note-title").value).toBe("First");
    expect(saveState().dataset.state).toBe("saved");
    expect(document.activeElement).toBe(screen.getByTestId("note-body"));
    expect(screen.getByText(/Version 1 is the note's text again, saved as version 4/)).toBeDefined();
    // The list is asked again, now with the restored version on top.
    await waitFor(() => {
      expect(mocks.noteRevisions.mock.calls.length).toBeGreaterThan(listCalls);
    });
    expect(mocks.saveNote).not.toHaveBeenCalled();
  });

  it("saves what was typed before restoring, so it is kept as a version too", async () => {
    mocks.noteRevisions.mockResolvedValue(ok([aRevisionSummary({ number: 1 })]));
    mocks.noteRevision.mockResolvedValue(ok(aRevision({ number: 1 })));
    mocks.saveNote.mockResolvedValue(ok(aNote({ body: "Typed just now", revision: 4 })));
    mocks.restoreNoteRevision.mockResolvedValue(ok(aNote({ revision: 5 })));
    const { user } = await openNote();

    await user.click(screen.getByTestId("note-history"));
    await user.click(await screen.findByTestId("revision-item"));
    await screen.findByTestId("revision-body");
    type("note-body", "Typed just now");
    await user.click(screen.getByTestId("revision-restore"));

    await waitFor(() => {
      expect(mocks.restoreNoteRevision).toHaveBeenCalled();
    });
    const saveOrder = mocks.saveNote.mock.invocationCallOrder[0] ?? Infinity;
    const restoreOrder = mocks.restoreNoteRevision.mock.invocationCallOrder[0] ?? -1;
    expect(saveOrder).toBeLessThan(restoreOrder);
  });
});

describe("preview", () => {
  const MARKDOWN = [
    "# Plan",
    "",
    "**Call** USCIS about the *RFE*.",
    "",
    "- passports",
    "- I-94",
    "",
    '<img src="x" onerror="window.pwned = true"> [status](javascript:alert(1))',
  ].join("\n");

  function preview(): HTMLElement {
    return screen.getByTestId("note-preview-body");
  }

  it("shows what is being written rendered, and Write goes back to the text", async () => {
    const { user } = await openNote();
    type("note-body", MARKDOWN);

    await user.click(screen.getByTestId("note-preview"));
    expect(screen.queryByTestId("note-body")).toBeNull();
    expect(screen.getByTestId("note-preview").getAttribute("aria-pressed")).toBe("true");
    expect(document.activeElement).toBe(preview());
    expect(within(preview()).getByRole("heading", { level: 3 }).textContent).toBe("Plan");
    expect(preview().querySelector("strong")?.textContent).toBe("Call");
    expect(preview().querySelectorAll("li")).toHaveLength(2);
    // Raw HTML is text, links are words: nothing runs, loads or navigates.
    expect(preview().querySelector("img, script, a")).toBeNull();
    expect(preview().textContent).toContain('<img src="x" onerror="window.pwned = true">');
    expect((window as { pwned?: boolean }).pwned).toBeUndefined();

    await user.click(screen.getByTestId("note-write"));
    const body = screen.getByTestId<HTMLTextAreaElement>("note-body");
    expect(body.value).toBe(MARKDOWN);
    expect(document.activeElement).toBe(body);
  });

  it("switches with Ctrl+Shift+P from the text and back, and nothing else takes the key", async () => {
    mocks.saveNote.mockResolvedValue(ok(aNote({ body: "# Plan", revision: 4 })));
    await openNote();
    type("note-body", "# Plan");

    fireEvent.keyDown(screen.getByTestId("note-body"), { key: "P", ctrlKey: true, shiftKey: true });
    expect(within(preview()).getByRole("heading").textContent).toBe("Plan");
    expect(screen.getByTestId("screen-heading")).toBeDefined();

    fireEvent.keyDown(preview(), { key: "p", code: "KeyP", metaKey: true, shiftKey: true });
    expect(screen.getByTestId<HTMLTextAreaElement>("note-body").value).toBe("# Plan");

    // Ctrl+P alone is not the preview key.
    fireEvent.keyDown(screen.getByTestId("note-body"), { key: "p", ctrlKey: true });
    expect(screen.queryByTestId("note-preview-body")).toBeNull();
  });

  it("says so when there is nothing to preview", async () => {
    mocks.note.mockResolvedValue(ok(aNote({ ...NOTE, body: "" })));
    const { user } = await openNote();
    await user.click(screen.getByTestId("note-preview"));
    expect(preview().textContent).toBe("Nothing written yet.");
  });

  it("has no serious accessibility violations in either view", async () => {
    const { user, container } = await openNote();
    type("note-body", MARKDOWN);
    const serious = async () =>
      (await axe.run(container, { rules: { "color-contrast": { enabled: false } } })).violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => v.id);
    expect(await serious()).toEqual([]);
    await user.click(screen.getByTestId("note-preview"));
    expect(await serious()).toEqual([]);
  });
});

describe("move to trash", () => {
  it("moves the note to the trash and returns to the matter, saying where it went", async () => {
    mocks.trashNote.mockResolvedValue(ok(null));
    const { user } = await openNote();
    mocks.notes.mockResolvedValue(ok([]));

    await user.click(screen.getByTestId("note-trash"));

    expect(mocks.trashNote).toHaveBeenCalledWith(100);
    expect(await screen.findByTestId("matter-name")).toBeDefined();
    const notice = screen.getByText(/“Intake” is in the trash/);
    expect(notice.textContent).toContain("Ctrl+5");
    await waitFor(() => {
      expect(within(document.body).queryByTestId("note-item")).toBeNull();
    });
  });

  it("stays in the editor and shows why when the note cannot be moved", async () => {
    mocks.trashNote.mockResolvedValue(fail("notFound", "Note 100 does not exist or is in the trash."));
    const { user } = await openNote();
    await user.click(screen.getByTestId("note-trash"));
    expect((await screen.findByRole("alert")).textContent).toContain("does not exist");
    expect(screen.getByTestId("note-body")).toBeDefined();
  });
});

describe("tags", () => {
  it("shows a stored note's tags and saves them as a comma-separated list", async () => {
    mocks.noteTags.mockResolvedValue(ok(["evidence"]));
    mocks.setNoteTags.mockResolvedValue(ok(["evidence", "requested"]));
    const { user } = await openNote();
    const field = await screen.findByTestId("note-tags");
    expect(field).toHaveProperty("value", "evidence");
    expect(mocks.noteTags).toHaveBeenCalledWith(100);

    await user.type(field, ", requested ,");
    await user.click(screen.getByTestId("note-tags-save"));
    expect(mocks.setNoteTags).toHaveBeenCalledWith(100, ["evidence", " requested ", ""]);
    expect((await screen.findByTestId("note-tags-status")).textContent).toBe("Tags saved.");
    expect(field).toHaveProperty("value", "evidence, requested");
  });

  it("keeps what was typed and shows why when the tags are refused", async () => {
    mocks.setNoteTags.mockResolvedValue(
      fail("invalidInput", "The tag is longer than 64 characters; shorten it."),
    );
    const { user } = await openNote();
    await user.type(await screen.findByTestId("note-tags"), "x".repeat(70));
    await user.click(screen.getByTestId("note-tags-save"));
    expect((await screen.findByRole("alert")).textContent).toContain("shorten it");
    expect(screen.getByTestId("note-tags")).toHaveProperty("value", "x".repeat(70));
  });

  it("waits for a new note's first save", async () => {
    const { user } = await openMatter();
    await user.click(screen.getByTestId("new-note"));
    await screen.findByTestId("note-body");
    expect(screen.queryByTestId("note-tags")).toBeNull();
  });
});
