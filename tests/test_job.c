/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_job.c - the library's job (stubflash/job.h) and backups (stubflash/backup.h) against the
 * in-process virtual board, through the stub and through the ROM: what a write replaced is kept
 * per chip, listed newest first and written back by a rollback; a backup that cannot be kept
 * stops the write before anything is erased; the job starts the firmware where asked. And the
 * session's rule for callbacks: setters work from a callback, other calls are refused. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <stubflash/stubflash.h>

#include "board_host.h"

#define BASE 0x08000000u
#define SIZE 6144 /* three 2 KiB pages of the F103RE */

struct fx {
    char dir[64];
    char port[200];
    char root[128];
    sf_session *s;
    sf_job *job;
    bool rom;
};

static int setup_path(void **state, bool rom)
{
    struct fx *x = calloc(1, sizeof *x);
    snprintf(x->dir, sizeof x->dir, "/tmp/stubflash-job-XXXXXX");
    assert_non_null(mkdtemp(x->dir));
    snprintf(x->port, sizeof x->port, "sim:stm32f103re?flash=%s/board.flash", x->dir);
    snprintf(x->root, sizeof x->root, "%s/backups", x->dir);
    x->rom = rom;
    assert_int_equal(sf_session_new(&x->s), SF_OK);
    assert_int_equal(sf_session_set_stub(x->s, !rom, SF_STUB_BAUD_AUTO), SF_OK);
    assert_int_equal(sf_job_new(&x->job), SF_OK);
    assert_int_equal(sf_job_set_backup_root(x->job, x->root), SF_OK);
    *state = x;
    return 0;
}

static int setup_stub(void **state) { return setup_path(state, false); }
static int setup_rom(void **state) { return setup_path(state, true); }

static int teardown(void **state)
{
    struct fx *x = *state;
    sf_job_free(x->job);
    sf_session_free(x->s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", x->dir);
    assert_int_equal(system(cmd), 0);
    free(x);
    return 0;
}

static sf_image *image_of(const uint8_t *data, size_t n, uint32_t addr)
{
    sf_image *img;
    assert_int_equal(sf_image_new(&img), SF_OK);
    assert_int_equal(sf_image_add(img, addr, data, n), SF_OK);
    return img;
}

static void open_ok(struct fx *x)
{
    sf_error e = sf_session_open(x->s, x->port);
    if (e)
        fail_msg("open: %s", sf_session_last_error(x->s));
}

static void expect_flash(struct fx *x, const uint8_t *want, size_t n)
{
    uint8_t *got = malloc(n);
    assert_int_equal(sf_session_read(x->s, BASE, got, n), SF_OK);
    assert_memory_equal(got, want, n);
    free(got);
}

static void write_ok(struct fx *x, const uint8_t *data)
{
    sf_image *img = image_of(data, SIZE, BASE);
    sf_error e = sf_job_write(x->job, x->s, img);
    if (e)
        fail_msg("job: %s", sf_session_last_error(x->s));
    assert_int_equal(sf_job_bytes(x->job), SIZE);
    sf_image_free(img);
}

/* Every write that changes the flash keeps what it replaced (the first one an erased chip),
 * listed newest first; rollbacks write them back in turn, then say there is nothing left. */
static void backups_are_kept_listed_and_rolled_back(void **state)
{
    struct fx *x = *state;
    open_ok(x);
    uint8_t *a = bh_firmware(SIZE, 1, BASE), *b = bh_firmware(SIZE, 2, BASE), *c = bh_firmware(SIZE, 3, BASE);
    uint8_t *erased = malloc(SIZE);
    memset(erased, 0xFF, SIZE);
    time_t t0 = time(NULL);
    char kept[3][1100];
    const uint8_t *images[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        write_ok(x, images[i]);
        snprintf(kept[i], sizeof kept[i], "%s", sf_job_backup_path(x->job));
        assert_true(strncmp(kept[i], x->root, strlen(x->root)) == 0);
        usleep(2000); /* the names carry milliseconds */
    }
    expect_flash(x, c, SIZE);
    write_ok(x, c); /* changes nothing: nothing to keep */
    assert_string_equal(sf_job_backup_path(x->job), "");

    sf_backup_list *l;
    assert_int_equal(sf_backup_list_open(x->s, x->root, &l), SF_OK);
    assert_int_equal(sf_backup_list_count(l), 3);
    for (int i = 0; i < 3; i++)
        assert_string_equal(sf_backup_list_path(l, (size_t)(2 - i)), kept[i]); /* newest first */
    assert_int_equal(sf_backup_list_bytes(l, 0), SIZE);
    assert_false(sf_backup_list_restored(l, 0));
    assert_true(sf_backup_list_time(l, 0) >= t0 - 1 && sf_backup_list_time(l, 0) <= time(NULL) + 1);
    assert_null(sf_backup_list_path(l, 3));
    /* The folder is the chip's: root / its unique ID in hex. */
    assert_true(strncmp(sf_backup_list_dir(l), x->root, strlen(x->root)) == 0);
    assert_int_equal(strlen(sf_backup_list_dir(l)), strlen(x->root) + 1 + 24);
    sf_backup_list_free(l);

    const uint8_t *back[3] = {b, a, erased};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sf_job_rollback(x->job, x->s), SF_OK);
        assert_string_equal(sf_job_backup_path(x->job), kept[2 - i]);
        expect_flash(x, back[i], SIZE);
    }
    assert_int_equal(sf_job_rollback(x->job, x->s), SF_ERR_FILE);
    assert_non_null(strstr(sf_session_last_error(x->s), "no backup of this chip to restore in"));

    assert_int_equal(sf_backup_list_open(x->s, x->root, &l), SF_OK);
    assert_int_equal(sf_backup_list_count(l), 3);
    for (size_t i = 0; i < 3; i++)
        assert_true(sf_backup_list_restored(l, i));
    sf_backup_list_free(l);
    free(a);
    free(b);
    free(c);
    free(erased);
}

static void keep_log(sf_log_level level, const char *message, void *user)
{
    (void)level;
    char *log = user;
    size_t n = strlen(log);
    snprintf(log + n, 8192 - n, "%s\n", message);
}

/* The newest backup of the chip, as bytes at BASE. */
static uint8_t *newest_backup(struct fx *x)
{
    sf_backup_list *l;
    assert_int_equal(sf_backup_list_open(x->s, x->root, &l), SF_OK);
    assert_true(sf_backup_list_count(l) > 0);
    sf_image *img;
    assert_int_equal(sf_image_load(sf_backup_list_path(l, 0), SF_FORMAT_IHEX, 0, &img, NULL, 0), SF_OK);
    sf_backup_list_free(l);
    uint32_t addr;
    const uint8_t *data;
    size_t len;
    assert_int_equal(sf_image_segment_count(img), 1);
    assert_int_equal(sf_image_segment(img, 0, &addr, &data, &len), SF_OK);
    assert_int_equal(addr, BASE);
    assert_int_equal(len, SIZE);
    uint8_t *out = malloc(SIZE);
    memcpy(out, data, SIZE);
    sf_image_free(img);
    return out;
}

/* Where what the last write left is kept: last-write.bin in the chip's backup folder. */
static void known_path(struct fx *x, char *path, size_t cap)
{
    sf_backup_list *l;
    assert_int_equal(sf_backup_list_open(x->s, x->root, &l), SF_OK);
    snprintf(path, cap, "%s/last-write.bin", sf_backup_list_dir(l));
    sf_backup_list_free(l);
}

/* The inode of what the last write left. */
static ino_t known_inode(struct fx *x)
{
    char path[1200];
    known_path(x, path, sizeof path);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_ino;
}

/* Through the stub, the backup of pages that still hold what the last write left comes from
 * what that write left (the chip's CRC of each page is checked against it), not from reading
 * the chip; a page changed behind the job's back is read. Through the ROM (no CRCs) every page
 * is read. Either way the backup is what the chip held. */
static void the_backup_takes_what_the_last_write_left(void **state)
{
    struct fx *x = *state;
    char *log = calloc(1, 8192);
    sf_session_set_log(x->s, keep_log, log);
    open_ok(x);
    uint8_t *a = bh_firmware(SIZE, 11, BASE), *b = bh_firmware(SIZE, 12, BASE), *c = bh_firmware(SIZE, 13, BASE);
    uint8_t *d = bh_firmware(SIZE, 14, BASE);
    write_ok(x, a);
    log[0] = 0;
    write_ok(x, b);
    uint8_t *kept = newest_backup(x);
    assert_memory_equal(kept, a, SIZE);
    free(kept);
    assert_int_equal(strstr(log, "backup: 3 unit(s) still hold what the last write left") != NULL, !x->rom);

    /* The second page changed behind the job's back: written without a backup. */
    uint8_t *mixed = malloc(SIZE);
    memcpy(mixed, b, SIZE);
    memcpy(mixed + 2048, c + 2048, 2048);
    assert_int_equal(sf_job_set_flags(x->job, SF_JOB_VERIFY), SF_OK);
    write_ok(x, mixed);
    assert_int_equal(sf_job_set_flags(x->job, SF_JOB_VERIFY | SF_JOB_BACKUP), SF_OK);
    log[0] = 0;
    write_ok(x, d);
    kept = newest_backup(x);
    assert_memory_equal(kept, mixed, SIZE);
    free(kept);
    assert_int_equal(strstr(log, "backup: 2 unit(s) still hold what the last write left") != NULL, !x->rom);
    expect_flash(x, d, SIZE);
    /* The same image again changes nothing: what the last write left is not written again
     * (it is replaced by a rename when it changes). */
    ino_t before = known_inode(x);
    write_ok(x, d);
    assert_true(known_inode(x) == before);
    write_ok(x, a);
    assert_true(known_inode(x) != before);
    sf_session_set_log(x->s, NULL, NULL);
    free(mixed);
    free(a);
    free(b);
    free(c);
    free(d);
    free(log);
}

/* What the last write left, damaged on disk (a host that crashed while saving it: the file is
 * not synced), is not believed: the backup reads the chip and holds what the chip held, and
 * the next write keeps a sound picture again. */
static void a_damaged_picture_of_the_last_write_is_not_believed(void **state)
{
    struct fx *x = *state;
    char *log = calloc(1, 8192);
    sf_session_set_log(x->s, keep_log, log);
    open_ok(x);
    uint8_t *a = bh_firmware(SIZE, 21, BASE), *b = bh_firmware(SIZE, 22, BASE), *c = bh_firmware(SIZE, 23, BASE);
    write_ok(x, a);
    char path[1200];
    known_path(x, path, sizeof path);
    /* Cut short in the middle of its first segment; later one byte of its data flipped. */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, st.st_size / 2), 0);
    log[0] = 0;
    write_ok(x, b);
    uint8_t *kept = newest_backup(x);
    assert_memory_equal(kept, a, SIZE);
    free(kept);
    assert_null(strstr(log, "still hold what the last write left"));
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, 8 + 8 + 100, SEEK_SET), 0);
    assert_int_equal(fputc(0x5A ^ b[100], f), 0x5A ^ b[100]);
    fclose(f);
    log[0] = 0;
    write_ok(x, c);
    kept = newest_backup(x);
    assert_memory_equal(kept, b, SIZE);
    free(kept);
    /* The first page's picture is wrong now; the others still match the chip. */
    assert_int_equal(strstr(log, "backup: 2 unit(s) still hold what the last write left") != NULL, !x->rom);
    expect_flash(x, c, SIZE);
    sf_session_set_log(x->s, NULL, NULL);
    free(a);
    free(b);
    free(c);
    free(log);
}

/* On a part whose stub layout depends on them (the F1 XL's two banks: F_SIZE), the option
 * bytes and F_SIZE are read once through the ROM at open when a stub will serve: a bit the
 * line flips in that reading is caught by the second one before anything is erased. Byte 28
 * the ROM sends (sync, Get Version, Get ID twice, then Read Memory of the option bytes) is
 * WRP0: flipped, the first two pages read as write-protected and the job's checks refuse the
 * image, so they run again on a second reading. Byte 39 is F_SIZE's low byte: flipped, the
 * checks pass and the stub's CRC of the bytes tells. Through the ROM alone (Get, not Get
 * Version: other bytes) each block is read until two reads agree, as before. Either way the
 * write goes through. */
static void check_flipped_state_byte(struct fx *x, unsigned byte)
{
    char *part = strstr(x->port, "stm32f103re");
    assert_non_null(part);
    memcpy(part, "stm32f103rg", 11);
    size_t n = strlen(x->port);
    snprintf(x->port + n, sizeof x->port - n, "&flip_tx=%u", byte);
    char *log = calloc(1, 8192);
    sf_session_set_log(x->s, keep_log, log);
    open_ok(x);
    uint8_t *a = bh_firmware(SIZE, 31, BASE);
    write_ok(x, a);
    assert_int_equal(strstr(log, "read differently a second time") != NULL, !x->rom);
    sf_chip chip = SF_CHIP_INIT;
    assert_int_equal(sf_session_chip(x->s, &chip), SF_OK);
    assert_int_equal(chip.flash_size, 1024 * 1024);
    assert_int_equal(chip.protection.wrp, 0xFFFFFFFFu);
    expect_flash(x, a, SIZE);
    sf_session_set_log(x->s, NULL, NULL);
    free(a);
    free(log);
}

static void a_flipped_protection_byte_is_read_again(void **state) { check_flipped_state_byte(*state, 28); }
static void a_flipped_flash_size_byte_is_read_again(void **state) { check_flipped_state_byte(*state, 39); }

/* Where the stub's layout does not depend on them (the F103RE has one bank), connecting leaves
 * the option bytes and F_SIZE unread: the write's stub reads them as it starts, and the checks
 * still see write protection there, before anything is erased. A readout-protected chip, whose
 * ROM refuses to take the stub, is refused with the reason. Through the ROM alone the state is
 * read at open, as before. */
static void the_state_left_for_the_stub_still_guards_the_write(void **state)
{
    struct fx *x = *state;
    char *log = calloc(1, 8192);
    open_ok(x);
    uint8_t *a = bh_firmware(SIZE, 12, BASE), *b = bh_firmware(SIZE, 13, BASE);
    write_ok(x, a);
    uint8_t group = 1; /* WRP bit 1: pages 2 and 3, the image's last page among them */
    assert_int_equal(sf_session_write_protect(x->s, &group, 1), SF_OK);
    sf_session_close(x->s);
    sf_session_set_log(x->s, keep_log, log);
    open_ok(x);
    assert_int_equal(strstr(log, "flash 512 KiB") != NULL, x->rom); /* not read at open for a stub */
    sf_image *img = image_of(b, SIZE, BASE);
    assert_int_equal(sf_job_write(x->job, x->s, img), SF_ERR_PROTECTED);
    assert_non_null(strstr(sf_session_last_error(x->s), "page 2 (0x08001000) is write-protected"));
    if (!x->rom) { /* read by the stub, once it was loaded */
        const char *loaded = strstr(log, "loading the stub");
        assert_non_null(loaded);
        assert_non_null(strstr(loaded, "chip: flash 512 KiB"));
    }
    expect_flash(x, a, SIZE);
    assert_int_equal(sf_session_readout_protect(x->s), SF_OK);
    sf_session_close(x->s);
    open_ok(x);
    assert_int_equal(sf_job_write(x->job, x->s, img), SF_ERR_PROTECTED);
    assert_non_null(strstr(sf_session_last_error(x->s), "readout protection is active"));
    sf_session_set_log(x->s, NULL, NULL);
    sf_image_free(img);
    free(a);
    free(b);
    free(log);
}

/* Where a stub is to serve, identification asks Get Version, not Get: the ROM's command list
 * is read when something needs it. sf_session_chip shows it, and a mass erase through the ROM
 * (Erase or Extended Erase, by that list) works as the first command after open. */
static void the_rom_command_list_is_read_when_needed(void **state)
{
    struct fx *x = *state;
    open_ok(x);
    uint8_t *a = bh_firmware(SIZE, 14, BASE), blank[SIZE];
    write_ok(x, a);
    sf_session_close(x->s);
    open_ok(x);
    assert_int_equal(sf_session_mass_erase(x->s), SF_OK);
    memset(blank, 0xFF, sizeof blank);
    expect_flash(x, blank, SIZE);
    sf_chip chip = SF_CHIP_INIT;
    assert_int_equal(sf_session_chip(x->s, &chip), SF_OK);
    assert_int_equal(chip.bootloader_version, 0x22);
    assert_non_null(memchr(chip.commands, 0x31, chip.command_count)); /* Write Memory */
    assert_non_null(memchr(chip.commands, 0x43, chip.command_count)); /* the F1's Erase */
    free(a);
}

/* A backup that cannot be saved (its root is a file) stops the write: SF_ERR_BACKUP, a sentence
 * that says why, and the chip untouched. Without SF_JOB_BACKUP the same write goes through. */
static void a_backup_that_cannot_be_kept_stops_the_write(void **state)
{
    struct fx *x = *state;
    open_ok(x);
    uint8_t *a = bh_firmware(SIZE, 4, BASE), *b = bh_firmware(SIZE, 5, BASE);
    assert_int_equal(sf_job_set_flags(x->job, SF_JOB_VERIFY), SF_OK);
    write_ok(x, a);
    assert_int_equal(sf_job_set_flags(x->job, SF_JOB_VERIFY | SF_JOB_BACKUP), SF_OK);
    FILE *f = fopen(x->root, "w"); /* the root cannot be a folder now */
    assert_non_null(f);
    fclose(f);
    sf_image *img = image_of(b, SIZE, BASE);
    assert_int_equal(sf_job_write(x->job, x->s, img), SF_ERR_BACKUP);
    assert_non_null(strstr(sf_session_last_error(x->s), "cannot create"));
    assert_non_null(strstr(sf_session_last_error(x->s), "nothing was written"));
    expect_flash(x, a, SIZE);
    assert_int_equal(sf_job_set_flags(x->job, SF_JOB_VERIFY), SF_OK);
    assert_int_equal(sf_job_write(x->job, x->s, img), SF_OK);
    expect_flash(x, b, SIZE);
    sf_image_free(img);
    free(a);
    free(b);
}

/* An image the chip cannot take (its last bytes run past the 512 KiB) is refused before
 * anything is erased: the pages it shares with the chip's contents keep them. */
static void checks_come_before_anything_is_erased(void **state)
{
    struct fx *x = *state;
    open_ok(x);
    uint8_t *a = bh_firmware(SIZE, 6, BASE), *b = bh_firmware(SIZE, 9, BASE);
    write_ok(x, a);
    sf_image *img = image_of(b, SIZE, BASE);
    assert_int_equal(sf_image_add(img, BASE + 512 * 1024 - 16, b, 32), SF_OK);
    assert_int_equal(sf_job_write(x->job, x->s, img), SF_ERR_FIT);
    assert_non_null(strstr(sf_session_last_error(x->s), "0x08080000"));
    expect_flash(x, a, SIZE);
    sf_image_free(img);
    free(a);
    free(b);
}

/* SF_JOB_GO starts the firmware at the chip's boot address and closes the session. */
static void the_job_starts_the_firmware(void **state)
{
    struct fx *x = *state;
    open_ok(x);
    uint8_t *a = bh_firmware(SIZE, 7, BASE);
    assert_int_equal(sf_job_set_flags(x->job, SF_JOB_VERIFY | SF_JOB_GO), SF_OK);
    assert_int_equal(sf_job_flags(x->job), SF_JOB_VERIFY | SF_JOB_GO);
    write_ok(x, a);
    assert_int_equal(sf_job_started_at(x->job), BASE);
    sf_chip chip = SF_CHIP_INIT;
    assert_int_equal(sf_session_chip(x->s, &chip), SF_ERR_STATE); /* the ROM no longer listens */
    assert_int_equal(sf_job_set_flags(x->job, 1u << 7), SF_ERR_ARG);
    free(a);
}

struct reentry {
    sf_session *s;
    int calls;
    sf_error nested;
};

static void reenter(sf_phase phase, uint64_t done, uint64_t total, void *user)
{
    (void)phase;
    (void)done;
    (void)total;
    struct reentry *r = user;
    if (r->calls++)
        return;
    uint8_t buf[4];
    r->nested = sf_session_read(r->s, BASE, buf, sizeof buf); /* refused, not deadlocked */
    sf_session_set_baud(r->s, 115200);                        /* a setter is fine */
    sf_session_set_progress(r->s, NULL, NULL);                /* so is its own setter */
}

/* From a callback, setters work and other calls on the same session return SF_ERR_STATE, leaving
 * the operation under way to finish. */
static void a_callback_may_set_but_not_call(void **state)
{
    struct fx *x = *state;
    open_ok(x);
    uint8_t *a = bh_firmware(SIZE, 8, BASE);
    struct reentry r = {x->s, 0, SF_OK};
    sf_session_set_progress(x->s, reenter, &r);
    write_ok(x, a);
    assert_int_equal(r.calls, 1); /* the callback removed itself */
    assert_int_equal(r.nested, SF_ERR_STATE);
    expect_flash(x, a, SIZE);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(backups_are_kept_listed_and_rolled_back, setup_stub, teardown),
        cmocka_unit_test_setup_teardown(backups_are_kept_listed_and_rolled_back, setup_rom, teardown),
        cmocka_unit_test_setup_teardown(the_backup_takes_what_the_last_write_left, setup_stub, teardown),
        cmocka_unit_test_setup_teardown(the_backup_takes_what_the_last_write_left, setup_rom, teardown),
        cmocka_unit_test_setup_teardown(a_damaged_picture_of_the_last_write_is_not_believed, setup_stub, teardown),
        cmocka_unit_test_setup_teardown(the_state_left_for_the_stub_still_guards_the_write, setup_stub, teardown),
        cmocka_unit_test_setup_teardown(the_state_left_for_the_stub_still_guards_the_write, setup_rom, teardown),
        cmocka_unit_test_setup_teardown(the_rom_command_list_is_read_when_needed, setup_stub, teardown),
        cmocka_unit_test_setup_teardown(the_rom_command_list_is_read_when_needed, setup_rom, teardown),
        cmocka_unit_test_setup_teardown(a_flipped_protection_byte_is_read_again, setup_stub, teardown),
        cmocka_unit_test_setup_teardown(a_flipped_protection_byte_is_read_again, setup_rom, teardown),
        cmocka_unit_test_setup_teardown(a_flipped_flash_size_byte_is_read_again, setup_stub, teardown),
        cmocka_unit_test_setup_teardown(a_flipped_flash_size_byte_is_read_again, setup_rom, teardown),
        cmocka_unit_test_setup_teardown(a_backup_that_cannot_be_kept_stops_the_write, setup_stub, teardown),
        cmocka_unit_test_setup_teardown(a_backup_that_cannot_be_kept_stops_the_write, setup_rom, teardown),
        cmocka_unit_test_setup_teardown(checks_come_before_anything_is_erased, setup_stub, teardown),
        cmocka_unit_test_setup_teardown(the_job_starts_the_firmware, setup_stub, teardown),
        cmocka_unit_test_setup_teardown(the_job_starts_the_firmware, setup_rom, teardown),
        cmocka_unit_test_setup_teardown(a_callback_may_set_but_not_call, setup_stub, teardown),
        cmocka_unit_test_setup_teardown(a_callback_may_set_but_not_call, setup_rom, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
