import { useEffect, useEffectEvent, useId, useRef, useState } from "react";
import { commands, type ProfileEntry_Serialize } from "../../bindings";
import { DateTime } from "../../components/DateTime";
import { LockNote } from "../../components/FieldFrame";
import { InlineError } from "../../components/InlineError";
import { TextField } from "../../components/TextField";
import { useFocusOnMount } from "../../components/useFocusOnMount";
import { useAction } from "../../data/useAction";
import { CREDENTIAL_LABELS, credentialAdvice } from "./kinds";

interface CredentialsProps {
  entry: ProfileEntry_Serialize;
  /** The policy's reason when credentials cannot change now. */
  locked: string | undefined;
  /** After a change, with the profiles as they now are. */
  onChanged: (profiles: ProfileEntry_Serialize[], said: string) => void;
}

/**
 * The profile's credentials, write-only: each says whether it is set and since when, never its
 * value. A new value goes straight to the OS keychain and the field is emptied at once. Headers
 * that carry a key (a gateway's subscription key) are credentials too (`header:NAME`): added,
 * replaced and removed here, never shown.
 */
export function Credentials({ entry, locked, onChanged }: CredentialsProps) {
  const headingId = useId();
  return (
    <section className="page-section" aria-labelledby={headingId} data-testid="credentials">
      <div className="page-section__header">
        <h4 id={headingId}>Credentials</h4>
      </div>
      <p className="field__hint">
        {credentialAdvice(entry.kind)} They are kept in this computer&rsquo;s keychain; Casefile
        never shows them again.
      </p>
      {locked !== undefined && <LockNote reason={locked} />}
      <ul className="credential-list">
        {entry.credential_fields.map((field) => (
          <CredentialRow
            key={field}
            entry={entry}
            field={field}
            label={CREDENTIAL_LABELS[field]}
            testId={`credential-${field.replace(/_/g, "-")}`}
            locked={locked}
            onChanged={onChanged}
          />
        ))}
        {entry.keychain_headers.map((name) => (
          <CredentialRow
            key={name}
            entry={entry}
            field={`header:${name}`}
            label={`${name} header`}
            testId={`credential-header-${name.toLowerCase()}`}
            locked={locked}
            onChanged={onChanged}
          />
        ))}
      </ul>
      {/* The firm's policy names the headers of its own profiles. */}
      {!entry.managed && <NewHeaderKey entry={entry} locked={locked} onChanged={onChanged} />}
    </section>
  );
}

interface CredentialRowProps extends CredentialsProps {
  /** A credential field of the profile's kind, or `header:NAME`. */
  field: string;
  label: string;
  testId: string;
}

function CredentialRow({ entry, field, label, testId, locked, onChanged }: CredentialRowProps) {
  const setAt = entry.credentials.find((c) => c.field === field)?.set_at ?? null;
  const [entering, setEntering] = useState(false);
  const action = useAction();
  const header = field.startsWith("header:");

  function remove() {
    void action
      .run(() => commands.removeProviderCredential(entry.name, field))
      .then((result) => {
        if (result.status === "ok") {
          const said = header ? " and is no longer sent" : "";
          onChanged(result.data, `${label} removed from the keychain${said}.`);
        }
      });
  }

  return (
    <li className="credential" data-testid={testId} data-set={setAt === null ? "false" : "true"}>
      <div className="credential__summary">
        <span className="credential__label">{label}</span>
        <span className="credential__state" data-testid={`${testId}-state`}>
          {setAt === null ? (
            "Not set"
          ) : (
            <>
              Set on <DateTime iso={setAt} />
            </>
          )}
        </span>
        {!entering && (
          <span className="credential__actions">
            <button
              type="button"
              className="button button--small"
              disabled={locked !== undefined || action.pending}
              aria-label={`${setAt === null ? "Set" : "Replace"} ${label}`}
              data-testid={`${testId}-${setAt === null ? "set" : "replace"}`}
              onClick={() => {
                action.clearError();
                setEntering(true);
              }}
            >
              {setAt === null ? "Set" : "Replace"}
            </button>
            {setAt !== null && (
              <button
                type="button"
                className="button button--small button--danger"
                disabled={locked !== undefined || action.pending}
                aria-label={`Remove ${label}`}
                data-testid={`${testId}-remove`}
                onClick={remove}
              >
                Remove
              </button>
            )}
          </span>
        )}
      </div>
      {entering && (
        <SecretEntry
          label={label}
          testId={testId}
          onCancel={() => {
            setEntering(false);
          }}
          onSubmit={(value) => {
            void action
              .run(() => commands.setProviderCredential(entry.name, field, value))
              .then((result) => {
                if (result.status === "ok") {
                  setEntering(false);
                  onChanged(result.data, `${label} stored in the keychain.`);
                }
              });
          }}
          pending={action.pending}
        />
      )}
      {action.error && <InlineError error={action.error} testId={`${testId}-error`} />}
    </li>
  );
}

/** Adds a header whose value is a credential: its name, then its value straight to the keychain. */
function NewHeaderKey({ entry, locked, onChanged }: CredentialsProps) {
  const [entering, setEntering] = useState(false);
  const action = useAction();
  const testId = "credential-new-header";
  return (
    <div className="credential" data-testid={testId}>
      {entering ? (
        <SecretEntry
          label="header value"
          nameLabel="Header name"
          testId={testId}
          onCancel={() => {
            setEntering(false);
          }}
          onSubmit={(value, name) => {
            void action
              .run(() => commands.setProviderCredential(entry.name, `header:${name}`, value))
              .then((result) => {
                if (result.status === "ok") {
                  setEntering(false);
                  onChanged(result.data, `${name} header stored in the keychain.`);
                }
              });
          }}
          pending={action.pending}
        />
      ) : (
        <button
          type="button"
          className="button button--small"
          disabled={locked !== undefined || action.pending}
          data-testid={`${testId}-add`}
          onClick={() => {
            action.clearError();
            setEntering(true);
          }}
        >
          Add a header that carries a key
        </button>
      )}
      {action.error && <InlineError error={action.error} testId={`${testId}-error`} />}
    </div>
  );
}

interface SecretEntryProps {
  label: string;
  /** Asks for a name too (a header's), before the value. */
  nameLabel?: string;
  testId: string;
  pending: boolean;
  onSubmit: (value: string, name: string) => void;
  onCancel: () => void;
}

/** A one-time field for a new value: hidden as it is typed, emptied as soon as it is sent. */
function SecretEntry({ label, nameLabel, testId, pending, onSubmit, onCancel }: SecretEntryProps) {
  const [value, setValue] = useState("");
  const [name, setName] = useState("");
  const input = useFocusOnMount<HTMLInputElement>();
  const formRef = useRef<HTMLFormElement>(null);
  const cancel = useEffectEvent(() => {
    setValue("");
    onCancel();
  });

  // Escape inside this form leaves it (and not the profile editor around the page).
  useEffect(() => {
    const form = formRef.current;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      cancel();
    };
    form?.addEventListener("keydown", onKeyDown);
    return () => {
      form?.removeEventListener("keydown", onKeyDown);
    };
  }, []);

  return (
    <form
      ref={formRef}
      className="credential__entry"
      aria-label={`New ${label}`}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (pending) return;
        const sent = value;
        setValue("");
        onSubmit(sent, name.trim());
      }}
    >
      {nameLabel !== undefined && (
        <TextField
          label={nameLabel}
          hint="As the gateway names it, e.g. Ocp-Apim-Subscription-Key or Helicone-Auth."
          value={name}
          onChange={setName}
          testId={`${testId}-name`}
          inputRef={input}
        />
      )}
      <TextField
        label={`New ${label}`}
        type="password"
        hint="Paste it here. It goes to the keychain when you press Store, and is not shown again."
        value={value}
        onChange={setValue}
        testId={`${testId}-value`}
        inputRef={nameLabel === undefined ? input : undefined}
      />
      <div className="form__actions">
        <button type="submit" className="button button--primary" data-testid={`${testId}-store`}>
          {pending ? "Storing…" : "Store in keychain"}
        </button>
        <button
          type="button"
          className="button"
          data-testid={`${testId}-cancel`}
          onClick={() => {
            setValue("");
            onCancel();
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
