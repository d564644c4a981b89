/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_gui_logic.c - stubflash-gtk's decisions without a display (gui/gui-logic.c) and its
 * worker (gui/sfg-job.c) running real jobs against the in-process virtual board, events
 * delivered on a GLib main loop as the window gets them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "board_host.h"
#include "gui-logic.h"
#include "sfg-job.h"

static void test_file_kinds(void **state)
{
    (void)state;
    assert_int_equal(sfg_file_kind_of("/x/fw.HEX"), SFG_FILE_HEX);
    assert_int_equal(sfg_file_kind_of("fw.ihx"), SFG_FILE_HEX);
    assert_int_equal(sfg_file_kind_of("fw.s19"), SFG_FILE_SREC);
    assert_int_equal(sfg_file_kind_of("fw.srec.gz"), SFG_FILE_SREC);
    assert_int_equal(sfg_file_kind_of("fw.elf"), SFG_FILE_ELF);
    assert_int_equal(sfg_file_kind_of("fw.bin.gz"), SFG_FILE_BIN); /* asks for its address too */
    assert_int_equal(sfg_file_kind_of("fw.bin"), SFG_FILE_BIN);
    assert_int_equal(sfg_file_kind_of("notes.txt"), SFG_FILE_UNKNOWN);
    assert_int_equal(sfg_file_kind_of("fw.gz"), SFG_FILE_UNKNOWN);
    assert_int_equal(sfg_file_kind_of("bin"), SFG_FILE_UNKNOWN);
    assert_int_equal(sfg_file_kind_of(NULL), SFG_FILE_UNKNOWN);
    assert_true(sfg_file_accepted("a.axf"));
    assert_false(sfg_file_accepted("a.c"));
}

static void test_addresses(void **state)
{
    (void)state;
    guint32 a = 0;
    char *err = NULL;
    assert_true(sfg_parse_address("0x08004000", &a, &err));
    assert_int_equal(a, 0x08004000);
    assert_true(sfg_parse_address(" 134217728 ", &a, &err));
    assert_int_equal(a, 0x08000000);
    assert_true(sfg_parse_address("0XFFFFFFFF", &a, &err));
    assert_int_equal(a, 0xFFFFFFFFu);
    const char *bad[] = {"", "0x", "0x1_0", "zz", "0x100000000", "-1", "12k"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        a = 7;
        assert_false(sfg_parse_address(bad[i], &a, &err));
        assert_int_equal(a, 7); /* unchanged */
        assert_non_null(strstr(err, "is not an address"));
        assert_non_null(strstr(err, bad[i]));
        g_free(err);
        err = NULL;
    }
}

static void expect_text(char *got, const char *want)
{
    assert_string_equal(got, want);
    g_free(got);
}

static void test_progress_and_rates(void **state)
{
    (void)state;
    expect_text(sfg_format_rate(0, 0), "");
    expect_text(sfg_format_rate(10240, 2.0), "5.0 KiB/s");
    expect_text(sfg_format_rate(3 * 1024 * 1024, 2.0), "1.50 MiB/s");
    expect_text(sfg_progress_text(SF_PHASE_WRITE, 24576, 49152, 2.0), "Writing: 24 KiB of 48 KiB · 12.0 KiB/s");
    expect_text(sfg_progress_text(SF_PHASE_VERIFY, 100, 2048, 0), "Verifying: 100 bytes of 2048 bytes");
    expect_text(sfg_progress_text(SF_PHASE_ERASE, 3, 16, 1.0), "Erasing: 3 of 16 unit(s)");
    expect_text(sfg_progress_text(SF_PHASE_CONNECT, 0, 1, 1.0), "Connecting");
    assert_true(sfg_progress_fraction(1, 4) == 0.25);
    assert_true(sfg_progress_fraction(9, 4) == 1.0);
    assert_true(sfg_progress_fraction(1, 0) == 0.0);
}

static void test_chip_text(void **state)
{
    (void)state;
    sf_chip c = {.version = SF_CHIP_VERSION, .pid = 0x414, .device = sf_device_find(0x414), .bootloader_version = 0x22, .flash_size = 256 * 1024,
                 .protection = {.readout = false, .known_wrp = true, .wrp = 0xFFFFFFFF}};
    char *t = sfg_chip_text(&c);
    assert_non_null(strstr(t, "STM32F10xxx high density (F1, product ID 0x414)"));
    assert_non_null(strstr(t, "Flash 256 KiB")); /* what F_SIZE said, not the table's maximum */
    assert_non_null(strstr(t, "RAM 64 KiB"));
    assert_non_null(strstr(t, "bootloader 2.2"));
    assert_non_null(strstr(t, "Readout protection: off"));
    assert_non_null(strstr(t, "write protection: none"));
    g_free(t);
    c.protection.readout = true;
    c.protection.wrp = 0xFFFFFFFC;
    c.stub_running = true;
    t = sfg_chip_text(&c);
    assert_non_null(strstr(t, "Readout protection: ON"));
    assert_non_null(strstr(t, "write protection: 2 group(s)"));
    assert_non_null(strstr(t, "stub running"));
    g_free(t);
    sf_chip u = {.version = SF_CHIP_VERSION, .pid = 0x999, .flash_size = 64 * 1024};
    t = sfg_chip_text(&u);
    assert_non_null(strstr(t, "unknown part, product ID 0x999"));
    g_free(t);
}

static void test_ports(void **state)
{
    (void)state;
    expect_text(sfg_port_label("/dev/ttyUSB0", "CP2102 USB to UART Bridge Controller", "0001"),
                "/dev/ttyUSB0 — CP2102 USB to UART Bridge Controller (serial 0001)");
    expect_text(sfg_port_label("/dev/ttyS0", "", ""), "/dev/ttyS0");
    expect_text(sfg_port_label("sim:stm32f103re", "virtual stm32f103re (in-process simulator)", ""),
                "Virtual stm32f103re (simulated board)");
    expect_text(sfg_port_to_open("sim:stm32f103re", "/d"), "sim:stm32f103re?flash=/d/virtual-stm32f103re.bin");
    expect_text(sfg_port_to_open("sim:stm32f103re?realtime=1", "/d"),
                "sim:stm32f103re?realtime=1&flash=/d/virtual-stm32f103re.bin");
    expect_text(sfg_port_to_open("sim:stm32f103re?flash=/x.bin", "/d"), "sim:stm32f103re?flash=/x.bin");
    expect_text(sfg_port_to_open("/dev/ttyUSB0", "/d"), "/dev/ttyUSB0");
    /* The list the chooser shows comes from the library and offers the virtual boards. */
    sf_port_info **list;
    size_t n;
    assert_int_equal(sf_port_list(&list, &n), SF_OK);
    bool virt = false;
    for (size_t i = 0; i < n; i++) {
        const sf_port_info *p = list[i];
        assert_non_null(p);
        assert_non_null(sf_port_info_description(p));
        assert_non_null(sf_port_info_serial(p));
        assert_non_null(sf_port_info_manufacturer(p));
        if (strcmp(sf_port_info_name(p), "sim:stm32f103re"))
            continue;
        virt = true;
        assert_string_equal(sf_port_info_description(p), "virtual stm32f103re (in-process simulator)");
        uint16_t vid = 1, pid = 2;
        assert_false(sf_port_info_usb_ids(p, &vid, &pid)); /* not on USB: nothing stored */
        assert_int_equal(vid, 1);
        assert_int_equal(pid, 2);
    }
    assert_null(list[n]);
    assert_true(virt);
    sf_port_list_free(list);
}

static void test_flash_map(void **state)
{
    (void)state;
    sfg_map m;
    sfg_map_init(&m, sf_device_find(0x414), 512 * 1024);
    assert_int_equal(m.count, 256);
    assert_int_equal(m.start[3], 0x08001800);
    assert_int_equal(m.size[255], 2048);
    assert_int_equal(sfg_map_count(&m, SFG_CELL_IDLE), 256);
    sfg_map_set(&m, 0, SF_UNIT_VERIFIED);
    sfg_map_set(&m, 1, SF_UNIT_VERIFIED);
    sfg_map_set(&m, 2, SF_UNIT_UNCHANGED);
    sfg_map_set(&m, 2, SF_UNIT_VERIFIED); /* checked, but the update did not touch it */
    sfg_map_set(&m, 9, SF_UNIT_FAILED);
    sfg_map_set(&m, 256, SF_UNIT_FAILED); /* beyond the chip: ignored */
    expect_text(sfg_map_summary(&m), "1 failed, 2 written and verified, 1 unchanged, 252 untouched");
    sfg_map_clear(&m);
    assert_int_equal(sfg_map_count(&m, SFG_CELL_IDLE), 256);
    sfg_map_free(&m);
    /* Mixed sector sizes (F4): cells follow the layout. */
    sfg_map_init(&m, sf_device_find(0x413), 1024 * 1024);
    assert_int_equal(m.count, 12);
    assert_int_equal(m.start[4], 0x08010000);
    assert_int_equal(m.size[4], 64 * 1024);
    assert_int_equal(m.start[5], 0x08020000);
    assert_int_equal(m.size[11], 128 * 1024);
    sfg_map_free(&m);
    sfg_map_init(&m, NULL, 0); /* an unknown part: no map */
    assert_int_equal(m.count, 0);
    expect_text(sfg_map_summary(&m), "");
    sfg_map_free(&m);
}

static void test_settings(void **state)
{
    (void)state;
    char *dir = g_dir_make_tmp("sfg-XXXXXX", NULL);
    char *path = g_build_filename(dir, "sub", "gtk.ini", NULL);
    sfg_settings s;
    sfg_settings_load(&s, path); /* no file: defaults */
    assert_null(s.port);
    assert_int_equal(s.base, 0x08000000);
    assert_true(s.verify && s.stub && !s.go);
    s.port = g_strdup("/dev/ttyACM3");
    s.file = g_strdup("/home/u/fw v2.bin");
    s.base = 0x08004000;
    s.verify = FALSE;
    s.go = TRUE;
    s.stub_baud = 460800;
    assert_true(sfg_settings_save(&s, path, NULL)); /* creates the folder */
    sfg_settings r;
    sfg_settings_load(&r, path);
    assert_string_equal(r.port, "/dev/ttyACM3");
    assert_string_equal(r.file, "/home/u/fw v2.bin");
    assert_int_equal(r.base, 0x08004000);
    assert_false(r.verify);
    assert_true(r.stub);
    assert_true(r.go);
    assert_int_equal(r.stub_baud, 460800);
    sfg_settings_free(&r);
    sfg_settings_free(&s);
    /* Values that make no sense fall back to the defaults. */
    assert_true(g_file_set_contents(path, "[last]\nbase=zz\n[options]\nverify=maybe\nstub-baud=12345\n", -1, NULL));
    sfg_settings_load(&r, path);
    assert_int_equal(r.base, 0x08000000);
    assert_true(r.verify);
    assert_int_equal(r.stub_baud, 0);
    sfg_settings_free(&r);
    g_remove(path);
    char *sub = g_path_get_dirname(path);
    g_rmdir(sub);
    g_rmdir(dir);
    g_free(sub);
    g_free(path);
    g_free(dir);
}

/* ---- jobs against the virtual board ---- */

typedef struct recorder {
    GString *log;
    int chips;
    guint16 pid;
    guint8 last[256];      /* each unit's last state, 0xFF = none */
    int units;
    int backwards;         /* progress that went back within a phase */
    int phase;
    guint64 done;
    gboolean finished;
    sf_error err;
    char *text;
    sfg_job *job;
    int cancel_at_unit;    /* cancel when this many unit events arrived (0: never) */
    GThread *main_thread;
} recorder;

static void r_log(void *u, sf_log_level level, const char *text)
{
    recorder *r = u;
    assert_ptr_equal(g_thread_self(), r->main_thread); /* delivered on the main loop */
    g_string_append_printf(r->log, "%d %s\n", level, text);
}

static void r_progress(void *u, sf_phase phase, guint64 done, guint64 total)
{
    recorder *r = u;
    assert_true(done <= total);
    if ((int)phase == r->phase && done < r->done)
        r->backwards++;
    r->phase = (int)phase;
    r->done = done;
}

static void r_chip(void *u, const sf_chip *chip)
{
    recorder *r = u;
    r->chips++;
    r->pid = chip->pid;
}

static void r_unit(void *u, guint index, sf_unit_state state)
{
    recorder *r = u;
    assert_ptr_equal(g_thread_self(), r->main_thread);
    assert_true(index < 256);
    r->last[index] = (guint8)state;
    if (++r->units == r->cancel_at_unit)
        sfg_job_cancel(r->job);
}

static void r_done(void *u, sf_error err, const char *text)
{
    recorder *r = u;
    r->finished = TRUE;
    r->err = err;
    r->text = g_strdup(text);
}

static void run_job(recorder *r, const sfg_job_params *p)
{
    memset(r->last, 0xFF, sizeof r->last);
    r->log = g_string_new(NULL);
    r->main_thread = g_thread_self();
    r->phase = -1;
    sfg_job_events ev = {.log = r_log, .progress = r_progress, .chip = r_chip, .unit = r_unit, .done = r_done, .user = r};
    r->job = sfg_job_start(p, &ev);
    gint64 until = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;
    while (!r->finished && g_get_monotonic_time() < until)
        g_main_context_iteration(NULL, TRUE);
    assert_true(r->finished);
    assert_true(sfg_job_finished(r->job));
    sfg_job_free(r->job);
}

static void recorder_free(recorder *r)
{
    g_string_free(r->log, TRUE);
    g_free(r->text);
    memset(r, 0, sizeof *r);
}

static void test_jobs_flash_verify_read(void **state)
{
    (void)state;
    char *dir = g_dir_make_tmp("sfg-job-XXXXXX", NULL);
    char *board = g_build_filename(dir, "board.bin", NULL), *fw = g_build_filename(dir, "fw.bin", NULL);
    char *back = g_build_filename(dir, "read.bin", NULL), *port = g_strdup_printf("sim:stm32f103re?flash=%s", board);
    guint8 *img = bh_firmware(5 * 2048 + 100, 21, 0x08001000);
    assert_true(g_file_set_contents(fw, (const char *)img, 5 * 2048 + 100, NULL));

    /* Flash at 0x08001000 (page 2 on): the map's cells 2..7 end verified, the rest untouched. */
    sfg_job_params p = {.kind = SFG_JOB_FLASH, .port = port, .file = fw, .base = 0x08001000, .verify = TRUE,
                        .stub = TRUE};
    recorder r = {0};
    run_job(&r, &p);
    if (r.err)
        fail_msg("flash: %s", r.text);
    assert_non_null(strstr(r.text, "wrote and verified 10340 bytes"));
    assert_int_equal(r.chips, 1);
    assert_int_equal(r.pid, 0x414);
    assert_int_equal(r.backwards, 0);
    for (int i = 0; i < 256; i++)
        assert_int_equal(r.last[i], i >= 2 && i <= 7 ? SF_UNIT_VERIFIED : 0xFF);
    assert_non_null(strstr(r.log->str, "fw.bin: 10340 bytes"));
    recorder_free(&r);
    gsize len;
    gchar *flash;
    assert_true(g_file_get_contents(board, &flash, &len, NULL));
    assert_memory_equal(flash + 0x1000, img, 5 * 2048 + 100);
    g_free(flash);

    /* The same again: every page already holds it (the stub skips them). */
    run_job(&r, &p);
    assert_int_equal(r.err, SF_OK);
    for (int i = 2; i <= 7; i++)
        assert_int_equal(r.last[i], SF_UNIT_VERIFIED);
    assert_non_null(strstr(r.log->str, "0 of 6 page(s) differ"));
    recorder_free(&r);

    /* Verify through the ROM alone, then a different image fails to verify, naming where. */
    p.kind = SFG_JOB_VERIFY;
    p.stub = FALSE;
    run_job(&r, &p);
    assert_int_equal(r.err, SF_OK);
    recorder_free(&r);
    img[3000] ^= 0x40;
    assert_true(g_file_set_contents(fw, (const char *)img, 5 * 2048 + 100, NULL));
    run_job(&r, &p);
    assert_int_equal(r.err, SF_ERR_VERIFY);
    assert_non_null(strstr(r.text, "0x08001B"));
    recorder_free(&r);

    /* Read: the whole flash into a file. */
    sfg_job_params rd = {.kind = SFG_JOB_READ, .port = port, .read_path = back, .stub = TRUE};
    run_job(&r, &rd);
    if (r.err)
        fail_msg("read: %s", r.text);
    assert_true(g_file_get_contents(back, &flash, &len, NULL));
    assert_int_equal(len, 512 * 1024);
    img[3000] ^= 0x40;
    assert_memory_equal(flash + 0x1000, img, 5 * 2048 + 100);
    assert_int_equal((guint8)flash[0], 0xFF);
    g_free(flash);
    recorder_free(&r);

    /* A file that is not there: said before the board is touched (no chip event). */
    sfg_job_params bad = p;
    bad.file = "/nonexistent/fw.hex";
    run_job(&r, &bad);
    assert_int_equal(r.err, SF_ERR_FILE);
    assert_non_null(strstr(r.text, "/nonexistent/fw.hex"));
    assert_int_equal(r.chips, 0);
    recorder_free(&r);

    /* Erase: everything blank afterwards. */
    sfg_job_params er = {.kind = SFG_JOB_ERASE, .port = port, .stub = TRUE};
    run_job(&r, &er);
    assert_int_equal(r.err, SF_OK);
    recorder_free(&r);
    assert_true(g_file_get_contents(board, &flash, &len, NULL));
    for (gsize i = 0; i < 512 * 1024; i++)
        if ((guint8)flash[i] != 0xFF)
            fail_msg("byte 0x%zx not erased", i);
    g_free(flash);

    g_remove(board);
    g_remove(fw);
    g_remove(back);
    g_rmdir(dir);
    g_free(board);
    g_free(fw);
    g_free(back);
    g_free(port);
    g_free(dir);
    free(img);
}

static void test_job_cancel(void **state)
{
    (void)state;
    /* Real time, through the ROM: 64 KiB take seconds. Events: 32 planned, 32 erased, then
     * writing and written per unit: cancel while the fourth unit is written. */
    char *dir = g_dir_make_tmp("sfg-job-XXXXXX", NULL);
    char *fw = g_build_filename(dir, "fw.bin", NULL);
    guint8 *img = bh_firmware(64 * 1024, 22, 0x08000000);
    assert_true(g_file_set_contents(fw, (const char *)img, 64 * 1024, NULL));
    sfg_job_params p = {.kind = SFG_JOB_FLASH, .port = "sim:stm32f103re?realtime=1", .file = fw, .base = 0x08000000,
                        .verify = TRUE, .stub = FALSE};
    recorder r = {.cancel_at_unit = 71};
    run_job(&r, &p);
    assert_int_equal(r.err, SF_ERR_CANCELLED);
    assert_non_null(strstr(r.text, "cancelled"));
    int verified = 0, written = 0;
    for (int i = 0; i < 32; i++) {
        verified += r.last[i] == SF_UNIT_VERIFIED;
        written += r.last[i] == SF_UNIT_WRITTEN;
    }
    assert_int_equal(verified, 0);
    assert_in_range(written, 3, 5); /* it stopped at the next block, not at the end */
    recorder_free(&r);
    g_remove(fw);
    g_rmdir(dir);
    g_free(fw);
    g_free(dir);
    free(img);
}

/* The library's sentence for a board that does not answer names command-line options; the
 * window names its preferences instead. */
static void test_sentences_for_the_window(void **state)
{
    (void)state;
    sf_session *s;
    assert_int_equal(sf_session_new(&s), SF_OK);
    assert_int_not_equal(sf_session_open(s, "sim:stm32f103re?boot0=0"), SF_OK);
    const char *lib = sf_session_last_error(s);
    assert_non_null(strstr(lib, "--before"));
    char *t = sfg_gui_sentence(lib);
    assert_null(strstr(t, "--before"));
    assert_null(strstr(t, "-b 57600"));
    assert_non_null(strstr(t, "Preferences, Reset Wiring"));
    assert_non_null(strstr(t, "try 57600: Preferences, Bootloader rate"));
    assert_non_null(strstr(t, "Is BOOT0 high")); /* the rest as the library said it */
    g_free(t);
    sf_session_free(s);
    t = sfg_gui_sentence("no option in it");
    assert_string_equal(t, "no option in it");
    g_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_kinds),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_progress_and_rates),
        cmocka_unit_test(test_chip_text),
        cmocka_unit_test(test_ports),
        cmocka_unit_test(test_sentences_for_the_window),
        cmocka_unit_test(test_flash_map),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_jobs_flash_verify_read),
        cmocka_unit_test(test_job_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
