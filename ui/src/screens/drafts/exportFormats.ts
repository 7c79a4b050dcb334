import type { Format } from "../../bindings";

/** The export formats in the order the buttons show them, with their names for people. */
export const EXPORT_FORMATS: readonly { format: Format; label: string }[] = [
  { format: "docx", label: "Word" },
  { format: "pdf", label: "PDF" },
  { format: "md", label: "Markdown" },
  { format: "json", label: "JSON" },
];
