import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../../bindings";
import {
  aNote,
  aTrashedNote,
  fail,
  mockedCommands,
  ok,
  resetCommands,
} from "../../test/commands";
import { heading, renderApp } from "../../test/render";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
const mocks = mockedCommands(commands);

const INTAKE = aTrashedNote({ id: 100, title: "Intake" });
const RFE = aTrashedNote({ id: 101, title: "RFE draft" });

beforeEach(() => {
  resetCommands(mocks);
  mocks.trash.mockResolvedValue(ok([INTAKE, RFE]));
});

afterEach(() => {
  cleanup();
});

async function openTrash() {
  const app = await renderApp();
  await app.user.keyboard("{Control>}5{/Control}");
  expect(heading().textContent).toBe("Trash");
  await waitFor(() => {
    expect(screen.getAllByTestId("trash-item")).toHaveLength(2);
  });
  return app;
}

function item(id: number): HTMLElement {
  const found = screen.getAllByTestId("trash-item").find((el) => el.dataset.id === String(id));
  if (!found) throw new Error(`no trash item ${String(id)}`);
  return found;
}

describe("trash", () => {
  it("is the fifth section, with Ctrl+5, and says when it is empty", async () => {
    mocks.trash.mockResolvedValue(ok([]));
    const { user } = await renderApp();
    const nav = screen.getByTestId("nav-trash");
    expect(nav.title).toBe("Trash (Ctrl+5)");
    await user.click(nav);
    expect(await screen.findByRole("heading", { name: "The trash is empty" })).toBeDefined();
  });

  it("restores a note", async () => {
    mocks.restoreNote.mockResolvedValue(ok(aNote({ id: 100 })));
    const { user } = await openTrash();
    mocks.trash.mockResolvedValue(ok([RFE]));

    await user.click(within(item(100)).getByTestId("trash-restore"));

    expect(mocks.restoreNote).toHaveBeenCalledWith(100);
    await waitFor(() => {
      expect(screen.getAllByTestId("trash-item").map((el) => el.dataset.id)).toEqual(["101"]);
    });
    const notice = screen.getByText("“Intake” is back in its matter.");
    expect(document.activeElement).toBe(notice);
  });

  it("asks before deleting forever; keeping the note asks nothing of the app", async () => {
    const { user } = await openTrash();

    await user.click(within(item(100)).getByTestId("trash-purge"));
    const confirm = within(item(100)).getByRole("group");
    expect(confirm.textContent).toMatch(/Delete “Intake” forever\?.*cannot be undone/);
    expect(document.activeElement).toBe(within(confirm).getByRole("button", { name: "Keep it" }));

    await user.keyboard("{Escape}");
    expect(within(item(100)).queryByTestId("trash-purge-confirm")).toBeNull();
    expect(document.activeElement).toBe(within(item(100)).getByTestId("trash-purge"));

    await user.click(within(item(100)).getByTestId("trash-purge"));
    await user.click(within(item(100)).getByRole("button", { name: "Keep it" }));
    expect(mocks.purgeNote).not.toHaveBeenCalled();
  });

  it("deletes forever once confirmed", async () => {
    mocks.purgeNote.mockResolvedValue(ok(null));
    const { user } = await openTrash();
    mocks.trash.mockResolvedValue(ok([INTAKE]));

    await user.click(within(item(101)).getByTestId("trash-purge"));
    expect(mocks.purgeNote).not.toHaveBeenCalled();
    await user.click(within(item(101)).getByTestId("trash-purge-confirm"));

    expect(mocks.purgeNote).toHaveBeenCalledWith(101);
    await waitFor(() => {
      expect(screen.getAllByTestId("trash-item").map((el) => el.dataset.id)).toEqual(["100"]);
    });
    expect(screen.getByText("“RFE draft” was deleted for good.")).toBeDefined();
  });

  it("shows the app's message next to the note when an action fails", async () => {
    mocks.restoreNote.mockResolvedValue(fail("notFound", "Note 100 is not in the trash."));
    const { user } = await openTrash();
    await user.click(within(item(100)).getByTestId("trash-restore"));
    expect((await within(item(100)).findByRole("alert")).textContent).toBe(
      "Note 100 is not in the trash.",
    );
    expect(screen.getAllByTestId("trash-item")).toHaveLength(2);
  });
});
