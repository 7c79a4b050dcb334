import { cleanup, screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "../../bindings";
import {
  aClient,
  aContact,
  fail,
  mockedCommands,
  ok,
  resetCommands,
} from "../../test/commands";
import { renderApp } from "../../test/render";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
const mocks = mockedCommands(commands);

const ANA = aClient({ id: 1, name: "Ana Peña", aNumber: "A012345678", matters: 0 });
const FULL = aContact({
  otherNames: ["Ana Ruiz"],
  dateOfBirth: "1990-07-31",
  countryOfBirth: "Honduras",
  citizenships: ["Honduras"],
  aNumber: "A012345678",
  ssnItin: "123-45-6789",
  passports: [{ number: "C1234567", country: "Honduras", issued: null, expires: "2030-01-31" }],
  latestI94: { number: "123456789A1", admissionDate: "2023-05-01", class: "F1", admitUntil: "D/S" },
  addresses: [
    {
      kind: "residence",
      lines: ["12 Main St", "Apt 4"],
      city: "Houston",
      region: "TX",
      postalCode: "77002",
      country: "United States",
      from: "2023-05-02",
      to: null,
    },
  ],
  phones: [{ kind: "mobile", number: "+1 713 555 0100" }],
  emails: [{ kind: "personal", address: "ana@example.org" }],
  preferredLanguage: "Spanish",
  interpreterNeeded: true,
  sensitivityFlags: ["asylum"],
  jurisdiction: "US",
});

beforeEach(() => {
  resetCommands(mocks);
  mocks.clients.mockResolvedValue(ok([ANA]));
  mocks.client.mockResolvedValue(ok(ANA));
});

afterEach(() => {
  cleanup();
});

async function openAna() {
  const app = await renderApp();
  await app.user.click(await screen.findByTestId("client-item"));
  await screen.findByTestId("client-details");
  return app;
}

async function seriousViolations(container: HTMLElement): Promise<string[]> {
  const results = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

describe("client details", () => {
  it("reads in sections, with the SSN masked until Show is pressed", async () => {
    mocks.contact.mockResolvedValue(ok(FULL));
    const { user, container } = await openAna();
    expect(mocks.contact).toHaveBeenCalledWith(1);

    const identity = screen.getByTestId("details-identity");
    expect(within(identity).getByText("Ana Ruiz")).toBeDefined();
    expect(screen.getByTestId("detail-a-number").textContent).toBe("A012345678");
    expect(screen.getByTestId("detail-passport").textContent).toContain("C1234567 (Honduras)");
    expect(screen.getByTestId("detail-i94").textContent).toContain("D/S (duration of status)");
    expect(screen.getByTestId("detail-address").textContent).toContain("12 Main St");
    expect(screen.getByTestId("detail-flag").textContent).toBe("Asylum");
    expect(within(screen.getByTestId("details-needs")).getByText("Spanish")).toBeDefined();

    const ssn = screen.getByTestId("detail-ssn");
    expect(ssn.textContent).not.toContain("123-45");
    expect(ssn.textContent).toContain("6789");
    const toggle = screen.getByTestId("detail-ssn-toggle");
    expect(toggle.getAttribute("aria-pressed")).toBe("false");
    await user.click(toggle);
    expect(screen.getByTestId("detail-ssn").textContent).toBe("123-45-6789");
    expect(toggle.getAttribute("aria-pressed")).toBe("true");

    expect(await seriousViolations(container)).toEqual([]);
  });

  it("says Not recorded for what is missing", async () => {
    await openAna();
    const identifiers = screen.getByTestId("details-identifiers");
    expect(within(identifiers).getAllByText("Not recorded").length).toBeGreaterThanOrEqual(3);
    expect(screen.queryByTestId("detail-ssn")).toBeNull();
  });

  it("edits the record with repeatable rows and saves the whole of it", async () => {
    const { user, container } = await openAna();
    await user.click(screen.getByTestId("edit-client"));
    // The first field has the focus.
    expect(document.activeElement).toBe(screen.getByTestId("edit-client-given-name"));

    await user.click(screen.getByTestId("other-names-add"));
    expect(document.activeElement).toBe(screen.getByTestId("edit-client-other-names-0"));
    await user.keyboard("Ana Ruiz");
    await user.click(screen.getByTestId("passports-add"));
    expect(document.activeElement).toBe(screen.getByTestId("edit-client-passports-0-number"));
    await user.keyboard("C1234567");
    await user.type(screen.getByTestId("edit-client-passports-0-country"), "Honduras");
    await user.click(screen.getByTestId("addresses-add"));
    await user.type(screen.getByTestId("edit-client-addresses-0-lines"), "12 Main St{Enter}Apt 4");
    await user.type(screen.getByTestId("edit-client-addresses-0-city"), "Houston");
    await user.click(screen.getByTestId("phones-add"));
    await user.click(screen.getByTestId("phones-remove-0"));
    expect(screen.queryAllByTestId("phones-row")).toHaveLength(0);
    expect(document.activeElement).toBe(screen.getByTestId("phones-add"));
    await user.click(screen.getByTestId("edit-client-flag-minor"));
    expect(await seriousViolations(container)).toEqual([]);

    const saved = aContact({
      otherNames: ["Ana Ruiz"],
      passports: [{ number: "C1234567", country: "Honduras", issued: null, expires: null }],
    });
    mocks.updateContact.mockResolvedValue(ok(saved));
    await user.click(screen.getByTestId("client-details-save"));

    const [id, details] = mocks.updateContact.mock.calls[0] ?? [];
    expect(id).toBe(1);
    expect(details?.otherNames).toEqual(["Ana Ruiz"]);
    expect(details?.passports).toEqual([
      { number: "C1234567", country: "Honduras", issued: null, expires: null },
    ]);
    expect(details?.addresses[0]?.lines).toEqual(["12 Main St", "Apt 4"]);
    expect(details?.addresses[0]?.kind).toBe("residence");
    expect(details?.phones).toEqual([]);
    expect(details?.sensitivityFlags).toEqual(["minor"]);

    expect((await screen.findByTestId("detail-passport")).textContent).toContain("C1234567");
    expect(screen.getByTestId("edit-client-status").textContent).toBe("Saved.");
    await waitFor(() => {
      expect(document.activeElement).toBe(screen.getByTestId("edit-client"));
    });
    // The heading and the list are asked again: the name may have changed.
    expect(mocks.client).toHaveBeenCalledTimes(2);
  });

  it("shows a refused field's message beside it, focuses it and keeps everything typed", async () => {
    const message = 'A-number: "12345" is not an A-number: write A followed by 7 to 9 digits.';
    mocks.updateContact.mockResolvedValue(fail("invalidInput", message, "aNumber"));
    const { user, container } = await openAna();
    await user.click(screen.getByTestId("edit-client"));
    await user.click(screen.getByTestId("other-names-add"));
    await user.keyboard("Ana Ruiz");
    await user.type(screen.getByTestId("edit-client-a-number"), "12345");
    await user.click(screen.getByTestId("client-details-save"));

    const error = await screen.findByTestId("edit-client-a-number-error");
    expect(error.textContent).toBe(message);
    expect(error.getAttribute("role")).toBe("alert");
    const field = screen.getByTestId<HTMLInputElement>("edit-client-a-number");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(field.getAttribute("aria-describedby")).toContain(error.id);
    expect(document.activeElement).toBe(field);
    // Said once, beside the field, not again under the form.
    expect(screen.queryByTestId("form-error")).toBeNull();
    expect(field.value).toBe("12345");
    expect(screen.getByTestId<HTMLInputElement>("edit-client-other-names-0").value).toBe(
      "Ana Ruiz",
    );
    expect(await seriousViolations(container)).toEqual([]);
  });

  it("shows an error about a row that is gone under the form", async () => {
    mocks.updateContact.mockResolvedValue(
      fail("invalidInput", "Passport 3, number: enter it.", "passports.2.number"),
    );
    const { user } = await openAna();
    await user.click(screen.getByTestId("edit-client"));
    await user.click(screen.getByTestId("client-details-save"));
    expect((await screen.findByTestId("form-error")).textContent).toBe(
      "Passport 3, number: enter it.",
    );
  });

  it("saves with Ctrl+S", async () => {
    mocks.updateContact.mockResolvedValue(ok(aContact({ preferredLanguage: "Spanish" })));
    const { user } = await openAna();
    await user.click(screen.getByTestId("edit-client"));
    await user.type(screen.getByTestId("edit-client-preferred-language"), "Spanish");
    await user.keyboard("{Control>}s{/Control}");
    await waitFor(() => {
      expect(mocks.updateContact).toHaveBeenCalledTimes(1);
    });
    expect(mocks.updateContact.mock.calls[0]?.[1].preferredLanguage).toBe("Spanish");
    expect(await screen.findByText("Spanish")).toBeDefined();
  });

  it("masks the SSN while editing too, with Show", async () => {
    mocks.contact.mockResolvedValue(ok(aContact({ ssnItin: "123-45-6789" })));
    const { user } = await openAna();
    await user.click(screen.getByTestId("edit-client"));
    const ssn = screen.getByTestId<HTMLInputElement>("edit-client-ssn-itin");
    expect(ssn.type).toBe("password");
    await user.click(screen.getByTestId("edit-client-ssn-itin-toggle"));
    expect(ssn.type).toBe("text");
  });

  it("leaves at once with Escape when nothing changed", async () => {
    const { user } = await openAna();
    await user.click(screen.getByTestId("edit-client"));
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("client-details-save")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("edit-client"));
  });

  it("asks before Escape throws edits away; Keep editing keeps them", async () => {
    const { user } = await openAna();
    await user.click(screen.getByTestId("edit-client"));
    const language = screen.getByTestId<HTMLInputElement>("edit-client-preferred-language");
    await user.type(language, "Spanish");
    await user.keyboard("{Escape}");

    expect(screen.getByTestId("discard-confirm")).toBeDefined();
    expect(document.activeElement).toBe(screen.getByTestId("keep-editing"));
    await user.keyboard("{Escape}"); // Escape again keeps editing
    expect(screen.queryByTestId("discard-confirm")).toBeNull();
    expect(document.activeElement).toBe(language);
    expect(language.value).toBe("Spanish");

    await user.click(screen.getByTestId("client-details-save-cancel"));
    await user.click(screen.getByTestId("discard-changes"));
    expect(screen.queryByTestId("client-details-save")).toBeNull();
    expect(mocks.updateContact).not.toHaveBeenCalled();
    expect(within(screen.getByTestId("details-needs")).queryByText("Spanish")).toBeNull();
  });
});
