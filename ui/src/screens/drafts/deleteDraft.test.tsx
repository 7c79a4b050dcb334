import { cleanup, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../../bindings";
import {
  aClient,
  aDraftSummary,
  aMatter,
  aShownDraft,
  fail,
  mockedCommands,
  ok,
  resetCommands,
} from "../../test/commands";
import { openFirstDraft, renderApp } from "../../test/render";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
const mocks = mockedCommands(commands);

beforeEach(() => {
  resetCommands(mocks);
  const ana = aClient({ id: 1, name: "Ana Peña", matters: 1 });
  const matter = aMatter({ id: 10, title: "I-130 for spouse" });
  mocks.clients.mockResolvedValue(ok([ana]));
  mocks.client.mockResolvedValue(ok(ana));
  mocks.matters.mockResolvedValue(ok([matter]));
  mocks.matter.mockResolvedValue(ok(matter));
  mocks.drafts.mockResolvedValue(ok([aDraftSummary()]));
  mocks.draft.mockResolvedValue(ok(aShownDraft({ title: "Case summary: I-130", version: 3 })));
});

afterEach(() => {
  cleanup();
});

async function openDraft() {
  const app = await renderApp();
  await openFirstDraft(app.user);
  return app;
}

describe("deleting a draft", () => {
  it("asks first, naming the draft and its versions, with Cancel focused; Cancel keeps it", async () => {
    const { user } = await openDraft();
    await user.click(screen.getByTestId("draft-delete"));
    const prompt = screen.getByTestId("delete-confirm");
    expect(prompt.textContent).toContain("Delete “Case summary: I-130” and its 3 versions?");
    expect(prompt.textContent).toContain("cannot be undone");
    expect(document.activeElement).toBe(screen.getByTestId("delete-cancel"));
    await user.keyboard("{Enter}");
    expect(mocks.deleteDraft).not.toHaveBeenCalled();
    expect(screen.queryByTestId("delete-confirm")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("draft-delete"));
  });

  it("deletes on confirmation and returns to the matter", async () => {
    mocks.deleteDraft.mockResolvedValue(
      ok({
        draftId: 500,
        matterId: 10,
        clientId: 1,
        title: "Case summary: I-130",
        lastActivity: "2026-03-01T09:00:00Z",
        reason: "deleted: by hand",
        auditSeq: 7,
      }),
    );
    const { user } = await openDraft();
    mocks.drafts.mockResolvedValue(ok([]));
    await user.click(screen.getByTestId("draft-delete"));
    await user.click(screen.getByTestId("delete-confirm-button"));
    expect(mocks.deleteDraft).toHaveBeenCalledWith(500);
    await screen.findByTestId("matter-name");
    expect(screen.queryByTestId("draft-banner")).toBeNull();
  });

  it("shows why it was refused under legal hold, and keeps the draft open", async () => {
    mocks.deleteDraft.mockResolvedValue(
      fail(
        "legalHold",
        "Draft 1 was not deleted: its matter 10 is under legal hold since 2026-03-01 (set by jroe: Subpoena 2026-17).",
      ),
    );
    const { user } = await openDraft();
    await user.click(screen.getByTestId("draft-delete"));
    await user.click(screen.getByTestId("delete-confirm-button"));
    await waitFor(() => {
      expect(screen.getByTestId("delete-error").textContent).toContain("Subpoena 2026-17");
    });
    expect(screen.getByTestId("draft-banner")).toBeTruthy();
  });

  it("cannot be asked while the draft is being written", async () => {
    mocks.draft.mockResolvedValue(ok(aShownDraft({ status: "writing" })));
    await openDraft();
    expect(screen.getByTestId<HTMLButtonElement>("draft-delete").disabled).toBe(true);
  });
});
