import { useEffect, useId, useRef, useState } from "react";
import type { EffectivePolicy_Serialize, ProfileEntry_Serialize } from "../../bindings";
import { LockNote } from "../../components/FieldFrame";
import { QueryStatus } from "../../components/QueryStatus";
import { StatusMessage, useAnnouncement } from "../../components/StatusMessage";
import { useEffectivePolicy, useProviderProfiles } from "../../data/settingsQueries";
import { KIND_LABELS } from "./kinds";
import { userProfilesLock } from "./policy";
import { PolicyStatus } from "./PolicyStatus";
import { blankDraft } from "./profileDraft";
import { ProfileForm } from "./ProfileForm";
import { ProfileBadges, ProfilePanel } from "./ProfilePanel";

/** The AI provider part of Settings: the policy's state, the profiles, and one open profile. */
export function ProviderSettings() {
  const headingId = useId();
  const policy = useEffectivePolicy();
  const profiles = useProviderProfiles();
  // What the last change answered: the profiles as they now are, newer than the loaded list.
  const [changedTo, setChangedTo] = useState<ProfileEntry_Serialize[] | null>(null);
  const entries = changedTo ?? (profiles.state === "ready" ? profiles.data : null);
  const { announcement, announce } = useAnnouncement();

  function changed(now: ProfileEntry_Serialize[], said: string) {
    setChangedTo(now);
    announce(said);
    // The default profile is one of the settings the policy summary shows.
    policy.reload();
  }

  return (
    <section className="settings-group" aria-labelledby={headingId} data-testid="provider-settings">
      <h2 id={headingId}>AI providers</h2>
      <StatusMessage announcement={announcement} testId="provider-settings-status" />
      {policy.state !== "ready" && <QueryStatus query={policy} what="your IT provider's policy" />}
      {policy.state === "ready" && <PolicyStatus policy={policy.data} />}
      {entries === null && <QueryStatus query={profiles} what="the provider profiles" />}
      {entries !== null && policy.state === "ready" && (
        <Profiles entries={entries} policy={policy.data} onChanged={changed} />
      )}
    </section>
  );
}

interface ProfilesProps {
  entries: ProfileEntry_Serialize[];
  policy: EffectivePolicy_Serialize;
  onChanged: (profiles: ProfileEntry_Serialize[], said: string) => void;
}

function Profiles({ entries, policy, onChanged }: ProfilesProps) {
  const [open, setOpen] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  // Where the focus goes once the open profile or the new-profile form closes: that profile's
  // item, or "Add profile".
  const returnTo = useRef<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const addLock = userProfilesLock(policy);
  // The banner above says why everything is blocked; each profile need not repeat it.
  const invalid = policy.status.state === "invalid";
  const openEntry = entries.find((e) => e.name === open) ?? null;

  useEffect(() => {
    const name = returnTo.current;
    if (name === null) return;
    returnTo.current = null;
    const items = listRef.current?.querySelectorAll<HTMLElement>("[data-name]") ?? [];
    const item = [...items].find((element) => element.dataset.name === name);
    (item ?? addRef.current)?.focus();
  });

  return (
    <>
      {entries.length === 0 ? (
        <p data-testid="profiles-empty">
          No AI provider is set up on this computer yet. Your firm&rsquo;s IT provider usually sets
          it up; you can also add a profile of your own.
        </p>
      ) : (
        <ul className="record-list profile-list" aria-label="AI provider profiles" ref={listRef}>
          {entries.map((entry) => (
            <li key={entry.name}>
              <button
                type="button"
                className="record profile-item"
                aria-pressed={entry.name === open}
                data-testid="profile-item"
                data-name={entry.name}
                onClick={() => {
                  setAdding(false);
                  setOpen(entry.name === open ? null : entry.name);
                }}
              >
                <span className="record__title">{entry.display_name ?? entry.name}</span>
                <span className="record__meta">
                  {KIND_LABELS[entry.kind]} · {entry.name}
                </span>
                <ProfileBadges entry={entry} />
                {entry.blocked !== null && !invalid && (
                  <span className="record__preview">Blocked: {entry.blocked}</span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}

      {!adding && (
        <div className="profile-add">
          <button
            ref={addRef}
            type="button"
            className="button"
            disabled={addLock !== undefined}
            data-testid="profile-add"
            onClick={() => {
              setOpen(null);
              setAdding(true);
            }}
          >
            Add profile
          </button>
          {addLock !== undefined && <LockNote reason={addLock} />}
        </div>
      )}

      {adding && (
        <ProfileForm
          stored={blankDraft()}
          isNew
          policy={policy}
          onSaved={(now, name) => {
            setAdding(false);
            setOpen(name);
            onChanged(now, `Added ${name}. Set its credentials, then test the connection.`);
          }}
          onClose={() => {
            returnTo.current = "";
            setAdding(false);
          }}
        />
      )}

      {openEntry !== null && (
        <ProfilePanel
          key={openEntry.name}
          entry={openEntry}
          policy={policy}
          onChanged={onChanged}
          onClose={() => {
            returnTo.current = openEntry.name;
            setOpen(null);
          }}
        />
      )}
    </>
  );
}
