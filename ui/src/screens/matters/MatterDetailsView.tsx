import type { Matter_Serialize } from "../../bindings";
import { CalendarDate } from "../../components/CalendarDate";
import { Detail } from "../../components/Detail";
import { FORUMS, labelOf } from "../../format/recordLabels";
import { NotRecorded, dateOrNotRecorded, orNotRecorded } from "../clients/ClientDetailsView";

export type MatterDetails = Matter_Serialize["details"];

/** A matter's record: what it is, where it stands with the firm and with the agency. */
export function MatterDetailsView({ record }: { record: Matter_Serialize }) {
  const d: MatterDetails = record.details;
  return (
    <div className="record-details" data-testid="matter-details">
      <section className="details-section" aria-label="The case">
        <dl className="details">
          <Detail term="Matter number">
            <span data-testid="detail-matter-number">{orNotRecorded(d.number)}</span>
          </Detail>
          <Detail term="Type">{orNotRecorded(d.matterType)}</Detail>
          <Detail term="Benefit sought">{orNotRecorded(d.benefitSought)}</Detail>
          <Detail term="Forum">
            {d.forum === null ? <NotRecorded /> : labelOf(FORUMS, d.forum)}
          </Detail>
          <Detail term="Category">
            <span data-testid="detail-category">{orNotRecorded(d.category)}</span>
          </Detail>
          <Detail term="Priority date">{dateOrNotRecorded(d.priorityDate)}</Detail>
          <Detail term="Chargeability">{orNotRecorded(d.chargeability)}</Detail>
          <Detail term="Premium processing">{d.premiumProcessing ? "Yes" : "No"}</Detail>
        </dl>
      </section>
      <section className="details-section" aria-label="Where it stands">
        <dl className="details">
          <Detail term="Responsible attorney">{orNotRecorded(d.responsibleAttorney)}</Detail>
          <Detail term="Firm status">
            <span data-testid="detail-firm-status">{orNotRecorded(d.firmStatus)}</span>
          </Detail>
          <Detail term="Agency status">
            {d.agencyStatus === null ? (
              <NotRecorded />
            ) : (
              <span data-testid="detail-agency-status">
                <q className="details__verbatim">{d.agencyStatus}</q>
                {d.agencyStatusDate !== null && (
                  <span className="details__item-meta">
                    {" "}
                    as of <CalendarDate date={d.agencyStatusDate} />
                  </span>
                )}
              </span>
            )}
          </Detail>
          <Detail term="Next hearing">{dateOrNotRecorded(d.nextHearing)}</Detail>
          {d.description !== "" && <Detail term="Description">{d.description}</Detail>}
        </dl>
      </section>
    </div>
  );
}
