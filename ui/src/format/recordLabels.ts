// How the record's fixed choices read on screen, in the order the forms offer them.
import type {
  AddressKind,
  ContactKind,
  EmailKind,
  Forum,
  Jurisdiction,
  PartyRole,
  PhoneKind,
  SensitivityFlag,
} from "../bindings";
import type { Choice } from "../components/SelectField";

export const CONTACT_KINDS: readonly Choice<ContactKind>[] = [
  { value: "person", label: "Person" },
  { value: "institution", label: "Institution (employer, school…)" },
];

export const ADDRESS_KINDS: readonly Choice<AddressKind>[] = [
  { value: "residence", label: "Residence" },
  { value: "mailing", label: "Mailing" },
  { value: "work", label: "Work" },
  { value: "foreign", label: "Abroad" },
  { value: "other", label: "Other" },
];

export const PHONE_KINDS: readonly Choice<PhoneKind>[] = [
  { value: "mobile", label: "Mobile" },
  { value: "home", label: "Home" },
  { value: "work", label: "Work" },
  { value: "other", label: "Other" },
];

export const EMAIL_KINDS: readonly Choice<EmailKind>[] = [
  { value: "personal", label: "Personal" },
  { value: "work", label: "Work" },
  { value: "other", label: "Other" },
];

export const SENSITIVITY_FLAGS: readonly Choice<SensitivityFlag>[] = [
  { value: "asylum", label: "Asylum" },
  { value: "vawa", label: "VAWA" },
  { value: "tuVisa", label: "T or U visa" },
  { value: "minor", label: "Minor" },
  { value: "medical", label: "Medical" },
  { value: "criminal", label: "Criminal history" },
];

export const JURISDICTIONS: readonly Choice<Jurisdiction>[] = [
  { value: "US", label: "United States" },
  { value: "EU", label: "European Union" },
  { value: "UK", label: "United Kingdom" },
  { value: "CA", label: "Canada" },
  { value: "other", label: "Other" },
];

export const FORUMS: readonly Choice<Forum>[] = [
  { value: "uscis", label: "USCIS" },
  { value: "eoir", label: "EOIR (immigration court)" },
  { value: "bia", label: "BIA" },
  { value: "aao", label: "AAO" },
  { value: "dosNvc", label: "DOS / NVC" },
  { value: "cbp", label: "CBP" },
  { value: "federalCourt", label: "Federal court" },
];

export const PARTY_ROLES: readonly Choice<PartyRole>[] = [
  { value: "client", label: "Client" },
  { value: "petitioner", label: "Petitioner" },
  { value: "beneficiary", label: "Beneficiary" },
  { value: "applicant", label: "Applicant" },
  { value: "derivative", label: "Derivative" },
  { value: "sponsor", label: "Sponsor" },
  { value: "employer", label: "Employer" },
  { value: "coCounsel", label: "Co-counsel" },
  { value: "interpreter", label: "Interpreter" },
];

/** The label of `value` among `choices` (the value itself if it is not one of them). */
export function labelOf<T extends string>(choices: readonly Choice<T>[], value: T): string {
  return choices.find((choice) => choice.value === value)?.label ?? value;
}
