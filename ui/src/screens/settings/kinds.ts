// What the profile editor says about each kind of provider: names, which settings it shows, and
// the guidance beside them. Which settings a kind *needs* is decided by the app when saving.
import type { CredentialField, ProviderKind } from "../../bindings";
import type { Choice } from "../../components/SelectField";

export const KIND_LABELS: Record<ProviderKind, string> = {
  openai: "OpenAI (Chat Completions)",
  "openai-responses": "OpenAI (Responses API)",
  "azure-openai": "Azure OpenAI",
  bedrock: "AWS Bedrock (Converse)",
  "bedrock-openai": "AWS Bedrock (OpenAI-compatible endpoint)",
  "vertex-gemini": "Google Vertex AI: Gemini",
  "vertex-openai": "Google Vertex AI: OpenAI-compatible endpoint",
  "vertex-anthropic": "Google Vertex AI: Claude",
  anthropic: "Anthropic",
  "openai-compatible": "OpenAI-compatible gateway (LiteLLM, Ollama, vLLM…)",
};

export const KINDS = Object.keys(KIND_LABELS) as ProviderKind[];

/** The settings of a profile the editor can show, by their names in the profile. */
export type ProfileSetting =
  | "base_url"
  | "model"
  | "deployment"
  | "api_version"
  | "region"
  | "project"
  | "tenant_id"
  | "client_id"
  | "token_url";

/** The settings each kind uses (name, display name, headers and data processing: every kind). */
const SETTINGS: Record<ProviderKind, readonly ProfileSetting[]> = {
  openai: ["model", "base_url"],
  "openai-responses": ["model", "base_url"],
  anthropic: ["model", "base_url"],
  "openai-compatible": ["base_url", "model"],
  "azure-openai": [
    "base_url",
    "deployment",
    "api_version",
    "region",
    "tenant_id",
    "client_id",
    "token_url",
  ],
  bedrock: ["region", "model", "base_url"],
  "bedrock-openai": ["region", "model", "base_url"],
  "vertex-gemini": ["project", "region", "model", "base_url"],
  "vertex-openai": ["project", "region", "model", "base_url"],
  "vertex-anthropic": ["project", "region", "model", "base_url"],
};

export function usesSetting(kind: ProviderKind, setting: ProfileSetting): boolean {
  return SETTINGS[kind].includes(setting);
}

export type KindFamily = "openai" | "gateway" | "azure" | "bedrock" | "vertex";

export function familyOf(kind: ProviderKind): KindFamily {
  switch (kind) {
    case "azure-openai":
      return "azure";
    case "bedrock":
    case "bedrock-openai":
      return "bedrock";
    case "vertex-gemini":
    case "vertex-openai":
    case "vertex-anthropic":
      return "vertex";
    case "openai-compatible":
      return "gateway";
    case "openai":
    case "openai-responses":
    case "anthropic":
      return "openai";
  }
}

/** An example model id per kind, for the model field's hint. */
export const MODEL_EXAMPLES: Record<ProviderKind, string> = {
  openai: "gpt-4.1-mini",
  "openai-responses": "gpt-4.1",
  anthropic: "claude-sonnet-4-5",
  "openai-compatible": "llama3.1:8b (Ollama) or the model name your gateway lists",
  "azure-openai": "",
  bedrock: "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
  "bedrock-openai": "openai.gpt-oss-120b-1:0",
  "vertex-gemini": "gemini-2.5-pro",
  "vertex-openai": "google/gemini-2.5-flash",
  "vertex-anthropic": "claude-sonnet-4-5@20250929",
};

export const CREDENTIAL_LABELS: Record<CredentialField, string> = {
  api_key: "API key",
  aws_access_key_id: "AWS access key ID",
  aws_secret_access_key: "AWS secret access key",
  aws_session_token: "AWS session token",
  bedrock_api_key: "Bedrock API key",
  service_account_json: "Service account key (JSON)",
  entra_client_secret: "Entra ID client secret",
};

/** Which of a kind's credentials to set, in a sentence. */
export function credentialAdvice(kind: ProviderKind): string {
  switch (familyOf(kind)) {
    case "azure":
      return "With an API key, set the API key. With Entra ID sign-in, set the client secret of the app registration instead.";
    case "bedrock":
      return "Set an access key ID and secret access key (and the session token, only for temporary credentials), or a Bedrock API key instead.";
    case "vertex":
      return "Paste the whole JSON key file of a service account that may use Vertex AI.";
    case "gateway":
      return "Set the key your gateway expects, if it expects one (a local Ollama needs none).";
    case "openai":
      return "Set the API key from your provider's console.";
  }
}

/** AWS regions where Bedrock runs, for the region picker. */
export const BEDROCK_REGIONS: readonly Choice<string>[] = [
  { value: "us-east-1", label: "US East (N. Virginia) — us-east-1" },
  { value: "us-east-2", label: "US East (Ohio) — us-east-2" },
  { value: "us-west-2", label: "US West (Oregon) — us-west-2" },
  { value: "ca-central-1", label: "Canada (Central) — ca-central-1" },
  { value: "eu-central-1", label: "Europe (Frankfurt) — eu-central-1" },
  { value: "eu-central-2", label: "Europe (Zurich) — eu-central-2" },
  { value: "eu-west-1", label: "Europe (Ireland) — eu-west-1" },
  { value: "eu-west-2", label: "Europe (London) — eu-west-2" },
  { value: "eu-west-3", label: "Europe (Paris) — eu-west-3" },
  { value: "eu-north-1", label: "Europe (Stockholm) — eu-north-1" },
  { value: "eu-south-1", label: "Europe (Milan) — eu-south-1" },
  { value: "eu-south-2", label: "Europe (Spain) — eu-south-2" },
  { value: "ap-northeast-1", label: "Asia Pacific (Tokyo) — ap-northeast-1" },
  { value: "ap-northeast-2", label: "Asia Pacific (Seoul) — ap-northeast-2" },
  { value: "ap-south-1", label: "Asia Pacific (Mumbai) — ap-south-1" },
  { value: "ap-southeast-1", label: "Asia Pacific (Singapore) — ap-southeast-1" },
  { value: "ap-southeast-2", label: "Asia Pacific (Sydney) — ap-southeast-2" },
  { value: "sa-east-1", label: "South America (São Paulo) — sa-east-1" },
  { value: "us-gov-west-1", label: "AWS GovCloud (US-West) — us-gov-west-1" },
];

/** Where a Bedrock model id may run, read from its inference-profile prefix. */
export function inferenceScope(model: string): string {
  const prefix = /^(us|eu|apac|global)\./.exec(model.trim())?.[1];
  switch (prefix) {
    case "us":
      return "This inference profile may route each request to any US region.";
    case "eu":
      return "This inference profile may route each request to any EU region.";
    case "apac":
      return "This inference profile may route each request to any Asia Pacific region.";
    case "global":
      return "This inference profile may route each request to any commercial AWS region in the world: no data residency.";
    default:
      return "No inference-profile prefix: requests run only in the region chosen above.";
  }
}
