import type { EffectivePolicy_Serialize, PolicyLocation_Serialize } from "../../bindings";
import { Detail } from "../../components/Detail";
import { SETTING_LABELS, settingValueText } from "./policy";

/** "line 3, column 5, field jurisdictions.EU" or "the whole file". */
export function locationText(location: PolicyLocation_Serialize): string {
  const parts: string[] = [];
  if (location.line !== null) {
    parts.push(
      location.column === null
        ? `line ${String(location.line)}`
        : `line ${String(location.line)}, column ${String(location.column)}`,
    );
  }
  if (location.field !== null) parts.push(`field ${location.field}`);
  return parts.length === 0 ? "the whole file" : parts.join(", ");
}

/**
 * What the firm's policy decides on this computer: nothing (no policy file), the settings it
 * sets or locks with its reasons, or, when its file cannot be used, a banner that says where
 * and why, because then nothing is sent and no provider setting changes until it is fixed.
 */
export function PolicyStatus({ policy }: { policy: EffectivePolicy_Serialize }) {
  const { status } = policy;
  if (status.state === "invalid") {
    return (
      <div className="banner banner--error" role="alert" data-testid="policy-invalid">
        <p className="banner__title">Your IT provider&rsquo;s policy file cannot be used</p>
        <dl className="details">
          <Detail term="File">
            <span className="path" data-testid="policy-invalid-path">
              {policy.policy_file}
            </span>
          </Detail>
          <Detail term="Where">
            <span data-testid="policy-invalid-where">{locationText(status.location)}</span>
          </Detail>
          <Detail term="Problem">
            <span data-testid="policy-invalid-reason">{status.reason}</span>
          </Detail>
        </dl>
        <p className="banner__message">
          Until it is fixed, Casefile sends nothing to an AI provider, and provider settings and
          credentials cannot be changed or tested. Ask your IT provider to correct the file.
        </p>
      </div>
    );
  }
  if (status.state === "absent") {
    return (
      <p className="quiet" data-testid="policy-absent">
        No policy from your IT provider applies on this computer: you choose every setting.
      </p>
    );
  }
  const managed = policy.settings.filter((s) => s.source === "policy");
  return (
    <div className="policy-summary" data-testid="policy-valid">
      <p>
        Your IT provider manages some of these settings (policy file{" "}
        <span className="path">{policy.policy_file}</span>).
      </p>
      {managed.length > 0 && (
        <dl className="details" data-testid="policy-settings">
          {managed.map((setting) => (
            <Detail key={setting.name} term={SETTING_LABELS[setting.name]}>
              <span data-testid={`policy-setting-${setting.name}`} data-locked={String(setting.locked)}>
                {settingValueText(setting)}
                {setting.locked ? (
                  <span className="lock-note">
                    {" "}
                    <span className="lock-note__who">Managed by your IT provider</span>
                    {setting.reason === null ? "" : `: ${setting.reason}`}
                  </span>
                ) : (
                  <span className="quiet"> (your IT provider&rsquo;s default, not locked)</span>
                )}
              </span>
            </Detail>
          ))}
        </dl>
      )}
    </div>
  );
}
