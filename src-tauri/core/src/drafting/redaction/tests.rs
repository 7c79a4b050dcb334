use super::*;

/// Redacts `texts` with no stored values.
fn shapes(texts: &[&str]) -> Redaction {
    Redactor::new(Vec::new(), &ManualChanges::default()).redact(texts)
}

/// The single text redacted with no stored values.
fn redacted(text: &str) -> String {
    shapes(&[text]).texts.remove(0).text
}

fn client() -> Vec<KnownValue> {
    vec![KnownValue::person(Kind::Client, "Ana", "Lucía", "Peña").unwrap()]
}

fn with(known: Vec<KnownValue>, changes: &ManualChanges, texts: &[&str]) -> Redaction {
    Redactor::new(known, changes).redact(texts)
}

/// Every spelling is one value: the same placeholder each time, and nothing else left over.
fn assert_one_value(spellings: &[&str], placeholder: &str) {
    let text = spellings.join(" / ");
    let expected = vec![placeholder; spellings.len()].join(" / ");
    assert_eq!(redacted(&text), expected, "{text}");
}

fn assert_untouched(texts: &[&str]) {
    for text in texts {
        assert_eq!(redacted(text), *text, "{text} was redacted");
    }
}

#[test]
fn receipt_numbers_in_every_spelling_are_one_value() {
    assert_one_value(
        &[
            "EAC2390123456",
            "EAC-23-901-23456",
            "eac 23 901 23456",
            "EAC-2390123456",
        ],
        "[RECEIPT_1]",
    );
    assert_eq!(
        redacted("Receipt (IOE0912345678), then WAC2290000001."),
        "Receipt ([RECEIPT_1]), then [RECEIPT_2]."
    );
    // Any three letters against the digits; with a space, only a known prefix.
    assert_eq!(redacted("ABC2390123456"), "[RECEIPT_1]");
    assert_untouched(&["EAC239012345", "EAC23901234567", "XEAC2390123456"]);
}

#[test]
fn a_numbers_in_every_spelling_are_one_value() {
    assert_one_value(
        &[
            "A012345678",
            "A# 012-345-678",
            "USCIS# 012-345-678",
            "a-12345678",
            "A12345678",
        ],
        "[A_NUMBER_1]",
    );
    assert_eq!(
        redacted("A-number 012345678, alien no. 12345678 vs A1234567"),
        "A-number [A_NUMBER_1], alien no. [A_NUMBER_1] vs [A_NUMBER_2]"
    );
    let r = shapes(&["A# 012-345-678 and A012345678"]);
    assert_eq!(r.map.original("[A_NUMBER_1]"), Some("A# 012-345-678"));
    assert_untouched(&["A123456", "AB12345678", "a 12345678 people"]);
}

#[test]
fn ssns_only_when_valid() {
    assert_one_value(&["123-45-6789", "123 45 6789"], "[SSN_1]");
    assert_eq!(redacted("SSN: 123456789"), "SSN: [SSN_1]");
    assert_untouched(&[
        "000-12-3456", // area 000
        "666-12-3456", // area 666
        "912-12-3456", // 9xx is never an SSN, and 12 is no ITIN group
        "123-00-4567", // group 00
        "123-45-0000", // serial 0000
    ]);
}

#[test]
fn itins_only_in_their_groups() {
    assert_one_value(&["912-70-1234", "912 70 1234"], "[ITIN_1]");
    assert_eq!(redacted("ITIN 999941234"), "ITIN [ITIN_1]");
    assert_eq!(
        redacted("999-94-1234 and 950-65-1234"),
        "[ITIN_1] and [ITIN_2]"
    );
    assert_untouched(&["900-49-1234", "900-66-1234", "900-89-1234", "900-93-1234"]);
}

#[test]
fn passports_by_shape_and_nine_bare_digits() {
    assert_eq!(redacted("passport C12345678"), "passport [PASSPORT_1]");
    assert_eq!(redacted("passport 123456789."), "passport [PASSPORT_1].");
    // Nine bare digits say their kind by the words before them.
    assert_eq!(
        redacted("social security 123456789"),
        "social security [SSN_1]"
    );
    assert_untouched(&["C1234567 8", "C123456789", "1234567890123"]);
}

#[test]
fn i94_numbers_new_form_always_old_form_only_with_context() {
    assert_one_value(&["123456789A1", "123456789a1"], "[I94_1]");
    assert_eq!(redacted("I-94 no. 34512345678"), "I-94 no. [I94_1]");
    assert_eq!(
        redacted("admission record 12345678901"),
        "admission record [I94_1]"
    );
    // Eleven digits without context: no I-94 (a phone number when it has one's shape).
    assert_untouched(&["ref 34512345678", "34512345678"]);
    assert_eq!(redacted("call 12125550100"), "call [PHONE_1]");
}

#[test]
fn sevis_ids() {
    assert_one_value(&["N0012345678", "n0012345678"], "[SEVIS_1]");
    assert_untouched(&["N001234567", "N00123456789", "XN0012345678"]);
}

#[test]
fn phone_numbers_in_every_spelling_but_never_inside_another_run() {
    assert_one_value(
        &[
            "(713) 555-0100",
            "713-555-0100",
            "713.555.0100",
            "713 555 0100",
            "7135550100",
            "+1 713 555 0100",
            "1-713-555-0100",
            "+1 (713) 555-0100",
        ],
        "[PHONE_1]",
    );
    assert_eq!(
        redacted("London +44 20 7946 0958, desk 555-0142."),
        "London [PHONE_1], desk [PHONE_2]."
    );
    // Phone-shaped runs inside receipt numbers and other alphanumeric runs.
    assert_eq!(redacted("EAC2135550100"), "[RECEIPT_1]");
    assert_eq!(redacted("IOE-21-355-50100"), "[RECEIPT_1]");
    assert_untouched(&[
        "x7135550100",
        "7135550100x",
        "ZIP 77002-1234",
        "0135550100",
        "713-055-0100",
        "+1 2",
    ]);
}

#[test]
fn email_addresses() {
    assert_one_value(
        &["Ana.Pena+work@Example.org", "ana.pena+work@example.org"],
        "[EMAIL_1]",
    );
    assert_eq!(redacted("(mail: x_y@mail.co.uk)"), "(mail: [EMAIL_1])");
    assert_untouched(&["ana@localhost", "@example.org", "ana at example.org"]);
}

#[test]
fn placeholders_are_numbered_per_kind_and_consistent_across_the_request() {
    let texts = [
        "System: write a case summary.",
        "Client Ana Peña, A# 012-345-678, receipt EAC-23-901-23456.",
        "Ms. Pena called from 713-555-0100 about WAC2290000001.",
        "ANA PEÑA (A012345678) filed eac2390123456; call (713) 555-0100.",
    ];
    let r = with(client(), &ManualChanges::default(), &texts);
    let out: Vec<&str> = r.texts.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(
        out,
        [
            "System: write a case summary.",
            "Client [CLIENT_1], [A_NUMBER_1], receipt [RECEIPT_1].",
            "Ms. [CLIENT_1.2] called from [PHONE_1] about [RECEIPT_2].",
            "[CLIENT_1] ([A_NUMBER_1]) filed [RECEIPT_1]; call [PHONE_1].",
        ]
    );
    let entries: Vec<(&str, &str, usize)> = r
        .map
        .entries()
        .iter()
        .map(|e| (e.placeholder.as_str(), e.original.as_str(), e.occurrences))
        .collect();
    assert_eq!(
        entries,
        [
            ("[CLIENT_1]", "Ana Peña", 2),
            ("[A_NUMBER_1]", "A# 012-345-678", 2),
            ("[RECEIPT_1]", "EAC-23-901-23456", 2),
            ("[CLIENT_1.2]", "Pena", 1),
            ("[PHONE_1]", "713-555-0100", 2),
            ("[RECEIPT_2]", "WAC2290000001", 1),
        ]
    );
    assert_eq!(
        r.map.counts()[&Kind::Client].values,
        1,
        "one client, two forms"
    );
    let counts = r.map.counts();
    assert_eq!(
        counts[&Kind::Receipt],
        KindCount {
            values: 2,
            occurrences: 3
        }
    );
    assert_eq!(counts.len(), 4);
}

#[test]
fn stored_names_match_in_any_case_accent_and_common_order() {
    for spelling in [
        "Ana Peña",
        "ana pena",
        "ANA PEÑA",
        "Ana Lucia Pena",
        "Ana Lucía Peña",
        "Peña, Ana",
        "PENA, ANA LUCIA",
        "Pena Ana",
        "Ana Pen\u{303}a",
        "Ana\nPeña",
        "Peña",
        "PEÑA",
    ] {
        let r = with(
            client(),
            &ManualChanges::default(),
            &[&format!("({spelling})")],
        );
        assert_eq!(r.texts[0].text, "([CLIENT_1])", "{spelling:?}");
        assert_eq!(r.texts[0].spans[0].original, spelling);
    }
    // Not names: a lower-case family name, parts of longer words.
    for text in [
        "pena de muerte",
        "ana said so",
        "Peñaloza",
        "Anabel Peñas",
        "xPeña",
    ] {
        let r = with(client(), &ManualChanges::default(), &[text]);
        assert_eq!(r.texts[0].text, text);
    }
}

#[test]
fn compound_family_names_short_names_institutions_and_other_names() {
    let known = vec![
        KnownValue::person(Kind::Client, "María", "", "García López").unwrap(),
        KnownValue::new(Kind::Client, "María Ruiz").unwrap(),
        KnownValue::person(Kind::Person, "Bo", "", "Li").unwrap(),
        KnownValue::new(Kind::Employer, "Gulf Coast Shipyards").unwrap(),
        KnownValue::new(Kind::Employer, "Acme").unwrap(),
    ];
    let r = with(
        known,
        &ManualChanges::default(),
        &[
            "María García met Ms. García López, Ruiz, María, Bo Li and Li at ACME (gulf coast shipyards); acme rocks",
        ],
    );
    assert_eq!(
        r.texts[0].text,
        "[CLIENT_1] met Ms. [CLIENT_1.2], [CLIENT_2], [PERSON_1] and Li at [EMPLOYER_1] ([EMPLOYER_2]); acme rocks"
    );
    // A one-word name shorter than the floor finds nothing (typed by hand, it would).
    assert!(KnownValue::new(Kind::Person, "Li").is_none());
}

#[test]
fn a_shorter_spelling_is_tried_where_the_longest_is_inside_a_word() {
    let known = vec![
        KnownValue::person(Kind::Client, "Ana", "", "Peña").unwrap(),
        KnownValue::new(Kind::Client, "Ana Peña Ruiz").unwrap(),
    ];
    let r = with(
        known,
        &ManualChanges::default(),
        &["Ana Peña Ruizova; Ana Peña Ruiz."],
    );
    assert_eq!(r.texts[0].text, "[CLIENT_1] Ruizova; [CLIENT_2].");
}

#[test]
fn names_in_scripts_without_spaces_are_found_inside_sentences() {
    let known = vec![KnownValue::new(Kind::Client, "王芳").unwrap()];
    let r = with(
        known,
        &ManualChanges::default(),
        &["客户王芳说她的护照", "Wang 王芳."],
    );
    assert_eq!(r.texts[0].text, "客户[CLIENT_1]说她的护照");
    assert_eq!(r.texts[1].text, "Wang [CLIENT_1].");
}

#[test]
fn a_family_name_shared_by_relatives_is_a_value_of_its_own() {
    let known = vec![
        KnownValue::person(Kind::Client, "Ana", "", "Peña").unwrap(),
        KnownValue::person(Kind::Person, "José", "", "Peña").unwrap(),
    ];
    let r = with(
        known,
        &ManualChanges::default(),
        &["Ana Peña and her father José Peña; Mr. Peña agreed."],
    );
    assert_eq!(
        r.texts[0].text,
        "[CLIENT_1] and her father [PERSON_1]; Mr. [PERSON_2] agreed."
    );
    assert_eq!(r.map.original("[PERSON_2]"), Some("Peña"));
}

#[test]
fn values_added_by_hand_are_redacted_everywhere() {
    let changes = ManualChanges {
        redact: vec![
            ManualValue {
                kind: Kind::Person,
                value: "Tío Beto".into(),
                same_as: None,
            },
            ManualValue {
                kind: Kind::Person,
                value: "Li".into(),
                same_as: None,
            },
            ManualValue {
                kind: Kind::Address,
                value: "  ".into(),
                same_as: None,
            },
        ],
        keep: Vec::new(),
    };
    let r = with(
        Vec::new(),
        &changes,
        &["tio beto visited", "Then TÍO BETO and li left."],
    );
    assert_eq!(r.texts[0].text, "[PERSON_1] visited");
    // Written without and with accents: two forms of one value, each restored as written.
    assert_eq!(r.texts[1].text, "Then [PERSON_1.2] and [PERSON_2] left.");
    assert_eq!(r.map.original("[PERSON_1.2]"), Some("TÍO BETO"));
    assert_eq!(r.map.original("[PERSON_1]"), Some("tio beto"));
}

#[test]
fn kept_values_stay_in_every_text() {
    let keep = |kind, value: &str| ManualChanges {
        redact: Vec::new(),
        keep: vec![ManualValue {
            kind,
            value: value.into(),
            same_as: None,
        }],
    };
    let texts = [
        "Ana Peña, call 713-555-0100",
        "Peña again at (713) 555 0100; 212-555-0199",
    ];
    // The stored value: every spelling of it stays.
    let r = with(client(), &keep(Kind::Client, "Ana Lucía Peña"), &texts);
    assert_eq!(r.texts[0].text, "Ana Peña, call [PHONE_1]");
    assert_eq!(r.texts[1].text, "Peña again at [PHONE_1]; [PHONE_2]");
    // One spelling: only that one stays.
    let r = with(client(), &keep(Kind::Client, "pena"), &texts);
    assert_eq!(r.texts[0].text, "[CLIENT_1], call [PHONE_1]");
    assert_eq!(r.texts[1].text, "Peña again at [PHONE_1]; [PHONE_2]");
    // A number found by its shape: every spelling of it stays, and the numbering closes up.
    let r = with(client(), &keep(Kind::Phone, "+1 713 555 0100"), &texts);
    assert_eq!(r.texts[0].text, "[CLIENT_1], call 713-555-0100");
    assert_eq!(
        r.texts[1].text,
        "[CLIENT_1.2] again at (713) 555 0100; [PHONE_1]"
    );
}

#[test]
fn spans_locate_each_placeholder_in_the_redacted_text() {
    let text = "Ñandú: Peña — A012345678, ana.pena@example.org.";
    let r = with(client(), &ManualChanges::default(), &[text]);
    let t = &r.texts[0];
    assert_eq!(t.text, "Ñandú: [CLIENT_1] — [A_NUMBER_1], [EMAIL_1].");
    let spans: Vec<(&str, Kind, &str)> = t
        .spans
        .iter()
        .map(|s| (&t.text[s.range.clone()], s.kind, s.original.as_str()))
        .collect();
    assert_eq!(
        spans,
        [
            ("[CLIENT_1]", Kind::Client, "Peña"),
            ("[A_NUMBER_1]", Kind::ANumber, "A012345678"),
            ("[EMAIL_1]", Kind::Email, "ana.pena@example.org"),
        ]
    );
    assert!(
        t.spans
            .iter()
            .all(|s| s.placeholder == t.text[s.range.clone()])
    );
}

#[test]
fn the_map_serializes_and_never_prints_originals() {
    let r = with(
        client(),
        &ManualChanges::default(),
        &["Ana Peña, SSN 123-45-6789"],
    );
    let debug = format!("{:?} {:?}", r.map, r);
    assert!(
        debug.contains("[CLIENT_1]") && debug.contains("[SSN_1]"),
        "{debug}"
    );
    for secret in ["Peña", "Pena", "6789", "Lucía"] {
        assert!(!debug.contains(secret), "{secret} printed in {debug}");
    }
    let json = serde_json::to_string(&r.map).unwrap();
    let back: RedactionMap = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r.map);
    assert_eq!(back.original("[SSN_1]"), Some("123-45-6789"));
}

/// A redacted answer with several placeholders next to multi-byte characters.
fn answer_and_map() -> (String, RedactionMap, String) {
    let r = with(
        client(),
        &ManualChanges::default(),
        &["Ana Peña A012345678 EAC2390123456 ana@example.org 713-555-0100"],
    );
    let answer = "Résumé: «[CLIENT_1]» ñ[A_NUMBER_1]日本[RECEIPT_1]\n[EMAIL_1]é[PHONE_1]. \
                  Also [CLIENT_9], [CLIENT_], [A_NUMBER_1234567], [[CLIENT_1]] and [RECEIPT_1"
        .to_owned();
    let restored = "Résumé: «Ana Peña» ñA012345678日本EAC2390123456\nana@example.orgé\
                    713-555-0100. Also [CLIENT_9], [CLIENT_], [A_NUMBER_1234567], [Ana Peña] \
                    and [RECEIPT_1"
        .to_owned();
    (answer, r.map, restored)
}

#[test]
fn a_whole_answer_is_restored_and_invented_placeholders_stay() {
    let (answer, map, restored) = answer_and_map();
    assert_eq!(map.rehydrate(&answer), restored);
}

#[test]
fn a_stream_cut_at_every_offset_restores_like_the_whole_text() {
    let (answer, map, restored) = answer_and_map();
    let cuts: Vec<usize> = (0..=answer.len())
        .filter(|&i| answer.is_char_boundary(i))
        .collect();
    for &cut in &cuts {
        let mut r = Rehydrator::new(&map);
        let mut out = r.push(&answer[..cut]);
        out.push_str(&r.push(&answer[cut..]));
        out.push_str(&r.finish());
        assert_eq!(out, restored, "cut at {cut}");
    }
    // One character at a time, and every pair of cuts.
    let mut r = Rehydrator::new(&map);
    let mut out: String = answer
        .char_indices()
        .map(|(i, c)| r.push(&answer[i..i + c.len_utf8()]))
        .collect();
    out.push_str(&r.finish());
    assert_eq!(out, restored);
    for (n, &a) in cuts.iter().enumerate() {
        for &b in &cuts[n..] {
            let mut r = Rehydrator::new(&map);
            let mut out = r.push(&answer[..a]);
            out.push_str(&r.push(&answer[a..b]));
            out.push_str(&r.push(&answer[b..]));
            out.push_str(&r.finish());
            assert_eq!(out, restored, "cuts at {a} and {b}");
        }
    }
}

#[test]
fn only_a_possible_placeholder_is_held_back() {
    let (_, map, _) = answer_and_map();
    let mut r = Rehydrator::new(&map);
    assert_eq!(r.push("Dear [CLI"), "Dear ");
    assert_eq!(r.push("ENT_1"), "");
    assert_eq!(r.push("], see [A_NUMBER_"), "Ana Peña, see ");
    assert_eq!(r.push("1] [note"), "A012345678 [note");
    // A `[` that never closes comes out at the end as written.
    assert_eq!(r.push(" [RECEIPT_12"), " ");
    assert_eq!(r.finish(), "[RECEIPT_12");
    assert_eq!(r.finish(), "");
    // Brackets that cannot start a placeholder are never held.
    let brackets = "[".repeat(10_000);
    assert_eq!(r.push(&brackets).len(), 9_999);
    assert_eq!(r.finish(), "[");
}

#[test]
fn segments_cut_a_text_at_its_placeholders_whatever_the_script_before_them() {
    let text = "😀 Ana Peña's A# 012-345-678 é";
    let out = with(client(), &ManualChanges::default(), &[text])
        .texts
        .remove(0);
    let segments = out.segments();
    assert_eq!(
        segments.iter().map(|s| s.text.as_str()).collect::<String>(),
        out.text,
        "joined, the segments are the text"
    );
    let shown: Vec<(&str, Option<(Kind, &str)>)> = segments
        .iter()
        .map(|s| {
            (
                s.text.as_str(),
                s.placeholder
                    .as_ref()
                    .map(|p| (p.kind, p.original.as_str())),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("😀 ", None),
            ("[CLIENT_1]", Some((Kind::Client, "Ana Peña"))),
            ("'s ", None),
            ("[A_NUMBER_1]", Some((Kind::ANumber, "A# 012-345-678"))),
            (" é", None),
        ]
    );
    // Placeholders side by side, and a text with none.
    let both = with(
        client(),
        &ManualChanges::default(),
        &["Ana Peña A012345678"],
    )
    .texts
    .remove(0);
    assert_eq!(both.segments().len(), 3);
    assert!(
        shapes(&["plain"]).texts[0].segments()[0]
            .placeholder
            .is_none()
    );
    assert!(shapes(&[""]).texts[0].segments().is_empty());
}

fn by_hand(kind: Kind, value: &str, same_as: Option<&str>) -> ManualValue {
    ManualValue {
        kind,
        value: value.into(),
        same_as: same_as.map(str::to_owned),
    }
}

fn redact_by_hand(values: Vec<ManualValue>) -> ManualChanges {
    ManualChanges {
        redact: values,
        keep: Vec::new(),
    }
}

#[test]
fn a_recorded_date_of_birth_is_found_in_every_form() {
    let known = vec![KnownValue::date_of_birth("1987-03-14").unwrap()];
    for written in [
        "1987-03-14",
        "03/14/1987",
        "3/14/87",
        "14.03.1987",
        "14/03/1987",
        "March 14, 1987",
        "14 March 1987",
        "Mar. 14, 1987",
        "MARCH 14TH, 1987",
        "14th of March 1987",
    ] {
        let r = with(
            known.clone(),
            &ManualChanges::default(),
            &[&format!("born {written}.")],
        );
        assert_eq!(r.texts[0].text, "born [DATE_OF_BIRTH_1].", "{written}");
        assert_eq!(r.texts[0].spans[0].value, "1987-03-14");
    }
    // Other dates and longer numbers are left.
    for text in ["03/14/1988", "13/14/87", "2014.03.1987", "March 15, 1987"] {
        assert_eq!(
            with(known.clone(), &ManualChanges::default(), &[text]).texts[0].text,
            text
        );
    }
    assert!(KnownValue::date_of_birth("unknown").is_none());
}

#[test]
fn an_unrecorded_date_of_birth_is_found_after_its_label() {
    assert_eq!(
        redacted(
            "DOB: 05/06/1990; date of birth 1991-02-03, born on July 4, 1992. Filed 05/06/2020."
        ),
        "DOB: [DATE_OF_BIRTH_1]; date of birth [DATE_OF_BIRTH_2], born on [DATE_OF_BIRTH_3]. Filed 05/06/2020."
    );
}

#[test]
fn a_numbers_after_a_label_or_with_spaces() {
    assert_one_value(
        &["A 012 345 678", "A012345678", "A-012-345-678"],
        "[A_NUMBER_1]",
    );
    assert_eq!(
        redacted(
            "A-Number: 012-345-678. Alien Registration No. 98 765 432; USCIS number 012345678"
        ),
        "A-Number: [A_NUMBER_1]. Alien Registration No. [A_NUMBER_2]; USCIS number [A_NUMBER_1]"
    );
    assert_untouched(&[
        "a 12345678 people",
        "A-number pending",
        "Form I-130 number 12",
    ]);
}

#[test]
fn ssns_with_dots_or_spaces_and_passports_after_their_label() {
    assert_one_value(&["123-45-6789", "123.45.6789", "123 45 6789"], "[SSN_1]");
    assert_eq!(
        redacted("Passport No. AB1234567 and passport #K7654321, passport expired."),
        "Passport No. [PASSPORT_1] and passport #[PASSPORT_2], passport expired."
    );
}

#[test]
fn street_addresses_are_found_by_their_shape() {
    for address in [
        "1234 Elm Street, Apt 5",
        "55 W. 3rd Ave.",
        "900 Martin Luther King Jr Blvd",
        "12 Main St, Houston, TX 77002",
        "PO Box 4410",
        "7 OAK LANE",
    ] {
        let r = shapes(&[&format!("Lives at {address} now")]);
        assert_eq!(r.texts[0].text, "Lives at [ADDRESS_1] now", "{address}");
        assert_eq!(r.texts[0].spans[0].original, address);
    }
    assert_untouched(&[
        "in 2019 Immigration Court denied it",
        "on 3 occasions the street was closed",
        "2 Main concerns remain",
        "Form I-130 filed 12 March 2020",
    ]);
}

#[test]
fn each_name_part_alone_possessives_initials_and_other_names() {
    let known = vec![
        KnownValue::person(Kind::Client, "Ana", "Lucía", "García López")
            .unwrap()
            .also_known_as("Ana Ruiz"),
    ];
    let r = with(
        known,
        &ManualChanges::default(),
        &["Ana García López. Ana said García's file and Lucía's note; A. García and Ruiz met Ana."],
    );
    assert_eq!(
        r.texts[0].text,
        "[CLIENT_1]. [CLIENT_1.2] said [CLIENT_1.3]'s file and [CLIENT_1.4]'s note; [CLIENT_1.5] and [CLIENT_1.6] met [CLIENT_1.2]."
    );
    assert_eq!(r.map.counts()[&Kind::Client].values, 1, "one person");
    assert_eq!(r.map.counts()[&Kind::Client].occurrences, 7);
}

#[test]
fn a_name_part_that_is_an_english_word_is_found_only_as_a_name() {
    let known = vec![KnownValue::person(Kind::Client, "Will", "", "Hope").unwrap()];
    let r = with(
        known,
        &ManualChanges::default(),
        &["Will the officer call? We hope so. Then Will and Ms. Hope came; does Hope sign?"],
    );
    assert_eq!(
        r.texts[0].text,
        "Will the officer call? We hope so. Then [CLIENT_1] and Ms. [CLIENT_1.2] came; does [CLIENT_1.2] sign?"
    );
}

#[test]
fn organisations_are_found_with_or_without_their_company_form() {
    let known = vec![
        KnownValue::new(Kind::Employer, "Northwind Analytics, Inc.").unwrap(),
        KnownValue::new(Kind::Organization, "Lone Star College").unwrap(),
    ];
    let r = with(
        known,
        &ManualChanges::default(),
        &[
            "H-1B for Northwind Analytics",
            "Northwind Analytics' offer; Lone Star College's letter",
        ],
    );
    assert_eq!(r.texts[0].text, "H-1B for [EMPLOYER_1]");
    assert_eq!(
        r.texts[1].text,
        "[EMPLOYER_1]' offer; [ORGANIZATION_1]'s letter"
    );
}

#[test]
fn the_answer_gets_back_the_form_the_user_wrote() {
    let r = with(
        client(),
        &ManualChanges::default(),
        &["Client: Ana Lucía Peña.", "Ana called; Ms. Pena will sign."],
    );
    assert_eq!(
        r.texts[1].text,
        "[CLIENT_1.2] called; Ms. [CLIENT_1.3] will sign."
    );
    assert_eq!(
        r.map
            .rehydrate("[CLIENT_1] ([CLIENT_1.2]) and Ms. [CLIENT_1.3]; [CLIENT_1.9] is invented."),
        "Ana Lucía Peña (Ana) and Ms. Pena; [CLIENT_1.9] is invented."
    );
}

#[test]
fn a_value_redacted_by_hand_joins_the_recorded_name_it_is_part_of() {
    // Chosen as "person", the client's own given name (lower case, so not found) is the client.
    let changes = redact_by_hand(vec![by_hand(Kind::Person, "ana", None)]);
    let r = with(client(), &changes, &["Ana Peña; ana came"]);
    assert_eq!(r.texts[0].text, "[CLIENT_1]; [CLIENT_1.2] came");
    assert!(!r.map.counts().contains_key(&Kind::Person));
    // A nickname joins the placeholder chosen for it ("same as [CLIENT_1]").
    let changes = redact_by_hand(vec![
        by_hand(Kind::Client, "Anita", Some("Ana Lucía Peña")),
        by_hand(Kind::Phone, "ext. 4410", Some("713-555-0100")),
    ]);
    let r = with(
        client(),
        &changes,
        &["Ana Peña (Anita) at 713-555-0100 or ext. 4410"],
    );
    assert_eq!(
        r.texts[0].text,
        "[CLIENT_1] ([CLIENT_1.2]) at [PHONE_1] or [PHONE_1]"
    );
    assert_eq!(r.map.counts()[&Kind::Phone].values, 1);
}

#[test]
fn placeholder_looking_text_in_a_note_is_escaped_and_comes_back_as_written() {
    let r = with(
        client(),
        &ManualChanges::default(),
        &["Ana Peña pasted: [CLIENT_1] owes [PERSON_2.1]; [client_1] stays"],
    );
    assert_eq!(
        r.texts[0].text,
        "[CLIENT_1] pasted: [QUOTED_1] owes [QUOTED_2]; [client_1] stays"
    );
    assert_eq!(
        r.map
            .rehydrate("[CLIENT_1] wrote [QUOTED_1] and [QUOTED_2]."),
        "Ana Peña wrote [CLIENT_1] and [PERSON_2.1]."
    );
}

#[test]
fn unrecorded_people_are_flagged_or_redacted_as_the_policy_says() {
    let note = "HR contact Priya Shah (priya.shah@northwind.example) wrote; her brother Mateo \
                Peña and Ms. Okafor came. In New York, Form I-130 was filed in March.";
    let flagged = with(client(), &ManualChanges::default(), &[note]);
    let t = &flagged.texts[0];
    let names: Vec<&str> = t
        .unredacted_people
        .iter()
        .map(|r| &t.text[r.clone()])
        .collect();
    assert_eq!(names, ["Priya Shah", "Okafor"]);
    // A name holding the client's family name is another person, redacted in any case.
    assert!(t.text.contains("her brother [PERSON_1] and"), "{}", t.text);
    assert!(t.text.contains("[EMAIL_1]"));
    let segments = t.segments();
    assert_eq!(segments.iter().filter(|s| s.unredacted_person).count(), 2);
    assert_eq!(
        segments.iter().map(|s| s.text.as_str()).collect::<String>(),
        t.text
    );

    let redacted = Redactor::new(client(), &ManualChanges::default())
        .unrecorded_people(UnrecordedPeople::Redact)
        .redact(&[note]);
    assert_eq!(
        redacted.texts[0].text,
        "HR contact [PERSON_1] ([EMAIL_1]) wrote; her brother [PERSON_2] and Ms. [PERSON_3] \
         came. In New York, Form I-130 was filed in March."
    );
    assert!(redacted.texts[0].unredacted_people.is_empty());
}
