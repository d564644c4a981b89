/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_flash_options.c - the option bytes of the families whose option area is words with
 * complements (SIM_OB_RDP: L0/L1, L4/G0/G4/WB; the H7's is the simulator's own): their factory
 * values, their complements, the write-protected areas they define and the bank that boots.
 *
 * Layouts (libstubflash's option_layouts.c has the same, by name): L4/G0/G4/WB RM0351 3.4.1,
 * RM0444 3.4.1, RM0440 5.4.1, RM0434 3.4.1: FLASH_OPTR at +0x00, PCROP1 start/end at +0x08 and
 * +0x10, WRP1AR at +0x18, WRP1BR at +0x20, each word followed by its complement; L0/L1 RM0367
 * 3.4.1, RM0038 3.4.1: value in bits 15:0 of each word, complement in 31:16, FLASH_OPTR[15:0]
 * at +0, [31:16] at +4, WRPROT1 at +8 and +0xC. Bank 2's words (L4/G4 with two banks: WRP2AR
 * at 0x1FFFF818, WRP2BR at 0x1FFFF820, with complements; the L4+'s at 0x1FF01018/0x1FF01020) are
 * a second area (optbytes2_base);
 * on the H7 with two banks that area is FLASH_WPSN_CUR2R and WPSN_PRG2R (0x52002138).
 */
#include "sim_flash.h"

#include <string.h>

static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static bool optr_kind(const struct sim_part *p)
{
    return sim_part_options(p) == SIM_OB_RDP && sim_part_family(p)->flash_kind == SFI_FLASH_L4;
}

/* H7: the option area is the flash controller's option registers from FLASH_OPTSR_PRG
 * (0x52002020): +0x00 OPTSR_PRG (BOR_LEV 3:2, RDP 15:8, SWAP_BANK_OPT 31), +0x04 OPTCCR,
 * +0x08/+0x0C PRAR_CUR1/PRG1, +0x10/+0x14 SCAR_CUR1/PRG1, +0x18/+0x1C WPSN_CUR1R/PRG1R (nWRPSn:
 * bit n = 0 protects sector n of bank 1), +0x20/+0x24 BOOT_CURR/PRGR (RM0433 4.9,
 * stm32h743xx.h). Option loading copies each _PRG register into its _CUR one. */
static bool h7_kind(const struct sim_part *p) { return sim_part_h7_kind(p); }

/* L5 (TrustZone off): the option area is the flash controller's option registers from FLASH_OPTR
 * (0x40022040): +0x00 OPTR (RDP 7:0, SWAP_BANK 20, DB256K 21, DBANK 22, TZEN 31), +0x04/+0x08
 * NSBOOTADD0R/1R, +0x0C SECBOOTADD0R, +0x10/+0x14 SECWM1R1/R2, +0x18/+0x1C WRP1AR/BR, +0x20/+0x24
 * SECWM2R1/R2, +0x28/+0x2C WRP2AR/BR (RM0438 6.9, as NuttX's stm32l5_flash.h has them), no
 * complements. */
/* The U5 (TrustZone off) the same: its option registers from FLASH_OPTR at 0x40022040 have the
 * L5's layout (stm32u575xx.h FLASH_TypeDef: OPTR 0x40, NSBOOTADD0R 0x44, NSBOOTADD1R 0x48,
 * SECBOOTADD0R 0x4C, SECWM1R1/R2 0x50/0x54, WRP1AR/BR 0x58/0x5C, SECWM2R1/R2, WRP2AR/BR). */
static bool l5_kind(const struct sim_part *p)
{
    return sim_part_family(p)->flash_kind == SFI_FLASH_L5 || sim_part_family(p)->flash_kind == SFI_FLASH_U5;
}

static bool l0_kind(const struct sim_part *p)
{
    return sim_part_options(p) == SIM_OB_RDP && sim_part_family(p)->flash_kind == SFI_FLASH_L0;
}

/* Width of the WRP area fields (page numbers in bank 1): L4/WB 8 bits, G4 and WL 7, G0 6, C0 4
 * (CMSIS FLASH_WRP1AR_WRP1A_STRT of stm32l476xx.h, stm32g474xx.h, stm32g071xx.h, stm32wb55xx.h,
 * stm32wle5xx.h, stm32c031xx.h). */
static uint32_t wrp_mask(const struct sim_part *p)
{
    switch (p->family) {
    case SFI_FAMILY_G4: return 0x7F;
    case SFI_FAMILY_WL: return 0x7F;
    case SFI_FAMILY_G0: return 0x3F;
    case SFI_FAMILY_C0: return 0x0F;
    default: return 0xFF;
    }
}

void sim_options_complement(const struct sim_part *p, uint8_t *ob)
{
    if (optr_kind(p)) {
        for (uint32_t i = 0; i + 8 <= p->optbytes_size; i += 8)
            put32(ob + i + 4, ~get32(ob + i));
    } else if (l0_kind(p)) {
        for (uint32_t i = 0; i + 4 <= p->optbytes_size; i += 4) {
            ob[i + 2] = (uint8_t)~ob[i];
            ob[i + 3] = (uint8_t)~ob[i + 1];
        }
    } else if (l5_kind(p)) {
        /* registers: nothing beside them */
    } else if (h7_kind(p)) {
        for (uint32_t i = 0x08; i + 8 <= p->optbytes_size; i += 8) /* _CUR from _PRG */
            memcpy(ob + i, ob + i + 4, 4);
    } else if (sim_part_options(p) == SIM_OB_RDP) {
        ob[p->rdp_complement] = (uint8_t)~ob[0];
    }
}

void sim_options_factory(const struct sim_part *p, uint8_t *ob)
{
    memset(ob, 0xFF, p->optbytes_size);
    ob[0] = p->rdp_level0;
    if (h7_kind(p)) {
        /* OPTSR as shipped (assumed): BOR off, software watchdog, no reset on Stop/Standby,
         * RDP level 0, watchdog running in Stop/Standby, banks not swapped; no PCROP or secure
         * area (start above end); every sector writable; BOOT_ADD0 0x0800 (0x08000000),
         * BOOT_ADD1 0x1FF0 (0x1FF00000, the system memory). */
        put32(ob, 0x0006AAF0u | (uint32_t)p->rdp_level0 << 8);
        put32(ob + 0x04, 0);
        put32(ob + 0x0C, 0x000000FFu);
        put32(ob + 0x14, 0x000000FFu);
        put32(ob + 0x24, 0x1FF00800u);
    } else if (l5_kind(p)) {
        /* OPTR as the L47x's factory value with TZEN 0 (assumed: RM0438's reset value not
         * re-read): RDP level 0, BOR_LEV 0, no resets on low-power modes, software watchdogs,
         * SWAP_BANK 0, DB256K 1, DBANK 1; non-secure boot addresses (bits 31:7) 0x08000000 and
         * 0x0BF90000 (the system memory), the secure one 0x0C000000; no secure watermark (start
         * above end); WRP areas: END below STRT, none. */
        put32(ob, 0x7FEFF800u | p->rdp_level0);
        put32(ob + 0x04, 0x08000000u | 0x7Fu);
        put32(ob + 0x08, 0x0BF90000u | 0x7Fu);
        put32(ob + 0x0C, 0x0C000000u | 0x7Fu);
        for (uint32_t off = 0x10; off < 0x30 && off + 4 <= p->optbytes_size; off += 8) {
            put32(ob + off, 0x0000007Fu);        /* SECWMxR1 start 127 > end 0; WRPxAR STRT 127 > END 0 */
            put32(ob + off + 4, 0x00000000u);
        }
        /* Every WRP area (WRP1AR/BR +0x18/+0x1C, WRP2AR/BR +0x28/+0x2C) none: PSTRT 127 above
         * PEND 0; on the U5 with UNLOCK 1, changeable (stm32u575xx.h FLASH_WRP1AR_UNLOCK_Pos
         * 31; the factory state assumed unlocked, as ST's HAL writes an area it does not lock:
         * FLASH_OB_WRPConfig). */
        uint32_t none = sim_part_family(p)->flash_kind == SFI_FLASH_U5 ? 0x8000007Fu : 0x0000007Fu;
        for (uint32_t off = 0x18; off < 0x30; off += 0x10) {
            put32(ob + off, none);
            put32(ob + off + 4, none);
        }
    } else if (optr_kind(p)) {
        /* FLASH_OPTR as ST ships the L47x (RM0351 3.4.1: 0xFFEFF8AA: BOR_LEV 0, no resets on
         * low-power modes, software watchdogs, BFB2 0, DUALBANK 1); the G4, G0, WB, WL and C0
         * taken the same (assumed) but for the G0's and C0's BOR_EN 0 and nBOOT_SEL 0 (the BOOT0
         * pin, as the simulator's boards are wired), the G0's nSWAP_BANK 1, the WL's BOR_LEV 0
         * and BOOT_LOCK 0 (the ROM reachable). */
        uint32_t optr = 0xFFEFF8AAu;
        if (p->family == SFI_FAMILY_G0)
            optr = (optr & ~(1u << 8 | 1u << 24)) | 1u << 20; /* nSWAP_BANK 1: not swapped */
        if (p->family == SFI_FAMILY_C0) /* the G0's BOR_EN 0 and nBOOT_SEL 0 (RM0490 not checked) */
            optr &= ~(1u << 8 | 1u << 24);
        if (p->family == SFI_FAMILY_WL) /* BOR_LEV (bits 11:9) 0, BOOT_LOCK (bit 30) 0: assumed */
            optr &= ~(7u << 9 | 1u << 30);
        put32(ob, optr);
        put32(ob + 0x10, 0xFFFF0000u);             /* PCROP1 end below its start: none */
        put32(ob + 0x18, ~(wrp_mask(p) << 16));    /* WRP areas: END 0 below STRT: none */
        put32(ob + 0x20, ~(wrp_mask(p) << 16));
    } else if (l0_kind(p)) {
        /* L0: FLASH_OPTR[31:16] 0x8070 (nBOOT1, nRST_STDBY, nRST_STOP, IWDG_SW; BOR off);
         * L1 0x0070 (no nBOOT1). WRPROT 0: nothing protected (bit = 1 protects). */
        memset(ob, 0, p->optbytes_size);
        ob[0] = p->rdp_level0;
        ob[4] = 0x70;
        ob[5] = p->family == SFI_FAMILY_L0 ? 0x80 : 0x00;
    }
    sim_options_complement(p, ob);
}

void sim_options_factory2(const struct sim_part *p, uint8_t *ob2)
{
    memset(ob2, 0xFF, p->optbytes2_size);
    if (h7_kind(p)) { /* WPSN_CUR2R, WPSN_PRG2R: every sector of bank 2 writable (assumed as bank 1's) */
        uint32_t all = p->family == SFI_FAMILY_H7A ? 0xFFFFFFFFu : 0x000000FFu; /* the H7A3's 32 groups */
        put32(ob2, all);
        put32(ob2 + 4, all);
        return;
    }
    put32(ob2 + 0x10, 0xFFFF0000u);             /* PCROP2 end below its start: none */
    put32(ob2 + 0x18, ~(wrp_mask(p) << 16));    /* WRP2A and WRP2B: none */
    put32(ob2 + 0x20, ~(wrp_mask(p) << 16));
    for (uint32_t i = 0; i + 8 <= p->optbytes2_size; i += 8)
        put32(ob2 + i + 4, ~get32(ob2 + i));
}

bool sim_options_area_protected(const struct sim_part *p, const uint8_t *ob, const uint8_t *ob2, uint32_t page)
{
    if (optr_kind(p)) {
        if (p->bank2_base && p->flash_base + page * p->page_size >= p->bank2_base) {
            if (!ob2)
                return false; /* no bank 2 option words kept for this part */
            page -= (p->bank2_base - p->flash_base) / p->page_size; /* pages of bank 2 */
            ob = ob2;
        }
        uint32_t m = wrp_mask(p);
        for (uint32_t off = 0x18; off <= 0x20; off += 8) {
            uint32_t w = get32(ob + off), strt = w & m, end = (w >> 16) & m;
            if (strt <= end && page >= strt && page <= end)
                return true;
        }
        return false;
    }
    if (l5_kind(p)) {
        /* L5/U5: bank 1's areas in WRP1AR/WRP1BR (+0x18/+0x1C), bank 2's in WRP2AR/WRP2BR
         * (+0x28/+0x2C), pages counted from their bank's start; PSTRT in bits 6:0, PEND in bits
         * 22:16, an area protects PSTRT..PEND and none when PEND is below PSTRT (RM0438 6.5.2,
         * RM0456 7.6.2; stm32l552xx.h and stm32u575xx.h FLASH_WRP1AR_WRP1A_PSTRT_Msk 0x7F << 0,
         * FLASH_WRP1AR_WRP1A_PEND_Msk 0x7F << 16). With DBANK = 0 (the L5's one bank of 4 KiB
         * pages, p->bank2_base 0) WRP1A/WRP1B count those pages and WRP2A/WRP2B are not used
         * (assumed: RM0438's single-bank wording not re-read). The U5's UNLOCK (bit 31) only
         * keeps an area from being changed (sim_options_keep_locked). */
        uint32_t first = 0x18;
        if (p->bank2_base && p->flash_base + page * p->page_size >= p->bank2_base) {
            page -= (p->bank2_base - p->flash_base) / p->page_size;
            first = 0x28;
        }
        for (uint32_t off = first; off <= first + 4; off += 4) {
            uint32_t w = get32(ob + off), strt = w & 0x7Fu, end = (w >> 16) & 0x7Fu;
            if (strt <= end && page >= strt && page <= end)
                return true;
        }
        return false;
    }
    if (h7_kind(p)) {
        /* WPSN_CUR1R / WPSN_CUR2R: bit n = 0 protects sector n of its bank (H74x/H72x: 8 bits,
         * RM0433 4.9.x FLASH_WPSN_CUR1R; stm32h743xx.h FLASH_WPSN_WRPSN_Msk 0xFF); the H7A3/B3's
         * 32 bits each protect a group of 4 of its bank's 128 sectors (stm32h7a3xx.h
         * FLASH_WPSN_WRPSN_Msk 0xFFFFFFFF; ST's stm32h7xx_hal_flash_ex.h OB_WRP_SECTOR_0TO3 = bit
         * 0 when FLASH_SECTOR_TOTAL is 128). */
        bool h7a = p->family == SFI_FAMILY_H7A;
        uint32_t bits = h7a ? 32u : 8u, per = h7a ? 4u : 1u;
        const uint8_t *w = ob + 0x18;
        if (p->bank2_base && p->flash_base + page * p->page_size >= p->bank2_base) {
            page -= (p->bank2_base - p->flash_base) / p->page_size;
            if (!ob2)
                return false;
            w = ob2;
        }
        return page / per < bits && !(get32(w) >> (page / per) & 1u);
    }
    if (l0_kind(p)) { /* WRPROT1: bit n protects sector n of 4 KiB (RM0367 3.4.1) */
        uint32_t sector = page * p->page_size / 4096u;
        uint32_t w = (uint32_t)(ob[8] | ob[9] << 8) | (uint32_t)(ob[12] | ob[13] << 8) << 16;
        return sector < 32 && (w >> sector & 1u);
    }
    return false;
}

int sim_options_boot_bank(const struct sim_part *p, const uint8_t *ob)
{
    /* BFB2, FLASH_OPTR bit 20 (L4, L4+ and G4: RM0351 3.4.1, RM0432 3.4.1 as ST's SVD for the
     * L4R5 has it, RM0440 5.4.1). */
    if (optr_kind(p) && p->bank2_base &&
        (p->family == SFI_FAMILY_L4 || p->family == SFI_FAMILY_L4R || p->family == SFI_FAMILY_G4))
        return (get32(ob) >> 20 & 1u) ? 2 : 1;
    /* G0B/C: nSWAP_BANK, FLASH_OPTR bit 20, 0 swaps, with DUAL_BANK (bit 21) set (RM0444 3.4.1,
     * stm32g0b1xx.h FLASH_OPTR_nSWAP_BANK_Pos 20, FLASH_OPTR_DUAL_BANK_Pos 21). */
    if (optr_kind(p) && p->bank2_base && p->family == SFI_FAMILY_G0)
        return (get32(ob) >> 20 & 3u) == 2u ? 2 : 1;
    /* F42x/43x: BFB2, FLASH_OPTCR bit 4, the USER byte at 0x1FFFC000 (RM0090 3.6.1 table 16,
     * 3.9.10; stm32f429xx.h FLASH_OPTCR_BFB2_Pos 4). */
    if (sim_part_options(p) == SIM_OB_F4 && p->family == SFI_FAMILY_F4 && p->bank2_base)
        return (ob[0] >> 4 & 1u) ? 2 : 1;
    if (h7_kind(p) && p->bank2_base) /* SWAP_BANK_OPT, OPTSR bit 31 (H743 and H7A3: stm32h7a3xx.h) */
        return (get32(ob) >> 31) ? 2 : 1;
    if (l5_kind(p) && p->bank2_base) /* SWAP_BANK, OPTR bit 20 (RM0438 6.9; the U5's: RM0456 7.9.15) */
        return (get32(ob) >> 20 & 1u) ? 2 : 1;
    return 1;
}

/* F7: BOOT_ADD0, the boot address with BOOT0 low, in FLASH_OPTCR1 bits 15:0 (the option word at
 * 0x1FFF0010, its complement in bits 31:16; RM0385 3.4 table 6, stm32f767xx.h
 * FLASH_OPTCR1_BOOT_ADD0_Pos 0) holding address bits 29:14: the address is the value << 14
 * (stm32f7xx_hal_flash_ex.h, __HAL_FLASH_CALC_BOOT_BASE_ADR: "BOOT_ADDx[15:0] corresponds to
 * boot address [29:14]"): 0x2000 the flash on AXIM at 0x08000000, 0x2040 its bank 2 at
 * 0x08100000 with nDBANK = 0 (ST's STM32CubeF7 FLASH_DualBoot example, Src/main.c). */
uint32_t sim_options_boot_add0(const struct sim_part *p, const uint8_t *ob)
{
    if (p->family != SFI_FAMILY_F7 || p->optbytes_size < 20)
        return 0;
    return (uint32_t)(ob[16] | ob[17] << 8) << 14;
}

/* The U5's UNLOCK, bit 31 of WRP1AR/WRP1BR/WRP2AR/WRP2BR (+0x18, +0x1C, +0x28, +0x2C;
 * stm32u575xx.h FLASH_WRP1AR_UNLOCK_Pos 31): with 0 the area's start and end pages are locked
 * and keep their values through an option change (RM0456 7.6.2, "WRP1A start and end pages
 * locked"; assumed here: until the option bytes are reset to the factory's). image is the new
 * option area, old the one it replaces. */
void sim_options_keep_locked(const struct sim_part *p, const uint8_t *old, uint8_t *image)
{
    if (sim_part_family(p)->flash_kind != SFI_FLASH_U5)
        return;
    static const uint32_t offs[] = {0x18, 0x1C, 0x28, 0x2C};
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++)
        if (offs[i] + 4 <= p->optbytes_size && !(get32(old + offs[i]) >> 31))
            memcpy(image + offs[i], old + offs[i], 4);
}
