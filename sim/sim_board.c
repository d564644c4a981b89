/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_board.c - a virtual STM32 board: memories, flash controller, serial line, and a thread
 * that boots the ROM bootloader or the CPU and follows resets, power cuts and faults. */
#define _POSIX_C_SOURCE 200809L
#include "sim_cpu.h"
#include "sim_flash.h"
#include "sim_line.h"
#include "sim_memory.h"
#include "sim_periph.h"
#include "sim_rom.h"
#include "stm32sim.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_POWER_OFF_MS 100

struct sim_board {
    const sim_part *part;      /* &flash.now: rewritten at each reset */
    const sim_part *model;     /* the device table's entry: never written (the warm thread's) */
    sim_options opt;
    const sfi_usart *usart;    /* where the ROM's line is (opt.usart) */
    char *flash_file;
    bool file_whole;     /* flash_file holds what the memory held when loaded or last saved */
    sim_clock clock;
    sim_line *line;
    sim_memory mem;
    sim_flash flash;

    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t thread, cut_timer, warm;
    bool started, cut_timer_started, warm_started;
    pthread_mutex_t cpus_lock; /* cpus[] are made on first use, or ahead of it by warm */
    bool stop_req, reset_req, cut_req;
    int64_t cut_time;
    uint32_t off_ms;
    bool boot0;
    bool nrst_low;       /* held in reset by a control line */
    bool lines[4];       /* host control lines by sim_ctl_line, true = asserted */
    int64_t reset_at;    /* clock time of the pending reset (request, AIRCR write, power-on) */
    sim_cpu *cpu;        /* while the CPU runs */
    sim_cpu *cpus[4];    /* engines: BOOT0 low, high, then each with the banks swapped; reused */
    unsigned resets;
    int64_t listens_at;  /* when the last reset's ROM starts to listen (sim_board_wait_started) */
    uint64_t ram_bytes_written; /* by the ROM's Write Memory (fault damage_ram_byte) */
    char fault[256];
};

static char *format_error(const char *fmt, ...)
{
    char *s = malloc(512);
    if (!s)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, 512, fmt, ap);
    va_end(ap);
    return s;
}

static void board_log(void *user, const char *fmt, ...)
{
    sim_board *b = user;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (b->opt.log)
        b->opt.log(line, b->opt.log_user);
    else
        fprintf(stderr, "stubflash-sim: %s\n", line);
}

static size_t image_size(const sim_part *p) { return (size_t)p->flash_size + p->optbytes_size + p->optbytes2_size; }

/* The board's file, opened and its size checked (*fd -1: there is none yet, a new board with
 * blank flash and factory option bytes); *area2 false for a file saved before the board kept
 * bank 2's option words (the L4R5's, at 0x1FF01000, are newer than its flash files). */
static int open_flash_file(sim_board *b, int *fd, bool *area2, char **err)
{
    const sim_part *p = b->part;
    struct stat st;
    *fd = open(b->flash_file, O_RDONLY | O_CLOEXEC);
    if (*fd < 0) {
        if (errno == ENOENT)
            return 0;
        if (err)
            *err = format_error("%s: %s", b->flash_file, strerror(errno));
        return -1;
    }
    size_t want = image_size(p);
    size_t got = fstat(*fd, &st) == 0 ? (size_t)st.st_size : 0;
    *area2 = got == want;
    if (got != want && !(p->optbytes2_size && got == want - p->optbytes2_size)) {
        if (err)
            *err = format_error("%s: %zu bytes, expected %zu (%u bytes of flash for %s followed by "
                                "%u bytes of option bytes)", b->flash_file, got, want, p->flash_size,
                                p->name, p->optbytes_size + p->optbytes2_size);
        close(*fd);
        *fd = -1;
        return -1;
    }
    return 0;
}

/* The option bytes from the file (its flash is mapped already, sim_memory_init): bank 2's stay
 * as the factory left them in a file without them, which the next save rewrites. */
static int load_options(sim_board *b, int fd, bool area2, char **err)
{
    const sim_part *p = b->part;
    bool ok = pread(fd, sim_memory_options(&b->mem), p->optbytes_size, p->flash_size) == (ssize_t)p->optbytes_size;
    if (ok && area2 && p->optbytes2_size)
        ok = pread(fd, sim_memory_options2(&b->mem), p->optbytes2_size, (off_t)p->flash_size + p->optbytes_size) ==
             (ssize_t)p->optbytes2_size;
    if (!ok) {
        if (err)
            *err = format_error("%s: cannot read its option bytes: %s", b->flash_file, strerror(errno));
        return -1;
    }
    b->file_whole = area2;
    return 0;
}

/* The n bytes of the open file fd at off are those at mem (buf: room for n). */
static bool file_has(int fd, uint8_t *buf, off_t off, const uint8_t *mem, size_t n)
{
    return pread(fd, buf, n, off) == (ssize_t)n && memcmp(buf, mem, n) == 0;
}

/* Whether the file holds what a save would write. Only the flash pages written since the file
 * was mapped can differ from it (sim_memory_flash_written; every page where that cannot be
 * told), and the option bytes: those are compared, not the whole flash (0.4 ms for 512 KiB,
 * with the page faults of reading what nobody touched). Pages written with what they held
 * compare equal. After a save the mapping is still the old file's: its untouched pages hold
 * what the save wrote for them. */
static bool file_holds_memory(sim_board *b)
{
    const sim_part *p = b->part;
    size_t page = sim_memory_page_size(), npages = (p->flash_size + page - 1) / page;
    size_t big = page > p->optbytes_size ? page : p->optbytes_size;
    if (p->optbytes2_size > big)
        big = p->optbytes2_size;
    int fd = open(b->flash_file, O_RDONLY | O_CLOEXEC);
    bool *written = malloc(npages);
    uint8_t *buf = malloc(big);
    bool same = fd >= 0 && written && buf;
    bool known = same && sim_memory_flash_written(&b->mem, written, npages);
    for (size_t i = 0; same && i < npages; i++) {
        size_t off = i * page, n = p->flash_size - off < page ? p->flash_size - off : page;
        if (!known || written[i])
            same = file_has(fd, buf, (off_t)off, b->mem.flash + off, n);
    }
    same = same && file_has(fd, buf, p->flash_size, sim_memory_options(&b->mem), p->optbytes_size);
    if (same && p->optbytes2_size)
        same = file_has(fd, buf, (off_t)p->flash_size + p->optbytes_size, sim_memory_options2(&b->mem),
                        p->optbytes2_size);
    free(buf);
    free(written);
    if (fd >= 0)
        close(fd);
    return same;
}

static bool write_all(FILE *f, const void *data, size_t len) { return fwrite(data, 1, len, f) == len; }

int sim_board_save(sim_board *b, char **err)
{
    if (!b->flash_file)
        return 0;
    const sim_part *p = b->part;
    pthread_mutex_lock(&b->lock);
    if (b->file_whole && file_holds_memory(b)) {
        pthread_mutex_unlock(&b->lock);
        return 0;
    }
    size_t n = strlen(b->flash_file) + 8;
    char *tmp = malloc(n);
    if (!tmp) {
        pthread_mutex_unlock(&b->lock);
        return -1;
    }
    snprintf(tmp, n, "%s.tmp", b->flash_file);
    FILE *f = fopen(tmp, "wb");
    int rc = -1;
    if (f) {
        bool ok = write_all(f, b->mem.flash, p->flash_size) &&
                  write_all(f, sim_memory_options(&b->mem), p->optbytes_size) &&
                  (!p->optbytes2_size || write_all(f, sim_memory_options2(&b->mem), p->optbytes2_size));
        ok = (fclose(f) == 0) && ok;
        if (ok && rename(tmp, b->flash_file) == 0)
            rc = 0;
    }
    if (rc == 0)
        b->file_whole = true;
    pthread_mutex_unlock(&b->lock);
    if (rc != 0) {
        if (err)
            *err = format_error("cannot save %s: %s", b->flash_file, strerror(errno));
        remove(tmp);
    }
    free(tmp);
    return rc;
}

static void on_byte_limit(void *user)
{
    sim_board *b = user;
    sim_board_power_cut(b, b->opt.faults.power_off_ms ? b->opt.faults.power_off_ms : DEFAULT_POWER_OFF_MS);
}

sim_board *sim_board_new(const sim_part *part, const sim_options *opt, char **err)
{
    sim_board *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    static const sim_options defaults = {.boot0 = true};
    b->part = b->model = part;
    b->opt = opt ? *opt : defaults;
    unsigned n = b->opt.usart ? b->opt.usart : 1;
    b->usart = sfi_usart_find(sim_part_family(part)->name, n);
    if (!b->usart || !sim_usart_route_find(sim_part_family(part)->name, n)) {
        if (err) {
            char list[16] = "";
            for (unsigned i = 1; i <= 3; i++)
                if (sfi_usart_find(sim_part_family(part)->name, i) && sim_usart_route_find(sim_part_family(part)->name, i))
                    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%u", list[0] ? ", " : "", i);
            *err = format_error("%s: no USART%u to serve the bootloader on (this family's: %s)", part->name, n, list);
        }
        free(b);
        return NULL;
    }
    b->boot0 = b->opt.boot0;
    if (b->opt.wiring.boot0 != SIM_LINE_NONE) /* every line starts released */
        b->boot0 = b->opt.wiring.boot0_inverted;
    b->nrst_low = b->opt.wiring.nrst != SIM_LINE_NONE && b->opt.wiring.nrst_inverted;
    pthread_mutex_init(&b->lock, NULL);
    pthread_mutex_init(&b->cpus_lock, NULL);
    pthread_cond_init(&b->cond, NULL);
    sim_clock_init(&b->clock, b->opt.realtime);
    int fd = -1;
    bool area2 = false;
    if (b->opt.flash_file && (!(b->flash_file = strdup(b->opt.flash_file)) || open_flash_file(b, &fd, &area2, err))) {
        sim_board_free(b);
        return NULL;
    }
    if (sim_memory_init(&b->mem, part, fd) != 0 || !(b->line = sim_line_new(&b->clock, &b->opt.faults))) {
        if (err)
            *err = format_error("out of memory");
        if (fd >= 0)
            close(fd);
        sim_board_free(b);
        return NULL;
    }
    if (b->opt.serial) { /* the unique ID's X/Y wafer coordinates (RM0008 30.2) */
        uint8_t *uid = sim_memory_ptr(&b->mem, part->uid_reg, 4);
        for (int i = 0; uid && i < 4; i++)
            uid[i] ^= (uint8_t)(b->opt.serial >> (8 * i));
    }
    sim_flash_init(&b->flash, part, &b->clock, b->mem.flash, sim_memory_options(&b->mem));
    b->part = b->flash.part; /* its banks and pages as the option bytes set them at each reset */
    sim_flash_set_options2(&b->flash, sim_memory_options2(&b->mem));
    sim_flash_default_options(&b->flash);
    if (fd >= 0) {
        int rc = load_options(b, fd, area2, err);
        close(fd);
        if (rc) {
            sim_board_free(b);
            return NULL;
        }
    }
    b->opt.flash_file = b->flash_file;
    sim_flash_reset(&b->flash);
    sim_line_on_byte_limit(b->line, on_byte_limit, b);
    return b;
}

/* Raise a request and wake whatever the board thread is blocked in. Call with lock held. */
static void interrupt_locked(sim_board *b)
{
    sim_line_interrupt(b->line, true);
    if (b->cpu)
        sim_cpu_stop(b->cpu);
    pthread_cond_broadcast(&b->cond);
}

static bool requested_locked(sim_board *b) { return b->stop_req || b->reset_req || b->cut_req; }

/* The board's engine for a BOOT0 level (and flash banks swapped or not), created on first use. */
static sim_cpu *cpu_for(sim_board *b, bool boot0, bool swap)
{
    int k = boot0 ? (swap ? 3 : 1) : swap ? 2 : 0;
    pthread_mutex_lock(&b->cpus_lock);
    if (b->cpus[k]) {
        pthread_mutex_unlock(&b->cpus_lock);
        return b->cpus[k];
    }
    sim_cpu_env env = {.pll_stuck = b->opt.faults.pll_stuck, .rom_pll_on = b->opt.rom_pll_on, .usart = b->usart, .part = b->part, .model = b->model, .clock = &b->clock, .line = b->line, .flash = &b->flash,
                       .mem = &b->mem, .boot0 = boot0, .bank_swap = swap, .log = board_log, .log_user = b};
    char *err = NULL;
    b->cpus[k] = sim_cpu_new(&env, &err);
    if (!b->cpus[k])
        board_log(b, "%s", err ? err : "cannot create the CPU");
    free(err);
    sim_cpu *cpu = b->cpus[k];
    pthread_mutex_unlock(&b->cpus_lock);
    return cpu;
}

/* The core of the boot mode at power-on, made while the ROM already listens: a chip's core is
 * there before the first Go, and making the engine takes some ms of the host's time. */
static void *warm_thread(void *arg)
{
    sim_board *b = arg;
    cpu_for(b, b->boot0, false);
    return NULL;
}

/* Whether the word at addr (a vector table's first) is a stack pointer in RAM: what the
 * bootloader's dual-bank boot checks of a bank before it jumps there (AN2606 "dual bank boot"). */
static bool holds_firmware(sim_board *b, uint32_t addr)
{
    const sim_part *p = b->flash.part;
    uint32_t sp;
    if (sim_board_peek(b, addr, &sp, 4))
        return false;
    return (sp > p->ram_base && sp - p->ram_base <= p->ram_size) ||
           (p->ram2_size && sp > p->ram2_base && sp - p->ram2_base <= p->ram2_size);
}

/* With BOOT0 low: the bank that boots. A part whose boot-bank option names bank 2 starts it with
 * the banks swapped if it holds firmware, else bank 1 if that does; with neither, its
 * bootloader stays (false: run the ROM). Only two equal banks without a hole swap. The L4/L4+/G4
 * and F42x (BFB2) do it through their bootloader (AN2606 dual-bank boot; RM0090 2.4 and
 * SYSCFG_MEMRMP UFB_MODE on the F42x); the F42x's system memory left aliased at 0 after that
 * jump (ST community report) is not modelled: flash is at 0 here. */
static bool boot_from_flash(sim_board *b, bool *swap)
{
    const sim_part *p = b->flash.part; /* the banks the option bytes made at this reset */
    *swap = false;
    if (b->flash.bank_swap) { /* H7: a swap of the address map, whatever the banks hold */
        *swap = true;
        return true;
    }
    if (!p->bank2_base || p->hole_size || (p->bank2_base - p->flash_base) * 2 != p->flash_size ||
        sim_options_boot_bank(p, sim_memory_options(&b->mem)) != 2)
        return true;
    if (holds_firmware(b, p->bank2_base)) {
        *swap = true;
        return true;
    }
    return holds_firmware(b, p->flash_base);
}

/* F7 with BOOT0 low: the core fetches its vector table at the address BOOT_ADD0 gives (RM0385
 * and RM0410, "Boot configuration"; stm32f7xx_hal_flash_ex.h: BOOT_ADDx[15:0] = address bits
 * 29:14). Modelled: an address in the flash on AXIM (0x08000000 + offset: bank 1, or bank 2 at
 * 0x08100000 on an F76x/77x with nDBANK = 0, which ST's FLASH_DualBoot example boots this way,
 * nothing remapped) starts there; the system memory (0x00100000 on ITCM, BOOT_ADD0 = 0x0040,
 * or its AXIM address) starts the ROM (false). Anything else, the flash on ITCM at 0x00200000 (the factory's 0x0080) included,
 * starts at the flash base as before: the ITCM alias and RAM boots are not modelled. The ROM
 * bootloader sees the banks at their own addresses whatever BOOT_ADD0 says. */
static bool f7_boot_address(sim_board *b, uint32_t *vtor)
{
    const sim_part *p = b->flash.part;
    *vtor = p->flash_base;
    if (p->family != SFI_FAMILY_F7)
        return true;
    uint32_t addr = sim_options_boot_add0(p, sim_memory_options(&b->mem));
    if (addr == 0x00100000u || addr == p->sysmem_base) /* the system memory on ITCM, or on AXIM */
        return false;
    if (addr - p->flash_base < p->flash_size)
        *vtor = addr;
    return true;
}

static sim_rom_env rom_env(sim_board *b)
{
    return (sim_rom_env){.part = b->flash.part, .line = b->line, .clock = &b->clock, .flash = &b->flash, .mem = &b->mem,
                         .damage_ram_byte = b->opt.faults.damage_ram_byte, .ram_bytes_written = &b->ram_bytes_written};
}

/* Run code on the CPU from a vector table; follow jumps into the ROM and its Go commands.
 * after_go: the ROM's Go starts it (it finds USART1 as the ROM left it), else a reset. */
static void run_cpu(sim_board *b, uint32_t vtor, bool boot0, bool after_go, bool swap)
{
    for (;;) {
        sim_cpu *cpu = cpu_for(b, boot0, swap);
        if (!cpu)
            return;
        pthread_mutex_lock(&b->lock);
        sim_cpu_arm(cpu);
        b->cpu = cpu;
        if (requested_locked(b))
            sim_cpu_stop(cpu);
        pthread_mutex_unlock(&b->lock);

        char fault[256];
        uint32_t rom_baud = after_go ? sim_line_device_last_rate(b->line) : 0; /* the Go command's */
        enum sim_cpu_exit ex = sim_cpu_run(cpu, vtor, rom_baud, fault, sizeof fault);

        pthread_mutex_lock(&b->lock);
        b->cpu = NULL;
        if (ex == CPU_EXIT_RESET && !b->reset_at)
            b->reset_at = sim_cpu_exit_time(cpu);
        pthread_mutex_unlock(&b->lock);

        if (ex == CPU_EXIT_FAULT) {
            board_log(b, "%s", fault);
            pthread_mutex_lock(&b->lock);
            snprintf(b->fault, sizeof b->fault, "%s", fault);
            while (!requested_locked(b)) /* halted until reset or power cut */
                pthread_cond_wait(&b->cond, &b->lock);
            pthread_mutex_unlock(&b->lock);
            return;
        }
        if (ex != CPU_EXIT_ROM)
            return; /* reset request or external stop: the main loop decides */
        sim_rom_env renv = rom_env(b);
        if (sim_rom_run(&renv, &vtor) != ROM_GO)
            return;
        after_go = true;
    }
}

static void run_rom(sim_board *b)
{
    sim_rom_env env = rom_env(b);
    uint32_t go;
    enum sim_rom_exit ex = sim_rom_run(&env, &go);
    if (ex == ROM_GO) {
        run_cpu(b, go, true, true, b->flash.bank_swap); /* the L4/G4 bootloader's Go: no FB_MODE */
    } else if (ex == ROM_RESET) {
        pthread_mutex_lock(&b->lock);
        if (!b->reset_at)
            b->reset_at = sim_clock_now(&b->clock);
        pthread_mutex_unlock(&b->lock);
    }
}

static void scramble_ram(sim_board *b)
{
    uint32_t x = 0x12345678u ^ b->resets;
    for (uint32_t i = 0; i < b->part->ram_size; i++) {
        x = x * 1103515245u + 12345u;
        b->mem.ram[i] = (uint8_t)(x >> 16);
    }
    for (uint32_t i = 0; i < b->part->ram2_size; i++) {
        x = x * 1103515245u + 12345u;
        b->mem.ram2[i] = (uint8_t)(x >> 16);
    }
}

static void *board_thread(void *arg)
{
    sim_board *b = arg;
    bool power_on = true;
    sim_sleep_precisely();
    pthread_mutex_lock(&b->lock);
    for (;;) {
        if (b->stop_req)
            break;
        if (b->cut_req) {
            sim_flash_power_cut(&b->flash, b->cut_time);
            b->cut_req = false;
            power_on = true;
            board_log(b, "power cut: board off for %u ms", b->off_ms);
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            int64_t until = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + (int64_t)b->off_ms * 1000000;
            ts.tv_sec = until / 1000000000;
            ts.tv_nsec = until % 1000000000;
            sim_line_device_reset(b->line, INT64_MAX, 0); /* an unpowered chip hears nothing */
            while (!b->stop_req && !b->cut_req &&
                   pthread_cond_timedwait(&b->cond, &b->lock, &ts) != ETIMEDOUT)
                ;
            b->reset_at = sim_clock_now(&b->clock); /* power back on */
            continue;
        }
        if (b->nrst_low) { /* held in reset: nothing runs, the line is dead */
            sim_line_device_reset(b->line, INT64_MAX, 0);
            while (!b->stop_req && !b->cut_req && b->nrst_low)
                pthread_cond_wait(&b->cond, &b->lock);
            b->reset_at = sim_clock_now(&b->clock); /* released: boot now */
            continue;
        }
        b->reset_req = false;
        b->resets++;
        b->fault[0] = 0;
        sim_line_interrupt(b->line, false);
        if (power_on)
            scramble_ram(b); /* SRAM content is undefined after power-up */
        sim_flash_reset(&b->flash);
        if (power_on || b->flash.obl_request)
            sim_flash_option_load(&b->flash);
        /* A chip whose first flash word was erased at option-byte loading boots its ROM even
         * with BOOT0 low, while the empty check's note stands (sim_part.h). */
        bool boot0 = b->boot0 || b->flash.empty, swap = false;
        if (!boot0 && !boot_from_flash(b, &swap))
            boot0 = true; /* the dual-bank boot found no firmware: the bootloader stays */
        uint32_t vtor = b->part->flash_base;
        if (!boot0 && !f7_boot_address(b, &vtor))
            boot0 = true; /* F7: BOOT_ADD0 names the system memory */
        /* Its first power-on is in the past for a board that was on before it started. */
        bool was_on = power_on && b->resets == 1 && b->opt.on_before_start;
        power_on = false;
        int64_t at = b->reset_at ? b->reset_at : sim_clock_now(&b->clock);
        b->reset_at = 0;
        int64_t startup = boot0 && b->clock.realtime && !was_on ? b->part->rom_startup_ns : 0;
        sim_line_device_reset(b->line, at + startup, boot0 ? LINE_AUTOBAUD : 0);
        b->listens_at = at + startup;
        pthread_mutex_unlock(&b->lock);
        if (swap)
            board_log(b, "dual-bank boot: bank 2 holds firmware, it starts with the banks swapped");

        if (boot0)
            run_rom(b);
        else
            run_cpu(b, vtor, false, false, swap);

        pthread_mutex_lock(&b->lock);
        /* A program that left by itself (reset request, ROM reset) reboots; otherwise the
         * request that interrupted it is handled at the top. */
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

static void *cut_timer_thread(void *arg)
{
    sim_board *b = arg;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t until = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + (int64_t)b->opt.faults.power_cut_after_ms * 1000000;
    ts.tv_sec = until / 1000000000;
    ts.tv_nsec = until % 1000000000;
    pthread_mutex_lock(&b->lock);
    int rc = 0;
    while (!b->stop_req && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&b->cond, &b->lock, &ts);
    bool fire = !b->stop_req;
    pthread_mutex_unlock(&b->lock);
    if (fire)
        on_byte_limit(b);
    return NULL;
}

int sim_board_start(sim_board *b)
{
    if (b->started)
        return 0;
    b->stop_req = false;
    b->reset_at = sim_clock_now(&b->clock); /* power-on: the line is live from now on */
    if (pthread_create(&b->thread, NULL, board_thread, b) != 0)
        return -1;
    b->started = true;
    b->warm_started = pthread_create(&b->warm, NULL, warm_thread, b) == 0;
    if (b->opt.faults.power_cut_after_ms &&
        pthread_create(&b->cut_timer, NULL, cut_timer_thread, b) == 0)
        b->cut_timer_started = true;
    return 0;
}

void sim_board_stop(sim_board *b)
{
    if (!b->started)
        return;
    pthread_mutex_lock(&b->lock);
    b->stop_req = true;
    interrupt_locked(b);
    pthread_mutex_unlock(&b->lock);
    pthread_join(b->thread, NULL);
    if (b->cut_timer_started)
        pthread_join(b->cut_timer, NULL);
    if (b->warm_started)
        pthread_join(b->warm, NULL);
    b->started = b->cut_timer_started = b->warm_started = false;
}

void sim_board_free(sim_board *b)
{
    if (!b)
        return;
    sim_board_stop(b);
    for (int k = 0; k < 4; k++)
        sim_cpu_free(b->cpus[k]);
    sim_line_free(b->line);
    sim_memory_free(&b->mem);
    free(b->flash_file);
    pthread_cond_destroy(&b->cond);
    pthread_mutex_destroy(&b->cpus_lock);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

const sim_part *sim_board_part(const sim_board *b) { return b->part; }

const sim_part *sim_board_layout(sim_board *b)
{
    pthread_mutex_lock(&b->lock);
    const sim_part *p = b->flash.part;
    pthread_mutex_unlock(&b->lock);
    return p;
}

void sim_board_set_boot0(sim_board *b, bool high)
{
    pthread_mutex_lock(&b->lock);
    b->boot0 = high;
    pthread_mutex_unlock(&b->lock);
}

int sim_wiring_parse_line(const char *text, sim_ctl_line *line, bool *inverted)
{
    *inverted = text[0] == '!';
    text += *inverted;
    static const char *const names[] = {"none", "dtr", "rts", "brk"};
    for (int i = 0; i < 4; i++)
        if (strcmp(text, names[i]) == 0) {
            *line = (sim_ctl_line)i;
            return 0;
        }
    return -1;
}

static bool pin_active(const sim_board *b, sim_ctl_line line, bool inverted)
{
    return line != SIM_LINE_NONE && b->lines[line] != inverted;
}

void sim_board_set_line(sim_board *b, sim_ctl_line line, bool asserted)
{
    if (line == SIM_LINE_NONE || line > SIM_LINE_BREAK)
        return;
    const sim_wiring *w = &b->opt.wiring;
    pthread_mutex_lock(&b->lock);
    b->lines[line] = asserted;
    if (w->boot0 != SIM_LINE_NONE)
        b->boot0 = pin_active(b, w->boot0, w->boot0_inverted);
    bool low = pin_active(b, w->nrst, w->nrst_inverted);
    if (low != b->nrst_low) {
        b->nrst_low = low;
        if (low) {
            b->reset_req = true;
            interrupt_locked(b);
        } else {
            pthread_cond_broadcast(&b->cond);
        }
    }
    pthread_mutex_unlock(&b->lock);
}

void sim_board_reset(sim_board *b)
{
    pthread_mutex_lock(&b->lock);
    b->reset_req = true;
    if (!b->reset_at)
        b->reset_at = sim_clock_now(&b->clock);
    interrupt_locked(b);
    pthread_mutex_unlock(&b->lock);
}

void sim_board_power_cut(sim_board *b, uint32_t off_ms)
{
    pthread_mutex_lock(&b->lock);
    if (!b->cut_req) {
        b->cut_req = true;
        b->cut_time = sim_clock_now(&b->clock);
        b->off_ms = off_ms;
    }
    interrupt_locked(b);
    pthread_mutex_unlock(&b->lock);
}

void sim_board_set_line_faults(sim_board *b, const sim_faults *faults) { sim_line_set_faults(b->line, faults); }

void sim_board_line_burst(sim_board *b, size_t len) { sim_line_burst(b->line, len); }

unsigned sim_board_reset_count(sim_board *b)
{
    pthread_mutex_lock(&b->lock);
    unsigned n = b->resets;
    pthread_mutex_unlock(&b->lock);
    return n;
}

void sim_board_wait_core(sim_board *b)
{
    if (b->warm_started) {
        pthread_join(b->warm, NULL);
        b->warm_started = false;
    }
}

void sim_board_wait_started(sim_board *b, unsigned timeout_ms)
{
    int64_t end = sim_monotonic_ns() + (int64_t)timeout_ms * 1000000;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        bool reset = b->resets > 0;
        int64_t listens = b->listens_at;
        pthread_mutex_unlock(&b->lock);
        if ((reset && sim_clock_now(&b->clock) >= listens) || sim_monotonic_ns() >= end)
            return;
        sim_sleep_ns(100000);
    }
}

bool sim_board_cpu_running(sim_board *b)
{
    pthread_mutex_lock(&b->lock);
    bool r = b->cpu != NULL;
    pthread_mutex_unlock(&b->lock);
    return r;
}

void sim_board_last_fault(sim_board *b, char *buf, size_t len)
{
    pthread_mutex_lock(&b->lock);
    snprintf(buf, len, "%s", b->fault);
    pthread_mutex_unlock(&b->lock);
}

void sim_host_set_format(sim_board *b, uint32_t baud, bool parity_even)
{
    sim_line_host_format(b->line, baud, parity_even);
}

void sim_host_rate_source(sim_board *b, uint32_t (*rate)(void *user), void *user)
{
    sim_line_host_rate_source(b->line, rate, user);
}

void sim_host_write(sim_board *b, const uint8_t *data, size_t len) { sim_line_host_write(b->line, data, len); }

size_t sim_host_read(sim_board *b, uint8_t *data, size_t len, int timeout_ms)
{
    return sim_line_host_read(b->line, data, len, timeout_ms);
}

void sim_host_flush(sim_board *b) { sim_line_host_flush(b->line); }

int sim_board_peek(sim_board *b, uint32_t addr, void *buf, size_t len)
{
    uint8_t *p = sim_memory_ptr(&b->mem, addr, len);
    if (!p)
        return -1;
    memcpy(buf, p, len);
    return 0;
}

int sim_board_poke(sim_board *b, uint32_t addr, const void *buf, size_t len)
{
    uint8_t *p = sim_memory_ptr(&b->mem, addr, len);
    if (!p)
        return -1;
    memcpy(p, buf, len);
    return 0;
}

bool sim_board_readout_protected(sim_board *b) { return sim_options_rdp_active(b->part, sim_memory_options(&b->mem)); }

uint32_t sim_board_write_protection(sim_board *b) { return sim_options_wrp(b->part, sim_memory_options(&b->mem)); }

void sim_board_stats(sim_board *b, sim_stats *out)
{
    memset(out, 0, sizeof *out);
    sim_line_counts(b->line, &out->bytes_to_device, &out->bytes_to_host);
    out->pages_erased = b->flash.pages_erased;
    out->mass_erases = b->flash.mass_erases;
    out->halfwords_programmed = b->flash.halfwords_programmed;
    out->program_errors = b->flash.program_errors;
    out->protection_errors = b->flash.protection_errors;
}
