/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_image.c - libFuzzer harness for the image loaders: whatever the bytes, sf_image_load_memory
 * returns an image or an error, within bounds (ASan/UBSan watch). FUZZ_FORMAT picks the loader
 * (SF_FORMAT_AUTO also reaches the gzip path); built by scripts/fuzz. */
#include <stddef.h>
#include <stdint.h>

#include <stubflash/image.h>

#ifndef FUZZ_FORMAT
#define FUZZ_FORMAT SF_FORMAT_AUTO
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sf_image *img = NULL;
    char err[256];
    if (sf_image_load_memory(data, size, "fuzz", FUZZ_FORMAT, 0x08000000, &img, err, sizeof err) == SF_OK) {
        uint32_t start, end;
        sf_image_bounds(img, &start, &end);
        for (size_t i = 0; i < sf_image_segment_count(img); i++) {
            uint32_t addr;
            const uint8_t *d;
            size_t len;
            sf_image_segment(img, i, &addr, &d, &len);
            volatile uint8_t sink = len ? d[len - 1] : 0; /* every segment's bytes are readable */
            (void)sink;
        }
        sf_image_free(img);
    }
    return 0;
}
