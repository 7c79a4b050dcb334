import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commands, type AiDraftRun_Serialize, type DraftProgress } from "../../bindings";
import {
  aClient,
  aMatter,
  aNoteSummary,
  aProfileEntry,
  aShownDraft,
  anAiDraftPreview,
  deferred,
  mockedCommands,
  ok,
  resetCommands,
} from "../../test/commands";
import { nth, openFirstMatter, renderApp } from "../../test/render";

vi.mock("../../bindings", async () => (await import("../../test/commands")).bindingsModule());
// The app's channel for streamed events; here a plain object the test sends events through.
vi.mock("@tauri-apps/api/core", () => ({
  Channel: class {
    onmessage: (event: DraftProgress) => void = () => undefined;
  },
}));
const mocks = mockedCommands(commands);

interface Sent {
  onmessage: (event: DraftProgress) => void;
}

beforeEach(() => {
  resetCommands(mocks);
  const ana = aClient({ id: 1, name: "Ana Peña", matters: 1 });
  mocks.clients.mockResolvedValue(ok([ana]));
  mocks.client.mockResolvedValue(ok(ana));
  const matter = aMatter({ id: 10, title: "Asylum application", notes: 2 });
  mocks.matters.mockResolvedValue(ok([matter]));
  mocks.matter.mockResolvedValue(ok(matter));
  mocks.notes.mockResolvedValue(
    ok([aNoteSummary({ id: 100, title: "Intake" }), aNoteSummary({ id: 101, title: "Hearing" })]),
  );
  mocks.providerProfiles.mockResolvedValue(
    ok([
      aProfileEntry({ name: "other", is_default: false }),
      aProfileEntry({ name: "blocked", is_default: false, blocked: "Not an allowed region." }),
      aProfileEntry({
        name: "firm",
        display_name: "Firm Azure",
        kind: "azure-openai",
        is_default: true,
      }),
    ]),
  );
  mocks.previewAiDraft.mockResolvedValue(ok(anAiDraftPreview()));
});

afterEach(() => {
  cleanup();
});

async function openPreview() {
  const view = await renderApp();
  await openFirstMatter(view.user);
  await view.user.click(await screen.findByTestId("new-draft"));
  await view.user.click(await screen.findByTestId("create-draft"));
  await screen.findByTestId("processing-facts");
  return view;
}

describe("the new-draft form", () => {
  it("offers the allowed profiles, the default first, then the offline summary; redaction on", async () => {
    const { user } = await renderApp();
    await openFirstMatter(user);
    await user.click(await screen.findByTestId("new-draft"));
    const how = await screen.findByTestId("draft-how");
    expect(how).toHaveProperty("value", "firm");
    const labels = within(how)
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(labels).toEqual([
      "Choose how to write it",
      "AI draft with Firm Azure",
      "AI draft with Firm gateway",
      "Offline summary (no AI)",
    ]);
    expect(screen.getByTestId("draft-redact")).toHaveProperty("checked", true);
    expect(screen.queryByTestId("offline-explanation")).toBeNull();
  });

  it("locks redaction on with the policy's reason when the policy requires it", async () => {
    const policy = (await import("../../test/commands")).anEffectivePolicy();
    const settings = policy.settings.map((s) =>
      s.name === "require_redaction"
        ? { ...s, value: true, source: "policy" as const, locked: true, reason: "Firm rule 7." }
        : s,
    );
    mocks.effectivePolicy.mockResolvedValue(ok({ ...policy, settings }));
    const { user } = await renderApp();
    await openFirstMatter(user);
    await user.click(await screen.findByTestId("new-draft"));
    const redact = await screen.findByTestId("draft-redact");
    expect(redact).toHaveProperty("checked", true);
    expect(redact).toHaveProperty("disabled", true);
    expect(redact.closest(".checkbox")?.textContent).toContain("Firm rule 7.");
  });
});

describe("the preview before sending", () => {
  it("shows where the text goes and on what terms, and asks for exactly this order", async () => {
    await openPreview();
    const facts = screen.getByTestId("processing-facts").textContent;
    for (const fact of ["Azure OpenAI", "swedencentral", "Zero data retention", "Not used for training", "drafting-eu"]) {
      expect(facts).toContain(fact);
    }
    expect(mocks.previewAiDraft).toHaveBeenCalledWith({
      matterId: 10,
      template: "case-summary",
      profile: "firm",
      noteIds: null,
      redact: true,
      changes: { redact: [], keep: [] },
    });
    expect(screen.getByTestId("send-draft")).toHaveProperty("disabled", false);
  });

  it("blocks Send when the policy requires consent and none is on record, with the way to record it", async () => {
    mocks.previewAiDraft.mockResolvedValue(
      ok(anAiDraftPreview({ consent: { required: true, consent: null } })),
    );
    const { user } = await openPreview();
    expect(screen.getByTestId("preview-consent").textContent).toContain(
      "requires this client's consent",
    );
    expect(screen.getByTestId("send-draft")).toHaveProperty("disabled", true);
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(mocks.sendAiDraft).not.toHaveBeenCalled();
    await user.click(screen.getByTestId("record-consent"));
    await screen.findByTestId("add-consent");
  });

  it("names the largest notes of a matter too large, and unticking one asks again without it", async () => {
    mocks.previewAiDraft.mockResolvedValue(
      ok(
        anAiDraftPreview({
          estimate: {
            inputTokens: 140_000,
            maxOutputTokens: 4096,
            contextWindow: 128_000,
            fits: false,
            maxCostUsd: null,
          },
          notes: [
            { id: 100, title: "Intake", tokens: 90_000 },
            { id: 101, title: "Hearing", tokens: 50_000 },
          ],
        }),
      ),
    );
    const { user } = await openPreview();
    const tooLarge = screen.getByTestId("too-large").textContent;
    expect(tooLarge).toContain("Intake (about 90,000 tokens), Hearing (about 50,000 tokens)");
    expect(screen.getByTestId("send-draft")).toHaveProperty("disabled", true);
    const notes = screen.getAllByTestId("preview-note");
    expect(notes.map((n) => (n.nextElementSibling as HTMLElement).textContent)).toEqual([
      "Intake (about 90,000 tokens)",
      "Hearing (about 50,000 tokens)",
    ]);
    await user.click(nth(notes, 0));
    await waitFor(() => {
      expect(mocks.previewAiDraft).toHaveBeenLastCalledWith(
        expect.objectContaining({ noteIds: [101] }),
      );
    });
  });

  it("highlights placeholders in place after non-ASCII text, and each can be sent as is", async () => {
    const { user } = await openPreview();
    const region = within(screen.getByTestId("sent-prompt")).getByRole("region");
    expect(region.textContent).toBe("Peña 😀 naïve: [A_NUMBER_1] and [CLIENT_1].");
    const highlights = within(region).getAllByTestId("redaction");
    expect(highlights.map((h) => [h.textContent, h.dataset.kind, h.title])).toEqual([
      ["[A_NUMBER_1]", "aNumber", "A-number: A# 012-345-678"],
      ["[CLIENT_1]", "client", "Client's name: Ana Peña"],
    ]);
    // Nothing in the text became markup.
    expect(region.querySelectorAll("script, img")).toHaveLength(0);

    await user.click(nth(highlights, 1));
    expect(screen.getByTestId("chosen-redaction").textContent).toContain(
      "[CLIENT_1] stands for Ana Peña (client's name).",
    );
    await user.click(screen.getByTestId("send-as-is"));
    await waitFor(() => {
      expect(mocks.previewAiDraft).toHaveBeenLastCalledWith(
        expect.objectContaining({
          changes: { redact: [], keep: [{ kind: "client", value: "Ana Peña", sameAs: null }] },
        }),
      );
    });
  });

  it("redacts selected text by hand, under the kind chosen", async () => {
    const { user } = await openPreview();
    await select(user, " Peña ");
    await user.selectOptions(screen.getByTestId("redact-kind"), "person");
    await user.click(screen.getByTestId("redact-this"));
    await waitFor(() => {
      expect(mocks.previewAiDraft).toHaveBeenLastCalledWith(
        expect.objectContaining({
          changes: { redact: [{ kind: "person", value: "Peña", sameAs: null }], keep: [] },
        }),
      );
    });
  });

  /** Selects `selected` in the first text of the prompt, as a mouse would. */
  async function select(user: Awaited<ReturnType<typeof openPreview>>["user"], selected: string) {
    const region = within(screen.getByTestId("sent-prompt")).getByRole("region");
    const text = nth(Array.from(region.childNodes), 0);
    const selection = vi.spyOn(window, "getSelection").mockReturnValue({
      rangeCount: 1,
      anchorNode: text,
      focusNode: text,
      toString: () => selected,
    } as unknown as Selection);
    await user.pointer({ target: region, keys: "[MouseLeft]" });
    selection.mockRestore();
  }

  it("redacts selected text under a placeholder already there, offering those of its kind", async () => {
    const { user } = await openPreview();
    await select(user, "Anita");
    const sameAs = screen.getByTestId("redact-same-as");
    // A person's name may join the client's placeholder; the A-number is no name.
    expect(within(sameAs).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "A new one",
      "Same as [CLIENT_1] (Ana Lucía Peña)",
    ]);
    await user.selectOptions(sameAs, "[CLIENT_1]");
    await user.click(screen.getByTestId("redact-this"));
    await waitFor(() => {
      expect(mocks.previewAiDraft).toHaveBeenLastCalledWith(
        expect.objectContaining({
          changes: {
            redact: [{ kind: "client", value: "Anita", sameAs: "Ana Lucía Peña" }],
            keep: [],
          },
        }),
      );
    });
  });

  it("does not offer Send as is when the policy requires redaction", async () => {
    mocks.previewAiDraft.mockResolvedValue(ok(anAiDraftPreview({ redactionRequired: true })));
    const { user } = await openPreview();
    const region = within(screen.getByTestId("sent-prompt")).getByRole("region");
    await user.click(nth(within(region).getAllByTestId("redaction"), 1));
    expect(screen.getByTestId("chosen-redaction").textContent).toContain("[CLIENT_1] stands for");
    expect(screen.queryByTestId("send-as-is")).toBeNull();
    expect(screen.getByTestId("redaction-required").textContent).toContain("requires redaction");
  });

  it("lists names that look like people, each redacted with one click or all at once", async () => {
    const shown = anAiDraftPreview();
    const person = (text: string) => ({ text, placeholder: null, unredactedPerson: true });
    const plain = (text: string) => ({ text, placeholder: null, unredactedPerson: false });
    mocks.previewAiDraft.mockResolvedValue(
      ok({
        ...shown,
        prompt: [
          plain("HR contact "),
          person("Priya Shah"),
          plain(" met Ms. "),
          person("Okafor"),
          plain(" and "),
          person("Priya Shah"),
          plain(" again."),
        ],
      }),
    );
    const { user } = await openPreview();
    const notice = screen.getByTestId("unredacted-people");
    expect(notice.textContent).toContain("2 names that look like people were not redacted");
    const region = within(screen.getByTestId("sent-prompt")).getByRole("region");
    expect(within(region).getAllByTestId("unredacted-person").map((m) => m.textContent)).toEqual([
      "Priya Shah",
      "Okafor",
      "Priya Shah",
    ]);
    await user.click(nth(within(notice).getAllByTestId("redact-person"), 1));
    await waitFor(() => {
      expect(mocks.previewAiDraft).toHaveBeenLastCalledWith(
        expect.objectContaining({
          changes: { redact: [{ kind: "person", value: "Okafor", sameAs: null }], keep: [] },
        }),
      );
    });
    await user.click(screen.getByTestId("redact-all-people"));
    await waitFor(() => {
      expect(mocks.previewAiDraft).toHaveBeenLastCalledWith(
        expect.objectContaining({
          changes: {
            redact: [
              { kind: "person", value: "Priya Shah", sameAs: null },
              { kind: "person", value: "Okafor", sameAs: null },
            ],
            keep: [],
          },
        }),
      );
    });
  });

  it("Escape goes back to the choices", async () => {
    const { user } = await openPreview();
    screen.getByTestId("send-draft").focus();
    await user.keyboard("{Escape}");
    await screen.findByTestId("draft-how");
  });
});

describe("sending", () => {
  function sendAnswering() {
    const answer = deferred<{ status: "ok"; data: AiDraftRun_Serialize }>();
    const channel: { current: Sent | null } = { current: null };
    mocks.sendAiDraft.mockImplementation((_order, onProgress) => {
      channel.current = onProgress;
      return answer.promise;
    });
    const emit = (event: DraftProgress) => {
      if (channel.current === null) throw new Error("nothing was sent");
      channel.current.onmessage(event);
    };
    return { answer, emit };
  }

  it("streams the text in as sanitized Markdown, then opens the draft for review", async () => {
    const { answer, emit } = sendAnswering();
    mocks.draft.mockResolvedValue(ok(aShownDraft({ id: 77, origin: "ai" })));
    const { user } = await openPreview();
    await user.keyboard("{Control>}{Enter}{/Control}");
    await screen.findByTestId("draft-stream");
    emit({ event: "started", draftId: 77 });
    emit({ event: "text", text: "## Facts\n\nAna Peña <script>window.hacked = 1</script>" });
    emit({ event: "text", text: '<img src=x onerror="window.hacked = 1"> arrived.' });
    const streamed = screen.getByTestId("stream-text");
    await waitFor(() => {
      expect(streamed.textContent).toContain("arrived.");
    });
    expect(streamed.querySelector("h5")?.textContent).toBe("Facts");
    expect(streamed.querySelectorAll("script, img")).toHaveLength(0);
    expect(screen.getByTestId("stream-progress").textContent).toContain("Writing:");

    answer.resolve(ok({ draft: aShownDraft({ id: 77, origin: "ai" }), failure: null }));
    await screen.findByTestId("draft-banner");
    expect(mocks.draft).toHaveBeenCalledWith(77);
    expect(mocks.sendAiDraft).toHaveBeenCalledTimes(1);
  });

  it("Cancel stops the draft, keeps the text so far and says the draft is incomplete", async () => {
    const { answer, emit } = sendAnswering();
    mocks.cancelAiDraft.mockResolvedValue(ok(true));
    const { user } = await openPreview();
    await user.click(screen.getByTestId("send-draft"));
    emit({ event: "started", draftId: 78 });
    emit({ event: "text", text: "The first words" });
    await waitFor(() => {
      expect(screen.getByTestId("stream-text").textContent).toContain("The first words");
    });
    await user.keyboard("{Escape}");
    expect(mocks.cancelAiDraft).toHaveBeenCalledWith(78);
    expect(screen.getByTestId("cancel-draft").textContent).toBe("Cancelling…");

    const kept = aShownDraft({
      id: 78,
      origin: "ai",
      status: "interrupted",
      interruption: "cancelled by jroe",
      body: "The first words",
    });
    answer.resolve(
      ok({
        draft: kept,
        failure: {
          code: "invalidInput",
          message: "The draft was cancelled; the text received so far is kept.",
        },
      }),
    );
    const incomplete = await screen.findByTestId("stream-incomplete");
    expect(incomplete.textContent).toContain("cancelled");
    expect(incomplete.textContent).toContain("marked incomplete");
    expect(screen.getByTestId("stream-text").textContent).toContain("The first words");
    mocks.draft.mockResolvedValue(ok(kept));
    await user.click(screen.getByTestId("open-incomplete-draft"));
    expect((await screen.findByTestId("draft-banner")).textContent).toContain("INCOMPLETE");
  });

  it("a provider error shows the provider's message and that the partial draft was kept", async () => {
    const { answer, emit } = sendAnswering();
    const { user } = await openPreview();
    await user.click(screen.getByTestId("send-draft"));
    emit({ event: "started", draftId: 79 });
    answer.resolve(
      ok({
        draft: aShownDraft({ id: 79, origin: "ai", status: "interrupted" }),
        failure: { code: "provider", message: "Azure OpenAI stopped: the service is overloaded." },
      }),
    );
    const incomplete = await screen.findByTestId("stream-incomplete");
    expect(incomplete.textContent).toContain("the service is overloaded");
    expect(incomplete.textContent).toContain("received before the provider stopped is kept");
  });
});
