/*
 * The C ABI seen from C: hash, verify (valid, invalid, upgraded), needs_upgrade, wrap,
 * identify, the policy handle, errors for NULL pointers, short buffers and hostile stored
 * strings, and 8 threads verifying at once.
 *
 * Built by tests/c_abi.rs with `cc -std=c11 -Wall -Wextra -Werror -pedantic`, linked once to
 * libpwharden.so and once to libpwharden.a, and run plainly and under valgrind. Most calls
 * use a cheap policy (m=256 KiB) so that valgrind stays quick; one call hashes under the
 * default policy.
 *
 * Environment: PWH_TEST_LEGACY=1 when the library has the legacy schemes (then wrap and a
 * legacy upgrade must work), 0 when it has none (then they must fail with
 * PWH_ERR_UNSUPPORTED_SCHEME). PWH_TEST_VERSION: the expected pwh_version().
 *
 * Prints one line per failed check and a summary line; exits 0 only if every check passed.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pwharden.h"

static int passed, failed;

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (cond) {                                                                       \
            passed++;                                                                     \
        } else {                                                                          \
            failed++;                                                                     \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                 \
    } while (0)

/* A code, and its name in failure messages. */
#define CHECK_RC(expr, want)                                                              \
    do {                                                                                  \
        int rc_ = (expr);                                                                 \
        if (rc_ == (want)) {                                                              \
            passed++;                                                                     \
        } else {                                                                          \
            failed++;                                                                     \
            fprintf(stderr, "FAIL %s:%d: %s = %d (%s), want %d (%s)\n", __FILE__,          \
                    __LINE__, #expr, rc_, pwh_strerror(rc_), (want), pwh_strerror(want)); \
        }                                                                                 \
    } while (0)

#define PW(s) (const uint8_t *)(s), strlen(s)

static const char *CHEAP_TOML =
    "allow_weak_target = true\n"
    "[argon2]\n"
    "m_cost = 256\n"
    "t_cost = 1\n"
    "p_cost = 1\n"
    /* Valgrind runs one thread at a time, slowly: never let the admission gate's default
     * 2 s deadline turn the 8 threads' waits into PWH_ERR_BUSY. */
    "[concurrency]\n"
    "deadline_ms = 60000\n";

/* Cheaper still: hashes made under it need an upgrade under CHEAP_TOML. */
static const char *CHEAPER_TOML =
    "allow_weak_target = true\n"
    "[argon2]\n"
    "m_cost = 128\n"
    "t_cost = 1\n"
    "p_cost = 1\n";

static pwh_policy *cheap;
static char cheap_hash[PWH_STORED_MAX];

/* ---------------------------------------------------------------------------------------- */

static pwh_policy *policy(const char *toml) {
    pwh_policy *p = NULL;
    char err[256];
    int rc = pwh_policy_from_toml(toml, &p, err, sizeof err);
    CHECK_RC(rc, PWH_OK);
    CHECK(err[0] == 0);
    CHECK(p != NULL);
    return p;
}

struct job {
    int id;
    int valid, invalid, other;
};

static void *verifier(void *arg) {
    struct job *job = arg;
    char out[PWH_STORED_MAX];
    for (int i = 0; i < 4; i++) {
        int right = (i + job->id) % 2 == 0;
        int rc = pwh_verify_with_policy(cheap, PW(right ? "correct horse" : "wrong horse"),
                                        cheap_hash, out, sizeof out);
        if (rc == PWH_VALID && right && out[0] == 0) {
            job->valid++;
        } else if (rc == PWH_INVALID && !right && out[0] == 0) {
            job->invalid++;
        } else {
            job->other++;
        }
    }
    /* The plain forms share one lazily built default policy. */
    if (pwh_needs_upgrade(cheap_hash) != 1) {
        job->other++;
    }
    return NULL;
}

static void threads(void) {
    pthread_t t[8];
    struct job jobs[8];
    for (int i = 0; i < 8; i++) {
        jobs[i] = (struct job){.id = i};
        CHECK(pthread_create(&t[i], NULL, verifier, &jobs[i]) == 0);
    }
    for (int i = 0; i < 8; i++) {
        CHECK(pthread_join(t[i], NULL) == 0);
        CHECK(jobs[i].valid == 2);
        CHECK(jobs[i].invalid == 2);
        CHECK(jobs[i].other == 0);
    }
}

/* ---------------------------------------------------------------------------------------- */

static void hash_and_verify(void) {
    char out[PWH_STORED_MAX];
    char name[PWH_NAME_MAX];

    /* The one call that does Argon2 work under the default policy. */
    char def[PWH_STORED_MAX];
    CHECK_RC(pwh_hash(PW("correct horse"), def, sizeof def), PWH_OK);
    CHECK(strncmp(def, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0);
    CHECK(strlen(def) < PWH_STORED_MAX);
    CHECK_RC(pwh_needs_upgrade(def), 0);
    CHECK_RC(pwh_identify(def, name, sizeof name), PWH_OK);
    CHECK(strcmp(name, "argon2id") == 0);
    /* Under the cheap policy, costs above the target are kept. */
    CHECK_RC(pwh_needs_upgrade_with_policy(cheap, def), 0);

    CHECK(strncmp(cheap_hash, "$argon2id$v=19$m=256,t=1,p=1$", 29) == 0);
    CHECK_RC(pwh_verify_with_policy(cheap, PW("correct horse"), cheap_hash, out, sizeof out),
             PWH_VALID);
    CHECK(out[0] == 0);
    CHECK_RC(pwh_verify_with_policy(cheap, PW("wrong horse"), cheap_hash, out, sizeof out),
             PWH_INVALID);
    CHECK(out[0] == 0);
    /* The plain form on a wrong password: no replacement, so no default-cost work. */
    CHECK_RC(pwh_verify(PW("wrong horse"), cheap_hash, out, sizeof out), PWH_INVALID);
    CHECK_RC(pwh_needs_upgrade(cheap_hash), 1);

    /* Passwords are bytes: NUL inside, no encoding. */
    static const uint8_t nul_pw[] = {'a', 0, 'b', 0xff, 0xfe};
    static const uint8_t nul_other[] = {'a', 0, 'c', 0xff, 0xfe};
    char binary[PWH_STORED_MAX];
    CHECK_RC(pwh_hash_with_policy(cheap, nul_pw, sizeof nul_pw, binary, sizeof binary), PWH_OK);
    CHECK_RC(pwh_verify_with_policy(cheap, nul_pw, sizeof nul_pw, binary, out, sizeof out),
             PWH_VALID);
    CHECK_RC(pwh_verify_with_policy(cheap, nul_other, sizeof nul_other, binary, out, sizeof out),
             PWH_INVALID);
    CHECK_RC(pwh_verify_with_policy(cheap, nul_pw, 1, binary, out, sizeof out), PWH_INVALID);

    /* Upgrade: a hash below the target verifies and comes back replaced. */
    pwh_policy *cheaper = policy(CHEAPER_TOML);
    char old[PWH_STORED_MAX];
    CHECK_RC(pwh_hash_with_policy(cheaper, PW("pizza123"), old, sizeof old), PWH_OK);
    CHECK_RC(pwh_needs_upgrade_with_policy(cheaper, old), 0);
    CHECK_RC(pwh_needs_upgrade_with_policy(cheap, old), 1);
    CHECK_RC(pwh_verify_with_policy(cheap, PW("pizza123"), old, out, sizeof out),
             PWH_VALID_UPGRADED);
    CHECK(strncmp(out, "$argon2id$v=19$m=256,t=1,p=1$", 29) == 0);
    CHECK_RC(pwh_needs_upgrade_with_policy(cheap, out), 0);
    char replacement[PWH_STORED_MAX];
    memcpy(replacement, out, sizeof replacement);
    CHECK_RC(pwh_verify_with_policy(cheap, PW("pizza123"), replacement, out, sizeof out),
             PWH_VALID);
    CHECK_RC(pwh_verify_with_policy(cheap, PW("pizza124"), old, out, sizeof out), PWH_INVALID);
    /* Under its own policy, the old hash is current. */
    CHECK_RC(pwh_verify_with_policy(cheaper, PW("pizza123"), old, out, sizeof out), PWH_VALID);
    pwh_policy_free(cheaper);

    /* Unknown user: the cost of a failed login, and the answer "invalid". */
    CHECK_RC(pwh_verify_unknown_user_with_policy(cheap, PW("whoever")), PWH_INVALID);
    CHECK_RC(pwh_verify_unknown_user_with_policy(cheap, NULL, 0), PWH_ERR_PASSWORD_TOO_SHORT);
}

static void wrap_and_identify(int legacy) {
    char out[PWH_STORED_MAX];
    char name[PWH_NAME_MAX];
    const char *md5 = "5f4dcc3b5aa765d61d8327deb882cf99"; /* md5-hex of "password" */

    CHECK_RC(pwh_wrap_with_policy(cheap, cheap_hash, out, sizeof out), PWH_ERR_NOT_WRAPPABLE);
    CHECK(out[0] == 0);
    if (!legacy) {
        /* This build has no legacy schemes: they are reported, never "invalid password". */
        CHECK_RC(pwh_identify_with_policy(cheap, md5, name, sizeof name),
                 PWH_ERR_UNSUPPORTED_SCHEME);
        CHECK_RC(pwh_wrap_with_policy(cheap, md5, out, sizeof out), PWH_ERR_UNSUPPORTED_SCHEME);
        CHECK_RC(pwh_verify_with_policy(cheap, PW("password"), md5, out, sizeof out),
                 PWH_ERR_UNSUPPORTED_SCHEME);
        return;
    }
    CHECK_RC(pwh_identify_with_policy(cheap, md5, name, sizeof name), PWH_OK);
    CHECK(strcmp(name, "md5-hex") == 0);
    CHECK_RC(pwh_needs_upgrade_with_policy(cheap, md5), 1);
    CHECK_RC(pwh_verify_with_policy(cheap, PW("password"), md5, out, sizeof out),
             PWH_VALID_UPGRADED);
    CHECK(strncmp(out, "$argon2id$v=19$m=256,t=1,p=1$", 29) == 0);
    CHECK_RC(pwh_verify_with_policy(cheap, PW("passw0rd"), md5, out, sizeof out), PWH_INVALID);

    /* Wrap in place: the stored string may share the output buffer. */
    char wrapped[PWH_STORED_MAX];
    strcpy(wrapped, md5);
    CHECK_RC(pwh_wrap_with_policy(cheap, wrapped, wrapped, sizeof wrapped), PWH_OK);
    CHECK(strncmp(wrapped, "$pwh-wrap$v=1$md5-hex$", 22) == 0);
    CHECK(strstr(wrapped, md5) == NULL);
    CHECK_RC(pwh_identify_with_policy(cheap, wrapped, name, sizeof name), PWH_OK);
    CHECK(strcmp(name, "wrapped") == 0);
    CHECK_RC(pwh_needs_upgrade_with_policy(cheap, wrapped), 1);
    CHECK_RC(pwh_wrap_with_policy(cheap, wrapped, out, sizeof out), PWH_ERR_NOT_WRAPPABLE);
    CHECK_RC(pwh_verify_with_policy(cheap, PW("password"), wrapped, out, sizeof out),
             PWH_VALID_UPGRADED);
    CHECK(strncmp(out, "$argon2id$", 10) == 0);
    CHECK_RC(pwh_verify_with_policy(cheap, PW("passw0rd"), wrapped, out, sizeof out),
             PWH_INVALID);
}

/* ---------------------------------------------------------------------------------------- */

static void null_pointers(void) {
    char out[PWH_STORED_MAX];
    char name[PWH_NAME_MAX];
    pwh_policy *p = (pwh_policy *)1; /* must be overwritten with NULL */

    CHECK_RC(pwh_hash(NULL, 3, out, sizeof out), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_hash(PW("pw"), NULL, sizeof out), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_hash(NULL, 0, out, sizeof out), PWH_ERR_PASSWORD_TOO_SHORT);
    CHECK_RC(pwh_hash_with_policy(NULL, PW("pw"), out, sizeof out), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_verify(NULL, 3, cheap_hash, out, sizeof out), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_verify(PW("pw"), NULL, out, sizeof out), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_verify(PW("pw"), cheap_hash, NULL, sizeof out), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_verify_with_policy(NULL, PW("pw"), cheap_hash, out, sizeof out),
             PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_needs_upgrade(NULL), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_needs_upgrade_with_policy(NULL, cheap_hash), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_needs_upgrade_with_policy(cheap, NULL), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_wrap(NULL, out, sizeof out), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_wrap(cheap_hash, NULL, sizeof out), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_wrap_with_policy(NULL, cheap_hash, out, sizeof out), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_identify(NULL, name, sizeof name), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_identify(cheap_hash, NULL, sizeof name), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_identify_with_policy(NULL, cheap_hash, name, sizeof name),
             PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_verify_unknown_user(NULL, 5), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_verify_unknown_user_with_policy(NULL, PW("pw")), PWH_ERR_NULL_ARGUMENT);
    CHECK_RC(pwh_policy_from_toml(NULL, &p, NULL, 0), PWH_ERR_NULL_ARGUMENT);
    CHECK(p == NULL);
    CHECK_RC(pwh_policy_from_toml(CHEAP_TOML, NULL, NULL, 0), PWH_ERR_NULL_ARGUMENT);
    pwh_policy_free(NULL);

    /* A length that cannot be a password is refused before the buffer is read. */
    CHECK_RC(pwh_hash((const uint8_t *)"x", SIZE_MAX, out, sizeof out),
             PWH_ERR_PASSWORD_TOO_LONG);
    CHECK_RC(pwh_verify_with_policy(cheap, (const uint8_t *)"x", 1025, cheap_hash, out,
                                    sizeof out),
             PWH_ERR_PASSWORD_TOO_LONG);
}

static void short_buffers(void) {
    char out[PWH_STORED_MAX];
    char name[PWH_NAME_MAX];

    /* Nothing but out[0] = 0 is written: the sentinel after it survives. */
    memset(out, 'Z', sizeof out);
    CHECK_RC(pwh_hash_with_policy(cheap, PW("pw"), out, 0), PWH_ERR_BUFFER_TOO_SMALL);
    CHECK(out[0] == 'Z');
    CHECK_RC(pwh_hash_with_policy(cheap, PW("pw"), out, 1), PWH_ERR_BUFFER_TOO_SMALL);
    CHECK(out[0] == 0 && out[1] == 'Z');
    memset(out, 'Z', sizeof out);
    CHECK_RC(pwh_hash_with_policy(cheap, PW("pw"), out, 60), PWH_ERR_BUFFER_TOO_SMALL);
    CHECK(out[0] == 0 && out[1] == 'Z' && out[59] == 'Z');

    /* pwh_verify wants PWH_STORED_MAX bytes before it does any work. */
    memset(out, 'Z', sizeof out);
    CHECK_RC(pwh_verify_with_policy(cheap, PW("correct horse"), cheap_hash, out,
                                    PWH_STORED_MAX - 1),
             PWH_ERR_BUFFER_TOO_SMALL);
    CHECK(out[0] == 0 && out[1] == 'Z');

    /* identify: exactly the name and its NUL fit; one byte less does not. */
    size_t need = strlen("argon2id") + 1;
    memset(name, 'Z', sizeof name);
    CHECK_RC(pwh_identify_with_policy(cheap, cheap_hash, name, need - 1),
             PWH_ERR_BUFFER_TOO_SMALL);
    CHECK(name[0] == 0 && name[1] == 'Z');
    CHECK_RC(pwh_identify_with_policy(cheap, cheap_hash, name, need), PWH_OK);
    CHECK(strcmp(name, "argon2id") == 0);

    /* The error message of a refused policy is cut to fit, NUL-terminated. */
    pwh_policy *p = NULL;
    char err[16];
    memset(err, 'Z', sizeof err);
    CHECK_RC(pwh_policy_from_toml("[argon2]\nm_cost = 1\n", &p, err, 8), PWH_ERR_CONFIG);
    CHECK(p == NULL);
    CHECK(strlen(err) == 7 && err[8] == 'Z');
    char long_err[256];
    CHECK_RC(pwh_policy_from_toml("bogus_key = 1\n", &p, long_err, sizeof long_err),
             PWH_ERR_CONFIG);
    CHECK(strstr(long_err, "bogus_key") != NULL);
    CHECK(strchr(long_err, '\n') == NULL);
    CHECK_RC(pwh_policy_from_toml("[argon2]\nm_cost = 1\nt_cost = 1\np_cost = 1\n", &p, NULL, 0),
             PWH_ERR_CONFIG);
    CHECK_RC(pwh_policy_from_toml("\xff = 1", &p, long_err, sizeof long_err), PWH_ERR_CONFIG);
    CHECK(p == NULL);
}

static void hostile_stored_strings(void) {
    char out[PWH_STORED_MAX];
    char name[PWH_NAME_MAX];

    /* Exactly PWH_STORED_MAX bytes and no NUL, in a heap block of that size: valgrind
     * reports any read past it. */
    char *no_nul = malloc(PWH_STORED_MAX);
    CHECK(no_nul != NULL);
    if (no_nul == NULL) {
        return;
    }
    memset(no_nul, 'a', PWH_STORED_MAX);
    CHECK_RC(pwh_verify_with_policy(cheap, PW("pw"), no_nul, out, sizeof out),
             PWH_ERR_INVALID_ARGUMENT);
    CHECK_RC(pwh_needs_upgrade(no_nul), PWH_ERR_INVALID_ARGUMENT);
    CHECK_RC(pwh_identify(no_nul, name, sizeof name), PWH_ERR_INVALID_ARGUMENT);
    CHECK_RC(pwh_wrap_with_policy(cheap, no_nul, out, sizeof out), PWH_ERR_INVALID_ARGUMENT);
    /* 512 characters and a NUL: the longest string that is looked at. */
    no_nul[PWH_STORED_MAX - 1] = 0;
    CHECK_RC(pwh_identify(no_nul, name, sizeof name), PWH_ERR_UNSUPPORTED_SCHEME);
    free(no_nul);

    static const struct {
        const char *stored;
        int rc;
    } cases[] = {
        {"", PWH_ERR_UNSUPPORTED_SCHEME},
        {"\xff\xfe\x80", PWH_ERR_MALFORMED_HASH},
        {"$argon2id$", PWH_ERR_MALFORMED_HASH},
        {"$argon2id$v=19$m=256", PWH_ERR_MALFORMED_HASH},
        {"$argon2id$v=19$m=256,t=1,p=1$$", PWH_ERR_MALFORMED_HASH},
        {"$argon2id$v=19$m=256,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$%%%%", PWH_ERR_MALFORMED_HASH},
        {"$argon2id$v=19$m=4294967295,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
         "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
         PWH_ERR_PARAMS_OVER_LIMIT},
        {"$argon2id$v=19$m=256,t=4000000000,p=1$c29tZXNhbHRzb21lc2FsdA$"
         "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
         PWH_ERR_PARAMS_OVER_LIMIT},
        {"$argon2id$v=19$m=256,t=1,p=1,keyid=Zm9v$c29tZXNhbHRzb21lc2FsdA$"
         "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
         PWH_ERR_UNKNOWN_PEPPER_KEY},
        {"$pwh-wrap$v=1$", PWH_ERR_MALFORMED_HASH},
        {"$pwh-wrap$v=1$no-such-scheme$$argon2id$v=19$m=256,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
         "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
         PWH_ERR_UNSUPPORTED_SCHEME},
        {"not a hash at all", PWH_ERR_UNSUPPORTED_SCHEME},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = pwh_verify_with_policy(cheap, PW("pw"), cases[i].stored, out, sizeof out);
        if (rc != cases[i].rc) {
            fprintf(stderr, "  case %zu: %s\n", i, cases[i].stored);
        }
        CHECK_RC(rc, cases[i].rc);
        CHECK(out[0] == 0);
        rc = pwh_needs_upgrade_with_policy(cheap, cases[i].stored);
        CHECK(rc < 0);
    }
}

static void screening(void) {
    /* Acceptable, with and without a context. */
    CHECK_RC(pwh_screen(PW("correct horse battery staple"), NULL), PWH_OK);
    const char *names[] = {"Alice Smith"};
    const char *words[] = {"whiskers"};
    pwh_screen_context ctx = {
        .email = "alice.smith@example.com",
        .names = names,
        .names_len = 1,
        .phone = "+44 20 7946 0958",
        .words = words,
        .words_len = 1,
    };
    CHECK_RC(pwh_screen(PW("purple-otter-sings-at-dawn"), &ctx), PWH_OK);
    /* Each reason, as a bit; several at once. */
    CHECK_RC(pwh_screen(PW("pizza123"), &ctx), PWH_REASON_COMMON);
    CHECK_RC(pwh_screen(PW("Alice.Smith"), &ctx), PWH_REASON_USER_CONTEXT);
    CHECK_RC(pwh_screen(PW("whiskerswhiskers"), &ctx), PWH_REASON_USER_CONTEXT | PWH_REASON_REPETITIVE);
    CHECK_RC(pwh_screen(PW("xK9#mQ2"), NULL), PWH_REASON_TOO_SHORT);
    CHECK_RC(pwh_screen(PW("ghijklmnop"), NULL), PWH_REASON_REPETITIVE);
    static char long_pw[2048];
    memset(long_pw, 'x', sizeof long_pw - 1);
    CHECK_RC(pwh_screen((const uint8_t *)long_pw, sizeof long_pw - 1, NULL), PWH_REASON_TOO_LONG);
    /* Over the byte limit: too long, without the buffer being read (NULL would be an error). */
    CHECK_RC(pwh_screen(NULL, 1, NULL), PWH_ERR_NULL_ARGUMENT);
    /* Site words come from the policy. */
    pwh_policy *site = policy("[screen]\nsite_words = [\"Contoso\"]\n");
    CHECK_RC(pwh_screen_with_policy(site, PW("contoso2024"), NULL), PWH_REASON_SITE_WORD);
    CHECK_RC(pwh_screen_with_policy(NULL, PW("contoso2024"), NULL), PWH_ERR_NULL_ARGUMENT);
    pwh_policy_free(site);
    /* Bad contexts. */
    pwh_screen_context bad = {.names = NULL, .names_len = 1};
    CHECK_RC(pwh_screen(PW("purple-otter-sings-at-dawn"), &bad), PWH_ERR_NULL_ARGUMENT);
    pwh_screen_context many = {.names = names, .names_len = PWH_CONTEXT_LIST_MAX + 1};
    CHECK_RC(pwh_screen(PW("purple-otter-sings-at-dawn"), &many), PWH_ERR_INVALID_ARGUMENT);
    static char huge[PWH_CONTEXT_STR_MAX + 2];
    memset(huge, 'a', sizeof huge - 1);
    pwh_screen_context big = {.email = huge};
    CHECK_RC(pwh_screen(PW("purple-otter-sings-at-dawn"), &big), PWH_ERR_INVALID_ARGUMENT);
    pwh_screen_context latin1 = {.email = "caf\xe9@example.com"};
    CHECK_RC(pwh_screen(PW("purple-otter-sings-at-dawn"), &latin1), PWH_ERR_INVALID_ARGUMENT);
    /* Codes and messages for every bit. */
    static const int bits[] = {
        PWH_REASON_TOO_SHORT, PWH_REASON_TOO_LONG,     PWH_REASON_COMMON,     PWH_REASON_BREACHED,
        PWH_REASON_USER_CONTEXT, PWH_REASON_SITE_WORD, PWH_REASON_REPETITIVE,
    };
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        CHECK(strcmp(pwh_reason_code(bits[i]), "unknown") != 0);
        CHECK(strcmp(pwh_reason_str(bits[i]), "unknown reason") != 0);
    }
    CHECK(strcmp(pwh_reason_code(PWH_REASON_COMMON), "common") == 0);
    CHECK(strcmp(pwh_reason_code(3), "unknown") == 0);
    CHECK(strcmp(pwh_reason_str(0), "unknown reason") == 0);
}

static void constants_and_messages(void) {
    CHECK(pwh_stored_max() == PWH_STORED_MAX);
    CHECK(pwh_name_max() == PWH_NAME_MAX);
    const char *want = getenv("PWH_TEST_VERSION");
    CHECK(want != NULL && strcmp(pwh_version(), want) == 0);
    static const int codes[] = {
        PWH_OK, PWH_VALID, PWH_VALID_UPGRADED, PWH_VALID_COMPROMISED, PWH_ERR_MALFORMED_HASH,
        PWH_ERR_UNSUPPORTED_SCHEME, PWH_ERR_SCHEME_NOT_ALLOWED, PWH_ERR_PARAMS_OVER_LIMIT,
        PWH_ERR_PASSWORD_TOO_LONG, PWH_ERR_PASSWORD_TOO_SHORT, PWH_ERR_UNKNOWN_PEPPER_KEY,
        PWH_ERR_NOT_WRAPPABLE, PWH_ERR_RNG, PWH_ERR_INTERNAL, PWH_ERR_BUSY, PWH_ERR_NULL_ARGUMENT,
        PWH_ERR_BUFFER_TOO_SMALL, PWH_ERR_INVALID_ARGUMENT, PWH_ERR_CONFIG, PWH_ERR_PANIC,
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *msg = pwh_strerror(codes[i]);
        CHECK(msg != NULL && msg[0] != 0 && strcmp(msg, "unknown code") != 0);
    }
    CHECK(strcmp(pwh_strerror(12345), "unknown code") == 0);
    CHECK(strcmp(pwh_strerror(-16), "unknown code") == 0); /* reserved */
}

int main(void) {
    const char *legacy_env = getenv("PWH_TEST_LEGACY");
    if (legacy_env == NULL || (strcmp(legacy_env, "0") != 0 && strcmp(legacy_env, "1") != 0)) {
        fprintf(stderr, "set PWH_TEST_LEGACY to 0 or 1\n");
        return 2;
    }
    int legacy = strcmp(legacy_env, "1") == 0;

    cheap = policy(CHEAP_TOML);
    if (cheap == NULL) {
        return 1;
    }
    CHECK_RC(pwh_hash_with_policy(cheap, PW("correct horse"), cheap_hash, sizeof cheap_hash),
             PWH_OK);

    threads(); /* first: the threads race to build the default policy */
    hash_and_verify();
    wrap_and_identify(legacy);
    null_pointers();
    short_buffers();
    hostile_stored_strings();
    screening();
    constants_and_messages();

    pwh_policy_free(cheap);
    printf("c: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
