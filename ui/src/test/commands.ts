// A stand-in for the generated bindings: every command is a vi.fn with a harmless default answer.
import { vi, type Mock } from "vitest";
import type {
  AiDraftPreview_Serialize,
  ClientSummary_Serialize,
  commands as Commands,
  Contact_Serialize,
  DeadlineRecord_Serialize,
  Draft_Serialize,
  DraftListing_Serialize,
  DraftSummary_Serialize,
  DraftVersion,
  EffectivePolicy_Serialize,
  ProfileEntry_Serialize,
  ProviderProfile_Serialize,
  Filing_Serialize,
  IpcError_Serialize,
  Matter_Serialize,
  MatterRetention_Serialize,
  MatterSummary_Serialize,
  Note,
  NoteSummary,
  Notice_Serialize,
  Party,
  Provenance_Serialize,
  Revision,
  RevisionSummary,
  SearchHit_Serialize,
  ShownDraft_Serialize,
  TemplateCatalog_Serialize,
  TrashedNote,
  UpcomingDeadline_Serialize,
} from "../bindings";
import { workspaceStatus } from "./workspace";

type CommandSet = typeof Commands;
export type MockCommands = { [K in keyof CommandSet]: Mock<CommandSet[K]> };

const NAMES = [
  "workspaceStatus",
  "clients",
  "createClient",
  "client",
  "matters",
  "createMatter",
  "matter",
  "notes",
  "createNote",
  "note",
  "saveNote",
  "noteRevisions",
  "noteRevision",
  "restoreNoteRevision",
  "trashNote",
  "restoreNote",
  "purgeNote",
  "trash",
  "search",
  "filings",
  "addFiling",
  "addNotice",
  "addEventDeadline",
  "deadlines",
  "upcomingDeadlines",
  "overrideDeadline",
  "completeDeadline",
  "contact",
  "updateContact",
  "matterRecord",
  "updateMatter",
  "matterParties",
  "addParty",
  "removeParty",
  "noteTags",
  "setNoteTags",
  "providerProfiles",
  "saveProviderProfile",
  "removeProviderProfile",
  "setDefaultProviderProfile",
  "setProviderCredential",
  "removeProviderCredential",
  "testProviderConnection",
  "effectivePolicy",
  "templates",
  "createOfflineDraft",
  "drafts",
  "allDrafts",
  "draft",
  "saveDraft",
  "draftVersions",
  "restoreDraftVersion",
  "approveDraft",
  "reviewer",
  "matterAiCost",
  "clientConsents",
  "recordConsent",
  "revokeConsent",
  "exportDraft",
  "exportMatterDrafts",
  "cancelExport",
  "exportLocation",
  "showExportFolder",
  "setSetting",
  "matterRetention",
  "setMatterRetention",
  "setLegalHold",
  "releaseLegalHold",
  "deleteDraft",
  "previewAiDraft",
  "sendAiDraft",
  "cancelAiDraft",
] as const satisfies readonly (keyof CommandSet)[];

/** The mocked commands, typed as mocks (pass the `commands` the test imported). */
export function mockedCommands(commands: CommandSet): MockCommands {
  return commands as unknown as MockCommands;
}

/** For `vi.mock("…/bindings", …)`: the module with every command mocked. */
export function bindingsModule(): { commands: MockCommands } {
  return {
    commands: Object.fromEntries(NAMES.map((name) => [name, vi.fn()])) as unknown as MockCommands,
  };
}

export function ok<T>(data: T): { status: "ok"; data: T } {
  return { status: "ok", data };
}

export function fail(
  code: IpcError_Serialize["code"],
  message: string,
  field?: string,
): { status: "error"; error: IpcError_Serialize } {
  return {
    status: "error",
    error: field === undefined ? { code, message } : { code, message, field },
  };
}

const AT = "2025-03-14T15:09:26Z";

export function aClient(overrides: Partial<ClientSummary_Serialize> = {}): ClientSummary_Serialize {
  return { id: 1, name: "Ana Peña", aNumber: null, matters: 0, updatedAt: AT, ...overrides };
}

export function aMatter(overrides: Partial<MatterSummary_Serialize> = {}): MatterSummary_Serialize {
  return {
    id: 10,
    clientId: 1,
    number: null,
    title: "I-130 for spouse",
    description: "",
    notes: 0,
    updatedAt: AT,
    ...overrides,
  };
}

type ContactDetails = Contact_Serialize["details"];

/** A client's whole record: Ana Peña with nothing but her name, unless overridden. */
export function aContact(overrides: Partial<ContactDetails> = {}, id = 1): Contact_Serialize {
  return {
    id,
    createdAt: AT,
    updatedAt: AT,
    details: {
      kind: "person",
      givenName: "Ana",
      middleName: "",
      familyName: "Peña",
      institutionName: "",
      otherNames: [],
      dateOfBirth: null,
      countryOfBirth: null,
      citizenships: [],
      aNumber: null,
      uscisAccountNumber: null,
      ssnItin: null,
      passports: [],
      latestI94: null,
      sevisId: null,
      addresses: [],
      phones: [],
      emails: [],
      preferredLanguage: null,
      interpreterNeeded: false,
      detained: false,
      sensitivityFlags: [],
      jurisdiction: null,
      ...overrides,
    },
  };
}

type MatterDetails = Matter_Serialize["details"];

/** A matter's whole record: "I-130 for spouse" with nothing else, unless overridden. */
export function aMatterRecord(overrides: Partial<MatterDetails> = {}, id = 10): Matter_Serialize {
  return {
    id,
    clientId: 1,
    createdAt: AT,
    updatedAt: AT,
    details: {
      number: null,
      title: "I-130 for spouse",
      description: "",
      matterType: null,
      firmStatus: null,
      agencyStatus: null,
      agencyStatusDate: null,
      benefitSought: null,
      forum: null,
      category: null,
      priorityDate: null,
      chargeability: null,
      premiumProcessing: false,
      responsibleAttorney: null,
      nextHearing: null,
      ...overrides,
    },
  };
}

export function aParty(overrides: Partial<Party> = {}): Party {
  return { contactId: 2, name: "Luis Peña", role: "petitioner", ...overrides };
}

export function aNote(overrides: Partial<Note> = {}): Note {
  return {
    id: 100,
    matterId: 10,
    title: "Intake",
    body: "Met the client.",
    createdAt: AT,
    updatedAt: AT,
    revision: 1,
    ...overrides,
  };
}

export function aNoteSummary(overrides: Partial<NoteSummary> = {}): NoteSummary {
  return { id: 100, title: "Intake", preview: "Met the client.", updatedAt: AT, ...overrides };
}

export function aRevisionSummary(overrides: Partial<RevisionSummary> = {}): RevisionSummary {
  return { number: 1, title: "Intake", savedAt: AT, chars: 15, ...overrides };
}

export function aRevision(overrides: Partial<Revision> = {}): Revision {
  return { number: 1, title: "Intake", body: "Met the client.", savedAt: AT, ...overrides };
}

export function aTrashedNote(overrides: Partial<TrashedNote> = {}): TrashedNote {
  return { id: 100, matterId: 10, title: "Intake", deletedAt: AT, ...overrides };
}

export function aHit(overrides: Partial<SearchHit_Serialize> = {}): SearchHit_Serialize {
  return {
    kind: "note",
    id: 100,
    externalId: null,
    title: "Intake",
    snippet: [{ text: "Met the client.", highlight: false }],
    matterId: 10,
    clientId: 1,
    updatedAt: AT,
    ...overrides,
  };
}

export function aFiling(overrides: Partial<Filing_Serialize> = {}): Filing_Serialize {
  return {
    id: 200,
    matterId: 10,
    formType: "I-130",
    formEdition: null,
    filedOn: "2026-01-12",
    receiptNumber: "IOE0912345678",
    ...overrides,
  };
}

export function aNotice(overrides: Partial<Notice_Serialize> = {}): Notice_Serialize {
  return {
    id: 300,
    matterId: 10,
    kind: "rfe",
    noticeDate: "2026-03-02",
    service: "mail",
    printedDue: null,
    ...overrides,
  };
}

/** An RFE response deadline: notice of 2026-03-02 served by mail, due 2026-05-28. */
export function aDeadline(
  overrides: Partial<DeadlineRecord_Serialize> = {},
): DeadlineRecord_Serialize {
  return {
    id: 400,
    matterId: 10,
    rule: "Response to a Request for Evidence (12 weeks)",
    source: "8 CFR 103.2(b)(8)(iv)",
    explanation:
      "84 days from the notice date 2026-03-02, plus 3 days for service by mail (8 CFR 103.8(b))",
    warnings: [],
    triggerDate: "2026-03-02",
    computedDue: "2026-05-28",
    opensOn: null,
    overrideDue: null,
    overrideReason: null,
    due: "2026-05-28",
    done: false,
    ...overrides,
  };
}

export function anUpcoming(
  deadline: Partial<DeadlineRecord_Serialize> = {},
  overrides: Partial<Omit<UpcomingDeadline_Serialize, "deadline">> = {},
): UpcomingDeadline_Serialize {
  return {
    deadline: aDeadline(deadline),
    clientId: 1,
    clientName: "Ana Peña",
    matterTitle: "I-130 for spouse",
    ...overrides,
  };
}

export const POLICY_FILE = "/etc/casefile/policy.json";

/** The policy as the app reports it: no policy file (every setting the user's or built in). */
export function anEffectivePolicy(
  overrides: Partial<EffectivePolicy_Serialize> = {},
): EffectivePolicy_Serialize {
  const builtIn = (name: EffectivePolicy_Serialize["settings"][number]["name"], value: boolean | null) => ({
    name,
    value,
    source: "built_in" as const,
    locked: false,
    reason: null,
  });
  return {
    policy_file: POLICY_FILE,
    status: { state: "absent" },
    settings: [
      builtIn("default_profile", null),
      builtIn("custom_profiles", true),
      builtIn("proxy", null),
      builtIn("extra_ca_file", null),
      builtIn("ai_history_retention_days", null),
      builtIn("require_client_consent", false),
      builtIn("require_redaction", false),
      builtIn("require_approval_before_export", false),
      builtIn("firm_name", null),
      builtIn("export_folder", null),
      builtIn("audit_forward", null),
    ],
    rules: null,
    ...overrides,
  };
}

const PROFILE_SET_AT = "2025-03-14T15:09:26Z";

/** A provider profile as Settings lists it: a local gateway, the default, with no key set. */
export function aProfileEntry(overrides: Partial<ProfileEntry_Serialize> = {}): ProfileEntry_Serialize {
  return {
    name: "gateway",
    kind: "openai-compatible",
    display_name: "Firm gateway",
    base_url: "http://localhost:4000/v1",
    region: null,
    model: "llama3.1",
    deployment: null,
    api_version: null,
    project: null,
    tenant_id: null,
    client_id: null,
    token_url: null,
    extra_headers: {},
    keychain_headers: [],
    data_processing: {
      processing_region: "This computer",
      retention: "zero-data-retention",
      no_training: true,
      contract_reference: null,
    },
    model_limits: {
      context_window_tokens: 128000,
      max_output_tokens: null,
      usd_per_million_input_tokens: null,
      usd_per_million_output_tokens: null,
    },
    is_default: true,
    managed: false,
    credentials: [],
    credential_fields: ["api_key"],
    created_at: PROFILE_SET_AT,
    updated_at: PROFILE_SET_AT,
    blocked: null,
    ...overrides,
  };
}

/** A case summary of matter 10 filled from the record: version 1, pending review. */
export function aDraft(overrides: Partial<Draft_Serialize> = {}): Draft_Serialize {
  return {
    id: 500,
    matterId: 10,
    template: "case-summary",
    templateVersion: 1,
    title: "Case summary: I-130 for spouse",
    origin: "record",
    status: "pendingReview",
    interruption: null,
    body: "# Case summary: I-130 for spouse\n\n## Matter snapshot\n\n| | |\n|---|---|\n| Client | Ana Peña |\n| Priority date | *not recorded* |",
    provenance: aProvenance(),
    createdAt: AT,
    createdBy: "jroe",
    updatedAt: AT,
    approvedAt: null,
    approvedBy: null,
    version: 1,
    ...overrides,
  };
}

export function aProvenance(overrides: Partial<Provenance_Serialize> = {}): Provenance_Serialize {
  return {
    template: "case-summary",
    templateVersion: 1,
    templateOrigin: "built-in",
    matterId: 10,
    clientId: 1,
    notes: [{ id: 100, revision: 2, title: "Intake" }],
    missing: ["priority date"],
    startedAt: AT,
    finishedAt: AT,
    user: "jroe",
    ai: null,
    ...overrides,
  };
}

/** A draft with the banner core would give it. */
export function aShownDraft(overrides: Partial<Draft_Serialize> = {}): ShownDraft_Serialize {
  const draft = aDraft(overrides);
  const made =
    draft.origin === "ai"
      ? "AI-assisted draft"
      : "Filled from the record on this computer; no AI was used";
  const banner =
    draft.status === "approved"
      ? `${made}. Approved by ${draft.approvedBy ?? ""} on ${(draft.approvedAt ?? "").slice(0, 10)}.`
      : draft.status === "interrupted"
        ? `${made}, INCOMPLETE (${draft.interruption ?? ""}), pending attorney review.`
        : draft.status === "writing"
          ? `${made}, still being written.`
          : `${made}, pending attorney review.`;
  return { draft, banner };
}

export function aDraftSummary(overrides: Partial<DraftSummary_Serialize> = {}): DraftSummary_Serialize {
  return {
    id: 500,
    matterId: 10,
    template: "case-summary",
    title: "Case summary: I-130 for spouse",
    origin: "record",
    status: "pendingReview",
    createdAt: AT,
    updatedAt: AT,
    approvedAt: null,
    approvedBy: null,
    ...overrides,
  };
}

export function aDraftListing(
  draft: Partial<DraftSummary_Serialize> = {},
  overrides: Partial<Omit<DraftListing_Serialize, "draft">> = {},
): DraftListing_Serialize {
  return {
    draft: aDraftSummary(draft),
    clientId: 1,
    clientName: "Ana Peña",
    matterTitle: "I-130 for spouse",
    ...overrides,
  };
}

export function aDraftVersion(overrides: Partial<DraftVersion> = {}): DraftVersion {
  return {
    number: 1,
    origin: "generated",
    body: "# Case summary: I-130 for spouse",
    savedAt: AT,
    savedBy: "jroe",
    ...overrides,
  };
}

/** The five built-in templates, none replaced, no problem files. */
export function aTemplateCatalog(overrides: Partial<TemplateCatalog_Serialize> = {}): TemplateCatalog_Serialize {
  const template = (name: string, title: string, description: string) => ({
    name,
    version: 1,
    title,
    description,
    firmFile: null,
    aiSections: ["Facts"],
    pinned: null,
    sha256: `${name}-sha256`,
  });
  return {
    templates: [
      template("case-summary", "Case summary", "The state of a matter for an attorney."),
      template("rfe-response", "RFE response", "Each deficiency, its evidence and argument."),
      template("status-letter", "Status letter", "A letter to the client."),
      template("cover-letter", "Cover letter", "The cover letter of a filing."),
      template("declaration", "Declaration", "A declaration draft."),
    ],
    problems: [],
    ...overrides,
  };
}

/** Where exports go when no folder is set, as the app reports it in tests. */
export const EXPORT_FOLDER = "/home/jroe/Documents/Casefile exports";

/** Clears every mock and gives each command an answer for an empty, working workspace. */
export function resetCommands(commands: MockCommands): void {
  for (const name of NAMES) commands[name].mockReset();
  commands.workspaceStatus.mockResolvedValue(ok(workspaceStatus()));
  commands.clients.mockResolvedValue(ok([]));
  commands.matters.mockResolvedValue(ok([]));
  commands.notes.mockResolvedValue(ok([]));
  commands.trash.mockResolvedValue(ok([]));
  commands.search.mockResolvedValue(ok([]));
  commands.filings.mockResolvedValue(ok([]));
  commands.deadlines.mockResolvedValue(ok([]));
  commands.upcomingDeadlines.mockResolvedValue(ok([]));
  commands.noteRevisions.mockResolvedValue(ok([aRevisionSummary()]));
  commands.contact.mockResolvedValue(ok(aContact()));
  commands.matterRecord.mockResolvedValue(ok(aMatterRecord()));
  commands.matterParties.mockResolvedValue(ok([]));
  commands.noteTags.mockResolvedValue(ok([]));
  commands.providerProfiles.mockResolvedValue(ok([]));
  commands.effectivePolicy.mockResolvedValue(ok(anEffectivePolicy()));
  commands.templates.mockResolvedValue(ok(aTemplateCatalog()));
  commands.drafts.mockResolvedValue(ok([]));
  commands.allDrafts.mockResolvedValue(ok([]));
  commands.reviewer.mockResolvedValue(ok("jroe"));
  commands.matterAiCost.mockResolvedValue(
    ok({ aiDrafts: 0, tokensIn: 0, tokensOut: 0, costUsd: null }),
  );
  commands.clientConsents.mockResolvedValue(ok([]));
  commands.exportLocation.mockResolvedValue(ok(EXPORT_FOLDER));
  commands.matterRetention.mockResolvedValue(ok(aMatterRetention()));
}

/** A matter with no retention period set anywhere and no legal hold. */
export function aMatterRetention(
  overrides: Partial<MatterRetention_Serialize> = {},
): MatterRetention_Serialize {
  const kept = { days: null, source: "builtIn" as const, locked: false, lockReason: null };
  return {
    matterId: 10,
    effective: kept,
    setting: kept,
    matterOverride: null,
    hold: null,
    ...overrides,
  };
}

/** The preview of a case summary through an Azure profile: no consent needed, it fits. */
export function anAiDraftPreview(
  overrides: Partial<AiDraftPreview_Serialize["preview"]> = {},
): AiDraftPreview_Serialize {
  const profile: ProviderProfile_Serialize = {
    name: "firm",
    kind: "azure-openai",
    display_name: "Firm Azure",
    base_url: "https://firm-eu.openai.azure.com",
    region: "swedencentral",
    model: null,
    deployment: "drafting-eu",
    api_version: null,
    project: null,
    tenant_id: null,
    client_id: null,
    token_url: null,
    extra_headers: {},
    keychain_headers: [],
    data_processing: {
      processing_region: "EU (Sweden Central)",
      retention: "zero-data-retention",
      no_training: true,
      contract_reference: null,
    },
    model_limits: {
      context_window_tokens: 128000,
      max_output_tokens: 4096,
      usd_per_million_input_tokens: null,
      usd_per_million_output_tokens: null,
    },
  };
  const text = (t: string, unredactedPerson = false) => ({
    text: t,
    placeholder: null,
    unredactedPerson,
  });
  const prompt = [
    text("Peña 😀 naïve: "),
    {
      text: "[A_NUMBER_1]",
      placeholder: { kind: "aNumber" as const, original: "A# 012-345-678", value: "A012345678" },
      unredactedPerson: false,
    },
    text(" and "),
    {
      text: "[CLIENT_1]",
      placeholder: { kind: "client" as const, original: "Ana Peña", value: "Ana Lucía Peña" },
      unredactedPerson: false,
    },
    text("."),
  ];
  const system = [text("Write in Markdown.")];
  return {
    preview: {
      template: "case-summary",
      templateVersion: 1,
      profile,
      jurisdiction: null,
      policyException: null,
      consent: { required: false, consent: null },
      redactionRequired: false,
      redacted: true,
      // The byte ranges the UI never reads; the segments carry the same text.
      system: { text: system.map((s) => s.text).join(""), spans: [], unredactedPeople: [] },
      prompt: { text: prompt.map((s) => s.text).join(""), spans: [], unredactedPeople: [] },
      redactions: { A_NUMBER: { values: 1, occurrences: 1 }, CLIENT: { values: 1, occurrences: 1 } },
      missing: ["priority date"],
      estimate: {
        inputTokens: 1200,
        maxOutputTokens: 4096,
        contextWindow: 128000,
        fits: true,
        maxCostUsd: 0.0123,
      },
      notes: [
        { id: 100, title: "Intake", tokens: 700 },
        { id: 101, title: "Hearing", tokens: 300 },
      ],
      ...overrides,
    },
    system,
    prompt,
  };
}

/** A promise with its resolve function, to answer a command exactly when a test wants to. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
