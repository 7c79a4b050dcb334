import { cleanup, screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../../bindings";
import {
  aClient,
  aMatter,
  aMatterRecord,
  aParty,
  fail,
  mockedCommands,
  ok,
  resetCommands,
} from "../../test/commands";
import { nth, openFirstMatter, renderApp } from "../../test/render";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
const mocks = mockedCommands(commands);

const ANA = aClient({ id: 1, name: "Ana Peña", matters: 1 });
const LUIS = aClient({ id: 2, name: "Luis Peña" });
const MATTER = aMatter({ id: 10, title: "I-130 for spouse" });
const RECORD = aMatterRecord({
  number: "2025-014",
  forum: "uscis",
  category: "IR-1",
  priorityDate: "2025-01-20",
  firmStatus: "Filed",
  agencyStatus: "Case Was Received and A Receipt Notice Was Sent",
  agencyStatusDate: "2025-02-03",
  premiumProcessing: true,
  responsibleAttorney: "M. Okafor",
});

beforeEach(() => {
  resetCommands(mocks);
  mocks.clients.mockResolvedValue(ok([ANA, LUIS]));
  mocks.client.mockResolvedValue(ok(ANA));
  mocks.matters.mockResolvedValue(ok([MATTER]));
  mocks.matter.mockResolvedValue(ok(MATTER));
  mocks.matterRecord.mockResolvedValue(ok(RECORD));
});

afterEach(() => {
  cleanup();
});

async function openMatter() {
  const app = await renderApp();
  await openFirstMatter(app.user);
  await screen.findByTestId("matter-details");
  return app;
}

async function seriousViolations(container: HTMLElement): Promise<string[]> {
  const results = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

describe("matter details", () => {
  it("shows the firm's status apart from the agency's, quoted with its date", async () => {
    const { container } = await openMatter();
    expect(mocks.matterRecord).toHaveBeenCalledWith(10);
    expect(screen.getByTestId("detail-matter-number").textContent).toBe("2025-014");
    expect(screen.getByTestId("detail-category").textContent).toBe("IR-1");
    expect(screen.getByTestId("detail-firm-status").textContent).toBe("Filed");
    const agency = screen.getByTestId("detail-agency-status");
    expect(agency.querySelector("q")?.textContent).toBe(
      "Case Was Received and A Receipt Notice Was Sent",
    );
    expect(agency.textContent).toContain("as of");
    expect(within(screen.getByTestId("matter-details")).getByText("USCIS")).toBeDefined();
    expect(await seriousViolations(container)).toEqual([]);
  });

  it("edits and saves the whole record; the heading follows a new title", async () => {
    const { user, container } = await openMatter();
    await user.click(screen.getByTestId("edit-matter"));
    expect(document.activeElement).toBe(screen.getByTestId("edit-matter-title"));
    expect(await seriousViolations(container)).toEqual([]);

    const category = screen.getByTestId("edit-matter-category");
    await user.clear(category);
    await user.type(category, "F2A");
    await user.selectOptions(screen.getByTestId("edit-matter-forum"), "eoir");
    await user.click(screen.getByTestId("edit-matter-premium-processing"));
    const saved = aMatterRecord({ ...RECORD.details, category: "F2A", forum: "eoir" });
    mocks.updateMatter.mockResolvedValue(ok(saved));
    await user.click(screen.getByTestId("matter-details-save"));

    const [id, details] = mocks.updateMatter.mock.calls[0] ?? [];
    expect(id).toBe(10);
    expect(details).toEqual({
      ...RECORD.details,
      category: "F2A",
      forum: "eoir",
      premiumProcessing: false,
    });
    expect((await screen.findByTestId("detail-category")).textContent).toBe("F2A");
    await waitFor(() => {
      expect(document.activeElement).toBe(screen.getByTestId("edit-matter"));
    });
    expect(mocks.matter).toHaveBeenCalledTimes(2);
  });

  it("explains a refused date beside its field and keeps the edits", async () => {
    mocks.updateMatter.mockResolvedValue(
      fail("invalidInput", "Priority date: \"x\" is not a date.", "priorityDate"),
    );
    const { user } = await openMatter();
    await user.click(screen.getByTestId("edit-matter"));
    await user.type(screen.getByTestId("edit-matter-responsible-attorney"), " Jr.");
    await user.click(screen.getByTestId("matter-details-save"));
    expect((await screen.findByTestId("edit-matter-priority-date-error")).textContent).toContain(
      "not a date",
    );
    expect(document.activeElement).toBe(screen.getByTestId("edit-matter-priority-date"));
    expect(
      screen.getByTestId<HTMLInputElement>("edit-matter-responsible-attorney").value,
    ).toBe("M. Okafor Jr.");
  });
});

describe("parties", () => {
  it("lists parties with roles, adds one and removes one", async () => {
    mocks.matterParties.mockResolvedValue(ok([aParty()]));
    const { user, container } = await openMatter();
    const item = await screen.findByTestId("party-item");
    expect(item.textContent).toContain("Luis Peña");
    expect(item.textContent).toContain("Petitioner");

    await user.click(screen.getByTestId("add-party"));
    expect(document.activeElement).toBe(screen.getByTestId("party-contact"));
    await user.click(screen.getByTestId("party-save"));
    expect((await screen.findByTestId("form-error")).textContent).toBe("Choose who the party is.");
    await user.selectOptions(screen.getByTestId("party-contact"), "1");
    await user.selectOptions(screen.getByTestId("party-role"), "beneficiary");
    expect(await seriousViolations(container)).toEqual([]);
    const both = [aParty(), aParty({ contactId: 1, name: "Ana Peña", role: "beneficiary" })];
    mocks.addParty.mockResolvedValue(ok(both));
    await user.click(screen.getByTestId("party-save"));

    expect(mocks.addParty).toHaveBeenCalledWith(10, 1, "beneficiary");
    await waitFor(() => {
      expect(screen.getAllByTestId("party-item")).toHaveLength(2);
    });
    expect(screen.getByTestId("party-status").textContent).toBe(
      "Ana Peña added as beneficiary.",
    );
    expect(document.activeElement).toBe(screen.getByTestId("add-party"));

    mocks.removeParty.mockResolvedValue(ok([nth(both, 1)]));
    const remove = screen.getByRole("button", { name: "Remove Luis Peña as petitioner" });
    await user.click(remove);
    expect(mocks.removeParty).toHaveBeenCalledWith(10, 2, "petitioner");
    await waitFor(() => {
      expect(screen.getAllByTestId("party-item")).toHaveLength(1);
    });
    expect(screen.getByTestId("party-status").textContent).toContain("no longer the petitioner");
  });

  it("shows the app's reason when a party cannot be added", async () => {
    mocks.addParty.mockResolvedValue(
      fail("invalidInput", "Luis Peña is already the sponsor on this matter."),
    );
    const { user } = await openMatter();
    await user.click(screen.getByTestId("add-party"));
    await user.selectOptions(screen.getByTestId("party-contact"), "2");
    await user.selectOptions(screen.getByTestId("party-role"), "sponsor");
    await user.click(screen.getByTestId("party-save"));
    expect((await screen.findByTestId("form-error")).textContent).toContain("already the sponsor");
    expect(screen.getByTestId<HTMLSelectElement>("party-role").value).toBe("sponsor");
  });
});
