//! The values Casefile stores for a matter that must not leave the computer: the client's and
//! every other party's names, other names used, dates of birth, addresses, phones, e-mails and
//! identifiers.

use std::collections::BTreeMap;

use super::Kind;
use super::stored::{KnownValue, MIN_STREET_LINE};
use crate::Result;
use crate::store::fields::{TaxId, tax_id};
use crate::store::{ContactDetails, ContactKind, PartyRole, Store};

/// Every value stored for matter `matter_id`, the client's first. The client and parties in the
/// client role are [`Kind::Client`], employers [`Kind::Employer`], other people
/// [`Kind::Person`] and other institutions (schools, agencies…) [`Kind::Organization`]; a
/// contact in several roles takes the first of those that applies.
pub fn known_values(store: &Store, matter_id: i64) -> Result<Vec<KnownValue>> {
    let matter = store.matter_record(matter_id)?;
    let mut contacts: BTreeMap<i64, Kind> = BTreeMap::new();
    contacts.insert(matter.client_id, Kind::Client);
    for party in store.matter_parties(matter_id)? {
        let kind = match party.role {
            PartyRole::Client => Kind::Client,
            PartyRole::Employer => Kind::Employer,
            _ => Kind::Person,
        };
        let rank = |k: Kind| {
            [Kind::Client, Kind::Employer, Kind::Person]
                .iter()
                .position(|r| *r == k)
        };
        let held = contacts.entry(party.contact_id).or_insert(kind);
        if rank(kind) < rank(*held) {
            *held = kind;
        }
    }
    // The client first, so that its name wins where it equals another party's spelling.
    let mut ordered: Vec<(i64, Kind)> = contacts.into_iter().collect();
    ordered.sort_by_key(|(id, _)| *id != matter.client_id);
    let mut known = Vec::new();
    for (id, kind) in ordered {
        contact_values(&store.contact(id)?.details, kind, &mut known);
    }
    Ok(known)
}

/// The values of one contact's record, its names under `kind` (an institution that is no
/// client or employer is an organisation).
fn contact_values(d: &ContactDetails, kind: Kind, known: &mut Vec<KnownValue>) {
    let name = match d.kind {
        ContactKind::Institution => {
            let kind = match kind {
                Kind::Person => Kind::Organization,
                other => other,
            };
            KnownValue::new(kind, &d.institution_name)
        }
        ContactKind::Person => {
            KnownValue::person(kind, &d.given_name, &d.middle_name, &d.family_name)
        }
    };
    // Other names used are the same person under the same placeholder.
    match name {
        Some(name) => known.push(
            d.other_names
                .iter()
                .fold(name, |name, other| name.also_known_as(other)),
        ),
        None => known.extend(
            d.other_names
                .iter()
                .filter_map(|n| KnownValue::new(kind, n)),
        ),
    }
    known.extend(
        d.date_of_birth
            .as_deref()
            .and_then(KnownValue::date_of_birth),
    );

    let mut identifiers: Vec<(Kind, &str)> = Vec::new();
    identifiers.extend(d.a_number.as_deref().map(|v| (Kind::ANumber, v)));
    identifiers.extend(
        d.uscis_account_number
            .as_deref()
            .map(|v| (Kind::UscisAccount, v)),
    );
    if let Some(number) = d.ssn_itin.as_deref() {
        let tax_kind = match tax_id(number) {
            Ok((TaxId::Itin, _)) => Kind::Itin,
            _ => Kind::Ssn,
        };
        identifiers.push((tax_kind, number));
    }
    identifiers.extend(
        d.passports
            .iter()
            .map(|p| (Kind::Passport, p.number.as_str())),
    );
    identifiers.extend(d.latest_i94.iter().map(|i| (Kind::I94, i.number.as_str())));
    identifiers.extend(d.sevis_id.as_deref().map(|v| (Kind::Sevis, v)));
    identifiers.extend(d.phones.iter().map(|p| (Kind::Phone, p.number.as_str())));
    identifiers.extend(d.emails.iter().map(|e| (Kind::Email, e.address.as_str())));
    let street_lines = d.addresses.iter().flat_map(|a| &a.lines);
    identifiers.extend(
        street_lines
            .filter(|line| line.trim().chars().count() >= MIN_STREET_LINE)
            .map(|line| (Kind::Address, line.as_str())),
    );
    known.extend(
        identifiers
            .into_iter()
            .filter_map(|(kind, value)| KnownValue::new(kind, value)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drafting::redaction::{ManualChanges, Redactor};
    use crate::store::{
        Address, AddressKind, ContactDetails, Email, EmailKind, NewContact, NewMatter, Passport,
        Phone, PhoneKind, test_support,
    };

    #[test]
    fn a_matter_s_stored_values_are_gathered_and_redacted_from_a_real_store() {
        let (_dir, mut store) = test_support::store();
        let client = store
            .create_contact(&NewContact::person("Ana", "Peña"))
            .unwrap();
        store
            .update_contact(
                client,
                &ContactDetails {
                    middle_name: "Lucía".into(),
                    other_names: vec!["Ana Ruiz".into()],
                    a_number: Some("A# 012-345-678".into()),
                    ssn_itin: Some("912-70-1234".into()),
                    passports: vec![Passport {
                        number: "C1234567".into(),
                        country: "Honduras".into(),
                        ..Passport::default()
                    }],
                    addresses: vec![Address {
                        kind: AddressKind::Residence,
                        lines: vec!["12 Main Street".into(), "Apt 4".into()],
                        city: "Houston".into(),
                        ..Address::default()
                    }],
                    phones: vec![Phone {
                        kind: PhoneKind::Mobile,
                        number: "+1 713 555 0100".into(),
                    }],
                    emails: vec![Email {
                        kind: EmailKind::Personal,
                        address: "ana@example.org".into(),
                    }],
                    ..ContactDetails::person("Ana", "Peña")
                },
            )
            .unwrap();
        let husband = store
            .create_contact(&NewContact::person("José", "Ortiz"))
            .unwrap();
        let employer = store
            .create_contact(&NewContact {
                kind: ContactKind::Institution,
                institution_name: "Gulf Coast Shipyards".into(),
                ..NewContact::person("", "")
            })
            .unwrap();
        // A contact who is no party to the matter.
        store
            .create_contact(&NewContact::person("Maria", "Stranger"))
            .unwrap();
        let matter = store
            .create_matter(&NewMatter::new(client, "Adjustment"))
            .unwrap();
        store
            .add_party(matter, husband, PartyRole::Petitioner)
            .unwrap();
        store
            .add_party(matter, employer, PartyRole::Employer)
            .unwrap();
        // The client listed again in another role stays the client.
        store
            .add_party(matter, client, PartyRole::Beneficiary)
            .unwrap();

        let known = known_values(&store, matter).unwrap();
        let kinds: Vec<(Kind, &str)> = known.iter().map(|k| (k.kind(), k.value())).collect();
        for expected in [
            (Kind::Client, "Ana Lucía Peña"),
            (Kind::ANumber, "A012345678"),
            (Kind::Itin, "912-70-1234"),
            (Kind::Passport, "C1234567"),
            (Kind::Address, "12 Main Street"),
            (Kind::Phone, "+1 713 555 0100"),
            (Kind::Email, "ana@example.org"),
            (Kind::Person, "José Ortiz"),
            (Kind::Employer, "Gulf Coast Shipyards"),
        ] {
            assert!(
                kinds.contains(&expected),
                "{expected:?} missing from {kinds:?}"
            );
        }
        assert_eq!(
            kinds[0],
            (Kind::Client, "Ana Lucía Peña"),
            "the client comes first"
        );
        assert!(!kinds.iter().any(|(_, v)| v.contains("Stranger")));
        assert!(
            !kinds.iter().any(|(_, v)| *v == "Apt 4"),
            "short street lines are left"
        );

        let note = "PENA, Ana met Jose Ortiz at Gulf Coast Shipyards; passport C1234567, \
                    lives at 12 main street, Apt 4. Maria Stranger is unrelated.";
        let redaction = Redactor::new(known, &ManualChanges::default()).redact(&[note]);
        assert_eq!(
            redaction.texts[0].text,
            "[CLIENT_1] met [PERSON_1] at [EMPLOYER_1]; passport [PASSPORT_1], \
             lives at [ADDRESS_1], Apt 4. Maria Stranger is unrelated."
        );
        // Restored as written; the span says which value it stands for.
        assert_eq!(redaction.map.original("[CLIENT_1]"), Some("PENA, Ana"));
        assert_eq!(redaction.texts[0].spans[0].value, "Ana Lucía Peña");
    }

    #[test]
    fn a_missing_matter_is_reported() {
        let (_dir, store) = test_support::store();
        let error = known_values(&store, 42).unwrap_err();
        assert_eq!(error.code(), crate::ErrorCode::NotFound);
    }
}
