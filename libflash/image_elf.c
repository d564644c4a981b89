/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* image_elf.c - ELF32 little-endian: the bytes of every PT_LOAD segment with file contents, at
 * its physical (load) address, so initialised data goes where the startup code copies it from. */
#include "image_internal.h"

#include <string.h>

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

#define PT_LOAD 1

/* SF_ERR_FILE unless e_machine is ARM, naming the machine the file is for. */
static sf_error check_machine(uint16_t machine, const char *name, sf_errbuf *eb)
{
    static const struct {
        uint16_t id;
        const char *name;
    } machines[] = {{3, "x86"}, {8, "MIPS"}, {20, "PowerPC"}, {62, "x86-64"}, {83, "AVR"}, {94, "Xtensa (ESP32)"},
                    {183, "AArch64"}, {243, "RISC-V"}};
    if (machine == 40) /* EM_ARM */
        return SF_OK;
    const char *what = "another machine";
    for (size_t i = 0; i < sizeof machines / sizeof machines[0]; i++)
        if (machines[i].id == machine)
            what = machines[i].name;
    return sf_fail(eb, SF_ERR_FILE, "%s: an ELF file for %s (e_machine %u), not for ARM (40): it cannot run on an "
                   "STM32", name, what, machine);
}


sf_error sf_parse_elf(const uint8_t *d, size_t len, const char *name, sf_image *img, sf_errbuf *eb)
{
    if (len < 52 || memcmp(d, "\x7F" "ELF", 4) != 0)
        return sf_fail(eb, SF_ERR_FILE, "%s: not an ELF file (or truncated header: %zu bytes)", name, len);
    /* The machine first: an x86-64 file is best refused for what it is, not for its class. */
    uint16_t machine = d[5] == 2 ? (uint16_t)(d[18] << 8 | d[19]) : rd16(d + 18);
    sf_error me = check_machine(machine, name, eb);
    if (me)
        return me;
    if (d[4] != 1)
        return sf_fail(eb, SF_ERR_FILE, "%s: ELF class %u; STM32 images are 32-bit ELF (class 1)", name, d[4]);
    if (d[5] != 1)
        return sf_fail(eb, SF_ERR_FILE, "%s: big-endian ELF; STM32 images are little-endian", name);
    uint32_t phoff = rd32(d + 28);
    uint16_t phentsize = rd16(d + 42), phnum = rd16(d + 44);
    if (phnum == 0)
        return sf_fail(eb, SF_ERR_FILE, "%s: no program headers: link the file (an object file has no load addresses)", name);
    if (phentsize < 32 || (uint64_t)phoff + (uint64_t)phentsize * phnum > len)
        return sf_fail(eb, SF_ERR_FILE, "%s: offset 0x%x: program header table runs past the end of the file (%zu bytes)",
                       name, phoff, len);
    unsigned loaded = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = d + phoff + (size_t)i * phentsize;
        uint32_t type = rd32(ph), off = rd32(ph + 4), paddr = rd32(ph + 12), filesz = rd32(ph + 16);
        if (type != PT_LOAD || filesz == 0)
            continue;
        if ((uint64_t)off + filesz > len)
            return sf_fail(eb, SF_ERR_FILE, "%s: offset 0x%x: segment %u (%u bytes) runs past the end of the file (%zu bytes): truncated?",
                           name, off, i, filesz, len);
        if ((uint64_t)paddr + filesz > 0x100000000ull)
            return sf_fail(eb, SF_ERR_FILE, "%s: segment %u at 0x%08x runs past the 4 GiB address space", name, i, paddr);
        sf_error e = sf_image_add(img, paddr, d + off, filesz);
        if (e == SF_ERR_FILE)
            return sf_fail(eb, e, "%s: segment %u at 0x%08x overlaps another with other bytes", name, i, paddr);
        if (e != SF_OK)
            return sf_fail(eb, e, "%s: %s", name, sf_strerror(e));
        loaded++;
    }
    if (!loaded)
        return sf_fail(eb, SF_ERR_FILE, "%s: no loadable segment with contents (PT_LOAD with file size > 0)", name);
    sf_image_set_entry(img, rd32(d + 24));
    return SF_OK;
}
