import { useMemo } from "react";
import { renderMarkdown } from "../format/markdown";

interface MarkdownViewProps {
  /** The note's Markdown. */
  text: string;
  /** The heading level a `#` heading takes: one below the heading the view sits under. */
  topLevel: number;
  className?: string;
  testId?: string;
}

/**
 * A note's Markdown, rendered. Raw HTML in the text shows as text; links and images show as
 * words; the result is sanitized again (see `format/markdown.ts`).
 */
export function MarkdownView({ text, topLevel, className, testId }: MarkdownViewProps) {
  const html = useMemo(() => renderMarkdown(text, topLevel), [text, topLevel]);
  return (
    <div
      className={className === undefined ? "markdown" : `markdown ${className}`}
      data-testid={testId}
      // Sanitized by renderMarkdown: an allow-list of Markdown's elements, no links or handlers.
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
