import { useRef } from "react";
import { BackButton } from "../../components/BackButton";
import { Detail } from "../../components/Detail";
import { QueryStatus } from "../../components/QueryStatus";
import { useFocusOnce } from "../../components/useFocusOnce";
import { useClient } from "../../data/caseQueries";
import { MatterList } from "../matters/MatterList";

interface ClientPageProps {
  clientId: number;
  focusOnOpen: boolean;
  onBack: () => void;
  onOpenMatter: (matterId: number) => void;
}

/** One client: their A-number and their matters. */
export function ClientPage({ clientId, focusOnOpen, onBack, onOpenMatter }: ClientPageProps) {
  const client = useClient(clientId);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useFocusOnce(headingRef, focusOnOpen && client.state === "ready");

  return (
    <>
      <BackButton label="Back to clients" testId="back-to-clients" onBack={onBack} />
      {client.state === "ready" ? (
        <>
          <div className="page-header">
            <h2
              ref={headingRef}
              className="page-header__title"
              tabIndex={-1}
              data-testid="client-name"
            >
              {client.data.name}
            </h2>
            <dl className="details">
              <Detail term="A-number">{client.data.aNumber ?? "None recorded"}</Detail>
            </dl>
          </div>
          <MatterList clientId={clientId} onOpenMatter={onOpenMatter} />
        </>
      ) : (
        <QueryStatus query={client} what="client" />
      )}
    </>
  );
}
