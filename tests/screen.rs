//! Screening new passwords (NIST SP 800-63B): every reason, acceptable passwords, Unicode,
//! the customer's context, the site's words, repetition, length in characters, the shipped
//! list, and the settings (builder and TOML).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use pwharden::{Context, Policy, Reason};

fn reasons(policy: &Policy, password: impl AsRef<[u8]>, context: &Context<'_>) -> Vec<Reason> {
    match policy.screen(password, context) {
        Ok(()) => Vec::new(),
        Err(rejections) => rejections.reasons().to_vec(),
    }
}

fn codes(policy: &Policy, password: &str, context: &Context<'_>) -> Vec<&'static str> {
    reasons(policy, password, context)
        .iter()
        .map(Reason::code)
        .collect()
}

/// `n` pseudo-random printable ASCII characters (neither repetitive nor in any list).
fn noise(n: usize) -> String {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b'!' + (state % 94) as u8)
        })
        .collect()
}

const ACCEPTABLE: [&str; 8] = [
    "correct horse battery staple",
    "purple-otter-sings-at-dawn",
    "Tr0ub4dor&3xq",
    "ne6Vu!pW2rQz",
    "Grüße aus Köln, 2024",
    "пароль-для-почты-Ω",
    "日本語のパスワードです",
    "🦀 crabs 🦀 in a bucket",
];

#[test]
fn acceptable_passwords_pass() {
    let policy = Policy::default();
    let names = ["Alice Smith"];
    let context = Context::new()
        .email("alice.smith@example.com")
        .names(&names)
        .phone("+44 20 7946 0958");
    for password in ACCEPTABLE {
        assert_eq!(policy.screen(password, &context), Ok(()), "{password}");
    }
}

#[test]
fn each_reason_has_its_code_and_a_message() {
    let policy = Policy::builder()
        .site_words(["Acme Rockets", "acme.example"])
        .build()
        .unwrap();
    let names = ["Alice", "Smith"];
    let context = Context::new().email("alice@example.com").names(&names);
    let long = noise(257);
    let cases: [(&str, Reason); 6] = [
        ("xK9#mQ2", Reason::TooShort { min: 8 }),
        ("pizza123", Reason::Common),
        ("Alice.Smith", Reason::UserContext),
        ("acmerockets!", Reason::SiteWord),
        ("ghijklmnop", Reason::Repetitive),
        (&long, Reason::TooLong { max: 256 }),
    ];
    for (password, reason) in cases {
        let got = reasons(&policy, password, &context);
        assert_eq!(got, vec![reason], "{password}");
    }
    // Breached: tests/breach.rs (it needs an index).
    let all = [
        (
            Reason::TooShort { min: 8 },
            "too_short",
            "Use at least 8 characters.",
        ),
        (
            Reason::TooLong { max: 64 },
            "too_long",
            "Use at most 64 characters.",
        ),
        (Reason::Common, "common", "commonly used"),
        (Reason::Breached, "breached", "data breach"),
        (
            Reason::UserContext,
            "user_context",
            "your name, e-mail address or phone",
        ),
        (Reason::SiteWord, "site_word", "name of this site"),
        (Reason::Repetitive, "repetitive", "repeated or sequential"),
    ];
    for (reason, code, message) in all {
        assert_eq!(reason.code(), code);
        assert!(reason.to_string().contains(message), "{reason}");
    }
}

#[test]
fn every_reason_that_applies_is_reported_in_order() {
    let policy = Policy::builder().site_words(["qwerty"]).build().unwrap();
    let words = ["qwerty"];
    let context = Context::new().words(&words);
    let refused = policy.screen("qwerty", &context).unwrap_err();
    assert_eq!(
        refused.reasons(),
        &[
            Reason::TooShort { min: 8 },
            Reason::Common,
            Reason::UserContext,
            Reason::SiteWord,
            Reason::Repetitive
        ]
    );
    assert!(refused.has("site_word") && !refused.has("breached"));
    let listed: Vec<&str> = (&refused).into_iter().map(Reason::code).collect();
    assert_eq!(
        listed,
        [
            "too_short",
            "common",
            "user_context",
            "site_word",
            "repetitive"
        ]
    );
    // Display: every message, in order; never the password.
    let text = refused.to_string();
    assert!(
        text.starts_with("Use at least 8 characters. This is one of"),
        "{text}"
    );
    assert!(!text.contains("qwerty"), "{text}");
    assert!(!format!("{refused:?}").contains("qwerty"));
    let boxed: Box<dyn std::error::Error> = Box::new(refused);
    assert!(!boxed.to_string().is_empty());
}

#[test]
fn common_passwords_with_case_suffixes_and_substitutions() {
    let policy = Policy::default();
    let none = Context::new();
    for password in [
        "password",
        "Password1",
        "PASSWORD123",
        "P@ssw0rd",
        "iloveyou",
        "iloveyou2024!",
        "sunshine",
        "Monkey2024!",
        "l3tm31n!",
        "ｐａｓｓｗｏｒｄ", // full-width letters fold to "password"
    ] {
        assert!(
            codes(&policy, password, &none).contains(&"common"),
            "{password}"
        );
    }
    // A common word inside a longer passphrase is fine.
    assert_eq!(policy.screen("monkey wrench under the sink", &none), Ok(()));
    // A long suffix is not stripped.
    assert!(!codes(&policy, "monkey839201", &none).contains(&"common"));
}

#[test]
fn every_shipped_list_entry_long_enough_is_refused_as_common() {
    let policy = Policy::default();
    let list = include_str!("../data/common-passwords.txt");
    let mut checked = 0;
    for entry in list.lines().filter(|l| l.chars().count() >= 8) {
        let refused = policy.screen(entry, &Context::new()).unwrap_err();
        assert!(refused.has("common"), "{entry}");
        checked += 1;
    }
    assert!(checked > 8000, "{checked}");
}

#[test]
fn user_context_from_email_name_phone_and_words() {
    let policy = Policy::default();
    let names = ["Bartholomew Quigley"];
    let words = ["bquig", "1984-03-15", "Whiskers"];
    let context = Context::new()
        .email("b.quigley+shop@mail.example")
        .names(&names)
        .phone("+1 (415) 555-0199")
        .words(&words);
    for password in [
        "Bartholomew!",
        "quigley.b@88",
        "b.quigley+shop@mail.example",
        "quigleybartholomew",
        "Qu1gl3y2024",
        "bquig-bquig",
        "4155550199",
        "whiskers1984",
        "5550199xyz",
    ] {
        assert!(
            codes(&policy, password, &context).contains(&"user_context"),
            "{password}: {:?}",
            codes(&policy, password, &context)
        );
    }
    // A context word that is only a small part of the password is fine.
    for password in [
        "quigley makes excellent marmalade",
        "whiskers-on-kittens-and-bright-copper",
    ] {
        assert_eq!(policy.screen(password, &context), Ok(()), "{password}");
    }
    // Short names (under 3 characters) and short digit runs are ignored.
    let short = ["Al", "Jo"];
    let context = Context::new().names(&short).phone("12");
    assert_eq!(policy.screen("aljo-walks-12-dogs", &context), Ok(()));
    // Debug tells which fields are set, not their values.
    let debug = format!("{:?}", Context::new().email("secret@example.com"));
    assert!(!debug.contains("secret"), "{debug}");
}

#[test]
fn site_words_from_builder_and_toml() {
    let policy = Policy::builder()
        .site_words(["Contoso", "ContosoPay"])
        .build()
        .unwrap();
    for password in [
        "contoso2024",
        "ContosoPay!!",
        "c0nt0s0pay",
        "Contoso Contoso",
    ] {
        assert!(
            codes(&policy, password, &Context::new()).contains(&"site_word"),
            "{password}"
        );
    }
    assert_eq!(
        policy.screen("I bank with contoso since 1999", &Context::new()),
        Ok(())
    );
    let from_toml = Policy::from_toml("[screen]\nsite_words = [\"Contoso\"]\n").unwrap();
    assert!(codes(&from_toml, "contoso2024", &Context::new()).contains(&"site_word"));
}

#[test]
fn repeated_and_sequential_characters_only() {
    let policy = Policy::default();
    for password in [
        "aaaaaaaaaa",
        "zzzzzzzzzz",
        "abcdefghij",
        "ZYXWVUTSRQ",
        "0123456789",
        "9876543210",
        "qwertyuiop[]",
        "asdfghjkl;",
        "abcdefgh12345678",
        "xyzxyzxyzxyz",
        "hello!hello!hello!",
        "ααααααααα",
    ] {
        assert!(
            codes(&policy, password, &Context::new()).contains(&"repetitive"),
            "{password}"
        );
    }
    for password in ACCEPTABLE {
        assert!(!codes(&policy, password, &Context::new()).contains(&"repetitive"));
    }
}

#[test]
fn length_counts_characters_not_bytes() {
    let policy = Policy::default();
    let none = Context::new();
    // 7 two-byte characters (14 bytes): too short; 8: long enough.
    assert!(codes(&policy, "éàüöñçßø".get(..14).unwrap(), &none).contains(&"too_short"));
    assert!(!codes(&policy, "éàüöñçßø", &none).contains(&"too_short"));
    // 256 four-byte characters (1024 bytes) are accepted; 257 are too long (and over the
    // byte limit: reported alone, nothing else computed).
    let crabs: String = ['🦀', '🐙', '🦑', '🐡'].iter().cycle().take(256).collect();
    assert!(!codes(&policy, &crabs, &none).contains(&"too_long"));
    let more = format!("{crabs}🦀");
    assert_eq!(codes(&policy, &more, &none), ["too_long"]);
    // Within the byte limit but over max_length characters.
    let policy = Policy::builder().max_length(64).build().unwrap();
    let long = "purple otter sings at dawn and dusk, each day of the week, all year";
    assert_eq!(
        reasons(&policy, &long[..65], &none),
        [Reason::TooLong { max: 64 }]
    );
    assert_eq!(policy.screen(&long[..64], &none), Ok(()));
    // Spaces and all printable ASCII are fine; no composition rule.
    assert_eq!(
        Policy::default().screen("just lower case words here", &none),
        Ok(())
    );
    assert_eq!(
        Policy::default().screen(" !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", &none),
        Ok(())
    );
}

#[test]
fn nfkc_policies_count_the_normalised_form() {
    let none = Context::new();
    // "ﬃ" (U+FB03) is one code point, "ffi" after NFKC.
    let password = "\u{fb03}x\u{fb03}y"; // 4 code points, 8 after NFKC
    let plain = Policy::default();
    let nfkc = Policy::builder().nfkc(true).build().unwrap();
    assert!(codes(&plain, password, &none).contains(&"too_short"));
    assert!(!codes(&nfkc, password, &none).contains(&"too_short"));
}

#[test]
fn non_utf8_passwords_are_screened_without_panicking() {
    let policy = Policy::default();
    let none = Context::new();
    assert_eq!(
        policy.screen(b"\xffpurple-otter\xfe-sings\xc3", &none),
        Ok(())
    );
    // Each invalid sequence counts as one character.
    assert!(
        reasons(&policy, b"\xff\xfe\xfd\xfc\xfb\xfa\xf9", &none)
            .contains(&Reason::TooShort { min: 8 })
    );
    assert!(reasons(&policy, b"", &none).contains(&Reason::TooShort { min: 8 }));
    assert!(reasons(&policy, b"password\xff", &none).contains(&Reason::Common));
}

#[test]
fn single_factor_raises_the_minimum_to_15() {
    let policy = Policy::builder().single_factor(true).build().unwrap();
    let none = Context::new();
    assert_eq!(
        reasons(&policy, "purple-otter-1", &none),
        [Reason::TooShort { min: 15 }]
    );
    assert_eq!(policy.screen("purple-otter-12", &none), Ok(()));
    let toml = Policy::from_toml("[screen]\nsingle_factor = true\n").unwrap();
    assert!(codes(&toml, "purple-otter-1", &none).contains(&"too_short"));
    let longer = Policy::from_toml("[screen]\nmin_length = 12\nmax_length = 128\n").unwrap();
    assert!(codes(&longer, "purple-otte", &none).contains(&"too_short"));
}

#[test]
fn settings_below_sp_800_63b_are_refused() {
    for (builder, what) in [
        (Policy::builder().min_length(7), "min_length 7"),
        (
            Policy::builder().single_factor(true).min_length(12),
            "min_length 12",
        ),
        (Policy::builder().max_length(63), "max_length 63"),
        (
            Policy::builder().min_length(100).max_length(80),
            "max_length 80",
        ),
    ] {
        let err = builder.build().unwrap_err().to_string();
        assert!(err.contains(what), "{err}");
    }
    for toml in [
        "[screen]\nmin_length = 6\n",
        "[screen]\nmax_length = 32\n",
        "[screen]\nunknown = 1\n",
        "[screen]\nsite_words = \"one\"\n",
    ] {
        assert!(Policy::from_toml(toml).is_err(), "{toml}");
    }
    // Every key at once.
    let policy = Policy::from_toml(
        "[screen]\nmin_length = 10\nsingle_factor = false\nmax_length = 100\nsite_words = [\"x\"]\ncompromised_check = false\nnfkc = true\n",
    )
    .unwrap();
    assert!(format!("{policy:?}").contains("nfkc: true"));
}

#[test]
fn huge_contexts_cost_little() {
    let policy = Policy::default();
    let name = "abcdefghij ".repeat(100_000); // 1.1 MB
    let names: Vec<&str> = vec![name.as_str(); 10_000];
    let words: Vec<String> = (0..10_000).map(|i| format!("word{i:05}")).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let context = Context::new()
        .email(&name)
        .names(&names)
        .phone(&name)
        .words(&words);
    let started = std::time::Instant::now();
    assert_eq!(
        policy.screen("purple-otter-sings-at-dawn", &context),
        Ok(())
    );
    // The first 32 words count: word00031 is refused, word09999 is not read.
    assert!(codes(&policy, "word00031word00031", &context).contains(&"user_context"));
    assert!(!codes(&policy, "word09999-x", &context).contains(&"user_context"));
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}
