/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chips.c - `stubflash chips [--json]`: every product line the library knows (sf_device_at),
 * with its flash and erase units, the RAM its bootloader leaves free, the USARTs (and pins) the
 * bootloader listens on, and the stub that serves it or why it is written through the ROM only
 * (sf_device_stub). */
#include "chips.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing string. */
typedef struct text {
    char *s;
    size_t len, cap;
    bool oom;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || t->oom)
        return;
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = (t->len + (size_t)n + 1) * 2;
        char *s = realloc(t->s, cap);
        if (!s) {
            t->oom = true;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

static void put_json_str(text *t, const char *s)
{
    char buf[1024];
    json_escape(s, buf, sizeof buf);
    put(t, "%s", buf);
}

/* "16 KiB" or "128 bytes". */
static void put_size(text *t, uint32_t n)
{
    if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
        put(t, "%u MiB", n / (1024 * 1024));
    else if (n >= 1024 && n % 1024 == 0)
        put(t, "%u KiB", n / 1024);
    else
        put(t, "%u bytes", n);
}

/* The erase units of the line's largest part in address order, runs of one size merged:
 * "4 x 16 KiB, 1 x 64 KiB, 7 x 128 KiB". */
static void put_units(text *t, const sf_device *d)
{
    size_t n = sf_device_unit_count(d, d->flash_size), run = 0, runs = 0;
    uint32_t size = 0, s = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && sf_device_unit_at(d, d->flash_size, i, NULL, &s) != SF_OK)
            break;
        if (run && (i == n || s != size)) {
            put(t, "%s%zu x ", runs++ ? ", " : "", run);
            put_size(t, size);
            run = 0;
        }
        size = s;
        run++;
    }
}

static const char *bank_mode_note(uint8_t mode)
{
    switch (mode) {
    case SF_BANKS_F4_DB1M: return "1 MiB parts: one bank, two with option DB1M";
    case SF_BANKS_F7_NDBANK: return "two banks with option nDBANK = 0";
    case SF_BANKS_DBANK: return "one bank with option DBANK = 0";
    case SF_BANKS_G0_DUAL_BANK: return "256 KiB parts: banks by option DUAL_BANK";
    default: return NULL;
    }
}

static void list_text(const sf_device *d, const char *stub, const char *why)
{
    text t = {0};
    put(&t, "0x%03X %s (%s): ", d->pid, d->name, d->family);
    put_size(&t, d->flash_size);
    put(&t, " flash");
    uint32_t b2 = sf_device_bank2_base(d, d->flash_size);
    if (b2)
        put(&t, " in two banks (bank 2 at 0x%08X)", b2);
    const char *note = bank_mode_note(d->bank_mode);
    if (note)
        put(&t, " (%s)", note);
    put(&t, "\n      erase units ");
    put_units(&t, d);
    put(&t, "\n      bootloader leaves RAM ");
    if (d->ram_end > d->ram_base)
        put(&t, "0x%08X-0x%08X free", d->ram_base, d->ram_end - 1);
    else
        put(&t, "from 0x%08X: none free", d->ram_base);
    put(&t, "; listens on ");
    for (uint8_t i = 0; i < d->usart_count; i++)
        put(&t, "%s%s %s/%s", i ? ", " : "", d->usarts[i].name, d->usarts[i].tx, d->usarts[i].rx);
    if (!d->usart_count)
        put(&t, "(not listed)");
    if (stub)
        put(&t, "\n      stub: %s\n", stub);
    else
        put(&t, "\n      stub: none, ROM only: %s\n", why);
    if (!t.oom)
        fputs(t.s, stdout);
    free(t.s);
}

static void list_json(text *t, const sf_device *d, const char *stub)
{
    put(t, "%s{\"pid\": \"0x%03X\", \"name\": ", t->len > 1 ? ", " : "", d->pid);
    put_json_str(t, d->name);
    put(t, ", \"flash_bytes\": %u, \"bootloader_ram_start\": \"0x%08X\", \"usarts\": [", d->flash_size, d->ram_base);
    for (uint8_t i = 0; i < d->usart_count; i++) {
        put(t, "%s{\"name\": ", i ? ", " : "");
        put_json_str(t, d->usarts[i].name);
        put(t, ", \"tx\": ");
        put_json_str(t, d->usarts[i].tx);
        put(t, ", \"rx\": ");
        put_json_str(t, d->usarts[i].rx);
        put(t, "}");
    }
    put(t, "], \"stub\": ");
    if (stub)
        put_json_str(t, stub);
    else
        put(t, "null");
    put(t, "}");
}

int cmd_chips(cli_out *out, bool json)
{
    text arr = {0};
    put(&arr, "[");
    size_t lines = 0, with_stub = 0;
    for (size_t i = 0; sf_device_at(i); i++) {
        const sf_device *d = sf_device_at(i);
        const char *stub = NULL;
        char why[256];
        if (sf_device_stub(d, &stub, why, sizeof why) != SF_OK)
            stub = NULL;
        lines++;
        with_stub += stub != NULL;
        if (json)
            list_json(&arr, d, stub);
        else
            list_text(d, stub, why);
    }
    put(&arr, "]");
    int rc = EXIT_OK;
    if (arr.oom) {
        rc = EXIT_FAILED;
        if (json)
            out_json_str(out, "result", "error");
        fprintf(stderr, "stubflash: out of memory\n");
    } else if (json) {
        out_json_raw(out, "chips", arr.s);
        out_json_str(out, "result", "ok");
    } else {
        printf("%zu product IDs: %zu written through a RAM stub, %zu through the ROM bootloader only\n", lines,
               with_stub, lines - with_stub);
    }
    free(arr.s);
    return rc;
}
