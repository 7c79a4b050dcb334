import type { ErrorCode, IpcError } from "../bindings";

const HEADLINES: Record<ErrorCode, string> = {
  keychainUnavailable: "Casefile can't reach the system keychain",
  keychainAccessDenied: "The system keychain refused access",
  invalidInput: "Casefile's settings need attention",
  notFound: "Casefile couldn't find its workspace",
  storage: "Casefile can't use its workspace folder",
  database: "Casefile can't open its case database",
  newerVersion: "This workspace needs a newer version of Casefile",
  provider: "The AI provider could not complete the request",
  internal: "Casefile ran into a problem while starting",
  policyBlocked: "Your IT provider's policy does not allow this",
  legalHold: "The matter is under legal hold",
};

/** A start-up failure: a plain headline chosen by code, then the app's own explanation. */
export function ErrorBanner({ error }: { error: IpcError }) {
  return (
    <div className="banner banner--error" role="alert" data-testid="error-banner">
      <p className="banner__title">{HEADLINES[error.code]}</p>
      <p className="banner__message">{error.message}</p>
    </div>
  );
}
