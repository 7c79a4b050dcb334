import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./App";
import { commands } from "./bindings";
import { mockedCommands, resetCommands } from "./test/commands";
import { DATA_DIR, failed, ok, workspaceStatus } from "./test/workspace";

vi.mock("./bindings", async () => (await import("./test/commands")).bindingsModule());
const mocks = mockedCommands(commands);
const workspaceStatusCommand = mocks.workspaceStatus;

beforeEach(() => {
  resetCommands(mocks);
});

afterEach(() => {
  cleanup();
});

async function renderLoaded() {
  const user = userEvent.setup();
  const view = render(<App />);
  await waitFor(() => {
    expect(view.container.firstElementChild).toHaveProperty("dataset.ready", "true");
  });
  return { user, ...view };
}

function heading() {
  return screen.getByTestId("screen-heading");
}

describe("status line", () => {
  it("says it is connecting until the status arrives, then shows version, folder and keychain", async () => {
    let answer: (value: ReturnType<typeof ok>) => void = () => undefined;
    workspaceStatusCommand.mockReturnValue(
      new Promise((resolve) => {
        answer = resolve;
      }),
    );
    const { container } = render(<App />);

    const keychain = screen.getByTestId("status-keychain");
    expect(keychain.dataset.state).toBe("loading");
    expect(screen.getByTestId("status-line").textContent).toContain("Connecting…");
    expect(container.firstElementChild).toHaveProperty("dataset.ready", "false");

    answer(ok());

    expect((await screen.findByTestId("status-version")).textContent).toContain("0.1.0");
    expect(screen.getByTestId("status-data-dir").textContent).toBe(DATA_DIR);
    expect(screen.getByTestId("status-keychain").dataset.state).toBe("reachable");
    expect(screen.getByTestId("status-keychain").textContent).toBe("Keychain ready");
    expect(container.firstElementChild).toHaveProperty("dataset.ready", "true");
    expect(screen.queryByTestId("error-banner")).toBeNull();
  });

  it("warns when the keychain cannot be reached, and Settings explains why", async () => {
    const message = "No OS keychain is reachable, so Casefile cannot read or store credentials.";
    workspaceStatusCommand.mockResolvedValue(
      ok(workspaceStatus({ state: "unreachable", code: "keychainUnavailable", message })),
    );
    const { user } = await renderLoaded();

    const keychain = screen.getByTestId("status-keychain");
    expect(keychain.dataset.state).toBe("unreachable");
    expect(keychain.textContent).toMatch(/keychain unavailable/i);
    expect(keychain.title).toBe(message);

    await user.click(screen.getByTestId("nav-settings"));
    expect(screen.getByText(message)).toBeDefined();
  });

  it("says the keychain is locked when access was refused", async () => {
    workspaceStatusCommand.mockResolvedValue(
      ok(workspaceStatus({ state: "unreachable", code: "keychainAccessDenied", message: "x" })),
    );
    await renderLoaded();
    expect(screen.getByTestId("status-keychain").textContent).toMatch(/keychain locked/i);
  });
});

describe("start-up errors", () => {
  it("shows the error in an alert banner with a headline chosen by its code", async () => {
    const message = "Could not use /srv/casefile: permission denied.";
    workspaceStatusCommand.mockResolvedValue(failed({ code: "storage", message }));
    await renderLoaded();

    const banner = screen.getByRole("alert");
    expect(banner.dataset.testid).toBe("error-banner");
    expect(banner.textContent).toContain(message);
    expect(within(banner).getByText(/workspace folder/i)).toBeDefined();
    expect(screen.getByTestId("status-keychain").dataset.state).toBe("unreachable");
    expect(screen.queryByTestId("status-data-dir")).toBeNull();
  });

  it("treats a failure outside the command (not an IpcError) as an internal error", async () => {
    workspaceStatusCommand.mockResolvedValue(
      // What Tauri itself rejects with when, say, a permission is missing.
      failed("Command workspace_status not allowed by ACL" as never),
    );
    await renderLoaded();
    expect(screen.getByTestId("error-banner").textContent).toMatch(/background service/i);
  });

  it("shows an error when the call itself throws", async () => {
    workspaceStatusCommand.mockRejectedValue(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    await renderLoaded();
    expect(screen.getByTestId("error-banner").textContent).toMatch(/background service/i);
  });
});

describe("navigation", () => {
  it("starts on Clients with a useful empty state", async () => {
    workspaceStatusCommand.mockResolvedValue(ok());
    await renderLoaded();

    expect(heading().textContent).toBe("Clients");
    expect(screen.getByTestId("nav-clients").getAttribute("aria-current")).toBe("page");
    expect(screen.getByRole("heading", { name: "No clients yet" })).toBeDefined();
  });

  it("switches section on click and moves focus to the heading", async () => {
    workspaceStatusCommand.mockResolvedValue(ok());
    const { user } = await renderLoaded();

    await user.click(screen.getByTestId("nav-drafts"));

    expect(heading().textContent).toBe("Drafts & history");
    expect(document.activeElement).toBe(heading());
    expect(screen.getByTestId("nav-drafts").getAttribute("aria-current")).toBe("page");
    expect(screen.getByTestId("nav-clients").hasAttribute("aria-current")).toBe(false);
  });

  it("switches section with Ctrl+2 and Meta+4 and moves focus to the heading", async () => {
    workspaceStatusCommand.mockResolvedValue(ok());
    const { user } = await renderLoaded();

    await user.keyboard("{Control>}2{/Control}");
    expect(heading().textContent).toBe("Drafts & history");
    expect(document.activeElement).toBe(heading());

    await user.keyboard("{Meta>}4{/Meta}");
    expect(heading().textContent).toBe("Settings");
    expect(document.activeElement).toBe(heading());
    expect(screen.getByText("/home/maria/.local/state/casefile/logs")).toBeDefined();
  });

  it("moves focus within the navigation with the arrow keys, Home and End", async () => {
    workspaceStatusCommand.mockResolvedValue(ok());
    const { user } = await renderLoaded();
    const nav = (id: string) => screen.getByTestId(`nav-${id}`);

    nav("clients").focus();
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement).toBe(nav("drafts"));
    await user.keyboard("{End}");
    expect(document.activeElement).toBe(nav("trash"));
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement).toBe(nav("clients"));
    await user.keyboard("{ArrowUp}");
    expect(document.activeElement).toBe(nav("trash"));
    await user.keyboard("{Home}");
    expect(document.activeElement).toBe(nav("clients"));

    // Arrows only move focus; Enter chooses.
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(heading().textContent).toBe("Clients");
    await user.keyboard("{Enter}");
    expect(heading().textContent).toBe("Search");
    expect(document.activeElement).toBe(heading());
  });

  it("has a skip link that jumps to the section heading", async () => {
    workspaceStatusCommand.mockResolvedValue(ok());
    const { user } = await renderLoaded();

    await user.tab();
    expect(document.activeElement?.textContent).toBe("Skip to content");
    await user.keyboard("{Enter}");
    expect(document.activeElement).toBe(heading());
  });

  it("shows the shortcut for each section", async () => {
    workspaceStatusCommand.mockResolvedValue(ok());
    await renderLoaded();

    const settings = screen.getByRole("button", { name: "Settings" });
    expect(settings.title).toBe("Settings (Ctrl+4)");
    expect(settings.getAttribute("aria-keyshortcuts")).toBe("Control+4 Meta+4");
  });
});

describe("search", () => {
  it("has a labelled search box that says what it finds, and says plainly when nothing matches", async () => {
    workspaceStatusCommand.mockResolvedValue(ok());
    const { user } = await renderLoaded();
    await user.click(screen.getByTestId("nav-search"));

    const box = screen.getByRole("searchbox", { name: /search clients, matters and notes/i });
    expect(box.getAttribute("type")).toBe("search");
    expect(screen.getByRole("status").textContent).toMatch(/a client's name, an A-number/i);

    await user.type(box, "Okafor");
    await waitFor(() => {
      expect(screen.getByRole("status").textContent).toContain("No matches for “Okafor”");
    });
  });
});
