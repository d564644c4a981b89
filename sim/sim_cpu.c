/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_cpu.c - see sim_cpu.h.
 *
 * Flash and option bytes are mapped as plain memory so code runs at full speed from them, but
 * every store into them goes through the flash controller model first (a write hook). The
 * store itself then lands in the buffer whatever the model decided, so the model's bytes are
 * put back right after (a pending fix-up applied before the next access that could see it).
 */
#include "sim_cpu.h"
#include "sim_periph.h"
#include "sim_unicorn.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PERIPH_BASE 0x40000000u
#define PERIPH_SIZE 0x28000u /* APB1, APB2 and AHB up to the F4's DMA2 (RM0008 3.3, RM0090 2.3) */
/* Peripheral windows beyond APB/AHB1, per part (each with a register file for what no model
 * claims): the WB's AHB4 with RCC, PWR and the flash controller (RM0434 2.2.2); the H7's AHB4
 * (D3: RCC at 0x58024400) and AHB3 (D1: the flash controller at 0x52002000) (RM0433 2.3.2). */
#define MAX_WINDOWS 2
struct window {
    sim_cpu *cpu;
    uint32_t base, size;
    uint32_t *regs;
};
#define PPB_BASE 0xE000E000u
#define DBGMCU_BASE 0xE0042000u
/* No time slices: libunicorn 2's timeout stops the CPU from another thread, and restarting at
 * the PC it stopped at corrupted a running stub's state now and then (seen as wrong inflated
 * bytes and smashed return addresses, gone with the timeout). Stop requests are seen by
 * sim_cpu_stop's own uc_emu_stop and, to close the race with a starting run, by every
 * peripheral access (any program waiting on the line polls one). */

struct fixup {
    uint8_t *host;
    uint8_t bytes[4];
    unsigned len;
};

struct sim_cpu {
    sim_cpu_env env;
    sim_unicorn u; /* the library's functions (sim_unicorn.h) */
    uc_engine *uc;
    atomic_bool stop_requested;
    enum sim_cpu_exit exit;
    bool exited;
    int64_t exit_time;
    char fault[256];
    struct fixup fix[4];
    unsigned nfix;
    const sim_soc_map *map;
    const sim_usart_route *route; /* where the ROM's USART and its DMA are */
    sim_rcc rcc;
    sim_usart usart;
    sim_dma dma;
    sim_systick systick;
    uint32_t *regs;       /* plain register file for the rest of the peripheral space */
    struct window win[MAX_WINDOWS]; /* the part's other peripheral windows */
    unsigned nwin;
    uint32_t ppb[0x1000 / 4];
    uint32_t vtor;
    bool ran;             /* has translated code of the program's (reset_state) */
};

static void set_exit(sim_cpu *c, enum sim_cpu_exit e, const char *fmt, ...)
{
    if (c->exited)
        return;
    c->exited = true;
    c->exit = e;
    c->exit_time = sim_clock_now(c->env.clock);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->fault, sizeof c->fault, fmt, ap);
        va_end(ap);
    }
    c->u.emu_stop(c->uc);
}

static uint32_t pc_of(sim_cpu *c)
{
    uint32_t pc = 0;
    c->u.reg_read(c->uc, UC_ARM_REG_PC, &pc);
    return pc;
}

static void apply_fixups(sim_cpu *c)
{
    for (unsigned i = 0; i < c->nfix; i++)
        memcpy(c->fix[i].host, c->fix[i].bytes, c->fix[i].len);
    c->nfix = 0;
}

static void add_fixup(sim_cpu *c, uint8_t *host, unsigned len)
{
    if (c->nfix == sizeof c->fix / sizeof c->fix[0])
        apply_fixups(c); /* cannot happen: every hook applies them first */
    struct fixup *f = &c->fix[c->nfix++];
    f->host = host;
    f->len = len > 4 ? 4 : len;
    memcpy(f->bytes, host, f->len);
}

/* Bytes of each bank when the banks are swapped (two equal banks, no hole between). */
static uint32_t swap_half(const sim_cpu *c) { return c->env.part->bank2_base - c->env.part->flash_base; }

/* Address as seen through the alias at 0 (flash when booted from flash), and with the banks
 * swapped, where it is in the flash as the controller numbers it. */
static uint32_t unalias(sim_cpu *c, uint32_t addr)
{
    const struct sim_part *p = c->env.part;
    if (addr < p->flash_size)
        addr = c->env.boot0 ? addr + p->sysmem_base : addr + p->flash_base;
    if (c->env.bank_swap && addr - p->flash_base < p->flash_size) {
        uint32_t off = addr - p->flash_base, half = swap_half(c);
        addr = p->flash_base + (off < half ? off + half : off - half);
    }
    return addr;
}

static uint32_t round_page(uint32_t n) { return (n + 0xFFF) & ~0xFFFu; }

/* Flash, system memory and the option bytes are mapped read-only, and a store there reaches
 * the flash controller through the write-protection hook (hook_invalid). No memory read or
 * write hook is set: with one, libunicorn 2 takes every load and store of the program, to RAM
 * as well, through its slow path (a CRC loop ran ten times slower). So a read of flash while
 * it is busy does not stall the core (nor did an instruction fetch); the next store to flash
 * or the next look at its status register waits the operation out. */
#define READ_ONLY (UC_PROT_READ | UC_PROT_EXEC)

/* Map flash at base: as it is, or with its two banks traded. */
static uc_err map_flash(sim_cpu *c, uint32_t base)
{
    const struct sim_part *p = c->env.model;
    uint8_t *f = c->env.mem->flash;
    if (!c->env.bank_swap)
        return c->u.mem_map_ptr(c->uc, base, p->flash_size, READ_ONLY, f);
    uint32_t half = swap_half(c);
    uc_err e = c->u.mem_map_ptr(c->uc, base, half, READ_ONLY, f + half);
    return e ? e : c->u.mem_map_ptr(c->uc, base + half, p->flash_size - half, READ_ONLY, f);
}

/* A store into flash, system memory or the option bytes, all mapped read-only: the flash
 * controller decides what it does. libunicorn writes the bytes after this returns; a fixup puts
 * back what the controller kept (applied before anything else looks: every peripheral access
 * and every hook applies them first). */
static void store(sim_cpu *c, uint64_t address, int size, int64_t value)
{
    apply_fixups(c);
    uint32_t addr = unalias(c, (uint32_t)address);
    uint8_t *host = sim_memory_ptr(c->env.mem, addr, (size_t)size);
    if (!host)
        return;
    sim_clock_advance_to(c->env.clock, sim_flash_busy_until(c->env.flash)); /* bus stalls while BSY */
    const char *msg = NULL;
    bool flashlike = sim_memory_in_flash(c->env.mem, addr, (size_t)size) ||
                     sim_memory_in_hole(c->env.mem, addr, (size_t)size) ||
                     sim_memory_in_options(c->env.mem, addr, (size_t)size);
    if (!flashlike)
        msg = "write to system memory (ROM)";
    else if (sim_flash_cpu_store(c->env.flash, addr, (unsigned)size, (uint32_t)value, &msg))
        msg = NULL;
    add_fixup(c, host, (unsigned)size);
    if (msg)
        set_exit(c, CPU_EXIT_FAULT, "bus fault: %s (store of %d bytes, value 0x%llx, at 0x%08x, pc 0x%08x)",
                 msg, size, (unsigned long long)value, addr, pc_of(c));
}

/* Whether addr is in what map_memories maps read-only for the flash controller to see stores. */
static bool controller_sees(sim_cpu *c, uint32_t addr)
{
    const struct sim_part *p = c->env.model;
    const sim_memory *m = c->env.mem;
    uint32_t alias_len = c->env.boot0 ? round_page(p->sysmem_size) : p->flash_size;
    return addr - p->flash_base < p->flash_size || addr - m->sys_base < m->sys_len || addr < alias_len;
}

static bool hook_invalid(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value,
                         void *user)
{
    (void)uc;
    sim_cpu *c = user;
    if (type == UC_MEM_WRITE_PROT && controller_sees(c, (uint32_t)address)) {
        store(c, address, size, value);
        return true;
    }
    const char *what = type == UC_MEM_READ_UNMAPPED    ? "read of unmapped address"
                     : type == UC_MEM_WRITE_UNMAPPED   ? "write to unmapped address"
                     : type == UC_MEM_FETCH_UNMAPPED   ? "instruction fetch from unmapped address"
                     : type == UC_MEM_WRITE_PROT       ? "write to read-only memory"
                     : type == UC_MEM_FETCH_PROT       ? "instruction fetch from non-executable memory"
                                                       : "invalid memory access";
    char stored[40] = "";
    if (type == UC_MEM_WRITE_UNMAPPED)
        snprintf(stored, sizeof stored, ", value 0x%llx", (unsigned long long)value);
    set_exit(c, CPU_EXIT_FAULT, "hard fault: %s 0x%08llx (%d bytes%s), pc 0x%08x", what, (unsigned long long)address,
             size, stored, pc_of(c));
    return false;
}

static void hook_intr(uc_engine *uc, uint32_t intno, void *user)
{
    (void)uc;
    sim_cpu *c = user;
    /* QEMU's ARM exception numbers: 1 undefined instruction, 2 SVC, 7 BKPT. */
    const char *what = intno == 1 ? "undefined instruction" : intno == 2 ? "SVC" : intno == 7 ? "BKPT"
                                                                                              : "exception";
    set_exit(c, CPU_EXIT_FAULT, "CPU stopped: %s (exception %u) at pc 0x%08x; the simulator delivers no exceptions",
             what, intno, pc_of(c));
}

static void hook_rom_entry(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    (void)uc;
    (void)size;
    sim_cpu *c = user;
    c->env.log(c->env.log_user, "program jumped to system memory (0x%08llx): ROM bootloader starts",
               (unsigned long long)address);
    set_exit(c, CPU_EXIT_ROM, NULL);
}

static uint32_t sized(uint32_t reg, uint64_t off, unsigned size)
{
    uint32_t v = reg >> (8 * (off & 3));
    return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

static uint32_t merged(uint32_t old, uint64_t off, unsigned size, uint64_t value)
{
    if (size >= 4)
        return (uint32_t)value;
    unsigned sh = 8 * (off & 3);
    uint32_t mask = ((1u << (8 * size)) - 1) << sh;
    return (old & ~mask) | (((uint32_t)value << sh) & mask);
}

static bool in_block(uint32_t addr, uint32_t base) { return addr >= base && addr < base + 0x400; }

/* The register file word behind a peripheral address no model claims. */
static uint32_t *plain_reg(sim_cpu *c, uint32_t addr)
{
    for (unsigned i = 0; i < c->nwin; i++)
        if (addr >= c->win[i].base && addr - c->win[i].base < c->win[i].size)
            return &c->win[i].regs[(addr - c->win[i].base) / 4];
    return &c->regs[(addr - PERIPH_BASE) / 4];
}

static uint32_t periph_reg_read(sim_cpu *c, uint32_t addr)
{
    const sim_soc_map *m = c->map;
    const sim_usart_route *u = c->route;
    if (in_block(addr, u->regs)) {
        sim_dma_service(&c->dma, &c->usart, &c->rcc, c->env.line, c->env.mem); /* DMA takes DR first */
        return sim_usart_read(&c->usart, c->env.line, &c->rcc, addr - u->regs, sim_flash_busy_until(c->env.flash));
    }
    if (in_block(addr, u->dma_regs))
        return sim_dma_read(&c->dma, &c->usart, &c->rcc, c->env.line, c->env.mem, addr - u->dma_regs,
                            sim_flash_busy_until(c->env.flash));
    if (m->dmamux && in_block(addr, m->dmamux))
        return sim_dma_mux_read(&c->dma, addr - m->dmamux);
    if (in_block(addr, m->rcc_regs))
        return sim_rcc_read(&c->rcc, addr - m->rcc_regs);
    if (in_block(addr, m->flash_regs))
        return sim_flash_reg_read(c->env.flash, addr - m->flash_regs);
    return *plain_reg(c, addr);
}

static void periph_reg_write(sim_cpu *c, uint32_t addr, uint32_t v)
{
    const sim_soc_map *m = c->map;
    const sim_usart_route *u = c->route;
    if (in_block(addr, u->regs)) {
        sim_usart_write(&c->usart, c->env.line, &c->rcc, addr - u->regs, v);
    } else if (in_block(addr, m->rcc_regs)) {
        sim_rcc_write(&c->rcc, addr - m->rcc_regs, v);
        sim_usart_clock_changed(&c->usart, c->env.line, &c->rcc);
    } else if (in_block(addr, u->dma_regs)) {
        sim_dma_write(&c->dma, addr - u->dma_regs, v);
    } else if (m->dmamux && in_block(addr, m->dmamux)) {
        sim_dma_mux_write(&c->dma, addr - m->dmamux, v);
    } else if (in_block(addr, m->flash_regs)) {
        sim_flash_reg_write(c->env.flash, addr - m->flash_regs, v);
        if (c->env.flash->obl_request) /* the option-byte reload resets the chip */
            set_exit(c, CPU_EXIT_RESET, NULL);
    } else {
        *plain_reg(c, addr) = v;
    }
}

static void check_stop(sim_cpu *c)
{
    if (atomic_load(&c->stop_requested))
        c->u.emu_stop(c->uc);
}

static uint64_t periph_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    (void)uc;
    sim_cpu *c = user;
    apply_fixups(c);
    check_stop(c);
    uint32_t addr = PERIPH_BASE + (uint32_t)(off & ~3ull);
    return sized(periph_reg_read(c, addr), off, size);
}

static void periph_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *user)
{
    (void)uc;
    sim_cpu *c = user;
    apply_fixups(c);
    uint32_t addr = PERIPH_BASE + (uint32_t)(off & ~3ull);
    uint32_t v = size >= 4 ? (uint32_t)value : merged(periph_reg_read(c, addr), off, size, value);
    /* Sub-word writes to DR must not re-read it (that would consume a received byte). */
    if (addr == sim_soc_usart_tx_reg(c->map, c->route))
        v = (uint32_t)value;
    periph_reg_write(c, addr, v);
}

static uint64_t window_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    (void)uc;
    struct window *w = user;
    apply_fixups(w->cpu);
    check_stop(w->cpu);
    return sized(periph_reg_read(w->cpu, w->base + (uint32_t)(off & ~3ull)), off, size);
}

static void window_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *user)
{
    (void)uc;
    struct window *w = user;
    apply_fixups(w->cpu);
    uint32_t addr = w->base + (uint32_t)(off & ~3ull);
    uint32_t v = size >= 4 ? (uint32_t)value : merged(periph_reg_read(w->cpu, addr), off, size, value);
    periph_reg_write(w->cpu, addr, v);
}

static uint64_t ppb_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    (void)uc;
    sim_cpu *c = user;
    apply_fixups(c);
    check_stop(c);
    uint32_t o = (uint32_t)off & ~3u, v;
    if (o >= 0x10 && o < 0x20)
        v = sim_systick_read(&c->systick, c->env.clock, sim_rcc_hclk(&c->rcc), o - 0x10);
    else if (o == 0xD00)
        v = c->env.part->cpuid;
    else if (o == 0xD08)
        v = c->vtor;
    else if (o == 0xD0C)
        v = 0xFA050000u | (c->ppb[o / 4] & 0x700);
    else
        v = c->ppb[o / 4];
    return sized(v, off, size);
}

static void ppb_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *user)
{
    (void)uc;
    sim_cpu *c = user;
    apply_fixups(c);
    uint32_t o = (uint32_t)off & ~3u;
    uint32_t v = merged(c->ppb[o / 4], off, size, value);
    if (o >= 0x10 && o < 0x20) {
        const char *warn = sim_systick_write(&c->systick, c->env.clock, sim_rcc_hclk(&c->rcc), o - 0x10, v);
        if (warn)
            c->env.log(c->env.log_user, "%s", warn);
    } else if (o == 0xD08) {
        c->vtor = v & 0x3FFFFF80u;
    } else if (o == 0xD0C) {
        /* AIRCR: writes need VECTKEY 0x05FA; SYSRESETREQ (bit 2) resets the chip. */
        if ((v >> 16) == 0x05FA) {
            c->ppb[o / 4] = v & 0x700;
            if (v & 4)
                set_exit(c, CPU_EXIT_RESET, NULL);
        }
    } else if (o != 0xD00) {
        c->ppb[o / 4] = v;
    }
}

/* ES0340 (F103xC/D/E errata): debug registers such as DBGMCU_IDCODE read as 0 from user code. */
/* DBGMCU_IDCODE (RM0008 31.6.1): REV_ID (0x1003, revision Y of the F1 high density line, is
 * assumed for every part) and DEV_ID, the product ID Get ID reports. The rest reads 0. */
static uint64_t dbgmcu_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    (void)uc;
    sim_cpu *c = user;
    return off < 4 ? sized(0x10030000u | c->env.part->pid, off, size) : 0;
}

static void dbgmcu_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *user)
{
    (void)uc, (void)off, (void)size, (void)value, (void)user;
}

static uc_err map_memories(sim_cpu *c)
{
    const struct sim_part *p = c->env.model;
    sim_memory *m = c->env.mem;
    uc_hook h;
    uc_err e;
    if ((e = map_flash(c, p->flash_base)) ||
        (e = c->u.mem_map_ptr(c->uc, p->ram_base, p->ram_size, UC_PROT_ALL, m->ram)) ||
        (p->ram2_size && (e = c->u.mem_map_ptr(c->uc, p->ram2_base, p->ram2_size, UC_PROT_ALL, m->ram2))) ||
        (e = c->u.mem_map_ptr(c->uc, m->sys_base, m->sys_len, READ_ONLY, m->sys)))
        return e;
    /* Address 0 aliases the boot memory (RM0008 3.4). */
    if (c->env.boot0)
        e = c->u.mem_map_ptr(c->uc, 0, round_page(p->sysmem_size), READ_ONLY,
                           m->sys + (p->sysmem_base - m->sys_base));
    else
        e = map_flash(c, 0);
    if (!e && m->info) /* UID and F_SIZE outside system memory (H7A3/B3) */
        e = c->u.mem_map_ptr(c->uc, m->info_base, 0x1000, UC_PROT_READ, m->info);
    if (e)
        return e;
    for (unsigned i = 0; i < c->nwin; i++)
        if ((e = c->u.mmio_map(c->uc, c->win[i].base, c->win[i].size, window_read, &c->win[i], window_write, &c->win[i])))
            return e;
    if ((e = c->u.mmio_map(c->uc, PERIPH_BASE, PERIPH_SIZE, periph_read, c, periph_write, c)) ||
        (e = c->u.mmio_map(c->uc, PPB_BASE, 0x1000, ppb_read, c, ppb_write, c)) ||
        (e = c->u.mmio_map(c->uc, DBGMCU_BASE, 0x1000, dbgmcu_read, c, dbgmcu_write, c)))
        return e;
    if ((e = c->u.hook_add(c->uc, &h, UC_HOOK_MEM_INVALID, hook_invalid, c, 1, 0)) ||
        (e = c->u.hook_add(c->uc, &h, UC_HOOK_INTR, hook_intr, c, 1, 0)) ||
        (e = c->u.hook_add(c->uc, &h, UC_HOOK_CODE, hook_rom_entry, c, p->sysmem_base,
                         p->sysmem_base + p->sysmem_size - 1)))
        return e;
    return UC_ERR_OK;
}

/* The core from CPUID's PARTNO: M4 (0xC24) and M7 (0xC27) as such; M0, M0+ and M3 parts run
 * on the M3 (code built for armv6-m runs on it). */
static int cpu_model(uint32_t cpuid)
{
    switch ((cpuid >> 4) & 0xFFF) {
    case 0xC24: return UC_CPU_ARM_CORTEX_M4;
    case 0xD21: return UC_CPU_ARM_CORTEX_M4; /* the M33 (L5): the stubs use no ARMv8-M instruction */
    case 0xC27: return UC_CPU_ARM_CORTEX_M7;
    default: return UC_CPU_ARM_CORTEX_M3;
    }
}

/* A core's first run pays for what the emulator does once: its translation pools and code
 * buffer faulted in page by page, libunicorn's translator paged in. Some 0.3 ms of a first
 * stage's start that the host would wait for; the board's warm thread pays it instead, by
 * running this block in a page of its own where no STM32 has memory (the ARMv7-M external RAM
 * region, executable), then unmapping it: nothing the program sees changes. The block is a
 * bitwise CRC, a ring buffer's reads and a copy, the kinds of loop a loader runs: our C,
 * position independent (arm-none-eabi-gcc -mthumb -mcpu=cortex-m3 -Os), with
 *     unsigned warm(unsigned char *scratch)   at +0x14, returning through LR;
 *     void copy(unsigned char *d, const unsigned char *s, unsigned n)   at +0. */
#define WARM_PAGE 0x7FFFF000u
static const uint16_t warm_code[] = {
    0x3801, 0x440a, 0x4291, 0xd100, 0x4770, 0xf811, 0x3b01, 0xf800, 0x3f01, 0xe7f7, 0x2300, 0xb5f7,
    0x4604, 0x4619, 0x461a, 0xf04f, 0x35ff, 0x4f18, 0x9301, 0x5ca0, 0x4045, 0x2008, 0xf345, 0x0600,
    0x403e, 0x3801, 0xea86, 0x0555, 0xd1f8, 0xf002, 0x001f, 0x3040, 0x4299, 0xd01a, 0x5c66, 0x3101,
    0x2940, 0xf102, 0x0201, 0xbf08, 0x2100, 0x2a40, 0x5426, 0xd1e6, 0x4621, 0xf104, 0x0080, 0xf7ff,
    0xffcf, 0x2300, 0x34fe, 0xfa25, 0xf203, 0x3301, 0x2b10, 0xf824, 0x2f02, 0xd1f8, 0x43e8, 0xb003,
    0xbdf0, 0x9b01, 0xf1c3, 0x0340, 0xe7de, 0xbf00, 0x8320, 0xedb8,
};

static void remove_cache(sim_cpu *c, uint64_t begin, uint64_t end);

static void warm_translator(sim_cpu *c)
{
    uint8_t *page = aligned_alloc(0x1000, 0x1000);
    if (!page)
        return;
    memset(page, 0, 0x1000); /* the scratch it reads too */
    memcpy(page, warm_code, sizeof warm_code);
    uint32_t scratch = WARM_PAGE + 0x400, sp = WARM_PAGE + 0xE00, lr = (WARM_PAGE + 0xF00) | 1;
    if (c->u.mem_map_ptr(c->uc, WARM_PAGE, 0x1000, UC_PROT_ALL, page) == UC_ERR_OK) {
        c->u.reg_write(c->uc, UC_ARM_REG_R0, &scratch);
        c->u.reg_write(c->uc, UC_ARM_REG_SP, &sp);
        c->u.reg_write(c->uc, UC_ARM_REG_LR, &lr);
        c->u.emu_start(c->uc, (WARM_PAGE + 0x14) | 1, WARM_PAGE + 0xF00, 0, 0);
        remove_cache(c, WARM_PAGE, WARM_PAGE + 0x1000);
        c->u.mem_unmap(c->uc, WARM_PAGE, 0x1000);
    }
    free(page);
}

/* Write a zero into each page of a zeroed allocation. */
static void touch_pages(uint32_t *words, size_t bytes)
{
    volatile uint32_t *w = words;
    for (size_t i = 0; i < bytes / 4; i += 1024)
        w[i] = 0;
}

sim_cpu *sim_cpu_new(const sim_cpu_env *env, char **err)
{
    sim_cpu *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->env = *env;
    if (!c->env.model)
        c->env.model = env->part;
    c->map = sim_part_family(c->env.model);
    c->route = sim_usart_route_find(c->map->name, env->usart->n);
    c->regs = calloc(PERIPH_SIZE / 4, sizeof *c->regs);
    bool ok = c->regs != NULL;
    for (unsigned i = 0; i < c->map->nwindows && c->nwin < MAX_WINDOWS; i++) {
        uint32_t base = c->map->windows[i].base, size = c->map->windows[i].size;
        struct window *w = &c->win[c->nwin++];
        *w = (struct window){c, base, size, calloc(size / 4, sizeof(uint32_t))};
        ok &= w->regs != NULL;
    }
    /* The register files' pages faulted in now, while the ROM listens (the board's warm
     * thread): reset_state clears them at every start, the first one right after Go. */
    if (ok) {
        touch_pages(c->regs, PERIPH_SIZE);
        for (unsigned i = 0; i < c->nwin; i++)
            touch_pages(c->win[i].regs, c->win[i].size);
    }
    char why[160] = "out of memory";
    if (ok && !sim_unicorn_load(&c->u, why, sizeof why))
        ok = false;
    else if (ok) {
        uc_err e = c->u.open(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS, &c->uc);
        if (!e)
            e = c->u.ctl(c->uc, UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1), (int)cpu_model(c->env.model->cpuid));
        if (!e)
            e = map_memories(c);
        if (!e)
            warm_translator(c);
        if (e) {
            snprintf(why, sizeof why, "%s", c->u.strerror(e));
            ok = false;
        }
    }
    if (!ok) {
        if (err) {
            *err = malloc(200);
            if (*err)
                snprintf(*err, 200, "cannot set up the Cortex-M core (libunicorn): %s", why);
        }
        sim_cpu_free(c);
        return NULL;
    }
    return c;
}

void sim_cpu_arm(sim_cpu *c) { atomic_store(&c->stop_requested, false); }

/* Drop code translated from [begin, end). */
static void remove_cache(sim_cpu *c, uint64_t begin, uint64_t end)
{
    c->u.ctl(c->uc, UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2), begin, end);
}

/* What a system reset does to the core and the peripherals the sim models. */
static void reset_state(sim_cpu *c)
{
    c->exited = false;
    c->fault[0] = 0;
    c->nfix = 0;
    c->rcc.pll_stuck = c->env.pll_stuck;
    c->rcc.kind = c->map->rcc_kind;
    c->rcc.msi_reset = c->map->msi_reset;
    sim_rcc_reset(&c->rcc, false);
    c->usart.v2 = c->map->usart_v2;
    c->usart.at = c->env.usart;
    sim_usart_reset(&c->usart, c->env.line);
    sim_dma_reset(&c->dma, c->map, c->env.usart, c->route);
    sim_systick_reset(&c->systick);
    memset(c->regs, 0, PERIPH_SIZE);
    for (unsigned i = 0; i < c->nwin; i++)
        memset(c->win[i].regs, 0, c->win[i].size);
    memset(c->ppb, 0, sizeof c->ppb);
    c->vtor = 0;
    uint32_t zero = 0, lr = 0xFFFFFFFFu, xpsr = 0x01000000u; /* Thumb state, no IT block */
    for (int r = UC_ARM_REG_R0; r <= UC_ARM_REG_R12; r++)
        c->u.reg_write(c->uc, r, &zero);
    c->u.reg_write(c->uc, UC_ARM_REG_LR, &lr);
    c->u.reg_write(c->uc, UC_ARM_REG_XPSR, &xpsr);
    c->u.reg_write(c->uc, UC_ARM_REG_PRIMASK, &zero);
    c->u.reg_write(c->uc, UC_ARM_REG_CONTROL, &zero);
    /* The ROM writes RAM and flash behind the emulator's back: drop code translated from them
     * (a range removal; a whole-cache flush costs ~100 ms). Before the first run there is none
     * (0.05-0.3 ms saved at the first Go). */
    if (!c->ran)
        return;
    const struct sim_part *p = c->env.part;
    remove_cache(c, p->ram_base, p->ram_base + p->ram_size);
    if (p->ram2_size)
        remove_cache(c, p->ram2_base, p->ram2_base + p->ram2_size);
    remove_cache(c, p->flash_base, p->flash_base + p->flash_size);
    remove_cache(c, 0, p->flash_size);
}

void sim_cpu_free(sim_cpu *c)
{
    if (!c)
        return;
    if (c->uc)
        c->u.close(c->uc);
    free(c->regs);
    for (unsigned i = 0; i < c->nwin; i++)
        free(c->win[i].regs);
    free(c);
}

int64_t sim_cpu_exit_time(const sim_cpu *c) { return c->exit_time; }

void sim_cpu_stop(sim_cpu *c)
{
    atomic_store(&c->stop_requested, true);
    c->u.emu_stop(c->uc);
}

enum sim_cpu_exit sim_cpu_run(sim_cpu *c, uint32_t vtor, uint32_t rom_baud, char *fault, size_t fault_len)
{
    uint32_t sp = 0, pc = 0;
    reset_state(c);
    if (rom_baud) {
        sim_rcc_rom_handover(&c->rcc, c->env.rom_pll_on, c->env.usart);
        sim_usart_rom_handover(&c->usart, c->env.line, &c->rcc, rom_baud);
    }
    uint8_t *vt = sim_memory_ptr(c->env.mem, unalias(c, vtor), 8);
    if (!vt) {
        set_exit(c, CPU_EXIT_FAULT, "hard fault: vector table at 0x%08x is not in memory", vtor);
    } else {
        memcpy(&sp, vt, 4);
        memcpy(&pc, vt + 4, 4);
        c->vtor = vtor;
        if (!(pc & 1))
            set_exit(c, CPU_EXIT_FAULT, "usage fault (INVSTATE): reset vector 0x%08x at 0x%08x has no Thumb bit",
                     pc, vtor + 4);
        c->u.reg_write(c->uc, UC_ARM_REG_SP, &sp);
    }
    c->ran = true;
    while (!c->exited && !atomic_load(&c->stop_requested)) {
        uc_err e = c->u.emu_start(c->uc, pc | 1, 0xFFFFFFFFu, 0, 0);
        apply_fixups(c);
        if (e && !c->exited)
        {
            uint32_t lr = 0, sp_now = 0;
            c->u.reg_read(c->uc, UC_ARM_REG_LR, &lr);
            c->u.reg_read(c->uc, UC_ARM_REG_SP, &sp_now);
            set_exit(c, CPU_EXIT_FAULT, "CPU stopped: %s at pc 0x%08x (lr 0x%08x, sp 0x%08x)", c->u.strerror(e), pc_of(c),
                     lr, sp_now);
        }
        pc = pc_of(c);
    }
    apply_fixups(c);
    if (!c->exited)
        c->exit = CPU_EXIT_STOP;
    if (fault)
        snprintf(fault, fault_len, "%s", c->fault);
    return c->exit;
}
