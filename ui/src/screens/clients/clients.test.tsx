import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../../bindings";
import {
  aClient,
  aContact,
  aMatter,
  fail,
  mockedCommands,
  ok,
  resetCommands,
} from "../../test/commands";
import { heading, renderApp } from "../../test/render";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
const mocks = mockedCommands(commands);

const ANA = aClient({ id: 1, name: "Ana Peña", aNumber: "A012345678", matters: 1 });
const BO = aClient({ id: 2, name: "Bo Andersson" });
const CHEN = aClient({ id: 3, name: "Mei Chen" });

beforeEach(() => {
  resetCommands(mocks);
});

afterEach(() => {
  cleanup();
});

function clientItems(): HTMLElement[] {
  return screen.queryAllByTestId("client-item");
}

describe("client list", () => {
  it("lists clients and filters them by name as you type, accents or not", async () => {
    mocks.clients.mockResolvedValue(ok([ANA, BO, CHEN]));
    const { user } = await renderApp();
    await waitFor(() => {
      expect(clientItems()).toHaveLength(3);
    });

    await user.type(screen.getByTestId("client-filter"), "pena");
    expect(clientItems().map((item) => item.dataset.id)).toEqual(["1"]);
    expect(clientItems()[0]?.textContent).toContain("A012345678");

    await user.clear(screen.getByTestId("client-filter"));
    await user.type(screen.getByTestId("client-filter"), "nobody");
    expect(clientItems()).toHaveLength(0);
    expect(screen.getByText("No clients match “nobody”.")).toBeDefined();
  });

  it("moves through the list with Up and Down and opens a client with Enter", async () => {
    mocks.clients.mockResolvedValue(ok([ANA, BO, CHEN]));
    mocks.client.mockResolvedValue(ok(BO));
    const { user } = await renderApp();
    await waitFor(() => {
      expect(clientItems()).toHaveLength(3);
    });

    screen.getByTestId("client-filter").focus();
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement).toBe(clientItems()[0]);
    await user.keyboard("{ArrowDown}{ArrowDown}{ArrowDown}");
    expect(document.activeElement).toBe(clientItems()[2]);
    await user.keyboard("{ArrowUp}");
    expect(document.activeElement).toBe(clientItems()[1]);
    await user.keyboard("{Enter}");

    const name = await screen.findByTestId("client-name");
    expect(name.tagName).toBe("H2");
    expect(name.textContent).toBe("Bo Andersson");
    expect(mocks.client).toHaveBeenCalledWith(2);
    expect(heading().textContent).toBe("Clients");
    await waitFor(() => {
      expect(document.activeElement).toBe(name);
    });

    // Back to the list, on the client the user came from.
    await user.click(screen.getByTestId("back-to-clients"));
    await waitFor(() => {
      expect(document.activeElement).toBe(clientItems()[1]);
    });
  });

  it("goes back to the filter box with Up from the first client", async () => {
    mocks.clients.mockResolvedValue(ok([ANA, BO]));
    const { user } = await renderApp();
    await waitFor(() => {
      expect(clientItems()).toHaveLength(2);
    });
    clientItems()[0]?.focus();
    await user.keyboard("{ArrowUp}");
    expect(document.activeElement).toBe(screen.getByTestId("client-filter"));
  });
});

describe("new client", () => {
  it("saves a client, and the new client appears in the list", async () => {
    mocks.clients.mockResolvedValueOnce(ok([BO]));
    const created = aClient({ id: 7, name: "Ana Peña", aNumber: "A012345678" });
    mocks.createClient.mockResolvedValue(ok(created));
    mocks.clients.mockResolvedValue(ok([created, BO]));
    const { user } = await renderApp();

    await user.click(screen.getByTestId("new-client"));
    expect(document.activeElement).toBe(screen.getByTestId("client-given-name"));
    await user.type(screen.getByTestId("client-given-name"), "Ana");
    await user.type(screen.getByTestId("client-family-name"), "Peña");
    await user.type(screen.getByTestId("client-a-number"), " A012345678 ");
    await user.click(screen.getByTestId("client-save"));

    expect(mocks.createClient).toHaveBeenCalledWith("Ana", "Peña", "A012345678");
    await waitFor(() => {
      expect(clientItems().map((item) => item.dataset.id)).toEqual(["7", "2"]);
    });
    expect(screen.queryByTestId("client-given-name")).toBeNull();
    expect(screen.queryByTestId("form-error")).toBeNull();
    await waitFor(() => {
      expect(document.activeElement).toBe(clientItems()[0]);
    });
  });

  it("sends no A-number when the field is left empty", async () => {
    mocks.createClient.mockResolvedValue(ok(aClient({ id: 8, name: "Bo Andersson" })));
    const { user } = await renderApp();
    await user.click(screen.getByTestId("new-client"));
    await user.type(screen.getByTestId("client-given-name"), "Bo");
    await user.type(screen.getByTestId("client-family-name"), "Andersson");
    await user.click(screen.getByTestId("client-save"));
    expect(mocks.createClient).toHaveBeenCalledWith("Bo", "Andersson", null);
  });

  it("shows the app's message under the form when the A-number is not valid", async () => {
    const message = '"12" is not an A-number: write A followed by 7 to 9 digits, e.g. A012345678.';
    mocks.createClient.mockResolvedValue(fail("invalidInput", message));
    const { user } = await renderApp();

    await user.click(screen.getByTestId("new-client"));
    await user.type(screen.getByTestId("client-given-name"), "Ana");
    await user.type(screen.getByTestId("client-family-name"), "Peña");
    await user.type(screen.getByTestId("client-a-number"), "12");
    await user.keyboard("{Enter}");

    const error = await screen.findByTestId("form-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toBe(message);
    // The form stays open with what was typed, ready to be corrected.
    expect(screen.getByTestId<HTMLInputElement>("client-a-number").value).toBe("12");
    expect(mocks.clients).toHaveBeenCalledTimes(1);
  });

  it("treats a rejection from Tauri itself as the backend being unreachable", async () => {
    mocks.createClient.mockResolvedValue({
      status: "error",
      error: "Command create_client not allowed by ACL" as never,
    });
    const { user } = await renderApp();
    await user.click(screen.getByTestId("new-client"));
    await user.type(screen.getByTestId("client-given-name"), "Ana");
    await user.click(screen.getByTestId("client-save"));
    expect((await screen.findByTestId("form-error")).textContent).toMatch(/background service/);
  });
});

describe("client page", () => {
  async function openAna() {
    mocks.clients.mockResolvedValue(ok([ANA]));
    mocks.client.mockResolvedValue(ok(ANA));
    const app = await renderApp();
    await app.user.click(await screen.findByTestId("client-item"));
    await screen.findByTestId("client-name");
    return app;
  }

  it("shows the A-number and the client's matters, and opens a matter", async () => {
    const matter = aMatter({ id: 10, title: "I-130 for spouse", number: "2025-014", notes: 2 });
    mocks.matters.mockResolvedValue(ok([matter]));
    mocks.matter.mockResolvedValue(ok(matter));
    mocks.contact.mockResolvedValue(ok(aContact({ aNumber: "A012345678" })));
    const { user } = await openAna();

    expect((await screen.findByTestId("detail-a-number")).textContent).toBe("A012345678");
    const item = await screen.findByTestId("matter-item");
    expect(item.dataset.id).toBe("10");
    expect(item.textContent).toContain("2025-014");
    expect(item.textContent).toContain("2 notes");

    await user.click(item);
    const name = await screen.findByTestId("matter-name");
    expect(name.tagName).toBe("H2");
    expect(name.textContent).toBe("I-130 for spouse");
    expect(await screen.findByTestId("back-to-client")).toHaveProperty(
      "textContent",
      "← Back to Ana Peña",
    );

    await user.click(screen.getByTestId("back-to-client"));
    expect((await screen.findByTestId("client-name")).textContent).toBe("Ana Peña");
  });

  it("adds a matter; a missing title is explained by the app", async () => {
    const { user } = await openAna();
    await screen.findByText(/no matters yet/i);

    await user.click(screen.getByTestId("new-matter"));
    mocks.createMatter.mockResolvedValueOnce(fail("invalidInput", "Enter a title for the matter."));
    await user.click(screen.getByTestId("matter-save"));
    expect((await screen.findByTestId("form-error")).textContent).toBe(
      "Enter a title for the matter.",
    );

    const created = aMatter({ id: 11, title: "Asylum", number: null });
    mocks.createMatter.mockResolvedValueOnce(ok(created));
    mocks.matters.mockResolvedValue(ok([created]));
    await user.type(screen.getByTestId("matter-title"), "Asylum");
    await user.click(screen.getByTestId("matter-save"));

    expect(mocks.createMatter).toHaveBeenLastCalledWith(1, "Asylum", null);
    const item = await screen.findByTestId("matter-item");
    expect(within(item).getByText("Asylum")).toBeDefined();
    expect(screen.queryByTestId("matter-title")).toBeNull();
  });

  it("choosing Clients in the rail again goes back to the list", async () => {
    const { user } = await openAna();
    await user.click(screen.getByTestId("nav-clients"));
    expect(await screen.findByTestId("client-list")).toBeDefined();
    expect(screen.queryByTestId("client-name")).toBeNull();
    expect(document.activeElement).toBe(heading());
  });
});
