import { useId, useRef, useState } from "react";
import { commands, type Party, type PartyRole } from "../../bindings";
import { InlineError } from "../../components/InlineError";
import { QueryStatus } from "../../components/QueryStatus";
import { RecordForm } from "../../components/RecordForm";
import { SelectField } from "../../components/SelectField";
import { StatusMessage, useAnnouncement } from "../../components/StatusMessage";
import { useFocusOnMount } from "../../components/useFocusOnMount";
import { useAction } from "../../data/useAction";
import { useClients, useMatterParties } from "../../data/caseQueries";
import { PARTY_ROLES, labelOf } from "../../format/recordLabels";

/** The people and institutions in a matter, each with their role, with "Add party" and Remove. */
export function PartyList({ matterId }: { matterId: number }) {
  const headingId = useId();
  const parties = useMatterParties(matterId);
  // The latest list a change returned: newer than what the page loaded.
  const [changed, setChanged] = useState<Party[] | null>(null);
  const [adding, setAdding] = useState(false);
  const addRef = useRef<HTMLButtonElement>(null);
  const remove = useAction();
  const { announcement, announce } = useAnnouncement();
  const current = changed ?? (parties.state === "ready" ? parties.data : null);

  function closeForm() {
    setAdding(false);
    addRef.current?.focus();
  }

  async function removeParty(party: Party) {
    const result = await remove.run(() =>
      commands.removeParty(matterId, party.contactId, party.role),
    );
    if (result.status !== "ok") return;
    setChanged(result.data);
    announce(`${party.name} is no longer the ${roleWords(party.role)} on this matter.`);
    addRef.current?.focus();
  }

  return (
    <section className="page-section" aria-labelledby={headingId}>
      <div className="page-section__header">
        <h3 id={headingId}>Parties</h3>
        <button
          ref={addRef}
          type="button"
          className="button button--primary"
          data-testid="add-party"
          aria-expanded={adding}
          onClick={() => {
            setAdding(true);
          }}
        >
          Add party
        </button>
      </div>

      {adding && (
        <AddPartyForm
          matterId={matterId}
          onAdded={(list, name, role) => {
            setChanged(list);
            closeForm();
            announce(`${name} added as ${roleWords(role)}.`);
          }}
          onCancel={closeForm}
        />
      )}

      <StatusMessage announcement={announcement} testId="party-status" />
      {remove.error && <InlineError error={remove.error} testId="party-error" />}

      {current === null && <QueryStatus query={parties} what="parties" />}
      {current?.length === 0 && (
        <p className="quiet">
          No parties yet. Add the petitioner, beneficiary, sponsor or anyone else in this case.
        </p>
      )}
      {current !== null && current.length > 0 && (
        <ul className="party-list" aria-labelledby={headingId}>
          {current.map((party) => (
            <li
              key={`${String(party.contactId)}:${party.role}`}
              className="party"
              data-testid="party-item"
              data-id={party.contactId}
              data-role={party.role}
            >
              <span>
                <span className="record__title">{party.name}</span>{" "}
                <span className="party__role">{labelOf(PARTY_ROLES, party.role)}</span>
              </span>
              <button
                type="button"
                className="button button--small button--danger"
                aria-label={`Remove ${party.name} as ${roleWords(party.role)}`}
                data-testid="party-remove"
                onClick={() => {
                  if (!remove.pending) void removeParty(party);
                }}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function roleWords(role: PartyRole): string {
  return labelOf(PARTY_ROLES, role).toLowerCase();
}

interface AddPartyFormProps {
  matterId: number;
  onAdded: (parties: Party[], name: string, role: PartyRole) => void;
  onCancel: () => void;
}

/** Chooses one of the firm's contacts and their role in this matter. */
function AddPartyForm({ matterId, onAdded, onCancel }: AddPartyFormProps) {
  const contacts = useClients();
  const [contactId, setContactId] = useState("");
  const [role, setRole] = useState<PartyRole | "">("");
  const firstField = useFocusOnMount<HTMLSelectElement>();
  const choices =
    contacts.state === "ready"
      ? contacts.data.map((c) => ({ value: String(c.id), label: c.name }))
      : [];

  return (
    <RecordForm
      title="Add a party"
      heading="h4"
      saveLabel="Add party"
      saveTestId="party-save"
      onCancel={onCancel}
      onSubmit={(save) => {
        if (contactId === "") {
          save.fail("Choose who the party is.");
          return;
        }
        if (role === "") {
          save.fail("Choose their role in this matter.");
          return;
        }
        const name = choices.find((c) => c.value === contactId)?.label ?? "The contact";
        void save
          .run(() => commands.addParty(matterId, Number(contactId), role))
          .then((result) => {
            if (result.status === "ok") onAdded(result.data, name, role);
          });
      }}
    >
      {contacts.state !== "ready" && <QueryStatus query={contacts} what="contacts" />}
      <div className="form__row">
        <SelectField
          label="Who"
          hint="Anyone on your client list. Add a new person there first."
          choices={choices}
          placeholder="Choose a contact…"
          testId="party-contact"
          value={contactId}
          onChange={setContactId}
          selectRef={firstField}
        />
        <SelectField
          label="Role"
          choices={PARTY_ROLES}
          placeholder="Choose a role…"
          testId="party-role"
          value={role}
          onChange={setRole}
        />
      </div>
    </RecordForm>
  );
}
