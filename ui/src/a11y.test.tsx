import { cleanup, screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "./bindings";
import { SECTIONS } from "./shell/sections";
import { todayLocal } from "./format/dates";
import {
  aClient,
  aDeadline,
  aDraftListing,
  aDraftSummary,
  aDraftVersion,
  aFiling,
  aHit,
  aMatter,
  aNote,
  aNoteSummary,
  aRevision,
  aRevisionSummary,
  aShownDraft,
  aTemplateCatalog,
  aTrashedNote,
  anUpcoming,
  fail,
  mockedCommands,
  ok,
  resetCommands,
} from "./test/commands";
import { nth, openFirstMatter, renderApp } from "./test/render";
import { failed, ok as okStatus, workspaceStatus } from "./test/workspace";

vi.mock("./bindings", async () => (await import("./test/commands")).bindingsModule());
const mocks = mockedCommands(commands);
const AT = "2025-03-14T15:09:26Z";

beforeEach(() => {
  resetCommands(mocks);
});

afterEach(() => {
  cleanup();
});

async function seriousViolations(container: HTMLElement): Promise<string[]> {
  const results = await axe.run(container, {
    // jsdom does no layout or painting, so contrast cannot be measured here.
    rules: { "color-contrast": { enabled: false } },
  });
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

it("has no serious accessibility violations on any section", async () => {
  mocks.workspaceStatus.mockResolvedValue(
    okStatus(
      workspaceStatus({ state: "unreachable", code: "keychainAccessDenied", message: "Locked." }),
    ),
  );
  const { user, container } = await renderApp();

  for (const section of SECTIONS) {
    await user.click(screen.getByTestId(`nav-${section.id}`));
    expect(await seriousViolations(container), section.label).toEqual([]);
  }
});

it("has no serious accessibility violations with the error banner showing", async () => {
  mocks.workspaceStatus.mockResolvedValue(failed({ code: "internal", message: "Broken." }));
  const { container } = await renderApp();
  expect(await seriousViolations(container)).toEqual([]);
});

describe("case screens", () => {
  const ana = aClient({ id: 1, name: "Ana Peña", aNumber: "A012345678", matters: 1 });
  const matter = aMatter({ id: 10, title: "I-130 for spouse", number: "2025-014", notes: 1 });

  beforeEach(() => {
    mocks.clients.mockResolvedValue(ok([ana, aClient({ id: 2, name: "Bo Andersson" })]));
    mocks.client.mockResolvedValue(ok(ana));
    mocks.matters.mockResolvedValue(ok([matter]));
    mocks.matter.mockResolvedValue(ok(matter));
    mocks.notes.mockResolvedValue(ok([aNoteSummary()]));
    mocks.note.mockResolvedValue(ok(aNote({ revision: 2 })));
    mocks.noteRevisions.mockResolvedValue(
      ok([aRevisionSummary({ number: 2 }), aRevisionSummary({ number: 1 })]),
    );
    mocks.noteRevision.mockResolvedValue(ok(aRevision({ number: 1 })));
  });

  it("client list with the new-client form and its error", async () => {
    mocks.createClient.mockResolvedValue(fail("invalidInput", "That is not an A-number."));
    const { user, container } = await renderApp();
    await screen.findAllByTestId("client-item");
    await user.click(screen.getByTestId("new-client"));
    await user.type(screen.getByTestId("client-a-number"), "12");
    await user.click(screen.getByTestId("client-save"));
    await screen.findByTestId("form-error");
    expect(await seriousViolations(container)).toEqual([]);
  });

  it("client page with the new-matter form, matter page and note editor with history", async () => {
    const { user, container } = await renderApp();
    await user.click(nth(await screen.findAllByTestId("client-item"), 0));
    await screen.findByTestId("matter-item");
    await user.click(screen.getByTestId("new-matter"));
    expect(await seriousViolations(container), "client page").toEqual([]);

    await user.click(screen.getByTestId("matter-item"));
    await screen.findByTestId("note-item");
    expect(await seriousViolations(container), "matter page").toEqual([]);

    await user.click(screen.getByTestId("note-item"));
    await user.click(await screen.findByTestId("note-history"));
    await user.click(nth(await screen.findAllByTestId("revision-item"), 1));
    await screen.findByTestId("revision-body");
    expect(await seriousViolations(container), "note editor").toEqual([]);
  });

  it("search results and the trash with a confirmation open", async () => {
    mocks.search.mockResolvedValue(
      ok([
        aHit({ snippet: [{ text: "passport", highlight: true }] }),
        aHit({ kind: "contact", id: 1, title: "Ana Peña" }),
      ]),
    );
    mocks.trash.mockResolvedValue(ok([aTrashedNote()]));
    const { user, container } = await renderApp();

    await user.keyboard("{Control>}k{/Control}");
    await user.type(screen.getByTestId("search-input"), "passport");
    await waitFor(() => {
      expect(screen.getAllByTestId("search-hit")).toHaveLength(2);
    });
    expect(await seriousViolations(container), "search").toEqual([]);

    await user.click(screen.getByTestId("nav-trash"));
    const item = await screen.findByTestId("trash-item");
    await user.click(within(item).getByTestId("trash-purge"));
    expect(await seriousViolations(container), "trash").toEqual([]);
  });
});

describe("filings and deadlines", () => {
  const ana = aClient({ id: 1, name: "Ana Peña", matters: 1 });
  const matter = aMatter({ id: 10, title: "I-130 for spouse" });

  beforeEach(() => {
    mocks.clients.mockResolvedValue(ok([ana]));
    mocks.client.mockResolvedValue(ok(ana));
    mocks.matters.mockResolvedValue(ok([matter]));
    mocks.matter.mockResolvedValue(ok(matter));
  });

  it("landing page with overdue, due-soon and later deadlines", async () => {
    mocks.upcomingDeadlines.mockResolvedValue(
      ok([
        anUpcoming({ id: 1, due: "2020-01-06" }),
        anUpcoming({ id: 2, due: todayLocal() }),
        anUpcoming({ id: 3, due: "2099-01-05" }, { clientName: "Bo Andersson" }),
      ]),
    );
    const { container } = await renderApp();
    await waitFor(() => {
      expect(screen.getAllByTestId("upcoming-deadline")).toHaveLength(3);
    });
    await screen.findAllByTestId("client-item");
    expect(await seriousViolations(container)).toEqual([]);
  });

  it("matter page with filings, deadlines, an open explanation and the forms with errors", async () => {
    mocks.filings.mockResolvedValue(
      ok([aFiling(), aFiling({ id: 201, formType: "I-485", filedOn: null, receiptNumber: null })]),
    );
    mocks.deadlines.mockResolvedValue(
      ok([
        aDeadline({ id: 1, due: "2020-01-06", computedDue: "2020-01-06" }),
        aDeadline({
          id: 2,
          overrideDue: "2099-01-05",
          overrideReason: "The notice prints another date",
          due: "2099-01-05",
          warnings: ["The printed due date is later than the rule allows; confirm it."],
        }),
        aDeadline({ id: 3, due: "2099-09-01", opensOn: "2099-06-03", done: true }),
      ]),
    );
    mocks.addFiling.mockResolvedValue(fail("invalidInput", "That is not a receipt number."));
    mocks.overrideDeadline.mockResolvedValue(fail("invalidInput", "Say why."));
    const { user, container } = await renderApp();
    await openFirstMatter(user);
    await waitFor(() => {
      expect(screen.getAllByTestId("deadline-item")).toHaveLength(3);
    });
    await screen.findAllByTestId("filing-item");
    expect(await seriousViolations(container), "lists").toEqual([]);

    const second = nth(screen.getAllByTestId("deadline-item"), 1);
    await user.click(within(second).getByText("How this date was worked out"));
    await user.click(within(second).getByTestId("deadline-override"));
    await user.type(within(second).getByTestId("override-reason"), "x");
    await user.click(within(second).getByTestId("override-save"));
    await within(second).findByTestId("form-error");
    await user.click(screen.getByTestId("add-filing"));
    await user.click(screen.getByTestId("filing-save"));
    await screen.findAllByTestId("form-error");
    expect(await seriousViolations(container), "override and filing forms").toEqual([]);

    await user.click(screen.getByTestId("add-notice"));
    await user.selectOptions(screen.getByTestId("notice-kind"), "rfe");
    await user.click(screen.getByTestId("notice-save"));
    expect(await seriousViolations(container), "notice form").toEqual([]);

    await user.click(screen.getByTestId("add-event-deadline"));
    await user.click(screen.getByTestId("event-save"));
    expect(await seriousViolations(container), "event form").toEqual([]);
  });
});

describe("drafts", () => {
  const ana = aClient({ id: 1, name: "Ana Peña", matters: 1 });
  const matter = aMatter({ id: 10, title: "I-130 for spouse" });

  beforeEach(() => {
    mocks.clients.mockResolvedValue(ok([ana]));
    mocks.client.mockResolvedValue(ok(ana));
    mocks.matters.mockResolvedValue(ok([matter]));
    mocks.matter.mockResolvedValue(ok(matter));
    mocks.notes.mockResolvedValue(ok([aNoteSummary()]));
    mocks.drafts.mockResolvedValue(
      ok([
        aDraftSummary({ id: 500 }),
        aDraftSummary({ id: 501, status: "approved", approvedBy: "jroe", approvedAt: AT }),
        aDraftSummary({ id: 502, status: "interrupted" }),
      ]),
    );
    mocks.matterAiCost.mockResolvedValue(
      ok({ aiDrafts: 1, tokensIn: 10, tokensOut: 5, costUsd: 0.001 }),
    );
    mocks.draft.mockResolvedValue(ok(aShownDraft()));
    mocks.draftVersions.mockResolvedValue(
      ok([aDraftVersion(), aDraftVersion({ number: 2, origin: "edited" })]),
    );
  });

  it("matter page with its drafts and the new-draft form", async () => {
    mocks.templates.mockResolvedValue(
      ok(aTemplateCatalog({ problems: [{ path: "/t/memo.toml", reason: "bad" }] })),
    );
    const { user, container } = await renderApp();
    await openFirstMatter(user);
    await screen.findAllByTestId("draft-item");
    await user.click(screen.getByTestId("new-draft"));
    await screen.findByTestId("draft-template");
    expect(await seriousViolations(container)).toEqual([]);
  });

  it("draft page with versions, the approval question and provenance; the edit form", async () => {
    const { user, container } = await renderApp();
    await openFirstMatter(user);
    await user.click(nth(await screen.findAllByTestId("draft-item"), 0));
    await user.click(await screen.findByTestId("draft-versions-toggle"));
    await user.click(nth(await screen.findAllByTestId("draft-version"), 1));
    await user.click(screen.getByTestId("draft-approve"));
    expect(await seriousViolations(container), "reading").toEqual([]);

    await user.click(screen.getByTestId("approve-cancel"));
    await user.click(screen.getByTestId("draft-edit"));
    await user.type(screen.getByTestId("draft-text"), "x");
    await user.keyboard("{Escape}");
    await screen.findByTestId("discard-confirm");
    expect(await seriousViolations(container), "editing").toEqual([]);
  });

  it("the Drafts section with drafts in it", async () => {
    mocks.allDrafts.mockResolvedValue(ok([aDraftListing(), aDraftListing({ id: 2 })]));
    const { user, container } = await renderApp();
    await user.click(screen.getByTestId("nav-drafts"));
    await screen.findAllByTestId("all-drafts-item");
    expect(await seriousViolations(container)).toEqual([]);
  });
});
