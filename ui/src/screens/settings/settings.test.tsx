import { act, cleanup, screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  commands,
  type ConnectionReport_Serialize,
  type EffectivePolicy_Serialize,
} from "../../bindings";
import {
  aProfileEntry,
  anEffectivePolicy,
  deferred,
  fail,
  mockedCommands,
  ok,
  POLICY_FILE,
  resetCommands,
} from "../../test/commands";
import { renderApp } from "../../test/render";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
const mocks = mockedCommands(commands);

const SET_AT = "2025-03-14T15:09:26Z";
const SECRET = "sk-test-do-not-show-4417";


/** A valid policy that defines `firm-eu`, allows only its own profiles and locks the default. */
function lockingPolicy(): EffectivePolicy_Serialize {
  const base = anEffectivePolicy();
  return {
    ...base,
    status: { state: "valid" },
    settings: base.settings.map((s) => {
      if (s.name === "custom_profiles") {
        return { ...s, value: false, source: "policy", locked: true, reason: "Only IT adds providers." };
      }
      if (s.name === "default_profile") {
        return { ...s, value: "firm-eu", source: "policy", locked: true, reason: "EU clients first." };
      }
      return s;
    }),
    rules: {
      version: 1,
      profiles: [],
      allowed_kinds: ["azure-openai", "bedrock"],
      allowed_regions: ["swedencentral", "eu-*"],
      allowed_models: null,
      jurisdictions: {},
      settings: {},
      locks: {},
    },
  };
}

const FIRM_EU = aProfileEntry({
  name: "firm-eu",
  kind: "azure-openai",
  display_name: "Azure OpenAI (EU)",
  base_url: "https://firm-eu.openai.azure.com",
  deployment: "drafting",
  region: "swedencentral",
  model: null,
  managed: true,
  is_default: true,
  credential_fields: ["api_key", "entra_client_secret"],
});

beforeEach(() => {
  resetCommands(mocks);
});

afterEach(() => {
  cleanup();
});

async function openSettings() {
  const app = await renderApp();
  await app.user.click(screen.getByTestId("nav-settings"));
  await screen.findByTestId("provider-settings");
  return app;
}

async function seriousViolations(container: HTMLElement): Promise<string[]> {
  const results = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

function field(testId: string): HTMLInputElement {
  return screen.getByTestId(testId);
}

describe("the profile editor", () => {
  it("guides the fields by kind: Azure deployment, Bedrock region and prefixes, Vertex location", async () => {
    const { user } = await openSettings();
    expect(screen.getByTestId("policy-absent").textContent).toContain("you choose every setting");
    await user.click(screen.getByTestId("profile-add"));
    expect(document.activeElement).toBe(field("profile-name"));
    expect(screen.queryByTestId("profile-connection")).toBeNull();

    await user.selectOptions(screen.getByTestId("profile-kind"), "azure-openai");
    const deployment = field("profile-deployment");
    expect(deployment.labels?.[0]?.textContent).toContain("Deployment name");
    expect(screen.getByText(/It is not the model's name/)).toBeDefined();
    expect(screen.queryByTestId("profile-api-version")).toBeNull();
    await user.click(screen.getByTestId("profile-azure-api-classic"));
    expect(field("profile-api-version")).toBeDefined();
    expect(screen.queryByTestId("profile-tenant-id")).toBeNull();
    await user.click(screen.getByTestId("profile-azure-sign-in-entra"));
    expect(field("profile-tenant-id")).toBeDefined();
    expect(field("profile-client-id")).toBeDefined();

    await user.selectOptions(screen.getByTestId("profile-kind"), "bedrock");
    expect(screen.queryByTestId("profile-deployment")).toBeNull();
    const region = screen.getByTestId<HTMLSelectElement>("profile-region");
    expect(region.tagName).toBe("SELECT");
    expect(within(region).getByRole("option", { name: /eu-central-1/ })).toBeDefined();
    await user.type(field("profile-model"), "global.anthropic.claude");
    expect(screen.getByText(/any commercial AWS region in the world/)).toBeDefined();

    await user.selectOptions(screen.getByTestId("profile-kind"), "vertex-gemini");
    expect(screen.getByText(/Global lets Google run each request/)).toBeDefined();
    await user.click(screen.getByTestId("profile-region-global"));
    expect(screen.queryByTestId("profile-region")).toBeNull();
    await user.click(screen.getByTestId("profile-region-regional"));
    expect(field("profile-region").value).toBe("");

    await user.selectOptions(screen.getByTestId("profile-kind"), "openai-compatible");
    expect(field("profile-base-url").labels?.[0]?.textContent).toContain("Gateway URL");
    expect(screen.getByText(/localhost:11434\/v1/)).toBeDefined();
  });

  it("sends only what the kind uses, and shows a refusal beside its field keeping what was typed", async () => {
    mocks.saveProviderProfile.mockResolvedValueOnce(
      fail("invalidInput", "http://10.0.0.5/v1 is not encrypted: use https://.", "base_url"),
    );
    const { user } = await openSettings();
    await user.click(screen.getByTestId("profile-add"));
    await user.type(field("profile-name"), "gateway");
    await user.selectOptions(screen.getByTestId("profile-kind"), "azure-openai");
    await user.type(field("profile-deployment"), "drafting");
    await user.selectOptions(screen.getByTestId("profile-kind"), "openai-compatible");
    await user.type(field("profile-base-url"), "http://10.0.0.5/v1");
    await user.type(field("profile-model"), "llama3.1");
    await user.click(screen.getByTestId("profile-save"));

    const [profile, replace, makeDefault] = mocks.saveProviderProfile.mock.calls[0] ?? [];
    expect(profile).toMatchObject({
      name: "gateway",
      kind: "openai-compatible",
      base_url: "http://10.0.0.5/v1",
      model: "llama3.1",
      deployment: null,
    });
    expect([replace, makeDefault]).toEqual([false, false]);
    const error = await screen.findByTestId("profile-base-url-error");
    expect(error.textContent).toContain("not encrypted");
    expect(document.activeElement).toBe(field("profile-base-url"));
    expect(field("profile-base-url").getAttribute("aria-invalid")).toBe("true");
    expect(field("profile-model").value).toBe("llama3.1");
    expect(screen.queryByTestId("form-error")).toBeNull();
  });

  it("asks for a kind before anything is sent", async () => {
    const { user } = await openSettings();
    await user.click(screen.getByTestId("profile-add"));
    await user.type(field("profile-name"), "mine");
    await user.click(screen.getByTestId("profile-save"));
    expect((await screen.findByTestId("profile-kind-error")).textContent).toContain("Choose the kind");
    expect(mocks.saveProviderProfile).not.toHaveBeenCalled();
  });

  it("saves an edit with Ctrl+S, and Escape asks before discarding", async () => {
    mocks.providerProfiles.mockResolvedValue(ok([aProfileEntry()]));
    mocks.saveProviderProfile.mockResolvedValue(ok([aProfileEntry({ model: "qwen2.5" })]));
    const { user } = await openSettings();
    await user.click(await screen.findByTestId("profile-item"));
    const model = field("profile-model");
    await user.clear(model);
    await user.type(model, "qwen2.5");
    await user.keyboard("{Control>}s{/Control}");
    await waitFor(() => {
      expect(mocks.saveProviderProfile).toHaveBeenCalledTimes(1);
    });
    expect(mocks.saveProviderProfile.mock.calls[0]?.[0]).toMatchObject({ model: "qwen2.5" });
    expect(mocks.saveProviderProfile.mock.calls[0]?.[1]).toBe(true);

    await user.type(field("profile-display-name"), " 2");
    await user.keyboard("{Escape}");
    expect(await screen.findByTestId("discard-confirm")).toBeDefined();
    await user.click(screen.getByTestId("discard-changes"));
    expect(screen.queryByTestId("profile-panel")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("profile-item"));
  });
  it("saves the model's limits and prices as numbers, and an emptied one as nothing", async () => {
    mocks.providerProfiles.mockResolvedValue(ok([aProfileEntry()]));
    mocks.saveProviderProfile.mockResolvedValue(ok([aProfileEntry()]));
    const { user } = await openSettings();
    await user.click(await screen.findByTestId("profile-item"));
    await user.clear(field("profile-model-limits"));
    await user.type(field("profile-max-output-tokens"), "2048");
    await user.type(field("profile-input-price"), "2.5");
    await user.keyboard("{Control>}s{/Control}");
    await waitFor(() => {
      expect(mocks.saveProviderProfile).toHaveBeenCalledTimes(1);
    });
    expect(mocks.saveProviderProfile.mock.calls[0]?.[0]).toMatchObject({
      model_limits: {
        context_window_tokens: null,
        max_output_tokens: 2048,
        usd_per_million_input_tokens: 2.5,
        usd_per_million_output_tokens: null,
      },
    });
  });
});

describe("credentials", () => {
  it("are write-only: the value goes to the app once and only its date comes back", async () => {
    mocks.providerProfiles.mockResolvedValue(ok([aProfileEntry()]));
    const stored = aProfileEntry({ credentials: [{ field: "api_key", set_at: SET_AT }] });
    mocks.setProviderCredential.mockResolvedValue(ok([stored]));
    const { user, container } = await openSettings();
    await user.click(await screen.findByTestId("profile-item"));
    expect(screen.getByTestId("credential-api-key-state").textContent).toBe("Not set");

    await user.click(screen.getByTestId("credential-api-key-set"));
    const input = field("credential-api-key-value");
    expect(input.type).toBe("password");
    await user.type(input, SECRET);
    await user.click(screen.getByTestId("credential-api-key-store"));

    expect(mocks.setProviderCredential).toHaveBeenCalledWith("gateway", "api_key", SECRET);
    await waitFor(() => {
      expect(screen.getByTestId("credential-api-key-state").textContent).toMatch(/^Set on /);
    });
    expect(screen.queryByTestId("credential-api-key-value")).toBeNull();
    expect(screen.getByTestId("credential-api-key-replace")).toBeDefined();
    expect(container.textContent).not.toContain(SECRET);
    const values = [...container.querySelectorAll("input")].map((i) => i.value);
    expect(values.join("\n")).not.toContain(SECRET);
    expect(container.innerHTML).not.toContain(SECRET);
  });

  it("empties the field when the app refuses the value, and can be removed", async () => {
    const stored = aProfileEntry({ credentials: [{ field: "api_key", set_at: SET_AT }] });
    mocks.providerProfiles.mockResolvedValue(ok([stored]));
    mocks.setProviderCredential.mockResolvedValue(fail("keychainAccessDenied", "Unlock your keychain."));
    mocks.removeProviderCredential.mockResolvedValue(ok([aProfileEntry()]));
    const { user, container } = await openSettings();
    await user.click(await screen.findByTestId("profile-item"));
    await user.click(screen.getByTestId("credential-api-key-replace"));
    await user.type(field("credential-api-key-value"), SECRET);
    await user.click(screen.getByTestId("credential-api-key-store"));
    expect((await screen.findByTestId("credential-api-key-error")).textContent).toContain("Unlock");
    expect(field("credential-api-key-value").value).toBe("");
    expect(container.innerHTML).not.toContain(SECRET);

    await user.click(screen.getByTestId("credential-api-key-cancel"));
    await user.click(screen.getByTestId("credential-api-key-remove"));
    expect(mocks.removeProviderCredential).toHaveBeenCalledWith("gateway", "api_key");
  });
});

describe("header keys", () => {
  const HEADER = "Ocp-Apim-Subscription-Key";

  it("are added write-only under Credentials, never in the plain header list", async () => {
    mocks.providerProfiles.mockResolvedValue(ok([aProfileEntry({ extra_headers: { "X-Team": "immigration" } })]));
    const stored = aProfileEntry({
      extra_headers: { "X-Team": "immigration" },
      keychain_headers: [HEADER],
      credentials: [{ field: `header:${HEADER}`, set_at: SET_AT }],
    });
    mocks.setProviderCredential.mockResolvedValue(ok([stored]));
    const { user, container } = await openSettings();
    await user.click(await screen.findByTestId("profile-item"));
    expect(screen.getByTestId("profile-headers-hint").textContent).toContain("under Credentials");

    await user.click(screen.getByTestId("credential-new-header-add"));
    await user.type(field("credential-new-header-name"), HEADER);
    const input = field("credential-new-header-value");
    expect(input.type).toBe("password");
    await user.type(input, SECRET);
    await user.click(screen.getByTestId("credential-new-header-store"));

    expect(mocks.setProviderCredential).toHaveBeenCalledWith("gateway", `header:${HEADER}`, SECRET);
    const row = "credential-header-ocp-apim-subscription-key";
    await waitFor(() => {
      expect(screen.getByTestId(`${row}-state`).textContent).toMatch(/^Set on /);
    });
    expect(screen.getByTestId(row).textContent).toContain(`${HEADER} header`);
    expect(screen.getByTestId(`${row}-replace`)).toBeDefined();
    expect(screen.queryByTestId("credential-new-header-value")).toBeNull();
    // The plain list keeps only the header that is not secret.
    expect(field("profile-extra-headers-0-name").value).toBe("X-Team");
    expect(field("profile-extra-headers-0-value").value).toBe("immigration");
    expect(screen.queryByTestId("profile-extra-headers-1-name")).toBeNull();
    expect(container.innerHTML).not.toContain(SECRET);
  });

  it("are replaced or removed by name, and saving the settings keeps them", async () => {
    const stored = aProfileEntry({
      keychain_headers: [HEADER],
      credentials: [{ field: `header:${HEADER}`, set_at: SET_AT }],
    });
    mocks.providerProfiles.mockResolvedValue(ok([stored]));
    mocks.saveProviderProfile.mockResolvedValue(ok([stored]));
    mocks.removeProviderCredential.mockResolvedValue(ok([aProfileEntry()]));
    const { user } = await openSettings();
    await user.click(await screen.findByTestId("profile-item"));
    await user.type(field("profile-display-name"), " 2");
    await user.keyboard("{Control>}s{/Control}");
    await waitFor(() => {
      expect(mocks.saveProviderProfile).toHaveBeenCalledTimes(1);
    });
    expect(mocks.saveProviderProfile.mock.calls[0]?.[0]).toMatchObject({
      extra_headers: {},
      keychain_headers: [HEADER],
    });

    const row = "credential-header-ocp-apim-subscription-key";
    await user.click(screen.getByTestId(`${row}-remove`));
    expect(mocks.removeProviderCredential).toHaveBeenCalledWith("gateway", `header:${HEADER}`);
    await waitFor(() => {
      expect(screen.queryByTestId(row)).toBeNull();
    });
  });
});

describe("test connection", () => {
  it("shows progress, then the latency; a failure shows the provider's diagnosis", async () => {
    mocks.providerProfiles.mockResolvedValue(ok([aProfileEntry()]));
    const answer = deferred<{ status: "ok"; data: ConnectionReport_Serialize }>();
    mocks.testProviderConnection.mockReturnValueOnce(answer.promise);
    const { user } = await openSettings();
    await user.click(await screen.findByTestId("profile-item"));
    await user.click(screen.getByTestId("test-connection"));
    expect(screen.getByTestId("connection-status").textContent).toContain("Sending a short test");
    expect(screen.getByTestId<HTMLButtonElement>("test-connection").disabled).toBe(true);
    await act(async () => {
      answer.resolve(
        ok({ ok: true, first_text_ms: 180, total_ms: 245, reply: "ready", usage: null, failure: null }),
      );
      await answer.promise;
    });
    expect(screen.getByTestId("connection-latency").textContent).toBe("245");
    expect(screen.getByTestId("connection-result").textContent).toContain("“ready”");

    mocks.testProviderConnection.mockResolvedValueOnce(
      ok({
        ok: false,
        first_text_ms: null,
        total_ms: 31,
        reply: "",
        usage: null,
        failure: {
          kind: "authentication",
          message: "The API key was refused: set the key from your provider's console.",
          status: 401,
        },
      }),
    );
    await user.click(screen.getByTestId("test-connection"));
    const failed = await screen.findByTestId("connection-result");
    await waitFor(() => {
      expect(failed.getAttribute("data-ok")).toBe("false");
    });
    expect(screen.getByTestId("connection-result").textContent).toContain("HTTP 401");
    expect(screen.getByTestId("connection-result").textContent).toContain("The API key was refused");
  });
});

describe("the firm's policy", () => {
  it("shows managed profiles read-only with the policy's reason and refuses user changes", async () => {
    mocks.effectivePolicy.mockResolvedValue(ok(lockingPolicy()));
    const us = aProfileEntry({
      name: "firm-us",
      kind: "bedrock",
      display_name: "Bedrock (US)",
      region: "us-east-1",
      model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      base_url: null,
      managed: true,
      is_default: false,
      credential_fields: ["aws_access_key_id", "aws_secret_access_key", "aws_session_token", "bedrock_api_key"],
      blocked: "Managed by your IT provider: the firm's policy allows only these regions: swedencentral, eu-*, not us-east-1.",
    });
    mocks.providerProfiles.mockResolvedValue(ok([FIRM_EU, us]));
    const { user, container } = await openSettings();

    expect(screen.getByTestId("policy-setting-custom_profiles").textContent).toContain(
      "Only IT adds providers.",
    );
    const add = screen.getByTestId<HTMLButtonElement>("profile-add");
    expect(add.disabled).toBe(true);
    expect(add.parentElement?.textContent).toContain("Managed by your IT provider: Only IT adds providers.");

    const [eu, other] = await screen.findAllByTestId("profile-item");
    expect(within(eu ?? document.body).getByTestId("badge-managed")).toBeDefined();
    expect(other?.textContent).toContain("Blocked: Managed by your IT provider");

    await user.click(eu ?? document.body);
    const panel = screen.getByTestId("profile-locked");
    expect(screen.queryByTestId("profile-save")).toBeNull();
    for (const id of ["profile-base-url", "profile-deployment", "profile-display-name"]) {
      const input = field(id);
      expect(input.readOnly, id).toBe(true);
      const note = document.getElementById(input.getAttribute("aria-describedby")?.split(" ")[0] ?? "");
      expect(note?.textContent).toBe("Managed by your IT provider: Only IT adds providers.");
    }
    expect(screen.getByTestId<HTMLInputElement>("profile-azure-api-v1").disabled).toBe(true);
    expect(within(panel).getAllByTestId("lock-note").length).toBeGreaterThan(5);
    // Its credentials can still be set on this computer, and it can be tested.
    expect(screen.getByTestId<HTMLButtonElement>("credential-api-key-set").disabled).toBe(false);
    expect(screen.getByTestId<HTMLButtonElement>("test-connection").disabled).toBe(false);
    expect(screen.queryByTestId("profile-remove")).toBeNull();
    expect(await seriousViolations(container)).toEqual([]);

    await user.click(other ?? document.body);
    const makeDefault = screen.getByTestId<HTMLButtonElement>("profile-make-default-now");
    expect(makeDefault.disabled).toBe(true);
    expect(makeDefault.closest(".profile-actions")?.textContent).toContain("EU clients first.");
    expect(screen.getByTestId("profile-blocked").textContent).toContain("not us-east-1");
    expect(screen.getByTestId<HTMLSelectElement>("profile-region").disabled).toBe(true);
  });

  it("with an invalid file, says where and why, and refuses saving, credentials and tests", async () => {
    const base = anEffectivePolicy();
    mocks.effectivePolicy.mockResolvedValue(
      ok({
        ...base,
        status: {
          state: "invalid",
          location: { line: 3, column: 5, field: "alowed_kinds" },
          reason: "unknown field `alowed_kinds`, expected one of `allowed_kinds`, …",
        },
      }),
    );
    mocks.providerProfiles.mockResolvedValue(ok([aProfileEntry()]));
    const { user, container } = await openSettings();

    const banner = await screen.findByTestId("policy-invalid");
    expect(banner.getAttribute("role")).toBe("alert");
    expect(screen.getByTestId("policy-invalid-path").textContent).toBe(POLICY_FILE);
    expect(screen.getByTestId("policy-invalid-where").textContent).toBe(
      "line 3, column 5, field alowed_kinds",
    );
    expect(screen.getByTestId("policy-invalid-reason").textContent).toContain("unknown field");
    expect(screen.getByTestId<HTMLButtonElement>("profile-add").disabled).toBe(true);

    await user.click(await screen.findByTestId("profile-item"));
    expect(screen.queryByTestId("profile-save")).toBeNull();
    expect(field("profile-model").readOnly).toBe(true);
    expect(screen.getByTestId<HTMLButtonElement>("test-connection").disabled).toBe(true);
    expect(screen.getByTestId<HTMLButtonElement>("credential-api-key-set").disabled).toBe(true);
    expect(screen.getByTestId<HTMLButtonElement>("profile-remove").disabled).toBe(true);
    expect(await seriousViolations(container)).toEqual([]);
    expect(mocks.testProviderConnection).not.toHaveBeenCalled();
  });
});
