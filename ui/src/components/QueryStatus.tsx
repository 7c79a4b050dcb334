import type { Query } from "../data/useQuery";
import { InlineError } from "./InlineError";

/** What to show while a query has no data: a quiet "Loading…" or its error. */
export function QueryStatus({ query, what }: { query: Query<unknown>; what: string }) {
  switch (query.state) {
    case "loading":
      return (
        <p className="quiet" role="status">
          Loading {what}…
        </p>
      );
    case "failed":
      return <InlineError error={query.error} />;
    case "ready":
      return null;
  }
}
