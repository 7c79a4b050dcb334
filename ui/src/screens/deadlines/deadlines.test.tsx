import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../../bindings";
import {
  aClient,
  aDeadline,
  aMatter,
  aNotice,
  fail,
  mockedCommands,
  ok,
  resetCommands,
} from "../../test/commands";
import { openFirstMatter, renderApp } from "../../test/render";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
const mocks = mockedCommands(commands);

const MATTER = aMatter({ id: 10, title: "I-129F for fiancé" });
const RFE = aDeadline({ id: 400 });

beforeEach(() => {
  resetCommands(mocks);
  mocks.clients.mockResolvedValue(ok([aClient({ id: 1 })]));
  mocks.client.mockResolvedValue(ok(aClient({ id: 1 })));
  mocks.matters.mockResolvedValue(ok([MATTER]));
  mocks.matter.mockResolvedValue(ok(MATTER));
});

afterEach(() => {
  cleanup();
});

async function openMatter() {
  const app = await renderApp();
  await openFirstMatter(app.user);
  return app;
}

function deadlineItems(): HTMLElement[] {
  return screen.queryAllByTestId("deadline-item");
}

async function onlyDeadline(): Promise<HTMLElement> {
  await waitFor(() => {
    expect(deadlineItems()).toHaveLength(1);
  });
  return screen.getByTestId("deadline-item");
}

describe("recording a notice", () => {
  it("records an RFE, announces the deadline the app computed and lists it", async () => {
    const { user } = await openMatter();
    await screen.findByText(/No deadlines yet/);

    await user.click(screen.getByTestId("add-notice"));
    const kind = screen.getByTestId("notice-kind");
    expect(kind.tagName).toBe("SELECT");
    expect(document.activeElement).toBe(kind);
    // The I-539 question only makes sense for an RFE.
    expect(screen.queryByTestId("notice-i539")).toBeNull();
    await user.selectOptions(kind, "rfe");
    expect(screen.getByTestId("notice-i539")).toBeDefined();
    await user.selectOptions(kind, "noid");
    expect(screen.queryByTestId("notice-i539")).toBeNull();
    await user.selectOptions(kind, "rfe");

    await user.type(screen.getByTestId("notice-date"), "2026-03-02");
    expect(screen.getByTestId("notice-service").tagName).toBe("SELECT");
    await user.selectOptions(screen.getByTestId("notice-service"), "mail");

    mocks.addNotice.mockResolvedValueOnce(ok([aNotice(), RFE]));
    mocks.deadlines.mockResolvedValue(ok([RFE]));
    await user.click(screen.getByTestId("notice-save"));

    expect(mocks.addNotice).toHaveBeenCalledWith(10, "rfe", "2026-03-02", "mail", null, false);
    const status = screen.getByTestId("deadline-status");
    await waitFor(() => {
      expect(status.textContent).toContain("Response due May 28, 2026");
    });
    expect(status.getAttribute("role")).toBe("status");
    expect(screen.queryByTestId("notice-kind")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("add-notice"));

    const item = await onlyDeadline();
    expect(item.dataset.id).toBe("400");
    expect(item.dataset.due).toBe("2026-05-28");
    expect(item.dataset.done).toBe("false");
    expect(within(item).getByRole("heading", { level: 4 }).textContent).toContain(
      "Due May 28, 2026",
    );
    expect(item.textContent).toContain("Response to a Request for Evidence (12 weeks)");
    expect(item.textContent).toContain("Source: 8 CFR 103.2(b)(8)(iv)");

    // The explanation is there on demand.
    const details = item.querySelector("details");
    expect(details?.open).toBe(false);
    await user.click(within(item).getByText("How this date was worked out"));
    expect(details?.open).toBe(true);
    expect(details?.textContent).toContain(
      "84 days from the notice date 2026-03-02, plus 3 days for service by mail",
    );
  });

  it("sends the printed due date and the I-539 answer", async () => {
    const { user } = await openMatter();
    await user.click(await screen.findByTestId("add-notice"));
    await user.selectOptions(screen.getByTestId("notice-kind"), "rfe");
    await user.type(screen.getByTestId("notice-date"), "2026-01-15");
    await user.selectOptions(screen.getByTestId("notice-service"), "personal");
    await user.type(screen.getByTestId("notice-printed-due"), "2026-02-13");
    await user.click(screen.getByTestId("notice-i539"));

    const deadline = aDeadline({ id: 401, due: "2026-02-13", computedDue: "2026-02-13" });
    mocks.addNotice.mockResolvedValueOnce(ok([aNotice(), deadline]));
    await user.click(screen.getByTestId("notice-save"));
    expect(mocks.addNotice).toHaveBeenCalledWith(
      10,
      "rfe",
      "2026-01-15",
      "personal",
      "2026-02-13",
      true,
    );
  });

  it("says so when the notice starts no deadline", async () => {
    const { user } = await openMatter();
    await user.click(await screen.findByTestId("add-notice"));
    await user.selectOptions(screen.getByTestId("notice-kind"), "receipt");
    await user.type(screen.getByTestId("notice-date"), "2026-01-20");
    await user.selectOptions(screen.getByTestId("notice-service"), "mail");
    mocks.addNotice.mockResolvedValueOnce(ok([aNotice({ kind: "receipt" }), null]));
    await user.click(screen.getByTestId("notice-save"));

    await waitFor(() => {
      expect(screen.getByTestId("deadline-status").textContent).toBe(
        "Receipt notice recorded. It does not start a deadline.",
      );
    });
  });

  it("asks for the kind, the date and the service before asking the app", async () => {
    const { user } = await openMatter();
    await user.click(await screen.findByTestId("add-notice"));

    await user.click(screen.getByTestId("notice-save"));
    expect(screen.getByTestId("form-error").textContent).toBe(
      "Choose what kind of notice this is.",
    );
    await user.selectOptions(screen.getByTestId("notice-kind"), "noid");
    await user.click(screen.getByTestId("notice-save"));
    expect(screen.getByTestId("form-error").textContent).toMatch(/notice date/);
    await user.type(screen.getByTestId("notice-date"), "2026-02-01");
    await user.click(screen.getByTestId("notice-save"));
    expect(screen.getByTestId("form-error").textContent).toMatch(/how the notice was served/);
    expect(mocks.addNotice).not.toHaveBeenCalled();

    mocks.addNotice.mockResolvedValueOnce(fail("invalidInput", "The notice date is too old."));
    await user.selectOptions(screen.getByTestId("notice-service"), "electronic");
    await user.click(screen.getByTestId("notice-save"));
    expect(await screen.findByText("The notice date is too old.")).toHaveProperty(
      "dataset.testid",
      "form-error",
    );
  });

  it("closes the form on Cancel and gives focus back to its button", async () => {
    const { user } = await openMatter();
    await user.click(await screen.findByTestId("add-notice"));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByTestId("notice-kind")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("add-notice"));
  });
});

describe("deadlines from events", () => {
  it("adds the BIA appeal deadline from a judge's decision", async () => {
    const { user } = await openMatter();
    await user.click(await screen.findByTestId("add-event-deadline"));
    const event = screen.getByTestId("event-kind");
    expect(event.tagName).toBe("SELECT");
    expect(document.activeElement).toBe(event);
    await user.selectOptions(event, "judgeDecision");
    expect(screen.getByLabelText(/Date of the decision/)).toBe(screen.getByTestId("event-date"));
    await user.type(screen.getByTestId("event-date"), "2026-03-10");

    const bia = aDeadline({
      id: 410,
      rule: "Form EOIR-26 appeal to the BIA (30 days, received)",
      source: "8 CFR 1003.38(b)",
      computedDue: "2026-04-09",
      due: "2026-04-09",
    });
    mocks.addEventDeadline.mockResolvedValueOnce(ok(bia));
    mocks.deadlines.mockResolvedValue(ok([bia]));
    await user.click(screen.getByTestId("event-save"));

    expect(mocks.addEventDeadline).toHaveBeenCalledWith(10, "judgeDecision", "2026-03-10");
    await waitFor(() => {
      expect(screen.getByTestId("deadline-status").textContent).toBe(
        "Deadline added: Form EOIR-26 appeal to the BIA (30 days, received), due Apr 9, 2026.",
      );
    });
    expect((await onlyDeadline()).dataset.due).toBe("2026-04-09");
    expect(document.activeElement).toBe(screen.getByTestId("add-event-deadline"));
  });

  it("asks for the event and its date", async () => {
    const { user } = await openMatter();
    await user.click(await screen.findByTestId("add-event-deadline"));
    await user.click(screen.getByTestId("event-save"));
    expect(screen.getByTestId("form-error").textContent).toBe(
      "Choose the event the deadline runs from.",
    );
    await user.selectOptions(screen.getByTestId("event-kind"), "lastArrival");
    await user.click(screen.getByTestId("event-save"));
    expect(screen.getByTestId("form-error").textContent).toBe(
      "Enter the date of the last arrival.",
    );
    expect(mocks.addEventDeadline).not.toHaveBeenCalled();
  });
});

describe("the deadline list", () => {
  it("lists deadlines soonest first, with warnings and filing windows", async () => {
    mocks.deadlines.mockResolvedValue(
      ok([
        aDeadline({ id: 3, due: "2026-09-01", computedDue: "2026-09-01", opensOn: "2026-06-03" }),
        aDeadline({
          id: 1,
          due: "2026-06-30",
          warnings: ["The printed due date 2026-06-30 is later than the longest period."],
        }),
        aDeadline({ id: 2, due: "2026-05-28" }),
      ]),
    );
    await openMatter();
    await waitFor(() => {
      expect(deadlineItems().map((item) => item.dataset.id)).toEqual(["2", "1", "3"]);
    });
    const [, warned, window] = deadlineItems();
    expect(within(warned ?? document.body).getByTestId("deadline-warning").textContent).toBe(
      "Check: The printed due date 2026-06-30 is later than the longest period.",
    );
    expect(window?.textContent).toContain("Can be filed from Jun 3, 2026");
  });

  it("marks a deadline done and open again", async () => {
    mocks.deadlines.mockResolvedValue(ok([RFE]));
    const { user } = await openMatter();
    const item = await onlyDeadline();
    const box = within(item).getByTestId("deadline-done");
    expect(box).toHaveProperty("checked", false);
    expect(within(item).getByRole("checkbox", { name: /^Done/ })).toBe(box);

    mocks.completeDeadline.mockResolvedValueOnce(ok({ ...RFE, done: true }));
    mocks.deadlines.mockResolvedValue(ok([{ ...RFE, done: true }]));
    await user.click(box);
    expect(mocks.completeDeadline).toHaveBeenCalledWith(400, true);
    await waitFor(() => {
      expect(screen.getByTestId("deadline-item").dataset.done).toBe("true");
    });
    expect(within(screen.getByTestId("deadline-item")).getByTestId("due-mark").textContent).toBe(
      "Done",
    );
    expect(screen.getByTestId("deadline-done")).toHaveProperty("checked", true);

    // And back, from the keyboard.
    mocks.completeDeadline.mockResolvedValueOnce(ok(RFE));
    mocks.deadlines.mockResolvedValue(ok([RFE]));
    screen.getByTestId("deadline-done").focus();
    await user.keyboard(" ");
    expect(mocks.completeDeadline).toHaveBeenLastCalledWith(400, false);
    await waitFor(() => {
      expect(screen.getByTestId("deadline-item").dataset.done).toBe("false");
    });
  });

  it("shows the app's message and leaves the box as it was when marking done fails", async () => {
    mocks.deadlines.mockResolvedValue(ok([RFE]));
    mocks.completeDeadline.mockResolvedValueOnce(fail("notFound", "Deadline 400 does not exist."));
    const { user } = await openMatter();
    const item = await onlyDeadline();
    await user.click(within(item).getByTestId("deadline-done"));
    expect((await within(item).findByRole("alert")).textContent).toBe(
      "Deadline 400 does not exist.",
    );
    expect(within(item).getByTestId("deadline-done")).toHaveProperty("checked", false);
    expect(item.dataset.done).toBe("false");
  });
});

describe("changing a due date", () => {
  const OVERRIDDEN = aDeadline({
    id: 400,
    overrideDue: "2026-05-20",
    overrideReason: "The notice prints May 20",
    due: "2026-05-20",
  });

  it("needs a reason, then shows the computed date beside the attorney's", async () => {
    mocks.deadlines.mockResolvedValue(ok([RFE]));
    const { user } = await openMatter();
    const item = await onlyDeadline();
    expect(within(item).queryByTestId("override-clear")).toBeNull();

    await user.click(within(item).getByTestId("deadline-override"));
    const date = within(item).getByTestId("override-date");
    expect(date.getAttribute("type")).toBe("date");
    expect(date).toHaveProperty("value", "2026-05-28");
    expect(document.activeElement).toBe(date);
    await user.clear(date);
    await user.type(date, "2026-05-20");

    await user.click(within(item).getByTestId("override-save"));
    expect(within(item).getByTestId("form-error").textContent).toMatch(/Say why the date differs/);
    expect(mocks.overrideDeadline).not.toHaveBeenCalled();

    await user.type(within(item).getByTestId("override-reason"), "The notice prints May 20");
    mocks.overrideDeadline.mockResolvedValueOnce(ok(OVERRIDDEN));
    mocks.deadlines.mockResolvedValue(ok([OVERRIDDEN]));
    await user.click(within(item).getByTestId("override-save"));

    expect(mocks.overrideDeadline).toHaveBeenCalledWith(
      400,
      "2026-05-20",
      "The notice prints May 20",
    );
    await waitFor(() => {
      expect(screen.getByTestId("deadline-item").dataset.due).toBe("2026-05-20");
    });
    const changed = screen.getByTestId("deadline-item");
    expect(within(changed).getByTestId("deadline-dates").textContent).toBe(
      "Computed: May 28, 2026, Attorney's date: May 20, 2026 — The notice prints May 20",
    );
    expect(within(changed).getByRole("heading", { level: 4 }).textContent).toContain(
      "Due May 20, 2026",
    );
    expect(within(changed).queryByTestId("override-date")).toBeNull();
    expect(document.activeElement).toBe(within(changed).getByTestId("deadline-override"));
    expect(screen.getByTestId("deadline-status").textContent).toMatch(
      /Due date changed to May 20, 2026\. The computed date, May 28, 2026, stays on record\./,
    );
  });

  it("does not clear the date when the date field is emptied", async () => {
    mocks.deadlines.mockResolvedValue(ok([OVERRIDDEN]));
    const { user } = await openMatter();
    const item = await onlyDeadline();
    await user.click(within(item).getByTestId("deadline-override"));
    expect(within(item).getByTestId("override-reason")).toHaveProperty(
      "value",
      "The notice prints May 20",
    );
    await user.clear(within(item).getByTestId("override-date"));
    await user.click(within(item).getByTestId("override-save"));
    expect(within(item).getByTestId("form-error").textContent).toBe(
      "Enter the date that should count.",
    );
    expect(mocks.overrideDeadline).not.toHaveBeenCalled();
  });

  it("goes back to the computed date with Use computed date", async () => {
    mocks.deadlines.mockResolvedValue(ok([OVERRIDDEN]));
    const { user } = await openMatter();
    const item = await onlyDeadline();
    expect(item.dataset.due).toBe("2026-05-20");

    mocks.overrideDeadline.mockResolvedValueOnce(ok(RFE));
    mocks.deadlines.mockResolvedValue(ok([RFE]));
    await user.click(within(item).getByTestId("override-clear"));

    expect(mocks.overrideDeadline).toHaveBeenCalledWith(400, null, "");
    await waitFor(() => {
      expect(screen.getByTestId("deadline-item").dataset.due).toBe("2026-05-28");
    });
    expect(screen.queryByTestId("deadline-dates")).toBeNull();
    expect(screen.queryByTestId("override-clear")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("deadline-override"));
  });
});
