// Plain helpers for AI drafting: what each kind of redaction is called, and changes by hand.
import type { ManualChanges_Serialize, RedactionKind } from "../../bindings";

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
};

/** The kinds offered when redacting by hand, most likely first. */
export const MANUAL_KINDS: readonly RedactionKind[] = [
  "person",
  "client",
  "address",
  "employer",
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

/** `changes` plus `value` redacted as `kind` (a value kept before is no longer kept). */
export function redactByHand(
  changes: ManualChanges_Serialize,
  kind: RedactionKind,
  value: string,
): ManualChanges_Serialize {
  const keep = changes.keep.filter((k) => k.value !== value);
  const redact = changes.redact.filter((r) => r.value !== value);
  return { redact: [...redact, { kind, value }], keep };
}

/** `changes` plus `value` sent as it is. */
export function keepByHand(
  changes: ManualChanges_Serialize,
  kind: RedactionKind,
  value: string,
): ManualChanges_Serialize {
  const redact = changes.redact.filter((r) => r.value !== value);
  const keep = changes.keep.filter((k) => k.value !== value);
  return { redact, keep: [...keep, { kind, value }] };
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
