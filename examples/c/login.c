/*
 * A login path in C over pwharden's C ABI: sign-up, login with transparent upgrade (the
 * replacement hash is stored in the user table), unknown users, and error codes.
 *
 *   cc -std=c11 examples/c/login.c $(pkg-config --cflags --libs pwharden) -o login
 *   ./login [POLICY.toml]     # the README's TOML form; the default policy without it
 *
 * The "table" is an array; a real back end would run an UPDATE where this copies.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pwharden.h"

struct user {
    const char *name;
    char stored[PWH_STORED_MAX]; /* always big enough for any stored string */
};

static struct user users[] = {
    /* Argon2i from argon2-cffi (tests/vectors/argon2i.tsv), password "password": still
     * accepted, and replaced by Argon2id at the next login. */
    {"carol", "$argon2i$v=19$m=4096,t=1,p=1$j2mGlS1W6iVMpZ9YWNWGFw$"
              "+fWTHq8eHX3Ga/7oSHxiCiKRPS9sHzbQMM7oZkHFPfk"},
    /* An unsalted MD5 column from an old shop system, password "password". */
    {"dave", "5f4dcc3b5aa765d61d8327deb882cf99"},
    {"alice", ""}, /* filled in by sign-up */
};

static const pwh_policy *policy; /* NULL: the default policy */

static struct user *find(const char *name) {
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
        if (strcmp(users[i].name, name) == 0) {
            return &users[i];
        }
    }
    return NULL;
}

static int signup(struct user *u, const char *password) {
    const uint8_t *pw = (const uint8_t *)password;
    int rc = policy ? pwh_hash_with_policy(policy, pw, strlen(password), u->stored,
                                           sizeof u->stored)
                    : pwh_hash(pw, strlen(password), u->stored, sizeof u->stored);
    if (rc != PWH_OK) {
        printf("%s: sign-up failed: %s\n", u->name, pwh_strerror(rc));
    }
    return rc;
}

/* 1: logged in; 0: refused. Stores the replacement hash when pwharden hands one back. */
static int login(const char *name, const char *password) {
    const uint8_t *pw = (const uint8_t *)password;
    size_t pw_len = strlen(password);
    struct user *u = find(name);
    if (u == NULL) {
        /* Spend the time of a real check, so that timing does not reveal who exists. */
        int rc = policy ? pwh_verify_unknown_user_with_policy(policy, pw, pw_len)
                        : pwh_verify_unknown_user(pw, pw_len);
        printf("%s: refused (no such user; %s)\n", name, rc == PWH_INVALID ? "timed" : pwh_strerror(rc));
        return 0;
    }
    char replacement[PWH_STORED_MAX];
    int rc = policy ? pwh_verify_with_policy(policy, pw, pw_len, u->stored, replacement,
                                             sizeof replacement)
                    : pwh_verify(pw, pw_len, u->stored, replacement, sizeof replacement);
    switch (rc) {
    case PWH_VALID:
        printf("%s: logged in\n", name);
        return 1;
    case PWH_VALID_UPGRADED:
        /* UPDATE users SET stored = ? WHERE name = ? */
        memcpy(u->stored, replacement, sizeof u->stored);
        printf("%s: logged in; stored hash upgraded to %.10s...\n", name, u->stored);
        return 1;
    case PWH_INVALID:
        printf("%s: refused (wrong password)\n", name);
        return 0;
    default:
        /* Not a wrong password: the stored string cannot be judged. Log it, refuse. */
        printf("%s: refused (error %d: %s)\n", name, rc, pwh_strerror(rc));
        return 0;
    }
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (len + 1 >= cap) {
            cap = cap ? cap * 2 : 1024;
            char *bigger = realloc(text, cap);
            if (bigger == NULL) {
                free(text);
                fclose(f);
                return NULL;
            }
            text = bigger;
        }
        text[len++] = (char)c;
    }
    fclose(f);
    if (text != NULL) {
        text[len] = 0;
    }
    return text;
}

int main(int argc, char **argv) {
    pwh_policy *own = NULL;
    if (argc > 1) {
        char *toml = read_file(argv[1]);
        char err[256];
        int rc = toml ? pwh_policy_from_toml(toml, &own, err, sizeof err) : PWH_ERR_CONFIG;
        free(toml);
        if (rc != PWH_OK) {
            fprintf(stderr, "%s: %s\n", argv[1], toml ? err : "cannot read");
            return 2;
        }
        policy = own;
    }
    printf("pwharden %s\n", pwh_version());

    int ok = signup(find("alice"), "pizza123") == PWH_OK;
    ok &= login("alice", "pizza123") == 1;
    ok &= login("alice", "pizza124") == 0;
    ok &= login("mallory", "pizza123") == 0;
    ok &= login("carol", "password") == 1;
    ok &= login("carol", "password") == 1; /* now plain Argon2id: no second upgrade */
    login("dave", "password"); /* upgraded where the legacy schemes are built in */

    pwh_policy_free(own);
    return ok ? 0 : 1;
}
