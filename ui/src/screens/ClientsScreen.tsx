import { EmptyState } from "./EmptyState";

export function ClientsScreen() {
  return (
    <EmptyState title="No clients yet">
      Each client you add will appear here with their cases and case notes, which stay encrypted
      on this computer.
    </EmptyState>
  );
}
