import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands, type ExportProgress, type SavedExport_Serialize } from "../../bindings";
import printCss from "../../styles/print.css?raw";
import {
  aClient,
  aDraftListing,
  aDraftSummary,
  aMatter,
  anEffectivePolicy,
  aProfileEntry,
  aShownDraft,
  deferred,
  EXPORT_FOLDER,
  fail,
  mockedCommands,
  ok,
  resetCommands,
} from "../../test/commands";
import { nth, openFirstDraft, openFirstMatter, renderApp } from "../../test/render";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());

// The progress channel: a stand-in the test can send progress through, as the app would.
const { channels } = vi.hoisted(() => ({
  channels: [] as { onmessage: (progress: ExportProgress) => void }[],
}));
vi.mock("@tauri-apps/api/core", () => ({
  Channel: class {
    onmessage: (progress: ExportProgress) => void;
    constructor(onmessage: (progress: ExportProgress) => void) {
      this.onmessage = onmessage;
      channels.push(this);
    }
  },
}));

const mocks = mockedCommands(commands);

function saved(path: string, contentSha256: string | null = "ab".repeat(32)): SavedExport_Serialize {
  return { path, bytes: 1234, fileSha256: "cd".repeat(32), contentSha256 };
}

beforeEach(() => {
  resetCommands(mocks);
  channels.length = 0;
  mocks.clients.mockResolvedValue(ok([aClient({ matters: 1 })]));
  mocks.client.mockResolvedValue(ok(aClient({ matters: 1 })));
  mocks.matters.mockResolvedValue(ok([aMatter()]));
  mocks.matter.mockResolvedValue(ok(aMatter()));
  mocks.drafts.mockResolvedValue(ok([aDraftSummary()]));
  mocks.draft.mockResolvedValue(ok(aShownDraft()));
  mocks.draftVersions.mockResolvedValue(ok([]));
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

async function openDraft() {
  const view = await renderApp();
  await openFirstDraft(view.user);
  return view;
}

describe("exporting a draft", () => {
  it("writes each format to the export folder and shows where, with Show in folder", async () => {
    mocks.exportDraft.mockImplementation((_id, format) =>
      Promise.resolve(ok(saved(`${EXPORT_FOLDER}/draft-500-case-summary.${format}`))),
    );
    mocks.showExportFolder.mockResolvedValue(ok(null));
    const { user } = await openDraft();

    await user.click(screen.getByTestId("draft-export-docx"));
    expect(mocks.exportDraft).toHaveBeenCalledWith(500, "docx");
    expect((await screen.findByTestId("draft-export-saved-path")).textContent).toBe(
      `${EXPORT_FOLDER}/draft-500-case-summary.docx`,
    );
    for (const format of ["pdf", "md", "json"] as const) {
      await user.click(screen.getByTestId(`draft-export-${format}`));
      await waitFor(() => {
        expect(screen.getByTestId("draft-export-saved-path").textContent).toMatch(
          new RegExp(`\\.${format}$`),
        );
      });
    }
    await user.click(screen.getByTestId("draft-export-saved-show"));
    expect(mocks.showExportFolder).toHaveBeenCalledTimes(1);
  });

  it("shows the approval rule's refusal with its reason, and no file", async () => {
    mocks.exportDraft.mockResolvedValue(
      fail(
        "policyBlocked",
        "Draft 500 (Case summary) is not approved, and your firm's policy requires an attorney's approval before export.",
      ),
    );
    const { user } = await openDraft();
    await user.click(screen.getByTestId("draft-export-pdf"));
    expect((await screen.findByTestId("draft-export-error")).textContent).toContain(
      "requires an attorney's approval before export",
    );
    expect(screen.queryByTestId("draft-export-saved")).toBeNull();
  });

  it("is not offered while the text is still arriving", async () => {
    mocks.draft.mockResolvedValue(ok(aShownDraft({ status: "writing" })));
    await openDraft();
    expect(screen.getByTestId("draft-export-docx")).toHaveProperty("disabled", true);
    expect(screen.getByTestId("draft-print")).toHaveProperty("disabled", true);
  });
});

describe("printing a draft", () => {
  it("opens the system print dialog from the button and from Ctrl+P", async () => {
    const print = vi.spyOn(window, "print").mockImplementation(() => undefined);
    const { user } = await openDraft();
    await user.click(screen.getByTestId("draft-print"));
    fireEvent.keyDown(window, { key: "p", code: "KeyP", ctrlKey: true });
    expect(print).toHaveBeenCalledTimes(2);
  });

  it("leaves the app's chrome and the controls off the paper, and keeps banner, text and provenance", async () => {
    // The print rules applied as if printing (jsdom has no print medium).
    const style = document.createElement("style");
    style.textContent = printCss.replace(/@media print\s*{([\s\S]*)}\s*$/, "$1");
    document.head.append(style);
    try {
      await openDraft();
      const hidden = (element: Element | null) =>
        element !== null && getComputedStyle(element).display === "none";
      expect(hidden(document.querySelector(".rail"))).toBe(true);
      expect(hidden(document.querySelector(".status-line"))).toBe(true);
      expect(hidden(screen.getByTestId("screen-heading"))).toBe(true);
      for (const control of ["draft-edit", "draft-export-docx", "draft-print", "back-to-matter"]) {
        expect(hidden(screen.getByTestId(control).closest(".no-print"))).toBe(true);
      }
      for (const kept of ["draft-title", "draft-banner", "draft-body", "draft-provenance"]) {
        const element = screen.getByTestId(kept);
        expect(element.closest(".no-print")).toBeNull();
        expect(getComputedStyle(element).display).not.toBe("none");
      }
    } finally {
      style.remove();
    }
  });
});

describe("exporting a matter's drafts", () => {
  it("shows progress draft by draft, then where the ZIP was written", async () => {
    const answer = deferred<ReturnType<typeof ok<SavedExport_Serialize | null>>>();
    mocks.exportMatterDrafts.mockReturnValue(answer.promise);
    const { user } = await renderApp();
    await openFirstMatter(user);
    await user.click(await screen.findByTestId("matter-export-zip"));
    expect(mocks.exportMatterDrafts).toHaveBeenCalledWith(
      10,
      ["docx", "pdf", "md", "json"],
      expect.stringMatching(/^matter-10-/),
      nth(channels, 0),
    );
    expect(screen.getByTestId("matter-export-progress").textContent).toContain("Starting");
    nth(channels, 0).onmessage({ done: 1, total: 3 });
    await waitFor(() => {
      expect(screen.getByTestId("matter-export-progress").textContent).toContain(
        "Exported draft 1 of 3",
      );
    });
    answer.resolve(ok(saved(`${EXPORT_FOLDER}/matter-10-i-130-for-spouse-drafts.zip`, null)));
    expect((await screen.findByTestId("matter-export-saved-path")).textContent).toBe(
      `${EXPORT_FOLDER}/matter-10-i-130-for-spouse-drafts.zip`,
    );
    expect(screen.queryByTestId("matter-export-progress")).toBeNull();
  });

  it("can be cancelled, and then says nothing was written", async () => {
    const answer = deferred<ReturnType<typeof ok<SavedExport_Serialize | null>>>();
    mocks.exportMatterDrafts.mockReturnValue(answer.promise);
    mocks.cancelExport.mockResolvedValue(ok(null));
    const { user } = await renderApp();
    await openFirstMatter(user);
    await user.click(await screen.findByTestId("matter-export-zip"));
    const job = nth(mocks.exportMatterDrafts.mock.calls, 0)[2];
    await user.click(screen.getByTestId("matter-export-cancel"));
    expect(mocks.cancelExport).toHaveBeenCalledWith(job);
    answer.resolve(ok(null));
    expect((await screen.findByTestId("matter-export-cancelled")).textContent).toContain(
      "nothing was written",
    );
  });

  it("is not offered for a matter with no drafts", async () => {
    mocks.drafts.mockResolvedValue(ok([]));
    const { user } = await renderApp();
    await openFirstMatter(user);
    await screen.findByText(/No drafts yet/);
    expect(screen.queryByTestId("matter-export-zip")).toBeNull();
  });
});

describe("the history filters", () => {
  it("narrow by day, profile and provider, and are still set after opening a draft", async () => {
    mocks.allDrafts.mockResolvedValue(ok([aDraftListing()]));
    mocks.providerProfiles.mockResolvedValue(
      ok([aProfileEntry({ name: "firm-eu", display_name: "Firm EU" })]),
    );
    const { user } = await renderApp();
    await user.click(screen.getByTestId("nav-drafts"));
    await screen.findByTestId("all-drafts-item");
    fireEvent.change(screen.getByTestId("drafts-filter-from"), {
      target: { value: "2026-03-01" },
    });
    fireEvent.change(screen.getByTestId("drafts-filter-to"), { target: { value: "2026-03-31" } });
    await user.selectOptions(await screen.findByTestId("drafts-filter-provider"), "azure-openai");
    await waitFor(() => {
      expect(screen.getByTestId("drafts-filter-profile").querySelectorAll("option")).toHaveLength(
        2,
      );
    });
    await user.selectOptions(screen.getByTestId("drafts-filter-profile"), "firm-eu");
    await waitFor(() => {
      expect(mocks.allDrafts).toHaveBeenLastCalledWith({
        clientId: null,
        matterId: null,
        status: null,
        template: null,
        createdFrom: "2026-03-01",
        createdTo: "2026-03-31",
        profile: "firm-eu",
        providerKind: "azure-openai",
      });
    });

    await user.click(await screen.findByTestId("all-drafts-item"));
    await screen.findByTestId("draft-banner");
    await user.click(screen.getByTestId("nav-drafts"));
    expect(await screen.findByTestId("drafts-filter-provider")).toHaveProperty(
      "value",
      "azure-openai",
    );
    expect(screen.getByTestId("drafts-filter-from")).toHaveProperty("value", "2026-03-01");

    await user.click(screen.getByTestId("drafts-filter-clear"));
    await waitFor(() => {
      expect(mocks.allDrafts).toHaveBeenLastCalledWith(
        expect.objectContaining({ createdFrom: null, profile: null, providerKind: null }),
      );
    });
    expect(screen.queryByTestId("drafts-filter-clear")).toBeNull();
  });
});

describe("export settings", () => {
  it("save the firm name and the export folder, and show where exports go", async () => {
    mocks.setSetting.mockResolvedValue(ok(anEffectivePolicy()));
    const { user } = await renderApp();
    await user.click(screen.getByTestId("nav-settings"));
    expect((await screen.findByTestId("export-location")).textContent).toBe(EXPORT_FOLDER);
    expect(screen.getByTestId("export-settings-save")).toHaveProperty("disabled", true);
    await user.type(screen.getByTestId("setting-firm-name"), "Rivera & Ochoa LLP");
    await user.type(screen.getByTestId("setting-export-folder"), "/srv/exports");
    await user.click(screen.getByTestId("export-settings-save"));
    expect(mocks.setSetting).toHaveBeenCalledWith("firm_name", "Rivera & Ochoa LLP");
    expect(mocks.setSetting).toHaveBeenCalledWith("export_folder", "/srv/exports");
    expect((await screen.findByTestId("export-settings-status")).textContent).toContain(
      "Export settings saved.",
    );
  });

  it("show a refused value beside its field", async () => {
    mocks.setSetting.mockResolvedValue(
      fail("invalidInput", "relative/path is not an absolute path. Nothing was changed.", "export_folder"),
    );
    const { user } = await renderApp();
    await user.click(screen.getByTestId("nav-settings"));
    await user.type(await screen.findByTestId("setting-export-folder"), "relative/path");
    await user.click(screen.getByTestId("export-settings-save"));
    expect((await screen.findByTestId("setting-export-folder-error")).textContent).toContain(
      "not an absolute path",
    );
  });

  it("are read-only with the reason when the firm's policy locks them", async () => {
    const policy = anEffectivePolicy({ status: { state: "valid" } });
    policy.settings = policy.settings.map((s) =>
      s.name === "firm_name"
        ? { ...s, value: "Firm LLP", source: "policy", locked: true, reason: "One letterhead." }
        : s,
    );
    mocks.effectivePolicy.mockResolvedValue(ok(policy));
    const { user } = await renderApp();
    await user.click(screen.getByTestId("nav-settings"));
    const firm = await screen.findByTestId("setting-firm-name");
    expect(firm).toHaveProperty("value", "Firm LLP");
    expect(firm).toHaveProperty("readOnly", true);
    expect(screen.getByTestId("export-settings").textContent).toContain("One letterhead.");
  });
});
