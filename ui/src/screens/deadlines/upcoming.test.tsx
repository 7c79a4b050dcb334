import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../../bindings";
import {
  aClient,
  aMatter,
  anUpcoming,
  fail,
  mockedCommands,
  ok,
  resetCommands,
} from "../../test/commands";
import { heading, nth, renderApp } from "../../test/render";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
const mocks = mockedCommands(commands);

// West of UTC, so that late in the evening it is already tomorrow in UTC: "today" must be local.
// Hoisted: set before the app's date formats are made.
vi.hoisted(() => {
  vi.stubEnv("TZ", "America/Los_Angeles");
});

afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(() => {
  resetCommands(mocks);
  // Only the clock is fake: "today" is Wednesday, May 20, 2026, late in the evening, local time.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(2026, 4, 20, 23, 30));
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function upcomingItems(): HTMLElement[] {
  return screen.queryAllByTestId("upcoming-deadline");
}

function mark(item: HTMLElement | undefined): string | null {
  if (item === undefined) throw new Error("no such item");
  return within(item).queryByTestId("due-mark")?.textContent ?? null;
}

describe("upcoming deadlines on the landing page", () => {
  it("lists the next open deadlines soonest first, marking overdue and due-soon ones", async () => {
    mocks.upcomingDeadlines.mockResolvedValue(
      ok([
        anUpcoming({ id: 5, due: "2026-05-28" }, { clientName: "Bo Andersson" }),
        anUpcoming({ id: 2, due: "2026-05-20" }),
        anUpcoming({ id: 4, due: "2026-05-27" }),
        anUpcoming({ id: 1, due: "2026-05-19" }, { matterTitle: "Asylum" }),
        anUpcoming({ id: 3, due: "2026-05-21" }),
      ]),
    );
    expect(new Date().toISOString()).toBe("2026-05-21T06:30:00.000Z");
    await renderApp();

    await waitFor(() => {
      expect(upcomingItems().map((item) => item.dataset.id)).toEqual(["1", "2", "3", "4", "5"]);
    });
    expect(mocks.upcomingDeadlines).toHaveBeenCalledWith(8);
    const items = upcomingItems();
    // Yesterday is overdue; today (even this late) and the next 7 days are due soon.
    expect(items.map(mark)).toEqual(["Overdue", "Due soon", "Due soon", "Due soon", null]);
    expect(items.map((item) => item.dataset.status)).toEqual([
      "overdue",
      "soon",
      "soon",
      "soon",
      "later",
    ]);

    const first = items[0];
    expect(first?.textContent).toContain("Due May 19, 2026");
    expect(first?.textContent).toContain("Ana Peña — Asylum");
    expect(first?.textContent).toContain("Response to a Request for Evidence (12 weeks)");
    expect(items[4]?.textContent).toContain("Bo Andersson — I-130 for spouse");
  });

  it("uses the date that counts, the attorney's when there is one", async () => {
    mocks.upcomingDeadlines.mockResolvedValue(
      ok([
        anUpcoming({
          id: 1,
          computedDue: "2026-05-28",
          overrideDue: "2026-05-18",
          overrideReason: "Served earlier",
          due: "2026-05-18",
        }),
      ]),
    );
    await renderApp();
    const item = await screen.findByTestId("upcoming-deadline");
    expect(mark(item)).toBe("Overdue");
    expect(item.textContent).toContain("Due May 18, 2026");
  });

  it("says when there are no open deadlines", async () => {
    await renderApp();
    expect(await screen.findByText("No open deadlines.")).toBeDefined();
    expect(screen.getByRole("heading", { name: "Upcoming deadlines" })).toBeDefined();
    expect(upcomingItems()).toHaveLength(0);
  });

  it("shows the app's message when the deadlines cannot be read", async () => {
    mocks.upcomingDeadlines.mockResolvedValue(fail("database", "The case database is busy."));
    await renderApp();
    const panel = screen.getByTestId("upcoming-deadlines");
    expect((await within(panel).findByRole("alert")).textContent).toBe(
      "The case database is busy.",
    );
  });

  it("opens the deadline's matter, by mouse or from the keyboard", async () => {
    const asylum = aMatter({ id: 11, title: "Asylum" });
    mocks.upcomingDeadlines.mockResolvedValue(
      ok([
        anUpcoming({ id: 1, matterId: 10, due: "2026-05-25" }),
        anUpcoming({ id: 2, matterId: 11, due: "2026-06-25" }, { matterTitle: "Asylum" }),
      ]),
    );
    mocks.matter.mockImplementation((id) =>
      Promise.resolve(ok(id === 11 ? asylum : aMatter({ id: 10 }))),
    );
    mocks.client.mockResolvedValue(ok(aClient()));
    const { user } = await renderApp();
    await waitFor(() => {
      expect(upcomingItems()).toHaveLength(2);
    });

    upcomingItems()[0]?.focus();
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement).toBe(upcomingItems()[1]);
    await user.keyboard("{Enter}");

    const name = await screen.findByTestId("matter-name");
    expect(name.textContent).toBe("Asylum");
    expect(mocks.matter).toHaveBeenCalledWith(11);
    expect(heading().textContent).toBe("Clients");
    await waitFor(() => {
      expect(document.activeElement).toBe(name);
    });

    await user.click(screen.getByTestId("nav-clients"));
    const first = nth(await screen.findAllByTestId("upcoming-deadline"), 0);
    expect(first.dataset.id).toBe("1");
    await user.click(first);
    expect((await screen.findByTestId("matter-name")).textContent).toBe("I-130 for spouse");
  });
});
