import type { ReactNode } from "react";

/** One term and value of a `<dl className="details">`. */
export function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="details__row">
      <dt className="details__term">{term}</dt>
      <dd className="details__value">{children}</dd>
    </div>
  );
}
