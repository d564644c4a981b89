/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_cli.c - the stubflash command against a virtual board on a pseudo-terminal, as a user
 * runs it; stm32flash and stubflash read back what the other wrote. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "board_host.h"
#include "pty_board.h"
#include "run.h"

struct fx {
    pty_board b;
    uint32_t flash_size;
    bool no_stub; /* every command with --no-stub */
};

static int setup_for(void **state, const char *part)
{
    struct fx *x = calloc(1, sizeof *x);
    pb_open(&x->b, part, NULL);
    x->flash_size = sim_part_flash_size(sim_board_part(x->b.board));
    *state = x;
    return 0;
}

static int setup_hd(void **state) { return setup_for(state, "stm32f103re"); }
static int setup_xl(void **state) { return setup_for(state, "stm32f103rg"); }

/* In real time: a write through the ROM lasts seconds, long enough to try a second program. */
static int setup_hd_realtime(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    sim_options opt = {.realtime = true, .boot0 = true};
    pb_open(&x->b, "stm32f103re", &opt);
    x->flash_size = sim_part_flash_size(sim_board_part(x->b.board));
    *state = x;
    return 0;
}

static int setup_hd_rom(void **state)
{
    setup_for(state, "stm32f103re");
    ((struct fx *)*state)->no_stub = true;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    int rc = pb_close(&x->b);
    free(x);
    return rc;
}

/* Run "stubflash -p PTY ARGS..." and return its exit status. */
static int stubflash(struct fx *x, ...)
{
    const char *prefix[] = {getenv("STUBFLASH_CLI"), "-p", sim_pty_path(x->b.pty), x->no_stub ? "--no-stub" : NULL, NULL};
    va_list ap;
    va_start(ap, x);
    int rc = run_program_va(prefix, ap, NULL, x->b.log, 120);
    va_end(ap);
    return rc;
}

static void expect_rc(struct fx *x, int got, int want)
{
    if (got != want) {
        show_log_tail(x->b.log);
        fail_msg("stubflash exited with %d, expected %d", got, want);
    }
}

static uint8_t *flash_copy(struct fx *x)
{
    uint8_t *f = malloc(x->flash_size);
    assert_int_equal(sim_board_peek(x->b.board, 0x08000000, f, x->flash_size), 0);
    return f;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void test_write_every_format_and_read_back(void **state)
{
    struct fx *x = *state;
    size_t blen;
    uint8_t *bin = bh_load_file(getenv("HELLO_FLASH_BIN"), &blen);
    const char *envs[] = {"HELLO_FLASH_BIN", "HELLO_FLASH_HEX", "HELLO_FLASH_SREC", "HELLO_FLASH_ELF"};
    for (int k = 0; k < 4; k++) {
        expect_rc(x, stubflash(x, "erase", "--all", NULL), 0);
        expect_rc(x, stubflash(x, "write", getenv(envs[k]), NULL), 0);
        uint8_t *f = flash_copy(x);
        assert_memory_equal(f, bin, blen);
        free(f);
        expect_rc(x, stubflash(x, "verify", getenv(envs[k]), NULL), 0);
    }
    expect_rc(x, stubflash(x, "read", pb_file(&x->b, "back.bin"), "--size", "4K", NULL), 0);
    size_t rlen;
    uint8_t *back = bh_load_file(pb_file(&x->b, "back.bin"), &rlen);
    assert_int_equal(rlen, 4096);
    assert_memory_equal(back, bin, blen);
    free(back);
    free(bin);
}

static void test_json_and_info(void **state)
{
    struct fx *x = *state;
    expect_rc(x, stubflash(x, "--json", "info", NULL), 0);
    assert_true(pb_log_has(&x->b, "\"result\": \"ok\""));
    assert_true(pb_log_has(&x->b, x->flash_size == 512 * 1024 ? "\"pid\": 1044" : "\"pid\": 1072"));
    expect_rc(x, stubflash(x, "info", NULL), 0);
    assert_true(pb_log_has(&x->b, "bootloader:  V"));
}

static void test_go_starts_the_app(void **state)
{
    struct fx *x = *state;
    expect_rc(x, stubflash(x, "write", getenv("HELLO_FLASH_ELF"), "--go", NULL), 0);
    for (int i = 0; i < 200 && !sim_board_cpu_running(x->b.board); i++)
        usleep(5000);
    assert_true(sim_board_cpu_running(x->b.board));
}

static void test_bad_inputs_leave_flash_untouched(void **state)
{
    struct fx *x = *state;
    expect_rc(x, stubflash(x, "write", getenv("HELLO_FLASH_BIN"), NULL), 0);
    uint8_t *before = flash_copy(x);
    struct {
        const char *name, *text, *message;
    } cases[] = {
        {"corrupt.hex", ":0400000001020304F2\n:0400040001020304F0\n:00000001FF\n", "corrupt.hex:2: checksum"},
        {"truncated.hex", ":0400000001020304F2\n:04000400010203", "truncated.hex:2:"},
        /* Gap-filled: data at the flash start and 16 MiB above: does not fit. */
        {"gap.hex", ":020000040800F2\n:0400000001020304F2\n:020000040900F1\n:0400000001020304F2\n:00000001FF\n",
         "does not fit"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_text(pb_file(&x->b, cases[i].name), cases[i].text);
        expect_rc(x, stubflash(x, "write", pb_file(&x->b, cases[i].name), NULL), 3);
        if (!pb_log_has(&x->b, cases[i].message)) {
            show_log_tail(x->b.log);
            fail_msg("%s: message should contain \"%s\"", cases[i].name, cases[i].message);
        }
        uint8_t *after = flash_copy(x);
        assert_memory_equal(after, before, x->flash_size);
        free(after);
    }
    /* An ELF with no loadable segment. */
    size_t len;
    uint8_t *elf = bh_load_file(getenv("HELLO_FLASH_ELF"), &len);
    uint32_t phoff;
    memcpy(&phoff, elf + 28, 4);
    for (unsigned i = 0; i < (unsigned)(elf[44] | elf[45] << 8); i++)
        memset(elf + phoff + i * (unsigned)(elf[42] | elf[43] << 8), 0, 4);
    FILE *f = fopen(pb_file(&x->b, "empty.elf"), "wb");
    fwrite(elf, 1, len, f);
    fclose(f);
    free(elf);
    expect_rc(x, stubflash(x, "write", pb_file(&x->b, "empty.elf"), NULL), 3);
    assert_true(pb_log_has(&x->b, "no loadable segment"));
    uint8_t *after = flash_copy(x);
    assert_memory_equal(after, before, x->flash_size);
    free(after);
    free(before);
}

static void test_protection_needs_confirmation(void **state)
{
    struct fx *x = *state;
    expect_rc(x, stubflash(x, "write", getenv("HELLO_FLASH_BIN"), NULL), 0);
    uint8_t *before = flash_copy(x);
    /* Removing protection that is not there would only erase everything: refused. */
    expect_rc(x, stubflash(x, "unprotect", "--readout", "--erase-all", NULL), 1);
    assert_true(pb_log_has(&x->b, "readout protection is not active"));
    uint8_t *after = flash_copy(x);
    assert_memory_equal(after, before, x->flash_size);
    free(after);
    free(before);
    expect_rc(x, stubflash(x, "protect", "--readout", NULL), 2);
    assert_false(sim_board_readout_protected(x->b.board));
    /* Level 2 needs the second flag, and the F1 has no level 2 anyway. */
    expect_rc(x, stubflash(x, "protect", "--readout", "--yes", "--level", "2", NULL), 2);
    assert_true(pb_log_has(&x->b, "irreversibly-lock-the-chip"));
    expect_rc(x, stubflash(x, "protect", "--readout", "--yes", "--level", "2", "--irreversibly-lock-the-chip", NULL), 1);
    assert_true(pb_log_has(&x->b, "no readout protection level 2"));
    assert_false(sim_board_readout_protected(x->b.board));
    expect_rc(x, stubflash(x, "protect", "--readout", "--yes", NULL), 0);
    assert_true(pb_log_has(&x->b, "enabling readout protection level 1"));
    assert_true(sim_board_readout_protected(x->b.board));
    expect_rc(x, stubflash(x, "write", getenv("HELLO_FLASH_BIN"), NULL), 5);
    assert_true(pb_log_has(&x->b, "readout protection is active"));
    expect_rc(x, stubflash(x, "unprotect", "--readout", NULL), 2);
    assert_true(pb_log_has(&x->b, "ERASES ALL FLASH"));
    assert_true(sim_board_readout_protected(x->b.board));
    expect_rc(x, stubflash(x, "unprotect", "--readout", "--erase-all", NULL), 0);
    assert_true(pb_log_has(&x->b, "readout protection is active: removing it ERASES ALL"));
    assert_false(sim_board_readout_protected(x->b.board));
    expect_rc(x, stubflash(x, "protect", "--write", "0,1", NULL), 2); /* the first pages: needs --yes */
    assert_true(pb_log_has(&x->b, "group 0 holds the first pages"));
    assert_int_equal(sim_board_write_protection(x->b.board), 0xFFFFFFFF);
    expect_rc(x, stubflash(x, "protect", "--write", "0,1", "--yes", NULL), 0);
    assert_int_equal(sim_board_write_protection(x->b.board) & 3, 0);
    expect_rc(x, stubflash(x, "write", getenv("HELLO_FLASH_BIN"), NULL), 5);
    assert_true(pb_log_has(&x->b, "write-protected"));
    expect_rc(x, stubflash(x, "unprotect", "--write", NULL), 0);
    assert_int_equal(sim_board_write_protection(x->b.board), 0xFFFFFFFF);
    expect_rc(x, stubflash(x, "reset", NULL), 0);
}

static void save_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static size_t count_files(const char *dir, const char *suffix)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "ls %s/stubflash/backups/*/*%s 2>/dev/null | wc -l", dir, suffix);
    FILE *p = popen(cmd, "r");
    unsigned n = 0;
    assert_int_equal(fscanf(p, "%u", &n), 1);
    pclose(p);
    return n;
}

/* Each write keeps what it replaces; rollback puts it back, one write further each time. */
static void test_backup_and_rollback(void **state)
{
    struct fx *x = *state;
    setenv("XDG_DATA_HOME", x->b.dir, 1);
    enum { LEN = 6144 }; /* three pages, the last one only half given: its other half is kept */
    uint8_t *a = bh_firmware(LEN, 11, 0x08000000), *b = bh_firmware(LEN, 22, 0x08000000),
            *cc = bh_firmware(LEN, 33, 0x08000000), *blank = malloc(LEN);
    memset(blank, 0xFF, LEN);
    char pa[200], pbn[200], pc[200];
    snprintf(pa, sizeof pa, "%s", pb_file(&x->b, "a.bin"));
    snprintf(pbn, sizeof pbn, "%s", pb_file(&x->b, "b.bin"));
    snprintf(pc, sizeof pc, "%s", pb_file(&x->b, "c.bin"));
    save_file(pa, a, LEN - 1024);
    save_file(pbn, b, LEN - 1024);
    save_file(pc, cc, LEN - 1024);
    uint8_t tail[1024];
    memset(tail, 0x5A, sizeof tail); /* bytes no image gives: every state must keep them */
    assert_int_equal(sim_board_poke(x->b.board, 0x08000000 + LEN - 1024, tail, sizeof tail), 0);

    expect_rc(x, stubflash(x, "write", pa, NULL), 0);
    expect_rc(x, stubflash(x, "write", pbn, NULL), 0);
    assert_true(pb_log_has(&x->b, "'stubflash rollback' restores it"));
    expect_rc(x, stubflash(x, "write", pbn, NULL), 0); /* changes nothing: keeps nothing */
    expect_rc(x, stubflash(x, "--no-backup", "write", pc, NULL), 0);
    expect_rc(x, stubflash(x, "write", pbn, NULL), 0);
    assert_int_equal(count_files(x->b.dir, ".hex"), 3);

    uint8_t *f;
    expect_rc(x, stubflash(x, "rollback", NULL), 0); /* before the last write: c */
    f = flash_copy(x);
    assert_memory_equal(f, cc, LEN - 1024);
    assert_memory_equal(f + LEN - 1024, tail, sizeof tail);
    free(f);
    expect_rc(x, stubflash(x, "rollback", NULL), 0); /* before the second write (--no-backup kept none): a */
    f = flash_copy(x);
    assert_memory_equal(f, a, LEN - 1024);
    free(f);
    expect_rc(x, stubflash(x, "rollback", NULL), 0); /* before the first write: erased */
    f = flash_copy(x);
    assert_memory_equal(f, blank, LEN - 1024);
    assert_memory_equal(f + LEN - 1024, tail, sizeof tail);
    free(f);
    expect_rc(x, stubflash(x, "rollback", NULL), 3);
    assert_true(pb_log_has(&x->b, "no backup of this chip"));
    assert_int_equal(count_files(x->b.dir, ".hex.restored"), 3);
    unsetenv("XDG_DATA_HOME");
    free(a);
    free(b);
    free(cc);
    free(blank);
}

/* A minimal ELF32 for ARM (or another machine) with one loadable segment at paddr. */
static void save_elf(const char *path, uint16_t machine, uint32_t paddr, const uint8_t *data, uint32_t len)
{
    uint8_t h[84] = {0x7F, 'E', 'L', 'F', 1, 1, 1};
    h[16] = 2;                                      /* ET_EXEC */
    h[18] = (uint8_t)machine;
    h[19] = (uint8_t)(machine >> 8);
    h[20] = 1;                                      /* EV_CURRENT */
    h[28] = 52;                                     /* e_phoff */
    h[40] = 52;                                     /* e_ehsize */
    h[42] = 32;                                     /* e_phentsize */
    h[44] = 1;                                      /* e_phnum */
    uint8_t *ph = h + 52;
    ph[0] = 1;                                      /* PT_LOAD */
    ph[4] = 84;                                     /* p_offset */
    for (int i = 0; i < 4; i++) {
        ph[8 + i] = ph[12 + i] = (uint8_t)(paddr >> (8 * i)); /* p_vaddr, p_paddr */
        ph[16 + i] = ph[20 + i] = (uint8_t)(len >> (8 * i)); /* p_filesz, p_memsz */
    }
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(h, 1, sizeof h, f), sizeof h);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* What is not firmware for this chip is refused (exit 3, a sentence saying what was found) and
 * the flash stays byte for byte as it was; --force writes it all the same; --data writes a
 * data block anywhere in flash without vector checks. */
static void test_refuses_what_is_not_firmware(void **state)
{
    struct fx *x = *state;
    size_t n;
    uint8_t *hello = bh_load_file(getenv("HELLO_FLASH_BIN"), &n);
    char text[200], gz[200], sp[200], even[200], elf_x86[200], elf_zero[200], data[200];
    snprintf(text, sizeof text, "%s", pb_file(&x->b, "text.bin"));
    snprintf(gz, sizeof gz, "%s", pb_file(&x->b, "text.bin.gz"));
    snprintf(sp, sizeof sp, "%s", pb_file(&x->b, "sp.bin"));
    snprintf(even, sizeof even, "%s", pb_file(&x->b, "even.bin"));
    snprintf(elf_x86, sizeof elf_x86, "%s", pb_file(&x->b, "x86.elf"));
    snprintf(elf_zero, sizeof elf_zero, "%s", pb_file(&x->b, "zero.elf"));
    snprintf(data, sizeof data, "%s", pb_file(&x->b, "calibration.bin"));
    write_text(text, "hello\n");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "gzip -c %s > %s", text, gz);
    assert_int_equal(system(cmd), 0);
    uint8_t *p = malloc(n);
    memcpy(p, hello, n);
    put32(p, 0x20100000); /* past the F103's RAM */
    save_file(sp, p, n);
    memcpy(p, hello, n);
    p[4] &= 0xFE; /* an even reset vector */
    save_file(even, p, n);
    save_elf(elf_x86, 62, 0x08000000, hello, (uint32_t)n);
    save_elf(elf_zero, 40, 0x00000000, hello, (uint32_t)n); /* an ARM chip whose flash is at 0 */
    uint8_t *cal = bh_noise(2048, 99);
    save_file(data, cal, 2048);

    struct {
        const char *file, *address, *says;
        bool forceable;
    } cases[] = {
        {text, NULL, "the image has 6 byte(s) at the boot address 0x08000000: too few for a vector table", true},
        {gz, NULL, "the image has 6 byte(s) at the boot address", true},
        {getenv("HELLO_FLASH_BIN"), "0x08004000", "points below 0x08004000, where this image starts", true},
        {sp, NULL, "the first word 0x20100000 is not a stack pointer inside the RAM", true},
        {even, NULL, "is even: a Cortex-M runs Thumb code only", true},
        {elf_x86, NULL, "an ELF file for x86-64 (e_machine 62), not for ARM", false},
        {elf_zero, NULL, "0x00000000", false},
        {data, "0x08010000", "the image starts at 0x08010000 with no vector table", true},
    };
    uint8_t *before = flash_copy(x);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = cases[i].address ? stubflash(x, "write", cases[i].file, "--address", cases[i].address, NULL)
                                  : stubflash(x, "write", cases[i].file, NULL);
        expect_rc(x, rc, 3);
        if (!pb_log_has(&x->b, cases[i].says)) {
            show_log_tail(x->b.log);
            fail_msg("case %zu: the refusal does not say \"%s\"", i, cases[i].says);
        }
        uint8_t *after = flash_copy(x);
        assert_memory_equal(after, before, x->flash_size);
        free(after);
    }
    /* A file for another machine is refused before the port is opened. */
    const char *argv[] = {getenv("STUBFLASH_CLI"), "-p", "/dev/stubflash-no-such-port", "write", elf_x86, NULL};
    expect_rc(x, run_program(argv, NULL, x->b.log, 60), 3);
    /* Forced, each writable case is written (and verified); data goes in as data. */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (!cases[i].forceable)
            continue;
        int rc = cases[i].address
                     ? stubflash(x, "--no-backup", "write", cases[i].file, "--address", cases[i].address, "--force", NULL)
                     : stubflash(x, "--no-backup", "write", cases[i].file, "--force", NULL);
        expect_rc(x, rc, 0);
        assert_true(pb_log_has(&x->b, "writing it all the same (forced)"));
    }
    expect_rc(x, stubflash(x, "--no-backup", "write", data, "--address", "0x08010000", "--data", NULL), 0);
    uint8_t got[2048];
    assert_int_equal(sim_board_peek(x->b.board, 0x08010000, got, sizeof got), 0);
    assert_memory_equal(got, cal, sizeof got);
    /* Real firmware needs neither. */
    expect_rc(x, stubflash(x, "--no-backup", "write", getenv("HELLO_FLASH_HEX"), NULL), 0);
    free(before);
    free(hello);
    free(p);
    free(cal);
}

static bool file_has(const char *path, const char *text)
{
    size_t n;
    char *t = (char *)bh_load_file(path, &n);
    t[n] = 0;
    bool has = strstr(t, text) != NULL;
    free(t);
    return has;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Two programs on one port: the second is refused at once (exit 4) with the first one's PID and
 * name, and the first finishes its write undisturbed. */
static void test_one_program_per_port(void **state)
{
    struct fx *x = *state;
    uint8_t *img = bh_firmware(16 * 1024, 41, 0x08000000);
    char fw[200], first_log[200], expect[96];
    snprintf(fw, sizeof fw, "%s", pb_file(&x->b, "fw.bin"));
    snprintf(first_log, sizeof first_log, "%s", pb_file(&x->b, "first.log"));
    save_file(fw, img, 16 * 1024);
    const char *first[] = {getenv("STUBFLASH_CLI"), "-v", "-p", sim_pty_path(x->b.pty), "--no-stub", "--no-backup",
                           "write", fw, NULL};
    pid_t pid = run_start(first, NULL, first_log);
    for (int i = 0; i < 100 && !file_has(first_log, "chip: PID"); i++)
        usleep(50000); /* until it has the port and the chip */
    assert_true(file_has(first_log, "chip: PID"));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    expect_rc(x, stubflash(x, "info", NULL), 4);
    assert_true(seconds_since(&t0) < 1.0);
    snprintf(expect, sizeof expect, "is in use by PID %ld (stubflash)", (long)pid);
    if (!pb_log_has(&x->b, expect)) {
        show_log_tail(x->b.log);
        fail_msg("the second program does not say \"%s\"", expect);
    }
    assert_int_equal(run_wait(pid, 120000, 0), 0);
    assert_true(file_has(first_log, "wrote and verified"));
    uint8_t *f = flash_copy(x);
    assert_memory_equal(f, img, 16 * 1024);
    free(f);
    free(img);
}

/* The UUCP lock file: a live process's is respected (exit 4, naming it), a dead one's is stale
 * and taken over, and a finished run leaves none behind. */
static void test_uucp_lock_files(void **state)
{
    struct fx *x = *state;
    setenv("STUBFLASH_LOCK_DIR", x->b.dir, 1);
    char lock[300], text[32], expect[96];
    snprintf(lock, sizeof lock, "%s/LCK..%s", x->b.dir, sim_pty_path(x->b.pty) + 5);
    for (char *c = lock + strlen(x->b.dir) + 6; *c; c++)
        if (*c == '/')
            *c = '_';
    snprintf(text, sizeof text, "%10ld\n", (long)getpid()); /* this test: alive */
    write_text(lock, text);
    expect_rc(x, stubflash(x, "info", NULL), 4);
    snprintf(expect, sizeof expect, "is in use by PID %ld (", (long)getpid());
    assert_true(pb_log_has(&x->b, expect));
    assert_int_equal(access(lock, F_OK), 0); /* someone else's: left alone */
    write_text(lock, "  99999999\n"); /* no such process: stale */
    expect_rc(x, stubflash(x, "info", NULL), 0);
    assert_int_equal(access(lock, F_OK), -1); /* taken over, then given back */
    unsetenv("STUBFLASH_LOCK_DIR");
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

/* --require-signature: minisign's signatures (from Debian's minisign, both formats) by the key
 * are accepted and their trusted comment shown; unsigned, another key's, a file changed after
 * signing, and an edited trusted comment are refused (exit 3) with the flash untouched. */
static void test_signed_images_only(void **state)
{
    struct fx *x = *state;
    const char *d = x->b.dir;
    assert_int_equal(sh("cd %s && minisign -G -W -f -p k.pub -s k.key >/dev/null && "
                        "minisign -G -W -f -p other.pub -s other.key >/dev/null", d), 0);
    assert_int_equal(sh("cd %s && cp %s app.hex && cp app.hex legacy.hex && cp app.hex unsigned.hex && "
                        "cp app.hex foreign.hex && cp app.hex tampered.hex && cp app.hex comment.hex", d,
                        getenv("HELLO_FLASH_HEX")), 0);
    assert_int_equal(sh("cd %s && minisign -S -s k.key -m app.hex -t 'hello 1.0, build 7' >/dev/null && "
                        "minisign -S -l -s k.key -m legacy.hex -t 'legacy format' >/dev/null && "
                        "minisign -S -s other.key -m foreign.hex -t 'someone else' >/dev/null && "
                        "minisign -S -s k.key -m tampered.hex -t 'hello 1.0' >/dev/null && "
                        "minisign -S -s k.key -m comment.hex -t 'hello 1.0' >/dev/null", d), 0);
    /* One byte of the file changed after signing; a word of a trusted comment. */
    assert_int_equal(sh("cd %s && printf 'Z' | dd of=tampered.hex bs=1 seek=20 conv=notrunc 2>/dev/null && "
                        "sed -i 's/^trusted comment: hello 1.0$/trusted comment: hello 2.0/' comment.hex.minisig && "
                        "grep -q 'trusted comment: hello 2.0' comment.hex.minisig", d), 0);
    char key[200], file[200];
    snprintf(key, sizeof key, "%s/k.pub", d);
    uint8_t *before = flash_copy(x);
    struct {
        const char *name, *says;
    } refused[] = {
        {"unsigned.hex", "unsigned.hex is not signed: "},
        {"foreign.hex", "is signed by key"},
        {"tampered.hex", "the file was changed after it was signed"},
        {"comment.hex", "the trusted comment of its signature was changed after signing"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        snprintf(file, sizeof file, "%s/%s", d, refused[i].name);
        expect_rc(x, stubflash(x, "--require-signature", key, "write", file, NULL), 3);
        if (!pb_log_has(&x->b, refused[i].says)) {
            show_log_tail(x->b.log);
            fail_msg("%s: the refusal does not say \"%s\"", refused[i].name, refused[i].says);
        }
        uint8_t *after = flash_copy(x);
        assert_memory_equal(after, before, x->flash_size);
        free(after);
    }
    snprintf(file, sizeof file, "%s/app.hex", d);
    expect_rc(x, stubflash(x, "--require-signature", key, "--no-backup", "write", file, NULL), 0);
    assert_true(pb_log_has(&x->b, "signature verified: hello 1.0, build 7"));
    snprintf(file, sizeof file, "%s/legacy.hex", d);
    setenv("STUBFLASH_REQUIRE_SIGNATURE", key, 1); /* the production line's setting */
    expect_rc(x, stubflash(x, "--no-backup", "write", file, NULL), 0);
    assert_true(pb_log_has(&x->b, "signature verified: legacy format"));
    snprintf(file, sizeof file, "%s/unsigned.hex", d);
    expect_rc(x, stubflash(x, "--no-backup", "write", file, NULL), 3);
    unsetenv("STUBFLASH_REQUIRE_SIGNATURE");
    free(before);
}

static void test_no_answer_and_usage(void **state)
{
    struct fx *x = *state;
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    grantpt(m);
    unlockpt(m);
    const char *argv[] = {getenv("STUBFLASH_CLI"), "-p", ptsname(m), "info", NULL};
    expect_rc(x, run_program(argv, NULL, x->b.log, 60), 4);
    assert_true(pb_log_has(&x->b, "BOOT0"));
    close(m);
    expect_rc(x, stubflash(x, "erase", NULL), 2);
    expect_rc(x, stubflash(x, "frobnicate", NULL), 2);
}

static void test_in_process_board_with_options(void **state)
{
    /* "sim:PART?flash=FILE" has a '?' of its own: it is a port, not a pattern of ports. */
    struct fx *x = *state;
    char port[200], board[160];
    snprintf(board, sizeof board, "%s", pb_file(&x->b, "inproc.flash"));
    snprintf(port, sizeof port, "sim:stm32f030r8?flash=%s", board);
    /* The F103's test firmware: its stack (0x20005000) is past the F030x8's 8 KiB of RAM, so
     * only --force writes it, with a warning that says so. */
    const char *argv[] = {getenv("STUBFLASH_CLI"), "-v", "-p", port, "--no-backup", "write", getenv("HELLO_FLASH_HEX"),
                          "--force", NULL};
    expect_rc(x, run_program(argv, NULL, x->b.log, 60), 0);
    assert_true(pb_log_has(&x->b, "writing it all the same (forced): the first word 0x20005000 is not a stack pointer"));
    /* The F030x8's 6 KiB of free RAM take the F0 stub built for stored blocks. */
    assert_true(pb_log_has(&x->b, "loading the stub"));
    assert_true(pb_log_has(&x->b, "at 0x20000800"));
    size_t n, m;
    uint8_t *f = bh_load_file(board, &n), *bin = bh_load_file(getenv("HELLO_FLASH_BIN"), &m);
    assert_int_equal(n, 64 * 1024 + 16);
    assert_memory_equal(f, bin, m);
    free(f);
    free(bin);
}

/* Run "stubflash ARGS..." (no -p) in the folder cwd; its exit status. */
static int stubflash_in(struct fx *x, const char *cwd, ...)
{
    char here[4096];
    assert_non_null(getcwd(here, sizeof here));
    assert_int_equal(chdir(cwd), 0);
    const char *prefix[] = {getenv("STUBFLASH_CLI"), NULL};
    va_list ap;
    va_start(ap, cwd);
    int rc = run_program_va(prefix, ap, NULL, x->b.log, 120);
    va_end(ap);
    assert_int_equal(chdir(here), 0);
    return rc;
}

/* The line of the last program's output that starts with start, or fail. */
static const char *log_line(struct fx *x, const char *start)
{
    static char line[1024];
    FILE *f = fopen(x->b.log, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, start, strlen(start))) {
            fclose(f);
            return line;
        }
    fclose(f);
    show_log_tail(x->b.log);
    fail_msg("no line starts with '%s'", start);
    return NULL;
}

static void expect_setting(struct fx *x, const char *key_value, const char *from)
{
    const char *l = log_line(x, key_value);
    if (!strstr(l, from))
        fail_msg("'%s' should say it came from '%s'", l, from);
}

static void test_config_files(void **state)
{
    struct fx *x = *state;
    char proj[160], sub[200], xdg[160], text[1024], cmd[400];
    snprintf(proj, sizeof proj, "%s", pb_file(&x->b, "fw"));
    snprintf(sub, sizeof sub, "%s/src/drivers", proj);
    snprintf(xdg, sizeof xdg, "%s", pb_file(&x->b, "xdg"));
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' '%s/stubflash'", sub, xdg);
    assert_int_equal(system(cmd), 0);
    setenv("XDG_CONFIG_HOME", xdg, 1);
    unsetenv("STUBFLASH_PORT");
    unsetenv("STUBFLASH_BAUD");
    unsetenv("STUBFLASH_BOARD");
    /* The project's file, two folders up: an XL board in the process, and the pty's HD board. */
    snprintf(text, sizeof text, "# the firmware project\nport = sim:stm32f103rg?flash=%s/xl.flash\nbaud = 57600\n\n"
             "[board bench]\nport = %s\n", proj, sim_pty_path(x->b.pty));
    snprintf(cmd, sizeof cmd, "%s/stubflash.ini", proj);
    write_text(cmd, text);
    snprintf(cmd, sizeof cmd, "%s/stubflash/config.ini", xdg);
    write_text(cmd, "baud = 9600\nstub-baud = 0\n");

    expect_rc(x, stubflash_in(x, sub, "config", NULL), 0);
    expect_setting(x, "baud = 57600 ", "fw/stubflash.ini:3");         /* the project over the user */
    expect_setting(x, "stub-baud = 0 ", "xdg/stubflash/config.ini:2"); /* the user's file */
    expect_setting(x, "stub = on ", "default");
    setenv("STUBFLASH_BAUD", "38400", 1);
    expect_rc(x, stubflash_in(x, sub, "config", NULL), 0);
    expect_setting(x, "baud = 38400 ", "$STUBFLASH_BAUD"); /* the environment over files */
    expect_rc(x, stubflash_in(x, sub, "-b", "19200", "config", NULL), 0);
    expect_setting(x, "baud = 19200 ", "command line (-b)"); /* the command line over all */
    unsetenv("STUBFLASH_BAUD");

    /* A board whose port only the file names. */
    expect_rc(x, stubflash_in(x, sub, "info", NULL), 0);
    assert_true(pb_log_has(&x->b, "PID 0x430")); /* the XL part */
    setenv("STUBFLASH_PORT", pb_file(&x->b, "no-such-port"), 1);
    expect_rc(x, stubflash_in(x, sub, "info", NULL), 4); /* the environment's port over the file's */
    assert_true(pb_log_has(&x->b, "no-such-port"));
    expect_rc(x, stubflash_in(x, sub, "-p", sim_pty_path(x->b.pty), "info", NULL), 0); /* -p over both */
    assert_true(pb_log_has(&x->b, "PID 0x414"));
    unsetenv("STUBFLASH_PORT");

    /* --board and $STUBFLASH_BOARD pick a section. */
    expect_rc(x, stubflash_in(x, sub, "--board", "bench", "info", NULL), 0);
    assert_true(pb_log_has(&x->b, "PID 0x414"));
    setenv("STUBFLASH_BOARD", "bench", 1);
    expect_rc(x, stubflash_in(x, sub, "config", NULL), 0);
    expect_setting(x, "port = /dev/pts/", "fw/stubflash.ini:6");
    assert_true(pb_log_has(&x->b, "; board: bench ($STUBFLASH_BOARD; section at "));
    expect_rc(x, stubflash_in(x, sub, "--board", "shelf", "info", NULL), 2);
    assert_true(pb_log_has(&x->b, "no [board shelf] section in"));
    unsetenv("STUBFLASH_BOARD");

    /* A bad file stops every command, with its file, line and key. */
    snprintf(cmd, sizeof cmd, "%s/stubflash.ini", proj);
    write_text(cmd, "port = sim:stm32f103rg\n\nbuad = 57600\n");
    expect_rc(x, stubflash_in(x, sub, "info", NULL), 2);
    assert_true(pb_log_has(&x->b, "fw/stubflash.ini:3: unknown key 'buad'"));
    write_text(cmd, "port = sim:stm32f103rg\n[board a]\nstub = sometimes\n");
    expect_rc(x, stubflash_in(x, sub, "-p", sim_pty_path(x->b.pty), "info", NULL), 2);
    assert_true(pb_log_has(&x->b, "fw/stubflash.ini:3: stub = sometimes: expected on or off"));
    unsetenv("XDG_CONFIG_HOME");
}

/* A board plugged in 300 ms after the command started: its pty appears under a name udev would
 * give it (a link, as /dev/serial/by-id/... is). */
struct late_board {
    pty_board b;
    char link[200];
};

static void *plug_in_later(void *arg)
{
    struct late_board *l = arg;
    usleep(300 * 1000);
    pb_open(&l->b, "stm32f103re", NULL);
    if (symlink(sim_pty_path(l->b.pty), l->link) != 0)
        abort();
    return NULL;
}

static void test_wait_for_port(void **state)
{
    (void)state;
    char dir[64] = "/tmp/stubflash-wait-XXXXXX", log[128], never[128], cmd[128];
    assert_non_null(mkdtemp(dir));
    snprintf(log, sizeof log, "%s/out.log", dir);
    snprintf(never, sizeof never, "%s/ttyNEVER", dir);
    /* A port that never appears: about a second, then a sentence. */
    const char *argv1[] = {getenv("STUBFLASH_CLI"), "-p", never, "--wait=1", "info", NULL};
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int rc = run_program(argv1, NULL, log, 30);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    if (rc != 4 || s < 0.9 || s > 3.0) {
        show_log_tail(log);
        fail_msg("exit %d after %.2f s; expected 4 after about 1 s", rc, s);
    }
    assert_true(file_has(log, "waiting for "));
    assert_true(file_has(log, "ttyNEVER to appear (up to 1 s)..."));
    assert_true(file_has(log, "ttyNEVER did not appear in 1 s: is the board plugged in"));
    /* A USB identity no adapter here has, and one that is not an identity. */
    const char *argv2[] = {getenv("STUBFLASH_CLI"), "-p", "usb:0483:5740", "--wait=1", "info", NULL};
    assert_int_equal(run_program(argv2, NULL, log, 30), 4);
    assert_true(file_has(log, "waiting for usb:0483:5740 to appear (up to 1 s)..."));
    assert_true(file_has(log, "usb:0483:5740 did not appear in 1 s"));
    const char *argv3[] = {getenv("STUBFLASH_CLI"), "-p", "usb:0483:57400", "info", NULL};
    assert_int_equal(run_program(argv3, NULL, log, 30), 2);
    assert_true(file_has(log, "the product ID is not 1 to 4 hex digits"));

    /* A board plugged in during the wait is found and used. */
    struct late_board l = {0};
    snprintf(l.link, sizeof l.link, "%s/ttyLATE", dir);
    const char *argv4[] = {getenv("STUBFLASH_CLI"), "-p", l.link, "--wait=20", "info", NULL};
    pid_t pid = run_start(argv4, NULL, log);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, plug_in_later, &l), 0);
    rc = run_wait(pid, 30000, 0);
    pthread_join(th, NULL);
    if (rc != 0)
        show_log_tail(log);
    assert_int_equal(rc, 0);
    assert_true(file_has(log, "ttyLATE to appear (up to 20 s)..."));
    assert_true(file_has(log, "PID 0x414"));
    assert_int_equal(pb_close(&l.b), 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_agrees_with_stm32flash(void **state)
{
    struct fx *x = *state;
    uint8_t img[12288];
    for (size_t i = 0; i < sizeof img; i++)
        img[i] = (uint8_t)(i * 7 + (i >> 9));
    FILE *f = fopen(pb_file(&x->b, "a.bin"), "wb");
    fwrite(img, 1, sizeof img, f);
    fclose(f);
    char a_path[160];
    snprintf(a_path, sizeof a_path, "%s", x->b.path);
    /* stm32flash writes, stubflash reads. */
    const char *w[] = {"stm32flash", "-b", "115200", "-w", a_path, sim_pty_path(x->b.pty), NULL};
    expect_rc(x, run_program(w, getenv("TERMIOS_SHIM"), x->b.log, 120), 0);
    expect_rc(x, stubflash(x, "read", pb_file(&x->b, "r1.bin"), "--size", "12288", NULL), 0);
    size_t n;
    uint8_t *r1 = bh_load_file(pb_file(&x->b, "r1.bin"), &n);
    assert_int_equal(n, sizeof img);
    assert_memory_equal(r1, img, sizeof img);
    free(r1);
    /* stubflash writes another image, stm32flash reads. */
    for (size_t i = 0; i < sizeof img; i++)
        img[i] ^= 0x5A;
    f = fopen(pb_file(&x->b, "b.bin"), "wb");
    fwrite(img, 1, sizeof img, f);
    fclose(f);
    expect_rc(x, stubflash(x, "write", pb_file(&x->b, "b.bin"), "--data", NULL), 0); /* a pattern, not firmware */
    char r2[160];
    snprintf(r2, sizeof r2, "%s/r2.bin", x->b.dir);
    const char *r[] = {"stm32flash", "-b", "115200", "-r", r2, "-S", "0x08000000:12288", sim_pty_path(x->b.pty), NULL};
    expect_rc(x, run_program(r, getenv("TERMIOS_SHIM"), x->b.log, 120), 0);
    uint8_t *b = bh_load_file(r2, &n);
    assert_int_equal(n, sizeof img);
    assert_memory_equal(b, img, sizeof img);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_every_format_and_read_back, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_write_every_format_and_read_back, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_json_and_info, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_json_and_info, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_go_starts_the_app, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_bad_inputs_leave_flash_untouched, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_bad_inputs_leave_flash_untouched, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_protection_needs_confirmation, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_protection_needs_confirmation, setup_xl, teardown),
        cmocka_unit_test_setup_teardown(test_in_process_board_with_options, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_what_is_not_firmware, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_what_is_not_firmware, setup_hd_rom, teardown),
        cmocka_unit_test_setup_teardown(test_one_program_per_port, setup_hd_realtime, teardown),
        cmocka_unit_test_setup_teardown(test_uucp_lock_files, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_signed_images_only, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_no_answer_and_usage, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_backup_and_rollback, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_backup_and_rollback, setup_hd_rom, teardown),
        cmocka_unit_test_setup_teardown(test_config_files, setup_hd, teardown),
        cmocka_unit_test(test_wait_for_port),
        cmocka_unit_test_setup_teardown(test_agrees_with_stm32flash, setup_hd, teardown),
        cmocka_unit_test_setup_teardown(test_agrees_with_stm32flash, setup_xl, teardown),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
