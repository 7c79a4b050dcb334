import { useRef } from "react";
import { BackButton } from "../../components/BackButton";
import { QueryStatus } from "../../components/QueryStatus";
import { useFocusOnce } from "../../components/useFocusOnce";
import { useClient } from "../../data/caseQueries";
import { ClientConsents } from "../consents/ClientConsents";
import { MatterList } from "../matters/MatterList";
import { ClientDetails } from "./ClientDetails";

interface ClientPageProps {
  clientId: number;
  focusOnOpen: boolean;
  onBack: () => void;
  onOpenMatter: (matterId: number) => void;
}

/** One client: their matters, and their whole record (read, or edited in place). */
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
          </div>
          {/* Matters first: what the page is opened for, and it stays put as details load. */}
          <MatterList clientId={clientId} onOpenMatter={onOpenMatter} />
          <ClientConsents clientId={clientId} />
          <ClientDetails clientId={clientId} onSaved={client.reload} />
        </>
      ) : (
        <QueryStatus query={client} what="client" />
      )}
    </>
  );
}
