import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../../bindings";
import {
  aClient,
  aMatter,
  aMatterRetention,
  fail,
  mockedCommands,
  ok,
  resetCommands,
} from "../../test/commands";
import { openFirstMatter, renderApp } from "../../test/render";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
const mocks = mockedCommands(commands);

const HOLD = {
  id: 1,
  matterId: 10,
  reason: "Subpoena 2026-17",
  setAt: "2026-03-01T09:00:00Z",
  setBy: "jroe",
  releasedAt: null,
  releasedBy: null,
};
const POLICY_90 = { days: 90, source: "policy" as const, locked: false, lockReason: null };

beforeEach(() => {
  resetCommands(mocks);
  const ana = aClient({ id: 1, name: "Ana Peña", matters: 1 });
  const matter = aMatter({ id: 10, title: "I-130 for spouse" });
  mocks.clients.mockResolvedValue(ok([ana]));
  mocks.client.mockResolvedValue(ok(ana));
  mocks.matters.mockResolvedValue(ok([matter]));
  mocks.matter.mockResolvedValue(ok(matter));
});

afterEach(() => {
  cleanup();
});

async function openMatter() {
  const app = await renderApp();
  await openFirstMatter(app.user);
  await screen.findByTestId("retention-effective");
  return app;
}

describe("a matter's retention and legal hold", () => {
  it("shows the period in force and where it comes from", async () => {
    mocks.matterRetention.mockResolvedValue(
      ok(aMatterRetention({ effective: POLICY_90, setting: POLICY_90 })),
    );
    await openMatter();
    expect(mocks.matterRetention).toHaveBeenCalledWith(10);
    expect(screen.getByTestId("retention-effective").textContent).toContain(
      "deleted 90 days after their last activity",
    );
    expect(screen.getByTestId("retention-source").textContent).toBe("Set by your firm's policy.");
    expect(screen.getByTestId("legal-hold").dataset.held).toBe("false");
  });

  it("sets the matter's own period, or clears it to follow the setting again", async () => {
    mocks.matterRetention.mockResolvedValue(
      ok(aMatterRetention({ effective: POLICY_90, setting: POLICY_90 })),
    );
    mocks.setMatterRetention.mockResolvedValue(ok(aMatterRetention()));
    const { user } = await openMatter();
    await user.click(screen.getByTestId("retention-change"));
    await user.type(screen.getByTestId("retention-days"), "400");
    await user.click(screen.getByTestId("retention-save"));
    expect(mocks.setMatterRetention).toHaveBeenCalledWith(10, 400);
    await waitFor(() => {
      expect(screen.getByTestId("retention-status").textContent).toBe("Retention period saved.");
    });
    await user.click(screen.getByTestId("retention-change"));
    await user.click(screen.getByTestId("retention-save"));
    expect(mocks.setMatterRetention).toHaveBeenLastCalledWith(10, null);
  });

  it("shows a locked period as managed by the IT provider with the reason, and offers no change", async () => {
    const locked = {
      days: 365,
      source: "policy" as const,
      locked: true,
      lockReason: "The firm keeps AI history one year.",
    };
    mocks.matterRetention.mockResolvedValue(ok(aMatterRetention({ effective: locked })));
    await openMatter();
    const note = screen.getByTestId("lock-note");
    expect(note.textContent).toBe(
      "Managed by your IT provider: The firm keeps AI history one year.",
    );
    expect(screen.queryByTestId("retention-change")).toBeNull();
  });

  it("shows a refused period's reason beside the form", async () => {
    mocks.setMatterRetention.mockResolvedValue(
      fail("policyBlocked", "Managed by your IT provider: the firm's policy sets the period."),
    );
    const { user } = await openMatter();
    await user.click(screen.getByTestId("retention-change"));
    await user.type(screen.getByTestId("retention-days"), "30");
    await user.click(screen.getByTestId("retention-save"));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("the firm's policy sets the period");
  });

  it("places a hold only with a reason, then shows who placed it and when, and releases it", async () => {
    mocks.setLegalHold.mockResolvedValue(ok(aMatterRetention({ hold: HOLD })));
    const { user } = await openMatter();
    await user.click(screen.getByTestId("legal-hold-place"));
    await user.click(screen.getByTestId("legal-hold-save"));
    expect(mocks.setLegalHold).not.toHaveBeenCalled();
    expect((await screen.findByRole("alert")).textContent).toContain("Write why the matter is held");

    mocks.matterRetention.mockResolvedValue(ok(aMatterRetention({ hold: HOLD })));
    await user.type(screen.getByTestId("legal-hold-reason"), "Subpoena 2026-17");
    await user.click(screen.getByTestId("legal-hold-save"));
    expect(mocks.setLegalHold).toHaveBeenCalledWith(10, "Subpoena 2026-17");
    await waitFor(() => {
      expect(screen.getByTestId("legal-hold").dataset.held).toBe("true");
    });
    const hold = screen.getByTestId("legal-hold");
    expect(hold.textContent).toContain("Under legal hold");
    expect(hold.textContent).toContain("placed by jroe: Subpoena 2026-17");
    expect(within(hold).getByRole("time").getAttribute("datetime")).toBe(HOLD.setAt);

    mocks.releaseLegalHold.mockResolvedValue(ok(aMatterRetention()));
    mocks.matterRetention.mockResolvedValue(ok(aMatterRetention()));
    await user.click(screen.getByTestId("legal-hold-release"));
    expect(mocks.releaseLegalHold).toHaveBeenCalledWith(10);
    await waitFor(() => {
      expect(screen.getByTestId("legal-hold").dataset.held).toBe("false");
    });
  });
});
