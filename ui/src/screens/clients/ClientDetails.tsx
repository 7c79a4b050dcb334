import { EditableDetails } from "../../components/EditableDetails";
import { useContact } from "../../data/caseQueries";
import { ClientDetailsForm } from "./ClientDetailsForm";
import { ClientDetailsView } from "./ClientDetailsView";

interface ClientDetailsProps {
  clientId: number;
  /** The details were saved (the name or A-number may have changed). */
  onSaved: () => void;
}

/** The client's whole record, read in sections, with "Edit details". */
export function ClientDetails({ clientId, onSaved }: ClientDetailsProps) {
  const contact = useContact(clientId);
  return (
    <EditableDetails
      heading="Details"
      editLabel="Edit details"
      editTestId="edit-client"
      query={contact}
      what="client details"
      onSaved={onSaved}
      View={ClientDetailsView}
      Form={ClientDetailsForm}
    />
  );
}
