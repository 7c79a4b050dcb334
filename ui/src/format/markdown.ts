import DOMPurify from "dompurify";
import MarkdownIt, { type Env, type Token } from "markdown-it";

/**
 * Notes are written in Markdown; this turns one into HTML that is safe to show in the webview.
 *
 * Two layers, so that neither alone has to be perfect:
 * 1. markdown-it with `html: false`: HTML typed in a note is escaped and shows as the text it
 *    is. Links and images are rendered as text (the link's words and its address; the image's
 *    description): nothing in a preview navigates the webview or loads anything.
 * 2. DOMPurify with an allow-list of the elements Markdown produces and no attributes but
 *    `class` and `start`: whatever got through (a parser bug, a future option) cannot run.
 */
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: true });

/** What a rendering is given through markdown-it's `env`. */
interface RenderEnv extends Env {
  /** The level a `#` heading takes, so that the note's headings sit under the page's own. */
  topLevel: number;
}

function topLevelOf(env: unknown): number {
  const level = (env as Partial<RenderEnv> | undefined)?.topLevel;
  return typeof level === "number" ? level : 1;
}

function headingLevel(token: Token, env: unknown): { level: number; shown: number } {
  const level = Number(token.tag.slice(1));
  return { level, shown: Math.min(6, topLevelOf(env) + level - 1) };
}

const rules = markdown.renderer.rules;

rules.heading_open = (tokens, idx, _options, env) => {
  const token = tokens[idx];
  if (!token) return "";
  const { level, shown } = headingLevel(token, env);
  return `<h${String(shown)} class="markdown__h${String(level)}">`;
};

rules.heading_close = (tokens, idx, _options, env) => {
  const token = tokens[idx];
  if (!token) return "";
  return `</h${String(headingLevel(token, env).shown)}>`;
};

rules.link_open = () => `<span class="markdown__link">`;

rules.link_close = (tokens, idx) => {
  // The link's words are rendered between open and close; its address follows them as text,
  // unless the words are the address.
  let open = idx - 1;
  let words = "";
  while (open >= 0 && tokens[open]?.type !== "link_open") {
    words = (tokens[open]?.content ?? "") + words;
    open -= 1;
  }
  const href = String(tokens[open]?.attrGet("href") ?? "");
  const address =
    href === "" || href === words || `mailto:${words}` === href
      ? ""
      : ` <span class="markdown__address">(${markdown.utils.escapeHtml(href)})</span>`;
  return `</span>${address}`;
};

rules.image = (tokens, idx) => {
  const alt = tokens[idx]?.content ?? "";
  const words = alt === "" ? "Image" : `Image: ${alt}`;
  return `<span class="markdown__image">[${markdown.utils.escapeHtml(words)}]</span>`;
};

const ALLOWED_TAGS = [
  "p",
  "br",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "ul",
  "ol",
  "li",
  "strong",
  "em",
  "s",
  "code",
  "pre",
  "blockquote",
  "hr",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "span",
];

/** HTML reduced to the elements a Markdown rendering has, without scripts, handlers or links. */
export function sanitizeHtml(html: string): string {
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ["class", "start"],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
  });
}

/**
 * A note's Markdown as safe HTML. `topLevel` is the heading level a `#` heading becomes (deeper
 * ones follow, up to h6).
 */
export function renderMarkdown(text: string, topLevel: number): string {
  const env: RenderEnv = { topLevel };
  return sanitizeHtml(markdown.render(text, env));
}
