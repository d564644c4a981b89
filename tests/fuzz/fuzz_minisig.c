/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_minisig.c - the minisign signature and public key parsers (libflash/signature.c) on any
 * text, and a parsed signature checked against a parsed key: nothing may crash or read past the
 * input, and a random signature never verifies. The first byte chooses how the rest is split. */
#include "signature.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t split = data[0] * size / 256;
    data++;
    size--;
    if (split > size)
        split = size;
    /* The parsers take text that need not end in NUL: copy without one, exactly sized. */
    char *sig_text = malloc(split ? split : 1), *key_text = malloc(size - split ? size - split : 1);
    if (!sig_text || !key_text)
        abort();
    memcpy(sig_text, data, split);
    memcpy(key_text, data + split, size - split);
    char err[512];
    sf_errbuf eb = {err, sizeof err};
    sf_minisig sig;
    sf_minisign_key key;
    sf_error a = sf_minisig_parse(sig_text, split, "sig", &sig, &eb);
    sf_error b = sf_minisign_key_parse(key_text, size - split, "key", &key, &eb);
    if (a == SF_OK && b == SF_OK && sf_minisig_verify(&sig, &key, data, size, "file", &eb) == SF_OK &&
        memcmp(sig.key_id, key.key_id, 8) == 0)
        abort(); /* a forged signature over these very bytes: cannot happen by chance */
    free(sig_text);
    free(key_text);
    return 0;
}
