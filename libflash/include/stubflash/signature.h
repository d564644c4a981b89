/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stubflash/signature.h - only released, signed firmware: detached minisign signatures
 * (Ed25519, https://jedisct1.github.io/minisign/), as the Debian package minisign makes them:
 *
 *   minisign -G -p release.pub -s release.key          # once: the key pair
 *   minisign -S -s release.key -m app.hex -t "app 1.4.2, CI build 812"   # app.hex.minisig
 *   stubflash --require-signature release.pub -p /dev/ttyUSB0 write app.hex
 *
 * Both of minisign's formats are taken: prehashed ("ED": the signature covers the file's
 * BLAKE2b-512, minisign's default) and legacy ("Ed": the file itself, minisign -l). The trusted
 * comment is signed too (a second signature over the first and the comment), so it can say
 * what the file is and who built it. @since 0.2 */
#ifndef STUBFLASH_SIGNATURE_H
#define STUBFLASH_SIGNATURE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Check that file carries a valid signature by the key in pubkey_file (a minisign public key
 * file). signature_file NULL means file + ".minisig". On success the trusted comment goes to
 * trusted (if not NULL; cut to trusted_len). SF_ERR_FILE with a sentence in err that says which
 * of these it was: no signature file, a file that is not a minisign signature or public key,
 * signed by another key (with both key IDs), the file changed since it was signed, or the
 * trusted comment changed. @since 0.2 */
SF_API sf_error sf_signature_verify_file(const char *file, const char *signature_file, const char *pubkey_file,
                                         char *trusted, size_t trusted_len, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
