import { useCallback, useId, useState } from "react";
import { commands, type EffectivePolicy_Serialize, type ProfileEntry_Serialize } from "../../bindings";
import { LockNote } from "../../components/FieldFrame";
import { InlineError } from "../../components/InlineError";
import { fieldSlug } from "../../components/useRecordEditor";
import { useAction } from "../../data/useAction";
import { ConnectionTest } from "./ConnectionTest";
import { Credentials } from "./Credentials";
import {
  INVALID_POLICY_LOCK,
  lockOf,
  managedProfileLock,
  userProfilesLock,
} from "./policy";
import { profileOf, toDraft } from "./profileDraft";
import { ProfileFields } from "./ProfileFields";
import { ProfileForm } from "./ProfileForm";

interface ProfilePanelProps {
  entry: ProfileEntry_Serialize;
  policy: EffectivePolicy_Serialize;
  /** After a change, with the profiles as they now are and what to announce. */
  onChanged: (profiles: ProfileEntry_Serialize[], said: string) => void;
  onClose: () => void;
}

/**
 * One profile: its settings (editable when it is the user's and the policy allows it, else
 * read-only with the policy's reason), its credentials, the connection test, and making it the
 * default or removing it.
 */
export function ProfilePanel({ entry, policy, onChanged, onClose }: ProfilePanelProps) {
  const headingId = useId();
  const invalid = policy.status.state === "invalid";
  const settingsLock = entry.managed ? managedProfileLock(policy) : userProfilesLock(policy);
  const credentialsLock = invalid
    ? INVALID_POLICY_LOCK
    : entry.managed
      ? undefined
      : userProfilesLock(policy);
  const defaultLock = invalid ? INVALID_POLICY_LOCK : lockOf(policy, "default_profile");
  const [dirty, setDirty] = useState(false);
  const onDirty = useCallback((value: boolean) => {
    setDirty(value);
  }, []);
  const stored = toDraft(profileOf(entry));
  const title = entry.display_name ?? entry.name;

  return (
    <section
      className="panel profile-panel"
      aria-labelledby={headingId}
      data-testid="profile-panel"
      data-name={entry.name}
    >
      <div className="page-section__header">
        <h3 id={headingId} className="panel__title">
          {title}
        </h3>
        <ProfileBadges entry={entry} />
      </div>
      {entry.blocked !== null && !invalid && (
        <p className="notice notice--warning" data-testid="profile-blocked">
          Sending through this profile is blocked: {entry.blocked}
        </p>
      )}

      {settingsLock === undefined ? (
        <ProfileForm
          stored={stored}
          isNew={false}
          policy={policy}
          onSaved={(profiles) => {
            onChanged(profiles, `Saved ${title}.`);
          }}
          onClose={onClose}
          onDirty={onDirty}
        />
      ) : (
        <div className="form details-form" data-testid="profile-locked">
          <LockNote reason={settingsLock} />
          <ProfileFields
            draft={stored}
            set={() => undefined}
            field={(path) => ({ testId: `profile-${fieldSlug(path)}`, error: undefined })}
            policy={policy}
            isNew={false}
            locked={settingsLock}
          />
        </div>
      )}

      <Credentials entry={entry} locked={credentialsLock} onChanged={onChanged} />
      <ConnectionTest
        name={entry.name}
        locked={invalid ? INVALID_POLICY_LOCK : undefined}
        unsaved={dirty}
      />
      <ProfileActions
        entry={entry}
        defaultLock={defaultLock}
        removeLock={entry.managed ? settingsLock : userProfilesLock(policy)}
        onChanged={onChanged}
        onRemoved={onClose}
      />
    </section>
  );
}

export function ProfileBadges({ entry }: { entry: ProfileEntry_Serialize }) {
  return (
    <span className="badges">
      {entry.is_default && (
        <span className="badge" data-testid="badge-default">
          Default
        </span>
      )}
      {entry.managed && (
        <span className="badge badge--managed" data-testid="badge-managed">
          Managed by your IT provider
        </span>
      )}
      {entry.blocked !== null && (
        <span className="badge badge--blocked" data-testid="badge-blocked">
          Blocked
        </span>
      )}
    </span>
  );
}

interface ProfileActionsProps {
  entry: ProfileEntry_Serialize;
  defaultLock: string | undefined;
  removeLock: string | undefined;
  onChanged: ProfilePanelProps["onChanged"];
  onRemoved: () => void;
}

function ProfileActions({ entry, defaultLock, removeLock, onChanged, onRemoved }: ProfileActionsProps) {
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const promptId = useId();
  const title = entry.display_name ?? entry.name;

  return (
    <div className="page-section profile-actions">
      <div className="form__actions">
        {!entry.is_default && (
          <button
            type="button"
            className="button"
            disabled={defaultLock !== undefined || action.pending}
            data-testid="profile-make-default-now"
            onClick={() => {
              void action.run(() => commands.setDefaultProviderProfile(entry.name)).then((r) => {
                if (r.status === "ok") onChanged(r.data, `${title} is now the default profile.`);
              });
            }}
          >
            Make default
          </button>
        )}
        {!entry.managed && !confirming && (
          <button
            type="button"
            className="button button--danger"
            disabled={removeLock !== undefined || action.pending}
            data-testid="profile-remove"
            onClick={() => {
              setConfirming(true);
            }}
          >
            Remove profile
          </button>
        )}
      </div>
      {!entry.is_default && defaultLock !== undefined && <LockNote reason={defaultLock} />}
      {confirming && (
        <div className="confirm" role="group" aria-labelledby={promptId}>
          <p id={promptId} className="confirm__prompt">
            Remove {title} and its credentials from this computer?
          </p>
          <div className="form__actions">
            <button
              type="button"
              className="button"
              data-testid="profile-remove-keep"
              onClick={() => {
                setConfirming(false);
              }}
            >
              Keep it
            </button>
            <button
              type="button"
              className="button button--destructive"
              data-testid="profile-remove-confirm"
              onClick={() => {
                void action.run(() => commands.removeProviderProfile(entry.name)).then((r) => {
                  setConfirming(false);
                  if (r.status === "ok") {
                    onChanged(r.data, `Removed ${title} and its credentials.`);
                    onRemoved();
                  }
                });
              }}
            >
              Remove
            </button>
          </div>
        </div>
      )}
      {action.error && <InlineError error={action.error} testId="profile-action-error" />}
    </div>
  );
}
