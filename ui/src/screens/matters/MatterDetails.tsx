import { EditableDetails } from "../../components/EditableDetails";
import { useMatterRecord } from "../../data/caseQueries";
import { MatterDetailsForm } from "./MatterDetailsForm";
import { MatterDetailsView } from "./MatterDetailsView";

/** The matter's record (statuses, category, dates…), read or edited in place. */
export function MatterDetails({ matterId, onSaved }: { matterId: number; onSaved: () => void }) {
  const matter = useMatterRecord(matterId);
  return (
    <EditableDetails
      heading="Case details"
      editLabel="Edit case details"
      editTestId="edit-matter"
      query={matter}
      what="case details"
      onSaved={onSaved}
      View={MatterDetailsView}
      Form={MatterDetailsForm}
    />
  );
}
