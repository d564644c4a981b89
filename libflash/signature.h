/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* signature.h - minisign's text formats (signature.c), apart from files so they can be fuzzed.
 * Internal. */
#ifndef SF_SIGNATURE_H
#define SF_SIGNATURE_H

#include "sf_internal.h"

typedef struct sf_minisig {
    uint8_t alg[2];        /* "Ed" legacy, "ED" prehashed */
    uint8_t key_id[8];
    uint8_t sig[64];
    char trusted[1024];    /* the trusted comment, without "trusted comment: " */
    uint8_t global_sig[64];
} sf_minisig;

typedef struct sf_minisign_key {
    uint8_t key_id[8];
    uint8_t pk[32];
} sf_minisign_key;

/* Parse a .minisig file's text (4 lines); name is for the sentence. */
sf_error sf_minisig_parse(const char *text, size_t len, const char *name, sf_minisig *out, sf_errbuf *eb);
/* Parse a public key file's text (a comment line, then the key), or the bare base64 key. */
sf_error sf_minisign_key_parse(const char *text, size_t len, const char *name, sf_minisign_key *out, sf_errbuf *eb);
/* Check sig over msg (the file's bytes) with key: SF_OK or SF_ERR_FILE saying which part failed. */
sf_error sf_minisig_verify(const sf_minisig *sig, const sf_minisign_key *key, const uint8_t *msg, size_t len,
                           const char *name, sf_errbuf *eb);

#endif
