import { useId, type ReactNode } from "react";
import type { Contact_Serialize } from "../../bindings";
import { CalendarDate } from "../../components/CalendarDate";
import { Detail } from "../../components/Detail";
import { MaskedValue } from "../../components/MaskedValue";
import {
  ADDRESS_KINDS,
  EMAIL_KINDS,
  JURISDICTIONS,
  PHONE_KINDS,
  SENSITIVITY_FLAGS,
  labelOf,
} from "../../format/recordLabels";

export type ContactDetails = Contact_Serialize["details"];

/** How the client is named: "Ana Peña", or the institution's name. */
export function contactName(d: ContactDetails): string {
  const name =
    d.kind === "institution"
      ? d.institutionName
      : [d.givenName, d.familyName].filter((n) => n.trim() !== "").join(" ");
  return name.trim() === "" ? "this client" : name;
}

/** "Not recorded", quietly, for an empty value. */
export function NotRecorded() {
  return <span className="details__empty">Not recorded</span>;
}

/** A value, or "Not recorded" when there is none. */
export function orNotRecorded(value: string | null | undefined): ReactNode {
  return value === null || value === undefined || value === "" ? <NotRecorded /> : value;
}

/** A YYYY-MM-DD date in the user's locale, or "Not recorded". */
export function dateOrNotRecorded(value: string | null): ReactNode {
  return value === null ? <NotRecorded /> : <CalendarDate date={value} />;
}

function Section({
  title,
  testId,
  children,
}: {
  title: string;
  testId: string;
  children: ReactNode;
}) {
  const headingId = useId();
  return (
    <section className="details-section" aria-labelledby={headingId} data-testid={testId}>
      <h4 id={headingId} className="details-section__title">
        {title}
      </h4>
      {children}
    </section>
  );
}

function List<T>({
  items,
  testId,
  render,
}: {
  items: readonly T[];
  testId: string;
  render: (item: T) => ReactNode;
}) {
  if (items.length === 0) return <NotRecorded />;
  return (
    <ul className="details__list">
      {items.map((item, index) => (
        <li key={index} data-testid={testId}>
          {render(item)}
        </li>
      ))}
    </ul>
  );
}

function yesNo(value: boolean): string {
  return value ? "Yes" : "No";
}

/** A date range: "since May 2, 2023", "until …", "May 2, 2023 – Jan 1, 2024". */
function Period({ from, to }: { from: string | null; to: string | null }) {
  if (from === null && to === null) return null;
  return (
    <span className="details__item-meta">
      {from !== null && to !== null && (
        <>
          <CalendarDate date={from} /> – <CalendarDate date={to} />
        </>
      )}
      {from !== null && to === null && (
        <>
          since <CalendarDate date={from} />
        </>
      )}
      {from === null && to !== null && (
        <>
          until <CalendarDate date={to} />
        </>
      )}
    </span>
  );
}

/** A client's whole record in readable sections; the SSN or ITIN is masked until asked for. */
export function ClientDetailsView({ record }: { record: Contact_Serialize }) {
  const d = record.details;
  const fullName = [d.givenName, d.middleName, d.familyName].filter((n) => n !== "").join(" ");
  return (
    <div className="record-details" data-testid="client-details">
      <Section title="Identity" testId="details-identity">
        <dl className="details">
          {d.kind === "institution" ? (
            <Detail term="Name">{orNotRecorded(d.institutionName)}</Detail>
          ) : (
            <Detail term="Full name">{orNotRecorded(fullName)}</Detail>
          )}
          <Detail term="Other names used">
            <List items={d.otherNames} testId="detail-other-name" render={(name) => name} />
          </Detail>
          <Detail term="Date of birth">{dateOrNotRecorded(d.dateOfBirth)}</Detail>
          <Detail term="Country of birth">{orNotRecorded(d.countryOfBirth)}</Detail>
          <Detail term="Citizenship">
            <List items={d.citizenships} testId="detail-citizenship" render={(c) => c} />
          </Detail>
        </dl>
      </Section>

      <Section title="Identifiers" testId="details-identifiers">
        <dl className="details">
          <Detail term="A-number">
            <span data-testid="detail-a-number">{orNotRecorded(d.aNumber)}</span>
          </Detail>
          <Detail term="USCIS online account">{orNotRecorded(d.uscisAccountNumber)}</Detail>
          <Detail term="SSN or ITIN">
            {d.ssnItin === null ? (
              <NotRecorded />
            ) : (
              <MaskedValue value={d.ssnItin} label="SSN or ITIN" testId="detail-ssn" />
            )}
          </Detail>
          <Detail term="SEVIS ID">{orNotRecorded(d.sevisId)}</Detail>
        </dl>
      </Section>

      <Section title="Travel documents" testId="details-travel">
        <dl className="details">
          <Detail term="Passports">
            <List
              items={d.passports}
              testId="detail-passport"
              render={(p) => (
                <>
                  <span>
                    {p.number}
                    {p.country !== "" && ` (${p.country})`}
                  </span>{" "}
                  {p.expires !== null && (
                    <span className="details__item-meta">
                      expires <CalendarDate date={p.expires} />
                    </span>
                  )}
                </>
              )}
            />
          </Detail>
          <Detail term="Latest I-94">
            {d.latestI94 === null ? (
              <NotRecorded />
            ) : (
              <span data-testid="detail-i94">
                {d.latestI94.number || "No number"}
                {d.latestI94.class !== "" && `, ${d.latestI94.class}`}
                {d.latestI94.admissionDate !== null && (
                  <>
                    , admitted <CalendarDate date={d.latestI94.admissionDate} />
                  </>
                )}
                {d.latestI94.admitUntil !== null && (
                  <>
                    , until{" "}
                    {d.latestI94.admitUntil === "D/S" ? (
                      "D/S (duration of status)"
                    ) : (
                      <CalendarDate date={d.latestI94.admitUntil} />
                    )}
                  </>
                )}
              </span>
            )}
          </Detail>
        </dl>
      </Section>

      <Section title="Addresses" testId="details-addresses">
        <List
          items={d.addresses}
          testId="detail-address"
          render={(a) => (
            <>
              <span className="details__item-meta">{labelOf(ADDRESS_KINDS, a.kind)}</span>{" "}
              <Period from={a.from} to={a.to} />
              <div className="details__address">
                {[...a.lines, [a.city, a.region, a.postalCode].filter((p) => p !== "").join(" "), a.country]
                  .filter((line) => line !== "")
                  .map((line, index) => (
                    <span key={index}>
                      {line}
                      <br />
                    </span>
                  ))}
              </div>
            </>
          )}
        />
      </Section>

      <Section title="Contact" testId="details-contact">
        <dl className="details">
          <Detail term="Phone">
            <List
              items={d.phones}
              testId="detail-phone"
              render={(p) => (
                <>
                  {p.number}{" "}
                  <span className="details__item-meta">{labelOf(PHONE_KINDS, p.kind)}</span>
                </>
              )}
            />
          </Detail>
          <Detail term="E-mail">
            <List
              items={d.emails}
              testId="detail-email"
              render={(e) => (
                <>
                  {e.address}{" "}
                  <span className="details__item-meta">{labelOf(EMAIL_KINDS, e.kind)}</span>
                </>
              )}
            />
          </Detail>
        </dl>
      </Section>

      <Section title="Language & needs" testId="details-needs">
        <dl className="details">
          <Detail term="Preferred language">{orNotRecorded(d.preferredLanguage)}</Detail>
          <Detail term="Interpreter needed">{yesNo(d.interpreterNeeded)}</Detail>
          <Detail term="Detained">{yesNo(d.detained)}</Detail>
        </dl>
      </Section>

      <Section title="Sensitivity" testId="details-sensitivity">
        <dl className="details">
          <Detail term="Flags">
            {d.sensitivityFlags.length === 0 ? (
              <span className="details__empty">None</span>
            ) : (
              <ul className="tag-list">
                {d.sensitivityFlags.map((flag) => (
                  <li key={flag} className="tag" data-testid="detail-flag">
                    {labelOf(SENSITIVITY_FLAGS, flag)}
                  </li>
                ))}
              </ul>
            )}
          </Detail>
          <Detail term="Privacy jurisdiction">
            {d.jurisdiction === null ? <NotRecorded /> : labelOf(JURISDICTIONS, d.jurisdiction)}
          </Detail>
        </dl>
      </Section>
    </div>
  );
}
