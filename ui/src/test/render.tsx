import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { expect } from "vitest";
import { App } from "../App";

/** Renders the app and waits for its start-up status to arrive. */
export async function renderApp() {
  const user = userEvent.setup();
  const view = render(<App />);
  await waitFor(() => {
    expect(view.container.firstElementChild).toHaveProperty("dataset.ready", "true");
  });
  return { user, ...view };
}

export function heading(): HTMLElement {
  return screen.getByTestId("screen-heading");
}

/** The item at `index`, or a clear failure when there is none. */
export function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) {
    throw new Error(`expected an item at ${String(index)}, found ${String(items.length)}`);
  }
  return item;
}

/** From the client list, opens the first client and then its first matter. */
export async function openFirstMatter(user: ReturnType<typeof userEvent.setup>) {
  await user.click(nth(await screen.findAllByTestId("client-item"), 0));
  await user.click(nth(await screen.findAllByTestId("matter-item"), 0));
  return screen.findByTestId("matter-name");
}

/** From the client list, opens the first matter and then its first draft; resolves to its banner. */
export async function openFirstDraft(user: ReturnType<typeof userEvent.setup>) {
  await openFirstMatter(user);
  await user.click(await screen.findByTestId("draft-item"));
  return screen.findByTestId("draft-banner");
}
