/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sim_memory.c - see sim_memory.h. */
#define _GNU_SOURCE /* MAP_ANONYMOUS, MAP_POPULATE */
#include "sim_memory.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The ROM's vector table as the CPU sees it: an initial SP in the ROM's RAM and a reset
 * vector inside system memory. Code fetched from system memory is trapped by the CPU model and
 * hands over to the simulated bootloader (that is how an application "jumps to the ROM"). */
static void fill_system_memory(sim_memory *m)
{
    const struct sim_part *p = m->part;
    uint8_t *sys = m->sys + (p->sysmem_base - m->sys_base);
    memset(m->sys, 0xFF, m->sys_len);
    uint32_t sp = p->bl_ram_start, reset = (p->sysmem_base + 0x100) | 1;
    memcpy(sys, &sp, 4);
    memcpy(sys + 4, &reset, 4);
    uint16_t kib = p->fsize_coded ? p->fsize_raw : (uint16_t)((p->flash_size - p->hole_size) / 1024);
    memcpy(sim_memory_ptr(m, p->flash_size_reg, 2), &kib, 2);
    /* A fixed, plausible 96-bit unique ID (lot/wafer/x-y); boards built from one part differ
     * only if the caller pokes another. */
    static const uint8_t uid[12] = {0x38, 0xFF, 0x6D, 0x06, 0x4E, 0x57, 0x30, 0x36, 0x23, 0x72, 0x12, 0x43};
    memcpy(sim_memory_ptr(m, p->uid_reg, sizeof uid), uid, sizeof uid);
}

/* The flash, in pages of its own: a file's mapped (a board kept in a file starts without
 * copying it: MAP_POPULATE would copy every page of a private writable mapping), else erased
 * memory faulted in at once (half the cost of touching each page). */
static uint8_t *map_flash(const struct sim_part *part, int fd)
{
    void *p = fd >= 0 ? mmap(NULL, part->flash_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)
                      : mmap(NULL, part->flash_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                             -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    if (fd < 0)
        memset(p, sim_part_erased(part), part->flash_size);
    return p;
}

/* RAM, zeroed and faulted in at once: a page fault costs 12-14 us on these virtual machines,
 * MAP_POPULATE about 1 us a page, and the ROM and the first stage would fault it in while the
 * host waits for them. */
static uint8_t *map_ram(uint32_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int sim_memory_init(sim_memory *m, const struct sim_part *part, int flash_fd)
{
    memset(m, 0, sizeof *m);
    m->part = part;
    m->sys_base = part->sysmem_base & ~0xFFFu;
    m->sys_len = SIM_SYS_END - m->sys_base;
    if (part->sysmem_base < SIM_SYS_LOW_END) {
        /* The L5's system memory at 0x0BF90000 (AN2606): up to its F_SIZE and UID at 0x0BFA05E0
         * and 0x0BFA0590 (stm32l552xx.h), in whole pages, not up to 0x20000000. */
        uint32_t end = part->flash_size_reg + 2u > part->uid_reg + 12u ? part->flash_size_reg + 2u : part->uid_reg + 12u;
        if (part->sysmem_base + part->sysmem_size > end)
            end = part->sysmem_base + part->sysmem_size;
        m->sys_len = ((end + 0xFFFu) & ~0xFFFu) - m->sys_base;
    }
    m->flash = map_flash(part, flash_fd);
    m->flash_from_file = flash_fd >= 0;
    m->ram = map_ram(part->ram_size);
    m->ram2 = part->ram2_size ? calloc(1, part->ram2_size) : NULL;
    m->sys = malloc(m->sys_len);
    bool opt_outside = part->optbytes_size && (part->optbytes_base < m->sys_base || part->optbytes_base >= SIM_SYS_END);
    m->opt = opt_outside ? malloc(part->optbytes_size) : NULL;
    bool opt2_outside = part->optbytes2_size && (part->optbytes2_base < m->sys_base || part->optbytes2_base >= SIM_SYS_END);
    m->opt2 = opt2_outside ? malloc(part->optbytes2_size) : NULL;
    bool info_outside = part->uid_reg < m->sys_base || part->uid_reg >= SIM_SYS_END;
    m->info_base = part->uid_reg & ~0xFFFu;
    m->info = info_outside ? malloc(0x1000) : NULL;
    if (!m->flash || !m->ram || !m->sys || (part->ram2_size && !m->ram2) || (opt_outside && !m->opt) ||
        (opt2_outside && !m->opt2) || (info_outside && !m->info)) {
        sim_memory_free(m);
        return -1;
    }
    if (m->info)
        memset(m->info, 0xFF, 0x1000);
    fill_system_memory(m);
    if (m->opt)
        memset(m->opt, 0xFF, part->optbytes_size);
    if (m->opt2)
        memset(m->opt2, 0xFF, part->optbytes2_size);
    return 0;
}

void sim_memory_free(sim_memory *m)
{
    if (m->flash)
        munmap(m->flash, m->part->flash_size);
    if (m->ram)
        munmap(m->ram, m->part->ram_size);
    free(m->ram2);
    free(m->sys);
    free(m->opt);
    free(m->opt2);
    free(m->info);
    m->flash = m->ram = m->ram2 = m->sys = m->opt = m->opt2 = m->info = NULL;
}

size_t sim_memory_page_size(void)
{
    long n = sysconf(_SC_PAGESIZE);
    return n > 0 ? (size_t)n : 4096;
}

/* A written page of a private file mapping is replaced by a copy of the process's own: in
 * /proc/self/pagemap (the kernel's Documentation/admin-guide/mm/pagemap.rst) an entry of 64
 * bits a page, bit 63 "page present", 62 "page swapped", 61 "page is file-page or
 * shared-anon". A page present and not the file's, or swapped out (only anonymous pages are),
 * was written; one never touched, or only read, is the file's. */
bool sim_memory_flash_written(const sim_memory *m, bool *written, size_t npages)
{
    if (!m->flash_from_file)
        return false;
    int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    size_t page = sim_memory_page_size();
    off_t at = (off_t)((uintptr_t)m->flash / page * 8);
    bool ok = true;
    uint64_t e[512];
    for (size_t i = 0; ok && i < npages; i += 512) {
        size_t n = npages - i < 512 ? npages - i : 512;
        ok = pread(fd, e, n * 8, at + (off_t)(i * 8)) == (ssize_t)(n * 8);
        for (size_t k = 0; ok && k < n; k++)
            written[i + k] = (e[k] >> 62 & 1) || ((e[k] >> 63 & 1) && !(e[k] >> 61 & 1));
    }
    close(fd);
    return ok;
}

static bool inside(uint32_t base, uint32_t size, uint32_t addr, size_t len)
{
    return addr >= base && len <= size && (uint64_t)addr - base + len <= size;
}

bool sim_memory_in_flash(const sim_memory *m, uint32_t addr, size_t len)
{
    return inside(m->part->flash_base, m->part->flash_size, addr, len) && !sim_memory_in_hole(m, addr, len);
}

bool sim_memory_in_hole(const sim_memory *m, uint32_t addr, size_t len)
{
    const struct sim_part *p = m->part;
    return p->hole_size && len && addr < p->hole_base + p->hole_size && (uint64_t)addr + len > p->hole_base;
}

bool sim_memory_in_ram(const sim_memory *m, uint32_t addr, size_t len)
{
    return inside(m->part->ram_base, m->part->ram_size, addr, len) ||
           inside(m->part->ram2_base, m->part->ram2_size, addr, len);
}

bool sim_memory_in_ram2(const sim_memory *m, uint32_t addr, size_t len)
{
    return inside(m->part->ram2_base, m->part->ram2_size, addr, len);
}

bool sim_memory_in_free_ram(const sim_memory *m, uint32_t addr, size_t len)
{
    const struct sim_part *p = m->part;
    if (inside(p->ram_base, p->ram_size, addr, len))
        return addr >= p->bl_ram_start;
    return inside(p->ram2_base, p->ram2_size, addr, len) && addr >= p->bl_ram2_start;
}

bool sim_memory_in_options(const sim_memory *m, uint32_t addr, size_t len)
{
    return inside(m->part->optbytes_base, m->part->optbytes_size, addr, len);
}

uint8_t *sim_memory_options(sim_memory *m)
{
    return m->opt ? m->opt : m->sys + (m->part->optbytes_base - m->sys_base);
}

bool sim_memory_in_options2(const sim_memory *m, uint32_t addr, size_t len)
{
    return m->part->optbytes2_size && inside(m->part->optbytes2_base, m->part->optbytes2_size, addr, len);
}

uint8_t *sim_memory_options2(sim_memory *m)
{
    if (m->opt2)
        return m->opt2;
    return m->part->optbytes2_size ? m->sys + (m->part->optbytes2_base - m->sys_base) : NULL;
}

uint8_t *sim_memory_ptr(sim_memory *m, uint32_t addr, size_t len)
{
    if (inside(m->part->flash_base, m->part->flash_size, addr, len)) /* the hole too: the CPU's view */
        return m->flash + (addr - m->part->flash_base);
    if (inside(m->part->ram_base, m->part->ram_size, addr, len))
        return m->ram + (addr - m->part->ram_base);
    if (inside(m->part->ram2_base, m->part->ram2_size, addr, len))
        return m->ram2 + (addr - m->part->ram2_base);
    if (inside(m->sys_base, m->sys_len, addr, len))
        return m->sys + (addr - m->sys_base);
    if (m->opt && inside(m->part->optbytes_base, m->part->optbytes_size, addr, len))
        return m->opt + (addr - m->part->optbytes_base);
    if (m->opt2 && inside(m->part->optbytes2_base, m->part->optbytes2_size, addr, len))
        return m->opt2 + (addr - m->part->optbytes2_base);
    if (m->info && inside(m->info_base, 0x1000, addr, len))
        return m->info + (addr - m->info_base);
    return NULL;
}
