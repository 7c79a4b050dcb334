// Plain helpers for AI drafting: what each kind of redaction is called, and changes by hand.
import type {
  ManualChanges_Serialize,
  RedactionKind,
  SentSegment_Serialize,
} from "../../bindings";

/** What a placeholder stands for, in words ("[A_NUMBER_1]" is "an A-number"). */
export const KIND_LABELS: Record<RedactionKind, string> = {
  client: "Client's name",
  person: "Person's name",
  aNumber: "A-number",
  receipt: "Receipt number",
  ssn: "Social Security number",
  itin: "ITIN",
  passport: "Passport number",
  i94: "I-94 number",
  sevis: "SEVIS id",
  uscisAccount: "USCIS account number",
  phone: "Phone number",
  email: "E-mail address",
  address: "Address",
  employer: "Employer",
  organization: "Organisation",
  dateOfBirth: "Date of birth",
  quoted: "Bracketed text",
};

/** The kinds offered when redacting by hand, most likely first. */
export const MANUAL_KINDS: readonly RedactionKind[] = [
  "person",
  "client",
  "address",
  "employer",
  "organization",
  "dateOfBirth",
  "phone",
  "email",
  "aNumber",
  "receipt",
  "passport",
  "ssn",
  "itin",
  "i94",
  "sevis",
  "uscisAccount",
];

export const NO_CHANGES: ManualChanges_Serialize = { redact: [], keep: [] };

/**
 * `changes` plus `value` redacted as `kind` (a value kept before is no longer kept), under the
 * placeholder of `sameAs` (the value an existing placeholder stands for) when given.
 */
export function redactByHand(
  changes: ManualChanges_Serialize,
  kind: RedactionKind,
  value: string,
  sameAs: string | null = null,
): ManualChanges_Serialize {
  const keep = changes.keep.filter((k) => k.value !== value);
  const redact = changes.redact.filter((r) => r.value !== value);
  return { redact: [...redact, { kind, value, sameAs }], keep };
}

/** `changes` plus each of `names` redacted as a person. */
export function redactPeople(
  changes: ManualChanges_Serialize,
  names: readonly string[],
): ManualChanges_Serialize {
  return names.reduce((c, name) => redactByHand(c, "person", name), changes);
}

/** A placeholder already in the preview, that a value redacted by hand can join. */
export interface ExistingPlaceholder {
  /** `[CLIENT_1]`: the value's number, whatever form was written. */
  placeholder: string;
  kind: RedactionKind;
  /** The value it stands for. */
  value: string;
}

/** The placeholders in `segments`, each value once, in order of appearance. */
export function existingPlaceholders(
  segments: readonly SentSegment_Serialize[],
): ExistingPlaceholder[] {
  const seen = new Map<string, ExistingPlaceholder>();
  for (const { text, placeholder } of segments) {
    if (placeholder === null || placeholder.kind === "quoted") continue;
    // `[CLIENT_1.2]` is another written form of `[CLIENT_1]`.
    const base = text.replace(/\.\d+\]$/, "]");
    if (!seen.has(base)) seen.set(base, { placeholder: base, kind: placeholder.kind, value: placeholder.value });
  }
  return [...seen.values()];
}

/** The names in `segments` that look like people's and were sent as written, each once. */
export function unredactedPeople(segments: readonly SentSegment_Serialize[]): string[] {
  return [...new Set(segments.filter((s) => s.unredactedPerson).map((s) => s.text))];
}

/** `changes` plus `value` sent as it is. */
export function keepByHand(
  changes: ManualChanges_Serialize,
  kind: RedactionKind,
  value: string,
): ManualChanges_Serialize {
  const redact = changes.redact.filter((r) => r.value !== value);
  const keep = changes.keep.filter((k) => k.value !== value);
  return { redact, keep: [...keep, { kind, value, sameAs: null }] };
}

/** `changes` without the change by hand about `value`. */
export function undoByHand(changes: ManualChanges_Serialize, value: string): ManualChanges_Serialize {
  return {
    redact: changes.redact.filter((r) => r.value !== value),
    keep: changes.keep.filter((k) => k.value !== value),
  };
}

const numbers = new Intl.NumberFormat();

export function formatCount(count: number): string {
  return numbers.format(count);
}
