#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write C from families.txt (see its header for the keys).

gen_families.py table families.txt families.h families.c usarts.txt
    the family table the host (libflash) and the simulator pick their models from, and the
    table of the USARTs each family's bootloader may answer on (usarts.txt)
gen_families.py stub families.txt stub_image.h stub_images.c
    the embedded stubs: SFS_LOAD_*, each family's image (stub/embed.c writes them) and a table
    of them indexed by the family

Every record must have every key, with a value of its kind; anything else stops the build with
the file's line number.
"""
import re
import sys

# key: kind. A list is an enumeration: the C enum has its values in this order (the simulator
# and the host index their model tables with it).
KEYS = {
    "name": "word", "define": "word", "chip": "file", "driver": "file", "load": "number", "cpu": "word",
    "program_unit": "number", "inflate": ["full", "stored"],
    "flash": ["f1", "f4", "l4", "l0", "h7", "l5", "u5"], "notzeroerr": "bool", "erased": "number",
    "mass_erase": "bool", "bank2": ["half", "512K"], "uid": "number",
    "options": ["f1", "f4", "rdp"], "rdp_level2": "bool",
    "flash_regs": "number", "ctl_per_bank": "bool",
    "rcc": ["f1", "f1cl", "f4", "l4", "wb", "g0", "l0", "l1", "h7", "u5"], "rcc_regs": "number", "msi_reset": "bool",
    "usart": ["v1", "v2"], "dma": ["channels", "streams", "gpdma"],
    "dma_cselr": "bool", "dmamux": "number-or-none",
    "dma_ram2_only": "bool", "windows": "windows",
}
MAX_WINDOWS = 2
# What may differ between records of one name (stub variants of a family).
STUB_VARIANT_KEYS = {"load", "inflate"}


def fail(path, line, msg):
    sys.exit(f"{path}:{line}: {msg}")


def number(path, line, key, v):
    try:
        return int(v, 0)
    except ValueError:
        fail(path, line, f"{key}={v}: not a number")


def parse_value(path, line, key, v):
    kind = KEYS[key]
    if isinstance(kind, list):
        if v not in kind:
            fail(path, line, f"{key}={v}: one of {' '.join(kind)}")
        return v
    if kind == "bool":
        if v not in ("yes", "no"):
            fail(path, line, f"{key}={v}: yes or no")
        return v == "yes"
    if kind == "number":
        return number(path, line, key, v)
    if kind == "number-or-none":
        return 0 if v == "-" else number(path, line, key, v)
    if kind == "windows":
        if v == "-":
            return []
        wins = []
        for w in v.split(","):
            base, _, size = w.partition("+")
            wins.append((number(path, line, key, base), number(path, line, key, size)))
        if len(wins) > MAX_WINDOWS:
            fail(path, line, f"{key}: at most {MAX_WINDOWS} windows")
        return wins
    if kind == "file" and not re.fullmatch(r"[a-z0-9_]+\.c", v):
        fail(path, line, f"{key}={v}: a .c file in stub/")
    if kind == "word" and not re.fullmatch(r"[A-Za-z0-9_-]+", v):
        fail(path, line, f"{key}={v}: letters, digits, _ and -")
    return v


def parse(path):
    records = []
    with open(path) as f:
        for n, text in enumerate(f, 1):
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            words = text.split()
            if text[0].isspace():
                if not records:
                    fail(path, n, "a continuation line before any family")
            else:
                if not re.fullmatch(r"[a-z][a-z0-9]{1,3}", words[0]):
                    fail(path, n, f"{words[0]}: a family id is a letter and one to three letters or digits (f1, wb, f0s)")
                records.append({"id": words[0], "line": n, "fields": {}})
                words = words[1:]
            rec = records[-1]
            for w in words:
                key, eq, v = w.partition("=")
                if not eq or key not in KEYS:
                    fail(path, n, f"{w}: not key=value with a known key")
                if key in rec["fields"]:
                    fail(path, n, f"{key} given twice for {rec['id']}")
                rec["fields"][key] = parse_value(path, n, key, v)
    if not records:
        fail(path, 1, "no families")
    seen = set()
    for rec in records:
        missing = [k for k in KEYS if k not in rec["fields"]]
        if missing:
            fail(path, rec["line"], f"{rec['id']} lacks {' '.join(missing)}")
        if ("id", rec["id"]) in seen:
            fail(path, rec["line"], f"id {rec['id']} is given twice")
        seen.add(("id", rec["id"]))
        # A name given again is a further stub of that family, for parts the first one does not
        # fit (the host takes the first that fits): only where it loads and how it inflates differ.
        first = next((r for r in records if r["fields"]["name"] == rec["fields"]["name"]), rec)
        differ = [k for k in KEYS if k not in STUB_VARIANT_KEYS and first["fields"][k] != rec["fields"][k]]
        if differ:
            fail(path, rec["line"], f"{rec['id']} repeats the name {rec['fields']['name']} of {first['id']} but "
                 f"differs in {' '.join(differ)} (only {' and '.join(sorted(STUB_VARIANT_KEYS))} may)")
    return records


def enum_name(prefix, v):
    return f"{prefix}_{v.upper()}"


HEADER = """/* {name} - generated from families/families.txt by families/gen_families.py at build
 * time: edit families.txt, not this file. */
"""


# DMA channel (RM0008 13.4.3 CCR: MINC 7, CIRC 5, EN 0) and stream (RM0090 10.5.5 SxCR: MINC 10,
# CIRC 8, EN 0, CHSEL 25-27) set-ups that receive bytes into a circular ring; where a channel's
# or a stream's registers start (CCR1 at 0x08, 20 bytes apart; S0CR at 0x10, 0x18 apart); the
# L4's and L0's DMA1_CSELR at 0xA8, four bits a channel (RM0351 11.6.7, RM0367 11.4.7).
CHANNEL_ON = (1 << 7) | (1 << 5) | 1
STREAM_ON = (1 << 10) | (1 << 8) | 1
CSELR = 0xA8
# GPDMA (U5; RM0456 17, stm32u575xx.h DMA_Channel_TypeDef): channel x's registers from 0x50 +
# 0x80 * x (CLBAR first), CxCR at +0x14 (EN bit 0), CxTR2 at +0x44 whose REQSEL (bits 0-6)
# routes the request: the stub's uart.c builds the rest (a linked-list item that reloads the
# block, for the circular ring).
GPDMA_CH0, GPDMA_STRIDE, GPDMA_CTR2, GPDMA_ON = 0x50, 0x80, 0x44, 1


def parse_usarts(path, records):
    """The lines of usarts.txt, each a dict; every family name must be one of records'."""
    names = {r["fields"]["name"]: r["fields"] for r in records}
    rows = []
    with open(path) as f:
        for n, text in enumerate(f, 1):
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            w = text.split(None, 9)
            if len(w) < 10:
                fail(path, n, "family usart regs clock enable dma_regs channel request dma_en source")
            fam = names.get(w[0])
            if not fam:
                fail(path, n, f"{w[0]}: not a family name of families.txt")
            bus, _, bit = w[4].partition(":")
            if bus not in ("apb1", "apb2") or not bit.isdigit():
                fail(path, n, f"{w[4]}: apb1:BIT or apb2:BIT")
            row = {"family": w[0], "n": number(path, n, "usart", w[1]), "regs": number(path, n, "regs", w[2]),
                   "clock": number(path, n, "clock", w[3]), "apb1": bus == "apb1", "bit": int(bit),
                   "dma_regs": number(path, n, "dma_regs", w[5]), "channel": number(path, n, "channel", w[6]),
                   "request": number(path, n, "request", w[7]), "dma_en": number(path, n, "dma_en", w[8])}
            if row["n"] not in (1, 2, 3) or any(r["family"] == w[0] and r["n"] == row["n"] for r in rows):
                fail(path, n, f"USART{w[1]} of {w[0]}: 1, 2 or 3, once")
            streams = fam["dma"] == "streams"
            ch = row["channel"]
            row["rx_dma"] = row["dma_regs"] + (0x10 + 0x18 * ch if streams else 0x08 + 20 * ch)
            row["rx_dma_on"] = (STREAM_ON | (0 if fam["dmamux"] else row["request"] << 25)) if streams else CHANNEL_ON
            if fam["dma"] == "gpdma":
                row["rx_dma"] = row["dma_regs"] + GPDMA_CH0 + GPDMA_STRIDE * ch
                row["rx_dma_on"] = GPDMA_ON
                row["route"], row["route_value"] = row["rx_dma"] + GPDMA_CTR2, row["request"]
            elif fam["dmamux"]:
                row["route"], row["route_value"] = fam["dmamux"] + 4 * ch, row["request"]
            elif fam["dma_cselr"]:
                row["route"], row["route_value"] = row["dma_regs"] + CSELR, row["request"] << (4 * ch)
            else:
                row["route"], row["route_value"] = 0, 0
            rows.append(row)
    for name in names:
        if not any(r["family"] == name and r["n"] == 1 for r in rows):
            fail(path, 1, f"{name} has no USART1 line")
    return rows


def write_table(records, h_path, c_path, usarts):
    h = [HEADER.format(name="families.h"), "#ifndef STUBFLASH_FAMILIES_H\n#define STUBFLASH_FAMILIES_H\n",
         "#include <stdbool.h>\n#include <stdint.h>\n",
         "/* The families, in the file's order. */",
         "enum sfi_family_id {"]
    h += [f"    {enum_name('SFI_FAMILY', r['id'])}," for r in records]
    h += ["    SFI_FAMILY_COUNT\n};\n"]
    for key, prefix, what in (("flash", "SFI_FLASH", "Flash controller models"),
                              ("rcc", "SFI_RCC", "RCC models (sim/sim_rcc*.c)"),
                              ("options", "SFI_OPTIONS", "Option byte layouts")):
        h += [f"/* {what}: the '{key}' key. */", f"enum {prefix.lower()}_kind {{"]
        h += [f"    {enum_name(prefix, v)}," for v in KEYS[key]]
        h += [f"    {prefix}_KINDS\n}};\n"]
    h += [f"""/* One family (families.txt says what each field means). */
typedef struct sfi_family {{
    const char *id;            /* "f1" */
    const char *name;          /* "F1": sf_device.family */
    const char *define;        /* "STUB_F1" */
    uint32_t stub_load;        /* where the stub is loaded and linked */
    bool inflate_stored;       /* its stub takes stored deflate blocks only (families.txt: inflate) */
    /* The host's */
    uint8_t flash_kind;        /* enum sfi_flash_kind */
    bool notzeroerr;
    uint8_t erased;
    bool mass_erase;
    bool bank2_at_512k;        /* the F1 XL's bank 2 after 512 KiB; else at half the flash */
    uint32_t uid;
    uint8_t options;           /* enum sfi_options_kind */
    bool rdp_level2;
    /* The simulator's: where its models sit (its USART and DMA: sfi_usarts) */
    uint32_t flash_regs, rcc_regs;
    bool ctl_per_bank;
    uint8_t rcc_kind;          /* enum sfi_rcc_kind */
    bool msi_reset;
    bool usart_v2;
    bool dma_streams;
    bool dma_gpdma;            /* GPDMA1 channels (U5), not DMA1's */
    bool dma_cselr;
    uint32_t dmamux;           /* 0: none */
    bool dma_ram2_only;
    uint8_t nwindows;
    struct {{ uint32_t base, size; }} windows[{MAX_WINDOWS}];
}} sfi_family;

extern const sfi_family sfi_families[SFI_FAMILY_COUNT];

/* The family of that name (sf_device.family: "F1"), or NULL. */
const sfi_family *sfi_family_named(const char *name);

/* A USART a family's bootloader may answer on (usarts.txt says what each field means). */
typedef struct sfi_usart {{
    const char *family;        /* the family's name: "F4" */
    uint8_t n;                 /* USARTn */
    uint32_t regs;
    uint32_t clock;            /* its clock in Hz once the stub has set the clocks up */
    bool apb1;                 /* its clock enable is in APB1ENR (USART2/3), else APB2ENR */
    uint8_t enable_bit;
    uint32_t dma_regs;         /* the DMA that receives for it */
    uint8_t channel, request, dma_enable_bit;
    /* The stub's parameters (stub/protocol.h): the channel's or stream's registers, what its
     * CCR/CR takes to receive into a circular ring, and the register that routes the request
     * with its value (0: wired; the host then points route at the parameter itself). */
    uint32_t rx_dma, rx_dma_on, route, route_value;
}} sfi_usart;

extern const sfi_usart sfi_usarts[];
extern const unsigned sfi_usart_count;

/* USARTn of the family of that name, or NULL if its bootloader has none there. */
const sfi_usart *sfi_usart_find(const char *family, unsigned n);
""", "#endif"]
    c = [HEADER.format(name="families.c"), '#include "families.h"\n', "#include <string.h>\n",
         "const sfi_family sfi_families[SFI_FAMILY_COUNT] = {"]
    for r in records:
        f = r["fields"]
        wins = ", ".join(f"{{0x{b:08X}u, 0x{s:X}u}}" for b, s in f["windows"]) or "{0, 0}"
        c += [f"    [{enum_name('SFI_FAMILY', r['id'])}] = {{",
              f"        .id = \"{r['id']}\", .name = \"{f['name']}\", .define = \"{f['define']}\","
              f" .stub_load = 0x{f['load']:08X}u, .inflate_stored = {str(f['inflate'] == 'stored').lower()},",
              f"        .flash_kind = {enum_name('SFI_FLASH', f['flash'])}, .notzeroerr = {str(f['notzeroerr']).lower()},"
              f" .erased = 0x{f['erased']:02X}, .mass_erase = {str(f['mass_erase']).lower()},",
              f"        .bank2_at_512k = {str(f['bank2'] == '512K').lower()}, .uid = 0x{f['uid']:08X}u,"
              f" .options = {enum_name('SFI_OPTIONS', f['options'])}, .rdp_level2 = {str(f['rdp_level2']).lower()},",
              f"        .flash_regs = 0x{f['flash_regs']:08X}u, .rcc_regs = 0x{f['rcc_regs']:08X}u,",
              f"        .ctl_per_bank = {str(f['ctl_per_bank']).lower()}, .rcc_kind = {enum_name('SFI_RCC', f['rcc'])},"
              f" .msi_reset = {str(f['msi_reset']).lower()}, .usart_v2 = {str(f['usart'] == 'v2').lower()},",
              f"        .dma_streams = {str(f['dma'] == 'streams').lower()}, .dma_gpdma = {str(f['dma'] == 'gpdma').lower()},"
              f" .dma_cselr = {str(f['dma_cselr']).lower()},"
              f" .dmamux = 0x{f['dmamux']:08X}u,",
              f"        .dma_ram2_only = {str(f['dma_ram2_only']).lower()}, .nwindows = {len(f['windows'])},"
              f" .windows = {{{wins}}},",
              "    },"]
    c += ["};\n", "const sfi_usart sfi_usarts[] = {"]
    for u in usarts:
        c += [f"    {{\"{u['family']}\", {u['n']}, 0x{u['regs']:08X}u, {u['clock']}u, {str(u['apb1']).lower()}, {u['bit']},"
              f" 0x{u['dma_regs']:08X}u, {u['channel']}, {u['request']}, {u['dma_en']},",
              f"     0x{u['rx_dma']:08X}u, 0x{u['rx_dma_on']:08X}u, 0x{u['route']:08X}u, 0x{u['route_value']:08X}u}},"]
    c += ["};\n", f"const unsigned sfi_usart_count = {len(usarts)};\n", """const sfi_usart *sfi_usart_find(const char *family, unsigned n)
{
    for (unsigned i = 0; family && i < sfi_usart_count; i++)
        if (sfi_usarts[i].n == n && strcmp(sfi_usarts[i].family, family) == 0)
            return &sfi_usarts[i];
    return NULL;
}
""", """const sfi_family *sfi_family_named(const char *name)
{
    for (size_t i = 0; name && i < SFI_FAMILY_COUNT; i++)
        if (strcmp(sfi_families[i].name, name) == 0)
            return &sfi_families[i];
    return NULL;
}"""]
    for path, lines in ((h_path, h), (c_path, c)):
        with open(path, "w") as out:
            out.write("\n".join(lines) + "\n")


def write_stub(records, h_path, c_path):
    h = [HEADER.format(name="stub_image.h"), "#ifndef STUBFLASH_STUB_IMAGE_H\n#define STUBFLASH_STUB_IMAGE_H\n",
         "#include <stddef.h>\n#include <stdint.h>\n", '#include "families.h"\n',
         "/* Where each family's stub is linked and loaded (families.txt: load). */"]
    h += [f"#define SFS_LOAD_{r['id'].upper()} 0x{r['fields']['load']:08X}u" for r in records]
    h += ["", "/* The stubs as stub/embed.c writes them. */"]
    for r in records:
        h += [f"extern const unsigned char sfs_stub_image_{r['id']}[];",
              f"extern const size_t sfs_stub_image_{r['id']}_len;",
              f"extern const unsigned char sfs_boot1_image_{r['id']}[];",
              f"extern const size_t sfs_boot1_image_{r['id']}_len;"]
    h += ["""
/* A family's stub: its image and where it goes; its first stage (stub/boot1.c, SFB_OFFSET
 * above the stub; boot1_len 0 where the build has none). */
typedef struct sfs_stub {
    const unsigned char *image;
    const size_t *len;
    uint32_t load;
    const unsigned char *boot1;
    const size_t *boot1_len;
} sfs_stub;

/* Indexed by enum sfi_family_id. */
extern const sfs_stub sfs_stubs[SFI_FAMILY_COUNT];
""", "#endif"]
    c = [HEADER.format(name="stub_images.c"), '#include "stub_image.h"\n',
         "const sfs_stub sfs_stubs[SFI_FAMILY_COUNT] = {"]
    c += [f"    [{enum_name('SFI_FAMILY', r['id'])}] = {{sfs_stub_image_{r['id']}, &sfs_stub_image_{r['id']}_len,"
          f" SFS_LOAD_{r['id'].upper()}, sfs_boot1_image_{r['id']}, &sfs_boot1_image_{r['id']}_len}}," for r in records]
    c += ["};"]
    for path, lines in ((h_path, h), (c_path, c)):
        with open(path, "w") as out:
            out.write("\n".join(lines) + "\n")


def main(argv):
    if argv[1:2] == ["table"] and len(argv) == 6:
        records = parse(argv[2])
        write_table(records, argv[3], argv[4], parse_usarts(argv[5], records))
    elif argv[1:2] == ["stub"] and len(argv) == 5:
        write_stub(parse(argv[2]), argv[3], argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
