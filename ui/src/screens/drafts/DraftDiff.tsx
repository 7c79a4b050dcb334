import { diffWords } from "diff";

interface DraftDiffProps {
  /** The older text. */
  from: string;
  /** The newer text. */
  to: string;
  testId: string;
}

/**
 * What changed between two texts of a draft, word by word: removed words struck through, added
 * words marked, the rest as it was. Shown as plain text (the Markdown unrendered), so every
 * changed character is visible.
 */
export function DraftDiff({ from, to, testId }: DraftDiffProps) {
  const parts = diffWords(from, to);
  const changed = parts.some((part) => part.added || part.removed);
  return (
    <div className="draft-diff" data-testid={testId}>
      {!changed && <p className="quiet">No changes.</p>}
      <p className="draft-diff__text">
        {parts.map((part, index) =>
          part.removed ? (
            <del key={index} className="draft-diff__removed">
              {part.value}
            </del>
          ) : part.added ? (
            <ins key={index} className="draft-diff__added">
              {part.value}
            </ins>
          ) : (
            <span key={index}>{part.value}</span>
          ),
        )}
      </p>
    </div>
  );
}
