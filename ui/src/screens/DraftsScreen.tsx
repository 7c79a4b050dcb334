import { EmptyState } from "./EmptyState";

export function DraftsScreen() {
  return (
    <EmptyState title="No drafts yet">
      Case summaries, RFE responses and letters you draft with the AI provider will appear here,
      together with each AI response, so you can review every draft before it is used.
    </EmptyState>
  );
}
