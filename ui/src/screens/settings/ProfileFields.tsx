import type { Ref } from "react";
import type { EffectivePolicy_Serialize, ProviderKind, RetentionMode } from "../../bindings";
import { CheckboxField } from "../../components/CheckboxField";
import { Detail } from "../../components/Detail";
import { InlineError } from "../../components/InlineError";
import { RepeatableRows } from "../../components/RepeatableRows";
import { SelectField, type Choice } from "../../components/SelectField";
import { NumberField } from "../../components/NumberField";
import { TextField } from "../../components/TextField";
import {
  BEDROCK_REGIONS,
  familyOf,
  inferenceScope,
  KIND_LABELS,
  KINDS,
  MODEL_EXAMPLES,
  type ProfileSetting,
} from "./kinds";
import { allowedKinds, allowedText } from "./policy";
import { orNull, type Header, type ProfileDraft } from "./profileDraft";

/** The test id and the app's error for the field at `path` (see `useRecordEditor`). */
type FieldOf = (path: string) => { testId: string; error: string | undefined };

export interface ProfileFieldsProps {
  draft: ProfileDraft;
  set: <K extends keyof ProfileDraft>(key: K, value: ProfileDraft[K]) => void;
  field: FieldOf;
  policy: EffectivePolicy_Serialize;
  /** The name and kind are chosen once, when the profile is added. */
  isNew: boolean;
  /** The policy's reason when every field is read-only. */
  locked: string | undefined;
  firstField?: Ref<HTMLInputElement>;
}

export const RETENTION: readonly Choice<RetentionMode>[] = [
  { value: "unknown", label: "Not recorded yet" },
  { value: "zero-data-retention", label: "Zero data retention: nothing is kept after answering" },
  { value: "abuse-monitoring", label: "Kept for abuse monitoring for a limited time" },
  { value: "provider-default", label: "The provider's standard retention" },
];

const NO_TRAINING: readonly Choice<"yes" | "no">[] = [
  { value: "yes", label: "Yes: the contract excludes training on the firm's data" },
  { value: "no", label: "No" },
];

/** Every setting of a profile, guided for its kind: only what that kind uses, explained. */
export function ProfileFields({
  draft: d,
  set,
  field,
  policy,
  isNew,
  locked,
  firstField,
}: ProfileFieldsProps) {
  const kind = d.kind;
  const text = (setting: ProfileSetting) => ({
    value: d[setting] ?? "",
    onChange: (v: string) => {
      set(setting, orNull(v));
    },
    locked,
    ...field(setting),
  });
  const allowed = allowedKinds(policy);
  const kindChoices = KINDS.filter((k) => allowed === null || allowed.includes(k) || k === kind).map(
    (k) => ({ value: k, label: KIND_LABELS[k] }),
  );
  const regionsHint = allowedText("regions", policy);
  const modelsHint = allowedText("models", policy);

  return (
    <>
      <fieldset className="form__section">
        <legend className="form__legend">Profile</legend>
        {isNew ? (
          <div className="form__row">
            <TextField
              label="Name"
              required
              hint="Letters, digits, - and _. Scripts and the firm's policy use this name."
              value={d.name}
              onChange={(v) => {
                set("name", v);
              }}
              inputRef={firstField}
              {...field("name")}
            />
            <SelectField<ProviderKind>
              label="Kind of provider"
              required
              choices={kindChoices}
              placeholder="Choose…"
              value={kind}
              onChange={(v) => {
                set("kind", v);
              }}
              hint={
                allowed === null
                  ? "Each cloud and API has its own settings; they appear once you choose."
                  : `Your IT provider allows only: ${allowed.map((k) => KIND_LABELS[k as ProviderKind]).join(", ")}.`
              }
              {...field("kind")}
            />
          </div>
        ) : (
          <dl className="details">
            <Detail term="Name">
              <span data-testid="profile-name">{d.name}</span>
            </Detail>
            <Detail term="Kind">{kind === "" ? "" : KIND_LABELS[kind]}</Detail>
          </dl>
        )}
        <TextField
          label="Display name"
          hint="How the profile is shown to attorneys, e.g. “Azure OpenAI (EU)”."
          value={d.display_name ?? ""}
          onChange={(v) => {
            set("display_name", orNull(v));
          }}
          locked={locked}
          {...field("display_name")}
        />
      </fieldset>

      {kind !== "" && (
        <fieldset className="form__section" data-testid="profile-connection">
          <legend className="form__legend">Connection</legend>
          {familyOf(kind) === "azure" && (
            <AzureFields
              d={d}
              set={set}
              text={text}
              locked={locked}
              regionsHint={regionsHint}
              deploymentsHint={modelsHint}
            />
          )}
          {familyOf(kind) === "bedrock" && (
            <>
              <SelectField
                label="AWS region"
                required
                choices={regionChoices(BEDROCK_REGIONS, d.region)}
                placeholder="Choose a region…"
                value={d.region ?? ""}
                onChange={(v) => {
                  set("region", orNull(v));
                }}
                hint={
                  regionsHint ??
                  "Where Bedrock receives your requests. The model id below may allow other regions too."
                }
                locked={locked}
                {...field("region")}
              />
              <TextField
                label="Model id or inference profile"
                required
                hint={`E.g. ${MODEL_EXAMPLES[kind]}. A prefix chooses where requests may run: us. (US regions), eu. (EU regions), apac. (Asia Pacific), global. (anywhere in the world). ${inferenceScope(d.model ?? "")}${modelsHint === undefined ? "" : ` ${modelsHint}`}`}
                {...text("model")}
              />
              <TextField
                label="Endpoint override"
                hint="Only for a private (VPC) endpoint; leave empty to use the region's public endpoint."
                {...text("base_url")}
              />
            </>
          )}
          {familyOf(kind) === "vertex" && (
            <>
              <TextField
                label="Google Cloud project"
                hint="Leave empty to use the service account's own project."
                {...text("project")}
              />
              <fieldset className="choice-group">
                <legend className="field__label">Location</legend>
                <div className="checkbox-group">
                  <Radio
                    name="vertex-location"
                    label="Global"
                    checked={d.region === "global"}
                    disabled={locked !== undefined}
                    testId={`${field("region").testId}-global`}
                    onChange={() => {
                      set("region", "global");
                    }}
                  />
                  <Radio
                    name="vertex-location"
                    label="A region"
                    checked={d.region !== "global"}
                    disabled={locked !== undefined}
                    testId={`${field("region").testId}-regional`}
                    onChange={() => {
                      set("region", null);
                    }}
                  />
                </div>
                <p className="field__hint">
                  Global lets Google run each request in any region with capacity: more available,
                  but with no promise of where. A region such as europe-west4 keeps processing
                  there; not every model is offered in every region.
                </p>
              </fieldset>
              {d.region !== "global" && (
                <TextField
                  label="Region"
                  required
                  hint={regionsHint ?? "E.g. europe-west4, us-central1 or northamerica-northeast1."}
                  {...text("region")}
                />
              )}
              {d.region === "global" && field("region").error !== undefined && (
                <InlineError
                  error={{ code: "invalidInput", message: field("region").error ?? "" }}
                  testId={`${field("region").testId}-error`}
                />
              )}
              <TextField
                label="Model"
                required
                hint={`E.g. ${MODEL_EXAMPLES[kind]}.${modelsHint === undefined ? "" : ` ${modelsHint}`}`}
                {...text("model")}
              />
              <TextField
                label="Endpoint override"
                hint="Only for Private Service Connect or a gateway; leave empty otherwise."
                {...text("base_url")}
              />
            </>
          )}
          {familyOf(kind) === "gateway" && (
            <>
              <TextField
                label="Gateway URL"
                required
                hint="Including /v1. LiteLLM: https://litellm.firm.example/v1 · Ollama on this computer: http://localhost:11434/v1. Plain http:// is allowed only to this computer."
                {...text("base_url")}
              />
              <TextField
                label="Model"
                required
                hint={`As the gateway names it, e.g. ${MODEL_EXAMPLES[kind]}.${modelsHint === undefined ? "" : ` ${modelsHint}`}`}
                {...text("model")}
              />
            </>
          )}
          {familyOf(kind) === "openai" && (
            <>
              <TextField
                label="Model"
                required
                hint={`E.g. ${MODEL_EXAMPLES[kind]}.${modelsHint === undefined ? "" : ` ${modelsHint}`}`}
                {...text("model")}
              />
              <TextField
                label="Endpoint override"
                hint="Leave empty to use the provider's own endpoint."
                {...text("base_url")}
              />
            </>
          )}
        </fieldset>
      )}

      <fieldset className="form__section" data-testid="profile-data-processing">
        <legend className="form__legend">Data processing</legend>
        <p className="field__hint">
          What the firm&rsquo;s contract with this provider says. Attorneys see these facts before
          their first request through this profile.
        </p>
        <div className="form__row">
          <TextField
            label="Processing region"
            hint="Where prompts are processed, e.g. “EU (Frankfurt)”."
            value={d.data_processing.processing_region ?? ""}
            onChange={(v) => {
              set("data_processing", { ...d.data_processing, processing_region: orNull(v) });
            }}
            locked={locked}
            {...field("data_processing.processing_region")}
          />
          <TextField
            label="Contract or DPA reference"
            value={d.data_processing.contract_reference ?? ""}
            onChange={(v) => {
              set("data_processing", { ...d.data_processing, contract_reference: orNull(v) });
            }}
            locked={locked}
            {...field("data_processing.contract_reference")}
          />
        </div>
        <div className="form__row">
          <SelectField<RetentionMode>
            label="Retention"
            choices={RETENTION}
            placeholder="Choose…"
            value={d.data_processing.retention}
            onChange={(v) => {
              if (v !== "") set("data_processing", { ...d.data_processing, retention: v });
            }}
            locked={locked}
            {...field("data_processing.retention")}
          />
          <SelectField<"yes" | "no">
            label="No training on the firm's data"
            choices={NO_TRAINING}
            placeholder="Not known"
            value={
              d.data_processing.no_training === null ? "" : d.data_processing.no_training ? "yes" : "no"
            }
            onChange={(v) => {
              set("data_processing", {
                ...d.data_processing,
                no_training: v === "" ? null : v === "yes",
              });
            }}
            locked={locked}
            {...field("data_processing.no_training")}
          />
        </div>
      </fieldset>

      <fieldset className="form__section" data-testid="profile-limits-section">
        <legend className="form__legend">Model limits and prices</legend>
        <p className="field__hint">
          From the model&rsquo;s documentation and the firm&rsquo;s price list. A draft too large
          for the context window is refused before sending; the prices give the cost estimate
          shown before a draft is sent and the AI cost of each matter.
        </p>
        <div className="form__row">
          <NumberField
            label="Context window (tokens)"
            hint="Empty: 128000."
            value={d.model_limits.context_window_tokens}
            onChange={(v) => {
              set("model_limits", { ...d.model_limits, context_window_tokens: v });
            }}
            locked={locked}
            {...field("model_limits")}
          />
          <NumberField
            label="Longest answer (tokens)"
            hint="Empty: 4096."
            value={d.model_limits.max_output_tokens}
            onChange={(v) => {
              set("model_limits", { ...d.model_limits, max_output_tokens: v });
            }}
            locked={locked}
            testId="profile-max-output-tokens"
          />
        </div>
        <div className="form__row">
          <NumberField
            label="Input price (US$ per million tokens)"
            value={d.model_limits.usd_per_million_input_tokens}
            onChange={(v) => {
              set("model_limits", {
                ...d.model_limits,
                usd_per_million_input_tokens: v,
              });
            }}
            locked={locked}
            testId="profile-input-price"
          />
          <NumberField
            label="Output price (US$ per million tokens)"
            value={d.model_limits.usd_per_million_output_tokens}
            onChange={(v) => {
              set("model_limits", {
                ...d.model_limits,
                usd_per_million_output_tokens: v,
              });
            }}
            locked={locked}
            testId="profile-output-price"
          />
        </div>
      </fieldset>

      <fieldset className="form__section">
        <legend className="form__legend">Advanced</legend>
        <p className="field__hint" data-testid="profile-headers-hint">
          Extra HTTP headers are for values that are not secret, e.g. X-Team. A header that carries
          a key (Ocp-Apim-Subscription-Key, Helicone-Auth, Authorization…) is set under Credentials
          once the profile is saved, and kept in the keychain.
        </p>
        {locked === undefined ? (
          <RepeatableRows<Header>
            legend="Extra HTTP headers"
            itemLabel="Header"
            addLabel="Add header"
            testId="profile-headers"
            empty="None."
            rows={d.extra_headers}
            onChange={(rows) => {
              set("extra_headers", rows);
            }}
            blank={() => ({ name: "", value: "" })}
            renderRow={(h, index, update) => (
              <>
                <TextField
                  label="Header name"
                  value={h.name}
                  onChange={(v) => {
                    update({ ...h, name: v });
                  }}
                  testId={`${field("extra_headers").testId}-${String(index)}-name`}
                />
                <TextField
                  label="Value"
                  value={h.value}
                  onChange={(v) => {
                    update({ ...h, value: v });
                  }}
                  testId={`${field("extra_headers").testId}-${String(index)}-value`}
                />
              </>
            )}
          />
        ) : (
          <p className="quiet">
            Extra HTTP headers:{" "}
            {d.extra_headers.length === 0 ? "none" : d.extra_headers.map((h) => h.name).join(", ")}
          </p>
        )}
        {field("extra_headers").error !== undefined && (
          <InlineError
            error={{ code: "invalidInput", message: field("extra_headers").error ?? "" }}
            testId={`${field("extra_headers").testId}-error`}
          />
        )}
      </fieldset>

      {isNew && (
        <CheckboxField
          label="Make it the default profile"
          checked={d.make_default}
          onChange={(v) => {
            set("make_default", v);
          }}
          locked={lockedDefault(policy)}
          testId="profile-make-default"
        />
      )}
    </>
  );
}

function lockedDefault(policy: EffectivePolicy_Serialize): string | undefined {
  const found = policy.settings.find((s) => s.name === "default_profile");
  return found?.locked ? (found.reason ?? "Locked by your firm's policy.") : undefined;
}

/** The region picker's choices, keeping a region the list does not know (set elsewhere). */
function regionChoices(known: readonly Choice<string>[], current: string | null): Choice<string>[] {
  if (current === null || known.some((c) => c.value === current)) return [...known];
  return [...known, { value: current, label: current }];
}

interface RadioProps {
  name: string;
  label: string;
  checked: boolean;
  disabled: boolean;
  testId: string;
  onChange: () => void;
}

function Radio({ name, label, checked, disabled, testId, onChange }: RadioProps) {
  return (
    <label className="checkbox">
      <input
        className="checkbox__input"
        type="radio"
        name={name}
        checked={checked}
        disabled={disabled}
        data-testid={testId}
        onChange={onChange}
      />
      <span className="checkbox__label">{label}</span>
    </label>
  );
}

interface AzureFieldsProps {
  d: ProfileDraft;
  set: ProfileFieldsProps["set"];
  text: (setting: ProfileSetting) => {
    value: string;
    onChange: (v: string) => void;
    locked: string | undefined;
    testId: string;
    error: string | undefined;
  };
  locked: string | undefined;
  regionsHint: string | undefined;
  /** The policy's allowed models, which for Azure are deployment names. */
  deploymentsHint: string | undefined;
}

/** Azure OpenAI: the resource, the deployment (not the model), the API version, and sign-in. */
function AzureFields({ d, set, text, locked, regionsHint, deploymentsHint }: AzureFieldsProps) {
  return (
    <>
      <TextField
        label="Resource endpoint"
        required
        hint="From the Azure portal, e.g. https://firm-eu.openai.azure.com (or your API Management gateway)."
        {...text("base_url")}
      />
      <TextField
        label="Deployment name"
        required
        hint={`The name you gave the deployment in Azure AI Foundry, e.g. “drafting”. It is not the model's name (gpt-4.1): one model can have several deployments.${deploymentsHint === undefined ? "" : ` ${deploymentsHint}`}`}
        {...text("deployment")}
      />
      <fieldset className="choice-group">
        <legend className="field__label">API</legend>
        <div className="checkbox-group">
          <Radio
            name="azure-api"
            label="v1 API (no api-version)"
            checked={d.azure_api === "v1"}
            disabled={locked !== undefined}
            testId="profile-azure-api-v1"
            onChange={() => {
              set("azure_api", "v1");
            }}
          />
          <Radio
            name="azure-api"
            label="Classic, with an api-version"
            checked={d.azure_api === "classic"}
            disabled={locked !== undefined}
            testId="profile-azure-api-classic"
            onChange={() => {
              set("azure_api", "classic");
            }}
          />
        </div>
        <p className="field__hint">
          New resources use the v1 API. Choose classic only if your IT provider gave you an
          api-version such as 2024-10-21.
        </p>
      </fieldset>
      {d.azure_api === "classic" && (
        <TextField label="api-version" required hint="E.g. 2024-10-21." {...text("api_version")} />
      )}
      <fieldset className="choice-group">
        <legend className="field__label">Sign-in</legend>
        <div className="checkbox-group">
          <Radio
            name="azure-sign-in"
            label="API key"
            checked={d.azure_sign_in === "api-key"}
            disabled={locked !== undefined}
            testId="profile-azure-sign-in-api-key"
            onChange={() => {
              set("azure_sign_in", "api-key");
            }}
          />
          <Radio
            name="azure-sign-in"
            label="Microsoft Entra ID (app registration)"
            checked={d.azure_sign_in === "entra"}
            disabled={locked !== undefined}
            testId="profile-azure-sign-in-entra"
            onChange={() => {
              set("azure_sign_in", "entra");
            }}
          />
        </div>
      </fieldset>
      {d.azure_sign_in === "entra" && (
        <div className="form__row">
          <TextField
            label="Directory (tenant) ID"
            required
            hint="From the app registration's overview."
            {...text("tenant_id")}
          />
          <TextField
            label="Application (client) ID"
            required
            hint="Its client secret goes in Credentials below."
            {...text("client_id")}
          />
          <TextField
            label="Token endpoint override"
            hint="Only for sovereign clouds; leave empty otherwise."
            {...text("token_url")}
          />
        </div>
      )}
      <TextField
        label="Resource region"
        hint={
          regionsHint ??
          "The Azure region of the resource, e.g. swedencentral; your IT provider's rules may depend on it."
        }
        {...text("region")}
      />
    </>
  );
}
