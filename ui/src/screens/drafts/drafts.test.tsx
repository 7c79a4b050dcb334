import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../../bindings";
import {
  aClient,
  aDraftListing,
  aDraftSummary,
  aDraftVersion,
  aHit,
  aMatter,
  aNote,
  aNoteSummary,
  aProvenance,
  aShownDraft,
  aTemplateCatalog,
  fail,
  mockedCommands,
  ok,
  resetCommands,
} from "../../test/commands";
import { nth, openFirstDraft, openFirstMatter, renderApp } from "../../test/render";
import { statusText } from "./draftStatus";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
const mocks = mockedCommands(commands);

const APPROVED_AT = "2026-03-14T15:09:26Z";

beforeEach(() => {
  resetCommands(mocks);
  const ana = aClient({ id: 1, name: "Ana Peña", matters: 1 });
  const matter = aMatter({ id: 10, title: "I-130 for spouse", notes: 2 });
  mocks.clients.mockResolvedValue(ok([ana]));
  mocks.client.mockResolvedValue(ok(ana));
  mocks.matters.mockResolvedValue(ok([matter]));
  mocks.matter.mockResolvedValue(ok(matter));
  mocks.notes.mockResolvedValue(
    ok([
      aNoteSummary({ id: 100, title: "Intake" }),
      aNoteSummary({ id: 101, title: "Birth certificate" }),
    ]),
  );
  mocks.draft.mockResolvedValue(ok(aShownDraft()));
  mocks.draftVersions.mockResolvedValue(ok([aDraftVersion()]));
});

afterEach(() => {
  cleanup();
});

describe("status badges", () => {
  it("say pending, approved by whom and when, incomplete, or being written", () => {
    const none = { approvedBy: null, approvedAt: null };
    expect(statusText({ status: "pendingReview", ...none })).toBe("Pending review");
    expect(statusText({ status: "interrupted", ...none })).toBe("Incomplete");
    expect(statusText({ status: "writing", ...none })).toBe("Being written");
    const approved = statusText({
      status: "approved",
      approvedBy: "Jane Roe",
      approvedAt: APPROVED_AT,
    });
    expect(approved).toMatch(/^Approved by Jane Roe on /);
    expect(approved).toContain("2026");
  });

  it("show on the matter page with each draft, and the matter's AI use when it has any", async () => {
    mocks.drafts.mockResolvedValue(
      ok([
        aDraftSummary({ id: 3, title: "Status letter", status: "interrupted" }),
        aDraftSummary({
          id: 2,
          title: "Cover letter",
          status: "approved",
          approvedBy: "Jane Roe",
          approvedAt: APPROVED_AT,
        }),
        aDraftSummary({ id: 1, title: "Case summary" }),
      ]),
    );
    mocks.matterAiCost.mockResolvedValue(
      ok({ aiDrafts: 2, tokensIn: 2400, tokensOut: 600, costUsd: 0.025 }),
    );
    const { user } = await renderApp();
    await openFirstMatter(user);
    const items = await screen.findAllByTestId("draft-item");
    const badges = items.map((item) => within(item).getByTestId("draft-status").textContent);
    expect(badges[0]).toBe("Incomplete");
    expect(badges[1]).toMatch(/^Approved by Jane Roe on /);
    expect(badges[2]).toBe("Pending review");
    expect(nth(items, 0).querySelector(".draft-status--incomplete")).not.toBeNull();
    const cost = await screen.findByTestId("matter-ai-cost");
    expect(cost.textContent).toContain("2 AI drafts");
    expect(cost.textContent).toContain("$0.0250");
  });

  it("leave out the AI line for a matter with no AI drafts", async () => {
    const { user } = await renderApp();
    await openFirstMatter(user);
    await screen.findByText(/No drafts yet/);
    expect(mocks.matterAiCost).toHaveBeenCalledWith(10);
    expect(screen.queryByTestId("matter-ai-cost")).toBeNull();
  });
});

describe("new draft", () => {
  it("starts on the first template with its description, every note chosen, and says why it is offline", async () => {
    mocks.createOfflineDraft.mockResolvedValue(ok(aShownDraft({ id: 501 })));
    mocks.draft.mockResolvedValue(ok(aShownDraft({ id: 501 })));
    const { user } = await renderApp();
    await openFirstMatter(user);
    await user.click(await screen.findByTestId("new-draft"));

    const template = await screen.findByTestId("draft-template");
    expect(template).toHaveProperty("value", "case-summary");
    expect(document.activeElement).toBe(template);
    expect(screen.getByText("The state of a matter for an attorney.")).toBeTruthy();
    const boxes = screen.getAllByTestId("draft-note");
    expect(boxes.map((box) => (box as HTMLInputElement).checked)).toEqual([true, true]);
    expect(screen.getByTestId("offline-explanation").textContent).toMatch(
      /IT provider sets up an AI provider.*filled from the matter's record on this computer/,
    );

    await user.selectOptions(template, "rfe-response");
    expect(screen.getByText("Each deficiency, its evidence and argument.")).toBeTruthy();
    await user.selectOptions(template, "case-summary");
    await user.click(screen.getByTestId("create-draft"));
    expect(mocks.createOfflineDraft).toHaveBeenCalledWith(10, "case-summary", null);
    // Creating opens the new draft's page.
    await screen.findByTestId("draft-banner");
    expect(mocks.draft).toHaveBeenCalledWith(501);
  });

  it("sends only the notes left chosen", async () => {
    mocks.createOfflineDraft.mockResolvedValue(ok(aShownDraft()));
    const { user } = await renderApp();
    await openFirstMatter(user);
    await user.click(await screen.findByTestId("new-draft"));
    await user.click(nth(await screen.findAllByTestId("draft-note"), 0));
    await user.click(screen.getByTestId("create-draft"));
    expect(mocks.createOfflineDraft).toHaveBeenCalledWith(10, "case-summary", [101]);
  });

  it("lists the firm's template files that could not be used, and keeps the form on an error", async () => {
    mocks.templates.mockResolvedValue(
      ok(
        aTemplateCatalog({
          problems: [{ path: "/ws/templates/memo.toml", reason: "line 1, column 8: expected a value" }],
        }),
      ),
    );
    mocks.createOfflineDraft.mockResolvedValue(
      fail("invalidInput", "Template case-summary cannot be filled: fix the template file."),
    );
    const { user } = await renderApp();
    await openFirstMatter(user);
    await user.click(await screen.findByTestId("new-draft"));
    expect((await screen.findByTestId("template-problems")).textContent).toContain(
      "/ws/templates/memo.toml: line 1, column 8",
    );
    await user.click(screen.getByTestId("create-draft"));
    expect((await screen.findByTestId("form-error")).textContent).toContain("fix the template");
    expect(screen.getByTestId("draft-template")).toBeTruthy();
  });

  it("marks a template the firm's policy pins, with the pin's version and reason", async () => {
    const catalog = aTemplateCatalog();
    const [first] = catalog.templates;
    if (first === undefined) throw new Error("no template");
    catalog.templates[0] = { ...first, pinned: { version: 1, reason: "Approved by the firm's ethics partner" } };
    mocks.templates.mockResolvedValue(ok(catalog));
    const { user } = await renderApp();
    await openFirstMatter(user);
    await user.click(await screen.findByTestId("new-draft"));
    const template = await screen.findByTestId("draft-template");
    const labels = [...(template as HTMLSelectElement).options].map((o) => o.textContent);
    expect(labels).toContain("Case summary (pinned by your IT provider)");
    expect(labels).toContain("RFE response");
    expect(
      screen.getByText(
        "The state of a matter for an attorney. Version 1, pinned by your IT provider: Approved by the firm's ethics partner.",
      ),
    ).toBeTruthy();
  });

  it("cancel closes the form and gives the focus back to New draft", async () => {
    const { user } = await renderApp();
    await openFirstMatter(user);
    await user.click(await screen.findByTestId("new-draft"));
    await user.click(await screen.findByTestId("create-draft-cancel"));
    await waitFor(() => {
      expect(document.activeElement).toBe(screen.getByTestId("new-draft"));
    });
    expect(mocks.createOfflineDraft).not.toHaveBeenCalled();
  });
});

describe("the draft page", () => {
  beforeEach(() => {
    mocks.drafts.mockResolvedValue(ok([aDraftSummary()]));
  });

  it("shows the banner, the rendered draft as sanitized Markdown and its provenance", async () => {
    mocks.draft.mockResolvedValue(
      ok(aShownDraft({ body: "# Summary\n\nSafe <img src=x onerror=alert(1)> text" })),
    );
    const { user } = await renderApp();
    const banner = await openFirstDraft(user);
    expect(banner.textContent).toBe(
      "Filled from the record on this computer; no AI was used, pending attorney review.",
    );
    expect(banner.className).toContain("draft-banner--pending");
    const body = screen.getByTestId("draft-body");
    expect(body.querySelector("img")).toBeNull();
    expect(body.textContent).toContain("<img src=x onerror=alert(1)>");
    const provenance = screen.getByTestId("draft-provenance");
    expect(provenance.textContent).toContain("case-summary, version 1 (built in)");
    expect(provenance.textContent).toContain("priority date");
    expect(provenance.textContent).toContain("no AI was used");
  });

  it("opens a note the draft used from its provenance", async () => {
    mocks.note.mockResolvedValue(ok(aNote({ id: 100 })));
    const { user } = await renderApp();
    await openFirstDraft(user);
    await user.click(screen.getByTestId("provenance-note"));
    await screen.findByTestId("note-body");
    expect(mocks.note).toHaveBeenCalledWith(100);
  });

  it("shows every fact of an AI draft's provenance", async () => {
    mocks.draft.mockResolvedValue(
      ok(
        aShownDraft({
          origin: "ai",
          provenance: aProvenance({
            ai: {
              profile: "firm-azure",
              providerKind: "azure-openai",
              endpointHost: "firm.openai.azure.com",
              region: "eastus2",
              model: "gpt-drafting",
              retention: "zero data retention",
              noTraining: true,
              redactions: { aNumber: 2, receipt: 1 },
              tokensIn: 1200,
              tokensOut: 300,
              estimatedCostUsd: 0.0125,
              policyException: "EU client, approved by the firm",
              consentId: 7,
              outcome: "completed",
              auditEntry: 42,
            },
          }),
        }),
      ),
    );
    const { user } = await renderApp();
    const banner = await openFirstDraft(user);
    expect(banner.textContent).toBe("AI-assisted draft, pending attorney review.");
    const text = screen.getByTestId("draft-provenance").textContent;
    for (const fact of [
      "firm-azure (azure-openai)",
      "firm.openai.azure.com",
      "eastus2",
      "gpt-drafting",
      "zero data retention",
      "None, per the firm's terms",
      "aNumber 2, receipt 1",
      "1,200 in, 300 out",
      "$0.0125",
      "EU client, approved by the firm",
      "Record 7",
      "completed",
      "Request entry 42",
    ]) {
      expect(text).toContain(fact);
    }
  });

  it("approves after a confirmation naming the reviewer, and the banner then names them", async () => {
    mocks.approveDraft.mockResolvedValue(
      ok(aShownDraft({ status: "approved", approvedBy: "jroe", approvedAt: APPROVED_AT })),
    );
    const { user } = await renderApp();
    await openFirstDraft(user);

    await user.click(screen.getByTestId("draft-approve"));
    const confirm = screen.getByTestId("approve-confirm");
    expect(confirm.textContent).toContain("Approve version 1 as jroe?");
    expect(confirm.textContent).toContain("jroe has read this draft, verified");
    // Cancel has the focus: Enter does not approve by accident.
    expect(document.activeElement).toBe(screen.getByTestId("approve-cancel"));
    await user.keyboard("{Enter}");
    expect(screen.queryByTestId("approve-confirm")).toBeNull();
    expect(mocks.approveDraft).not.toHaveBeenCalled();

    await user.click(screen.getByTestId("draft-approve"));
    await user.click(screen.getByTestId("approve-confirm-button"));
    expect(mocks.approveDraft).toHaveBeenCalledWith(500);
    await waitFor(() => {
      expect(screen.getByTestId("draft-banner").textContent).toBe(
        "Filled from the record on this computer; no AI was used. Approved by jroe on 2026-03-14.",
      );
    });
    expect(screen.getByTestId("draft-banner").className).toContain("draft-banner--approved");
    expect(screen.queryByTestId("draft-approve")).toBeNull();
  });

  it("keeps the approval dialog open with the app's error", async () => {
    mocks.approveDraft.mockResolvedValue(fail("invalidInput", "Draft 500 is still being written."));
    const { user } = await renderApp();
    await openFirstDraft(user);
    await user.click(screen.getByTestId("draft-approve"));
    await user.click(screen.getByTestId("approve-confirm-button"));
    expect(
      await within(screen.getByTestId("approve-confirm")).findByText(/still being written/),
    ).toBeTruthy();
  });

  it("cannot be approved or edited while it is being written; an incomplete draft says so", async () => {
    mocks.draft.mockResolvedValue(ok(aShownDraft({ status: "writing", origin: "ai" })));
    const { user } = await renderApp();
    const banner = await openFirstDraft(user);
    expect(banner.className).toContain("draft-banner--writing");
    expect(screen.getByTestId("draft-approve")).toHaveProperty("disabled", true);
    expect(screen.getByTestId("draft-edit")).toHaveProperty("disabled", true);
    cleanup();

    mocks.draft.mockResolvedValue(
      ok(aShownDraft({ status: "interrupted", origin: "ai", interruption: "cancelled" })),
    );
    const again = await renderApp();
    const incomplete = await openFirstDraft(again.user);
    expect(incomplete.textContent).toContain("INCOMPLETE (cancelled)");
    expect(incomplete.className).toContain("draft-banner--incomplete");
    expect(screen.getByTestId("draft-approve")).toHaveProperty("disabled", false);
  });
});

describe("editing a draft", () => {
  beforeEach(() => {
    mocks.drafts.mockResolvedValue(ok([aDraftSummary()]));
    mocks.draft.mockResolvedValue(ok(aShownDraft({ body: "First text." })));
  });

  it("Ctrl+S saves the text as a new version and shows it", async () => {
    mocks.saveDraft.mockResolvedValue(ok(aShownDraft({ body: "First text. Added.", version: 2 })));
    const { user } = await renderApp();
    await openFirstDraft(user);
    await user.click(screen.getByTestId("draft-edit"));
    const text = screen.getByTestId("draft-text");
    expect(document.activeElement).toBe(text);
    await user.type(text, " Added.");
    await user.keyboard("{Control>}s{/Control}");
    expect(mocks.saveDraft).toHaveBeenCalledWith(500, "First text. Added.");
    expect((await screen.findByTestId("draft-status-message")).textContent).toContain(
      "Saved as version 2.",
    );
    expect(screen.queryByTestId("draft-text")).toBeNull();
    expect(screen.getByTestId("draft-body").textContent).toContain("First text. Added.");
    expect(screen.getByTestId("draft-versions-toggle").textContent).toBe("Versions (2)");
    expect(mocks.saveDraft).toHaveBeenCalledTimes(1);
  });

  it("Escape asks before throwing edits away; keeping them keeps them, discarding saves nothing", async () => {
    const { user } = await renderApp();
    await openFirstDraft(user);
    await user.click(screen.getByTestId("draft-edit"));
    await user.type(screen.getByTestId("draft-text"), " More.");
    await user.keyboard("{Escape}");
    await screen.findByTestId("discard-confirm");
    await user.click(screen.getByTestId("keep-editing"));
    expect(screen.getByTestId("draft-text")).toHaveProperty("value", "First text. More.");

    await user.keyboard("{Escape}");
    await user.click(await screen.findByTestId("discard-changes"));
    expect(screen.queryByTestId("draft-text")).toBeNull();
    expect(screen.getByTestId("draft-body").textContent.trim()).toBe("First text.");
    expect(mocks.saveDraft).not.toHaveBeenCalled();
  });

  it("Escape with nothing changed leaves at once", async () => {
    const { user } = await renderApp();
    await openFirstDraft(user);
    await user.click(screen.getByTestId("draft-edit"));
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("discard-confirm")).toBeNull();
    expect(screen.queryByTestId("draft-text")).toBeNull();
    await waitFor(() => {
      expect(document.activeElement).toBe(screen.getByTestId("draft-edit"));
    });
  });

  it("leaving the page mid-edit saves what was typed", async () => {
    mocks.saveDraft.mockResolvedValue(ok(aShownDraft({ body: "First text. Typed.", version: 2 })));
    const { user } = await renderApp();
    await openFirstDraft(user);
    await user.click(screen.getByTestId("draft-edit"));
    await user.type(screen.getByTestId("draft-text"), " Typed.");
    await user.click(screen.getByTestId("back-to-matter"));
    await screen.findByTestId("matter-name");
    expect(mocks.saveDraft).toHaveBeenCalledWith(500, "First text. Typed.");
  });
});

describe("versions", () => {
  beforeEach(() => {
    mocks.drafts.mockResolvedValue(ok([aDraftSummary()]));
    mocks.draft.mockResolvedValue(ok(aShownDraft({ body: "Second text.", version: 2 })));
    mocks.draftVersions.mockResolvedValue(
      ok([
        aDraftVersion({ number: 1, body: "First text." }),
        aDraftVersion({ number: 2, origin: "edited", body: "Second text.", savedBy: "Jane Roe" }),
      ]),
    );
  });

  it("lists who made each version and how, shows one, and restores it as a new version", async () => {
    mocks.restoreDraftVersion.mockResolvedValue(
      ok(aShownDraft({ body: "First text.", version: 3 })),
    );
    const { user } = await renderApp();
    await openFirstDraft(user);
    await user.click(screen.getByTestId("draft-versions-toggle"));
    const items = await screen.findAllByTestId("draft-version");
    expect(items.map((item) => item.querySelector(".record__title")?.textContent)).toEqual([
      "Version 2, edited by Jane Roe (current)",
      "Version 1, made by jroe",
    ]);

    await user.click(nth(items, 1));
    expect(screen.getByTestId("draft-version-body").textContent.trim()).toBe("First text.");
    await user.click(screen.getByTestId("draft-version-restore"));
    expect(mocks.restoreDraftVersion).toHaveBeenCalledWith(500, 1);
    await waitFor(() => {
      expect(screen.getByTestId("draft-body").textContent.trim()).toBe("First text.");
    });
    expect(screen.getByTestId("draft-status-message").textContent).toContain(
      "Restored as version 3.",
    );
    // The list is asked again for the new version.
    await waitFor(() => {
      expect(mocks.draftVersions).toHaveBeenCalledTimes(2);
    });
  });

  it("compares an older version with the current one, word by word", async () => {
    const { user } = await renderApp();
    await openFirstDraft(user);
    await user.click(screen.getByTestId("draft-versions-toggle"));
    await user.click(nth(await screen.findAllByTestId("draft-version"), 1));
    await user.click(screen.getByTestId("draft-version-compare"));
    const diff = screen.getByTestId("draft-version-diff");
    expect([...diff.querySelectorAll("del")].map((d) => d.textContent)).toEqual(["First"]);
    expect([...diff.querySelectorAll("ins")].map((i) => i.textContent)).toEqual(["Second"]);
    expect(diff.textContent).toContain("text.");
    await user.click(screen.getByTestId("draft-version-compare"));
    expect(screen.getByTestId("draft-version-body").textContent.trim()).toBe("First text.");
  });

  it("offers no restore for the current version", async () => {
    const { user } = await renderApp();
    await openFirstDraft(user);
    await user.click(screen.getByTestId("draft-versions-toggle"));
    await user.click(nth(await screen.findAllByTestId("draft-version"), 0));
    expect(screen.getByTestId("draft-version-body").textContent.trim()).toBe("Second text.");
    expect(screen.queryByTestId("draft-version-restore")).toBeNull();
  });
});

describe("the Drafts section", () => {
  it("lists every draft newest first with client and matter, filters, and opens one with Enter", async () => {
    mocks.allDrafts.mockResolvedValue(
      ok([
        aDraftListing({ id: 2, title: "Cover letter", template: "cover-letter" }),
        aDraftListing(
          { id: 1, status: "approved", approvedBy: "Jane Roe", approvedAt: APPROVED_AT },
          { clientName: "Bo Andersson", matterTitle: "H-1B" },
        ),
      ]),
    );
    const { user } = await renderApp();
    await user.click(screen.getByTestId("nav-drafts"));
    const items = await screen.findAllByTestId("all-drafts-item");
    expect(nth(items, 0).textContent).toContain("Cover letter");
    expect(nth(items, 0).textContent).toContain("Ana Peña · I-130 for spouse");
    expect(nth(items, 1).textContent).toContain("Bo Andersson · H-1B");
    expect(within(nth(items, 1)).getByTestId("draft-status").textContent).toMatch(
      /^Approved by Jane Roe/,
    );
    const unfiltered = {
      clientId: null,
      matterId: null,
      status: null,
      template: null,
      createdFrom: null,
      createdTo: null,
      profile: null,
      providerKind: null,
    };
    expect(mocks.allDrafts).toHaveBeenLastCalledWith(unfiltered);

    await user.selectOptions(screen.getByTestId("drafts-filter-status"), "approved");
    await user.selectOptions(screen.getByTestId("drafts-filter-template"), "cover-letter");
    await waitFor(() => {
      expect(mocks.allDrafts).toHaveBeenLastCalledWith({
        ...unfiltered,
        status: "approved",
        template: "cover-letter",
      });
    });

    mocks.draft.mockResolvedValue(ok(aShownDraft({ id: 2, title: "Cover letter" })));
    nth(await screen.findAllByTestId("all-drafts-item"), 0).focus();
    await user.keyboard("{Enter}");
    expect((await screen.findByTestId("draft-title")).textContent).toBe("Cover letter");
    expect(mocks.draft).toHaveBeenCalledWith(2);
  });

  it("says when no draft matches the filters", async () => {
    const { user } = await renderApp();
    await user.click(screen.getByTestId("nav-drafts"));
    expect(await screen.findByText("No drafts yet")).toBeTruthy();
    await user.selectOptions(screen.getByTestId("drafts-filter-status"), "interrupted");
    expect(await screen.findByTestId("drafts-none-match")).toBeTruthy();
  });
});

it("a search hit on a draft opens the draft", async () => {
  mocks.search.mockResolvedValue(ok([aHit({ kind: "draft", id: 500, title: "Case summary" })]));
  const { user } = await renderApp();
  await user.keyboard("{Control>}k{/Control}");
  await user.type(screen.getByTestId("search-input"), "summary");
  await user.click(await screen.findByTestId("search-hit"));
  await screen.findByTestId("draft-banner");
  expect(mocks.draft).toHaveBeenCalledWith(500);
});
