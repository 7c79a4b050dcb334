import { useId, useRef, useState } from "react";
import { CalendarDate } from "../../components/CalendarDate";
import { QueryStatus } from "../../components/QueryStatus";
import { StatusMessage, useAnnouncement } from "../../components/StatusMessage";
import { useFilings } from "../../data/caseQueries";
import { NewFilingForm } from "./NewFilingForm";

/** The forms filed in a matter: form, date filed and receipt number, with "Add filing". */
export function FilingList({ matterId }: { matterId: number }) {
  const headingId = useId();
  const filings = useFilings(matterId);
  const { announcement, announce } = useAnnouncement();
  const [adding, setAdding] = useState(false);
  const addRef = useRef<HTMLButtonElement>(null);

  function closeForm() {
    setAdding(false);
    addRef.current?.focus();
  }

  return (
    <section className="page-section" aria-labelledby={headingId}>
      <div className="page-section__header">
        <h3 id={headingId}>Filings</h3>
        <button
          ref={addRef}
          type="button"
          className="button button--primary"
          data-testid="add-filing"
          aria-expanded={adding}
          onClick={() => {
            setAdding(true);
          }}
        >
          Add filing
        </button>
      </div>

      {adding && (
        <NewFilingForm
          matterId={matterId}
          onSaved={(filing) => {
            closeForm();
            announce(`${filing.formType} added to the filings.`);
            filings.reload();
          }}
          onCancel={closeForm}
        />
      )}

      <StatusMessage announcement={announcement} testId="filing-status" />

      {filings.state !== "ready" && <QueryStatus query={filings} what="filings" />}
      {filings.state === "ready" && filings.data.length === 0 && (
        <p className="quiet">
          No filings yet. Add each form you file, with its receipt number once USCIS sends it.
        </p>
      )}
      {filings.state === "ready" && filings.data.length > 0 && (
        <ul className="record-list" aria-labelledby={headingId}>
          {filings.data.map((filing) => (
            <li
              key={filing.id}
              className="record record--static"
              data-testid="filing-item"
              data-id={filing.id}
            >
              <span className="record__title">{filing.formType}</span>
              <span className="record__meta">
                {filing.formEdition !== null && <span>Edition {filing.formEdition}</span>}
                <span>
                  {filing.filedOn === null ? (
                    "Filing date not recorded"
                  ) : (
                    <>
                      Filed <CalendarDate date={filing.filedOn} />
                    </>
                  )}
                </span>
                <span>
                  {filing.receiptNumber === null ? (
                    "No receipt number yet"
                  ) : (
                    <>
                      Receipt number <span className="receipt">{filing.receiptNumber}</span>
                    </>
                  )}
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
