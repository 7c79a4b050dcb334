import { BackButton } from "../../components/BackButton";
import { useClient } from "../../data/caseQueries";

/** "Back to Ana Peña": the way up from a matter to its client. */
export function BackToClient({ clientId, onBack }: { clientId: number; onBack: () => void }) {
  const client = useClient(clientId);
  const label = client.state === "ready" ? `Back to ${client.data.name}` : "Back to client";
  return <BackButton label={label} testId="back-to-client" onBack={onBack} />;
}
