import type { TemplateInfo_Serialize } from "../../bindings";

/** Templates as choices for a select, a template pinned by the firm's policy marked as such. */
export function templateChoices(
  templates: TemplateInfo_Serialize[],
): { value: string; label: string }[] {
  return templates.map((t) => ({
    value: t.name,
    label: t.pinned ? `${t.title} (pinned by your IT provider)` : t.title,
  }));
}

/** What the form says under the chosen template: its description, and the pin's reason if any. */
export function templateHint(template: TemplateInfo_Serialize): string {
  const pin = template.pinned;
  if (pin === null) return template.description;
  const why = pin.reason === undefined ? "" : `: ${pin.reason}`;
  return `${template.description} Version ${String(pin.version)}, pinned by your IT provider${why}.`;
}
