import { cleanup, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands, type SearchHit_Serialize } from "../../bindings";
import {
  aClient,
  aHit,
  aMatter,
  aNote,
  deferred,
  mockedCommands,
  ok,
  resetCommands,
} from "../../test/commands";
import { heading, nth, renderApp } from "../../test/render";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
const mocks = mockedCommands(commands);

beforeEach(() => {
  resetCommands(mocks);
});

afterEach(() => {
  cleanup();
});

function hits(): HTMLElement[] {
  return screen.queryAllByTestId("search-hit");
}

async function openSearch() {
  const app = await renderApp();
  await app.user.click(screen.getByTestId("nav-search"));
  return { ...app, box: screen.getByTestId<HTMLInputElement>("search-input") };
}

describe("search", () => {
  it("shows kind, title and snippet, with the matching words marked and as text only", async () => {
    mocks.search.mockResolvedValue(
      ok([
        aHit({
          kind: "note",
          id: 100,
          title: "Intake",
          snippet: [
            { text: "Client brought the ", highlight: false },
            { text: "passport", highlight: true },
            { text: " <b>and</b> I-94", highlight: false },
          ],
        }),
        aHit({ kind: "contact", id: 1, title: "Ana Peña", snippet: [] }),
      ]),
    );
    const { user, box } = await openSearch();
    await user.type(box, "passport");

    await waitFor(() => {
      expect(hits()).toHaveLength(2);
    });
    expect(mocks.search).toHaveBeenCalledTimes(1);
    expect(mocks.search).toHaveBeenCalledWith("passport", 50);
    const [note, client] = hits() as [HTMLElement, HTMLElement];
    expect(note.dataset.kind).toBe("note");
    expect(note.dataset.id).toBe("100");
    expect(note.textContent).toContain("Note");
    expect(note.textContent).toContain("Intake");
    const marks = note.querySelectorAll("mark");
    expect(Array.from(marks, (m) => m.textContent)).toEqual(["passport"]);
    // Text from the database is never read as markup.
    expect(note.querySelector("b")).toBeNull();
    expect(note.textContent).toContain(" <b>and</b> I-94");
    expect(client.dataset.kind).toBe("contact");
    expect(client.textContent).toContain("Client");
    expect(screen.getByRole("status").textContent).toBe("2 results for “passport”");
  });

  it("shows only the answer for what the box holds now, even when an older one arrives last", async () => {
    const older = deferred<ReturnType<typeof ok<SearchHit_Serialize[]>>>();
    const newer = deferred<ReturnType<typeof ok<SearchHit_Serialize[]>>>();
    mocks.search.mockImplementation((query) => (query === "vis" ? older.promise : newer.promise));
    const { user, box } = await openSearch();

    await user.type(box, "vis");
    await waitFor(() => {
      expect(mocks.search).toHaveBeenCalledWith("vis", 50);
    });
    await user.type(box, "a");
    await waitFor(() => {
      expect(mocks.search).toHaveBeenCalledWith("visa", 50);
    });

    newer.resolve(ok([aHit({ id: 2, title: "U visa" })]));
    await waitFor(() => {
      expect(hits().map((hit) => hit.dataset.id)).toEqual(["2"]);
    });
    older.resolve(ok([aHit({ id: 1, title: "Visitor log" })]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hits().map((hit) => hit.dataset.id)).toEqual(["2"]);
    expect(screen.getByRole("status").textContent).toContain("“visa”");
  });

  it("waits for typing to pause before searching", async () => {
    const { user, box } = await openSearch();
    await user.type(box, "Okafor");
    await waitFor(() => {
      expect(screen.getByRole("status").textContent).toContain("No matches for “Okafor”");
    });
    expect(mocks.search.mock.calls).toEqual([["Okafor", 50]]);
    expect(hits()).toHaveLength(0);
  });

  it("opens a client, a matter or a note from its result", async () => {
    const ana = aClient({ id: 1, name: "Ana Peña" });
    const matter = aMatter({ id: 10, title: "I-130 for spouse" });
    mocks.client.mockResolvedValue(ok(ana));
    mocks.matter.mockResolvedValue(ok(matter));
    mocks.note.mockResolvedValue(ok(aNote({ id: 100, body: "Met the client." })));
    mocks.search.mockResolvedValue(
      ok([
        aHit({ kind: "contact", id: 1, title: "Ana Peña" }),
        aHit({ kind: "matter", id: 10, title: "I-130 for spouse" }),
        aHit({ kind: "note", id: 100, title: "Intake" }),
      ]),
    );
    const { user, box } = await openSearch();
    await user.type(box, "ana");
    await waitFor(() => {
      expect(hits()).toHaveLength(3);
    });

    await user.click(nth(hits(), 0));
    expect(heading().textContent).toBe("Clients");
    expect((await screen.findByTestId("client-name")).textContent).toBe("Ana Peña");

    // Ctrl+K goes back to the same search, results and all.
    await user.keyboard("{Control>}k{/Control}");
    await waitFor(() => {
      expect(hits()).toHaveLength(3);
    });
    await user.click(nth(hits(), 1));
    expect((await screen.findByTestId("matter-name")).textContent).toBe("I-130 for spouse");

    await user.keyboard("{Control>}k{/Control}");
    await waitFor(() => {
      expect(hits()).toHaveLength(3);
    });
    await user.click(nth(hits(), 2));
    expect((await screen.findByTestId<HTMLTextAreaElement>("note-body")).value).toBe(
      "Met the client.",
    );
  });

  it("moves from the box into the results with Down", async () => {
    mocks.search.mockResolvedValue(ok([aHit({ id: 1 }), aHit({ id: 2 })]));
    const { user, box } = await openSearch();
    await user.type(box, "intake");
    await waitFor(() => {
      expect(hits()).toHaveLength(2);
    });
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement).toBe(hits()[0]);
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement).toBe(hits()[1]);
    await user.keyboard("{ArrowUp}{ArrowUp}");
    expect(document.activeElement).toBe(box);
  });
});

describe("Ctrl+K", () => {
  it("switches to Search from anywhere and puts the cursor in the box", async () => {
    const { user } = await renderApp();
    expect(heading().textContent).toBe("Clients");

    await user.keyboard("{Control>}k{/Control}");
    expect(heading().textContent).toBe("Search");
    expect(document.activeElement).toBe(screen.getByTestId("search-input"));

    await user.type(screen.getByTestId("search-input"), "Peña");
    screen.getByTestId("nav-settings").focus();
    await user.keyboard("{Meta>}k{/Meta}");
    const box = screen.getByTestId<HTMLInputElement>("search-input");
    expect(document.activeElement).toBe(box);
    // What was there is selected, so typing replaces it.
    expect([box.selectionStart, box.selectionEnd]).toEqual([0, "Peña".length]);
  });

  it("focuses the box when Search is already showing", async () => {
    const { user } = await renderApp();
    await user.click(screen.getByTestId("nav-search"));
    expect(document.activeElement).toBe(heading());
    await user.keyboard("{Control>}k{/Control}");
    expect(document.activeElement).toBe(screen.getByTestId("search-input"));
  });
});
