import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../../bindings";
import {
  aClient,
  aFiling,
  aMatter,
  fail,
  mockedCommands,
  ok,
  resetCommands,
} from "../../test/commands";
import { openFirstMatter, renderApp } from "../../test/render";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
const mocks = mockedCommands(commands);

const MATTER = aMatter({ id: 10, title: "I-130 for spouse" });

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

function filingItems(): HTMLElement[] {
  return screen.queryAllByTestId("filing-item");
}

describe("filings", () => {
  it("lists a matter's filings with form, date filed and receipt number", async () => {
    mocks.filings.mockResolvedValue(
      ok([
        aFiling({ id: 200, formType: "I-130", filedOn: "2026-01-12" }),
        aFiling({ id: 201, formType: "I-485", filedOn: null, receiptNumber: null }),
      ]),
    );
    await openMatter();

    await waitFor(() => {
      expect(filingItems().map((item) => item.dataset.id)).toEqual(["200", "201"]);
    });
    expect(mocks.filings).toHaveBeenCalledWith(10);
    const [first, second] = filingItems();
    expect(first?.textContent).toContain("I-130");
    expect(first?.textContent).toContain("Filed Jan 12, 2026");
    expect(first?.querySelector("time")?.getAttribute("datetime")).toBe("2026-01-12");
    expect(first?.textContent).toContain("IOE0912345678");
    expect(second?.textContent).toContain("Filing date not recorded");
    expect(second?.textContent).toContain("No receipt number yet");
  });

  it("says when there are no filings yet", async () => {
    await openMatter();
    expect(await screen.findByText(/No filings yet/)).toBeDefined();
  });

  it("adds a filing; the receipt number goes to the app as typed", async () => {
    const { user } = await openMatter();
    await screen.findByText(/No filings yet/);

    await user.click(screen.getByTestId("add-filing"));
    expect(document.activeElement).toBe(screen.getByTestId("filing-form-type"));
    expect(screen.getByTestId("filing-filed-on").getAttribute("type")).toBe("date");
    await user.type(screen.getByTestId("filing-form-type"), " I-130 ");
    await user.type(screen.getByTestId("filing-filed-on"), "2026-01-12");
    await user.type(screen.getByTestId("filing-receipt"), "EAC-26-901-23456");

    const saved = aFiling({ id: 202, filedOn: "2026-01-12", receiptNumber: "EAC2690123456" });
    mocks.addFiling.mockResolvedValueOnce(ok(saved));
    mocks.filings.mockResolvedValue(ok([saved]));
    await user.click(screen.getByTestId("filing-save"));

    expect(mocks.addFiling).toHaveBeenCalledWith(10, "I-130", "2026-01-12", "EAC-26-901-23456");
    await waitFor(() => {
      expect(filingItems()).toHaveLength(1);
    });
    const item = screen.getByTestId("filing-item");
    expect(item.dataset.id).toBe("202");
    expect(within(item).getByText("EAC2690123456")).toBeDefined();
    expect(screen.queryByTestId("filing-form-type")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("add-filing"));
    expect(screen.getByTestId("filing-status").textContent).toBe("I-130 added to the filings.");
  });

  it("sends no date or receipt number when they are left empty", async () => {
    const { user } = await openMatter();
    await user.click(await screen.findByTestId("add-filing"));
    await user.type(screen.getByTestId("filing-form-type"), "I-765");
    mocks.addFiling.mockResolvedValueOnce(ok(aFiling({ formType: "I-765" })));
    await user.click(screen.getByTestId("filing-save"));
    expect(mocks.addFiling).toHaveBeenCalledWith(10, "I-765", null, null);
  });

  it("shows the app's message under the form when the receipt number is not one", async () => {
    const message =
      '"EAC123" is not a receipt number: three letters and ten digits, e.g. EAC2390123456 or EAC-23-901-23456.';
    mocks.addFiling.mockResolvedValueOnce(fail("invalidInput", message));
    const { user } = await openMatter();
    await user.click(await screen.findByTestId("add-filing"));
    await user.type(screen.getByTestId("filing-form-type"), "I-130");
    await user.type(screen.getByTestId("filing-receipt"), "EAC123");
    await user.click(screen.getByTestId("filing-save"));

    const error = await screen.findByTestId("form-error");
    expect(error.textContent).toBe(message);
    expect(error.getAttribute("role")).toBe("alert");
    // The form stays open with what was typed, ready to be corrected.
    expect(screen.getByTestId("filing-receipt")).toHaveProperty("value", "EAC123");
    expect(filingItems()).toHaveLength(0);
  });
});
