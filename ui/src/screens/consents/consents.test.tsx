import { cleanup, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands, type Consent_Serialize } from "../../bindings";
import {
  aClient,
  aProfileEntry,
  fail,
  mockedCommands,
  ok,
  resetCommands,
} from "../../test/commands";
import { nth, renderApp } from "../../test/render";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
const mocks = mockedCommands(commands);

function aConsent(overrides: Partial<Consent_Serialize> = {}): Consent_Serialize {
  return {
    id: 3,
    clientId: 1,
    scope: "drafting",
    profile: "firm-eu",
    method: "written",
    givenOn: "2026-01-15",
    note: null,
    recordedAt: "2026-01-15T10:00:00Z",
    recordedBy: "jroe",
    revocation: null,
    binding: {
      kind: "azure-openai",
      endpointHost: "contoso-eu.openai.azure.com",
      region: "swedencentral",
      model: "gpt-4o-drafting",
    },
    noLongerCovers: null,
    ...overrides,
  };
}

beforeEach(() => {
  resetCommands(mocks);
  mocks.clients.mockResolvedValue(ok([aClient({ id: 1 })]));
  mocks.client.mockResolvedValue(ok(aClient({ id: 1 })));
});

afterEach(() => {
  cleanup();
});

async function openClient() {
  const app = await renderApp();
  await app.user.click(nth(await screen.findAllByTestId("client-item"), 0));
  await screen.findByTestId("client-name");
  return app;
}

describe("a client's AI consent", () => {
  it("lists consents with how and when they were given, and revoked ones as revoked", async () => {
    mocks.clientConsents.mockResolvedValue(
      ok([
        aConsent(),
        aConsent({
          id: 2,
          scope: "ask",
          revocation: { at: "2026-02-01T09:00:00Z", by: "jroe", reason: "withdrawn by phone" },
        }),
      ]),
    );
    await openClient();
    const items = await screen.findAllByTestId("consent-item");
    expect(nth(items, 0).textContent).toContain("AI drafts through firm-eu");
    expect(nth(items, 0).textContent).toContain("Given in writing");
    expect(nth(items, 1).textContent).toContain("revoked");
    expect(nth(items, 1).textContent).toContain("withdrawn by phone");
    expect(nth(items, 1).querySelector("[data-testid=consent-revoke]")).toBeNull();
    expect(mocks.clientConsents).toHaveBeenCalledWith(1);
  });

  it("shows a consent whose profile changed as no longer covering sends, and why", async () => {
    mocks.clientConsents.mockResolvedValue(
      ok([
        aConsent(),
        aConsent({
          id: 4,
          noLongerCovers: "the profile's endpoint changed (consent given for a.example, now b.example)",
        }),
      ]),
    );
    await openClient();
    const items = await screen.findAllByTestId("consent-item");
    expect(nth(items, 0).dataset.covers).toBe("true");
    expect(nth(items, 0).querySelector("[data-testid=consent-no-longer-covers]")).toBeNull();
    expect(nth(items, 1).dataset.covers).toBe("false");
    expect(nth(items, 1).textContent).toContain("no longer covers sends");
    expect(
      nth(items, 1).querySelector("[data-testid=consent-no-longer-covers]")?.textContent,
    ).toContain("the profile's endpoint changed");
  });

  it("records a consent through a chosen profile, never guessing how it was given", async () => {
    mocks.providerProfiles.mockResolvedValue(
      ok([aProfileEntry({ name: "firm-eu", display_name: null })]),
    );
    mocks.recordConsent.mockResolvedValue(ok(aConsent()));
    const { user } = await openClient();
    await user.click(await screen.findByTestId("add-consent"));
    await user.click(screen.getByTestId("consent-save"));
    expect(mocks.recordConsent).not.toHaveBeenCalled();
    expect(screen.getByTestId("consent-method-error").textContent).toContain("how the client");
    expect(screen.getByTestId("consent-profile-error").textContent).toContain("profile");

    await user.selectOptions(screen.getByTestId("consent-profile"), "firm-eu");
    await user.selectOptions(screen.getByTestId("consent-method"), "email");
    await user.click(screen.getByTestId("consent-save"));
    await waitFor(() => {
      expect(mocks.recordConsent).toHaveBeenCalledWith(1, "drafting", "firm-eu", "email", null, null);
    });
    expect((await screen.findByTestId("consent-status")).textContent).toContain("recorded");
  });

  it("revokes a consent, and shows the app's refusal when there is one", async () => {
    mocks.clientConsents.mockResolvedValue(ok([aConsent()]));
    mocks.revokeConsent.mockResolvedValueOnce(fail("invalidInput", "Consent 3 is already revoked."));
    const { user } = await openClient();
    await user.click(await screen.findByTestId("consent-revoke"));
    expect(await screen.findByText("Consent 3 is already revoked.")).toBeDefined();
    mocks.revokeConsent.mockResolvedValueOnce(
      ok(aConsent({ revocation: { at: "2026-02-01T09:00:00Z", by: "jroe", reason: null } })),
    );
    await user.click(screen.getByTestId("consent-revoke"));
    expect(mocks.revokeConsent).toHaveBeenLastCalledWith(3, null);
    expect((await screen.findByTestId("consent-status")).textContent).toContain("revoked");
  });
});
