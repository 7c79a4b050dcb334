import { cleanup, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import { afterEach, expect, it, vi } from "vitest";
import { App } from "./App";
import { commands } from "./bindings";
import { SECTIONS } from "./shell/sections";
import { failed, ok, workspaceStatus } from "./test/workspace";

vi.mock("./bindings", () => ({ commands: { workspaceStatus: vi.fn() } }));
const workspaceStatusCommand = vi.mocked(commands.workspaceStatus);

afterEach(() => {
  cleanup();
  workspaceStatusCommand.mockReset();
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

async function renderApp() {
  const user = userEvent.setup();
  const { container } = render(<App />);
  await waitFor(() => {
    expect(container.firstElementChild).toHaveProperty("dataset.ready", "true");
  });
  return { user, container };
}

it("has no serious accessibility violations on any section", async () => {
  workspaceStatusCommand.mockResolvedValue(
    ok(workspaceStatus({ state: "unreachable", code: "keychainAccessDenied", message: "Locked." })),
  );
  const { user, container } = await renderApp();

  for (const section of SECTIONS) {
    await user.click(screen.getByTestId(`nav-${section.id}`));
    expect(await seriousViolations(container), section.label).toEqual([]);
  }
});

it("has no serious accessibility violations with the error banner showing", async () => {
  workspaceStatusCommand.mockResolvedValue(failed({ code: "internal", message: "Broken." }));
  const { container } = await renderApp();
  expect(await seriousViolations(container)).toEqual([]);
});
