/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* signature.c - detached minisign signatures (see stubflash/signature.h), checked with
 * libsodium. The formats, from minisign's documentation:
 *  - public key: "untrusted comment: ..." then base64 of "Ed" | key ID (8) | Ed25519 key (32);
 *  - signature: "untrusted comment: ...", base64 of "Ed" or "ED" | key ID (8) | signature (64)
 *    over the file ("Ed") or its BLAKE2b-512 ("ED"), "trusted comment: TEXT", and base64 of
 *    the global signature (64) over the signature and TEXT. */
#define _POSIX_C_SOURCE 200809L
#include "signature.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UNTRUSTED "untrusted comment: "
#define TRUSTED "trusted comment: "

/* Line i (0-based) of text: start and length without the line end; false past the end. */
static bool line_of(const char *text, size_t len, unsigned i, const char **start, size_t *n)
{
    size_t pos = 0;
    for (unsigned k = 0; k < i; k++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        if (!nl)
            return false;
        pos = (size_t)(nl - text) + 1;
    }
    if (pos >= len)
        return false;
    const char *nl = memchr(text + pos, '\n', len - pos);
    *start = text + pos;
    *n = nl ? (size_t)(nl - (text + pos)) : len - pos;
    if (*n && (*start)[*n - 1] == '\r')
        (*n)--;
    return true;
}

static bool has_prefix(const char *s, size_t n, const char *prefix)
{
    size_t p = strlen(prefix);
    return n >= p && memcmp(s, prefix, p) == 0;
}

/* Exactly want bytes of base64 (standard alphabet, padded). */
static bool decode(const char *b64, size_t n, uint8_t *out, size_t want)
{
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin(out, want, b64, n, NULL, &got, &end, sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    return got == want && end == b64 + n;
}

static void key_hex(const uint8_t id[8], char out[17])
{
    /* minisign prints the little-endian 64-bit key number */
    for (int i = 0; i < 8; i++)
        snprintf(out + 2 * i, 3, "%02X", id[7 - i]);
}

sf_error sf_minisig_parse(const char *text, size_t len, const char *name, sf_minisig *out, sf_errbuf *eb)
{
    memset(out, 0, sizeof *out);
    const char *l;
    size_t n;
    uint8_t raw[74];
    if (!line_of(text, len, 0, &l, &n) || !has_prefix(l, n, UNTRUSTED))
        return sf_fail(eb, SF_ERR_FILE, "%s: line 1: not a minisign signature (expected \"" UNTRUSTED "...\")", name);
    if (!line_of(text, len, 1, &l, &n) || !decode(l, n, raw, sizeof raw))
        return sf_fail(eb, SF_ERR_FILE, "%s: line 2: not a minisign signature (expected 74 bytes in base64)", name);
    if (memcmp(raw, "Ed", 2) != 0 && memcmp(raw, "ED", 2) != 0)
        return sf_fail(eb, SF_ERR_FILE, "%s: line 2: unknown signature algorithm \"%c%c\" (minisign's are Ed and ED)",
                       name, raw[0] >= 32 && raw[0] < 127 ? raw[0] : '?', raw[1] >= 32 && raw[1] < 127 ? raw[1] : '?');
    memcpy(out->alg, raw, 2);
    memcpy(out->key_id, raw + 2, 8);
    memcpy(out->sig, raw + 10, 64);
    if (!line_of(text, len, 2, &l, &n) || !has_prefix(l, n, TRUSTED))
        return sf_fail(eb, SF_ERR_FILE, "%s: line 3: expected \"" TRUSTED "...\"", name);
    size_t tn = n - strlen(TRUSTED);
    if (tn >= sizeof out->trusted)
        return sf_fail(eb, SF_ERR_FILE, "%s: line 3: the trusted comment is longer than %zu bytes", name,
                       sizeof out->trusted - 1);
    memcpy(out->trusted, l + strlen(TRUSTED), tn);
    out->trusted[tn] = 0;
    if (!line_of(text, len, 3, &l, &n) || !decode(l, n, out->global_sig, sizeof out->global_sig))
        return sf_fail(eb, SF_ERR_FILE, "%s: line 4: expected the trusted comment's signature (64 bytes in base64)",
                       name);
    return SF_OK;
}

sf_error sf_minisign_key_parse(const char *text, size_t len, const char *name, sf_minisign_key *out, sf_errbuf *eb)
{
    const char *l;
    size_t n;
    uint8_t raw[42];
    unsigned key_line = line_of(text, len, 0, &l, &n) && has_prefix(l, n, UNTRUSTED) ? 1 : 0;
    if (!line_of(text, len, key_line, &l, &n) || !decode(l, n, raw, sizeof raw) || memcmp(raw, "Ed", 2) != 0)
        return sf_fail(eb, SF_ERR_FILE, "%s: not a minisign public key (expected \"Ed\", a key ID and an Ed25519 key, "
                       "42 bytes in base64, on line %u)", name, key_line + 1);
    memcpy(out->key_id, raw + 2, 8);
    memcpy(out->pk, raw + 10, 32);
    return SF_OK;
}

sf_error sf_minisig_verify(const sf_minisig *sig, const sf_minisign_key *key, const uint8_t *msg, size_t len,
                           const char *name, sf_errbuf *eb)
{
    if (sodium_init() < 0)
        return sf_fail(eb, SF_ERR_NOMEM, "libsodium cannot start");
    if (memcmp(sig->key_id, key->key_id, 8) != 0) {
        char a[17], b[17];
        key_hex(sig->key_id, a);
        key_hex(key->key_id, b);
        return sf_fail(eb, SF_ERR_FILE, "%s is signed by key %s, not by the required key %s", name, a, b);
    }
    uint8_t hash[crypto_generichash_BYTES_MAX];
    bool prehashed = sig->alg[1] == 'D';
    if (prehashed)
        crypto_generichash(hash, sizeof hash, msg, len, NULL, 0);
    if (crypto_sign_verify_detached(sig->sig, prehashed ? hash : msg, prehashed ? sizeof hash : len, key->pk) != 0)
        return sf_fail(eb, SF_ERR_FILE, "%s does not match its signature: the file was changed after it was signed", name);
    size_t tn = strlen(sig->trusted);
    uint8_t *global = malloc(64 + tn);
    if (!global)
        return sf_fail(eb, SF_ERR_NOMEM, "out of memory");
    memcpy(global, sig->sig, 64);
    memcpy(global + 64, sig->trusted, tn);
    int rc = crypto_sign_verify_detached(sig->global_sig, global, 64 + tn, key->pk);
    free(global);
    if (rc != 0)
        return sf_fail(eb, SF_ERR_FILE, "%s: the trusted comment of its signature was changed after signing", name);
    return SF_OK;
}

/* The whole of a small file, NUL-terminated. */
static sf_error slurp(const char *path, size_t max, uint8_t **out, size_t *len, const char *what, sf_errbuf *eb)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return sf_fail(eb, SF_ERR_FILE, "%s: %s: %s", path, what, strerror(errno));
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap + 1);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || cap >= max)
            break;
        uint8_t *grown = realloc(buf, cap * 2 + 1);
        if (!grown) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    bool err = ferror(f);
    fclose(f);
    if (!buf)
        return sf_fail(eb, SF_ERR_NOMEM, "out of memory");
    if (err) {
        free(buf);
        return sf_fail(eb, SF_ERR_FILE, "%s: cannot read %s", path, what);
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return SF_OK;
}

sf_error sf_signature_verify_file(const char *file, const char *signature_file, const char *pubkey_file,
                                  char *trusted, size_t trusted_len, char *err, size_t errlen)
{
    sf_errbuf eb = {err, errlen};
    if (err && errlen)
        err[0] = 0;
    if (!file || !pubkey_file)
        return sf_fail(&eb, SF_ERR_ARG, "a file and a public key are needed");
    char sig_path[4096];
    snprintf(sig_path, sizeof sig_path, "%s%s", signature_file ? signature_file : file, signature_file ? "" : ".minisig");
    uint8_t *key_text = NULL, *sig_text = NULL, *data = NULL;
    size_t key_len, sig_len, data_len;
    sf_minisign_key key;
    sf_minisig sig;
    sf_error e = slurp(pubkey_file, 64 * 1024, &key_text, &key_len, "the public key", &eb);
    if (e == SF_OK)
        e = sf_minisign_key_parse((const char *)key_text, key_len, pubkey_file, &key, &eb);
    if (e == SF_OK && access(sig_path, F_OK) != 0 && errno == ENOENT)
        e = sf_fail(&eb, SF_ERR_FILE, "%s is not signed: %s was not found (a release is signed with minisign -S -m "
                    "FILE)", file, sig_path);
    if (e == SF_OK)
        e = slurp(sig_path, 64 * 1024, &sig_text, &sig_len, "its signature", &eb);
    if (e == SF_OK)
        e = sf_minisig_parse((const char *)sig_text, sig_len, sig_path, &sig, &eb);
    if (e == SF_OK)
        e = slurp(file, SIZE_MAX / 2, &data, &data_len, "the file", &eb);
    if (e == SF_OK)
        e = sf_minisig_verify(&sig, &key, data, data_len, file, &eb);
    if (e == SF_OK && trusted && trusted_len)
        snprintf(trusted, trusted_len, "%s", sig.trusted);
    free(key_text);
    free(sig_text);
    free(data);
    return e;
}
