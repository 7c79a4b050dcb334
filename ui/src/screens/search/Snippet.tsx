import { Fragment } from "react";
import type { Segment } from "../../bindings";

/** A piece of the matching text; the words that matched are marked. Text only, never markup. */
export function Snippet({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((segment, index) =>
        segment.highlight ? (
          <mark key={index}>{segment.text}</mark>
        ) : (
          <Fragment key={index}>{segment.text}</Fragment>
        ),
      )}
    </>
  );
}
