/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_config.c - the command's settings (cli/config.c): files found from the current folder
 * upwards and in $XDG_CONFIG_HOME, [board NAME] sections, the environment and the command line
 * in their order, and bad files named by file, line and key. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

static char root[64];
static const char *env_names[8], *env_values[8];

/* The environment a test sets up: a table, not the process's. */
static const char *fake_env(const char *name)
{
    for (int i = 0; i < 8 && env_names[i]; i++)
        if (!strcmp(env_names[i], name))
            return env_values[i];
    return NULL;
}

static void set_env(const char *name, const char *value)
{
    int i = 0;
    while (i < 7 && env_names[i] && strcmp(env_names[i], name))
        i++;
    env_names[i] = name;
    env_values[i] = value;
}

static const char *in_root(const char *rel)
{
    static char p[8][256];
    static int n;
    char *o = p[n++ % 8];
    snprintf(o, 256, "%s/%s", root, rel);
    return o;
}

/* Write text to root/rel, making its folders. */
static void put(const char *rel, const char *text)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", in_root(rel));
    assert_int_equal(system(cmd), 0);
    FILE *f = fopen(in_root(rel), "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/stubflash-config-XXXXXX");
    assert_non_null(mkdtemp(root));
    memset(env_names, 0, sizeof env_names);
    set_env("HOME", in_root("home"));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd);
}

/* Load from cwd (relative to root) into c; the return value of cfg_load, its error in err. */
static int load(cfg *c, const char *cwd, char *err, size_t len)
{
    char d[256];
    snprintf(d, sizeof d, "%s", in_root(cwd));
    char cmd[300];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", d);
    assert_int_equal(system(cmd), 0);
    err[0] = 0;
    return cfg_load(c, d, fake_env, err, len);
}

static void expect(const cfg *c, cfg_key k, const char *value, const char *where)
{
    const cfg_entry *e = &c->e[k];
    if (!e->value || strcmp(e->value, value) || !strstr(e->where, where))
        fail_msg("%s = %s from %s; expected %s from %s", cfg_key_name(k), e->value ? e->value : "(unset)", e->where,
                 value, where);
}

static void test_files_env_command_line_in_order(void **state)
{
    (void)state;
    put("home/.config/stubflash/config.ini", "port = /dev/ttyUSB9\nbaud = 9600\nstub-baud = 460800\nwait = 5\n");
    put("fw/stubflash.ini", "; the project\nbaud = 57600\nstub_baud = 230400\n");
    set_env("STUBFLASH_STUB_BAUD", "0");
    cfg c;
    char err[600];
    cfg_init(&c);
    cfg_set(&c, CFG_WAIT, "1", CFG_SRC_CLI, "command line (--wait)"); /* before the files: still wins */
    assert_int_equal(load(&c, "fw/src/app", err, sizeof err), 0);
    expect(&c, CFG_PORT, "/dev/ttyUSB9", "home/.config/stubflash/config.ini:1"); /* only the user's file */
    expect(&c, CFG_BAUD, "57600", "fw/stubflash.ini:2");                      /* project over user */
    expect(&c, CFG_STUB_BAUD, "0", "$STUBFLASH_STUB_BAUD");                   /* env over files */
    expect(&c, CFG_WAIT, "1", "command line");                                /* command line over all */
    expect(&c, CFG_STUB, "on", "default");
    assert_true(c.read[0] && c.read[1]);
    cfg_set(&c, CFG_BAUD, "1200", CFG_SRC_FILE, "late file"); /* lower than nothing it replaced: taken */
    expect(&c, CFG_BAUD, "1200", "late file");
    cfg_set(&c, CFG_STUB_BAUD, "921600", CFG_SRC_FILE, "file"); /* the environment stays */
    expect(&c, CFG_STUB_BAUD, "0", "$STUBFLASH_STUB_BAUD");
    cfg_free(&c);

    /* XDG_CONFIG_HOME moves the user's file; an empty variable is unset. */
    put("xdg/stubflash/config.ini", "port = sim:stm32f103rg\n");
    set_env("XDG_CONFIG_HOME", in_root("xdg"));
    set_env("STUBFLASH_STUB_BAUD", "");
    cfg_init(&c);
    assert_int_equal(load(&c, "fw", err, sizeof err), 0);
    expect(&c, CFG_PORT, "sim:stm32f103rg", "xdg/stubflash/config.ini:1");
    expect(&c, CFG_STUB_BAUD, "230400", "fw/stubflash.ini:3");
    cfg_free(&c);
}

static void test_project_file_from_the_folder_upwards(void **state)
{
    (void)state;
    char path[512];
    put("a/stubflash.ini", "baud = 57600\n");
    put("a/b/c/d/keep", "");
    assert_true(cfg_find_project_file(in_root("a/b/c/d"), path, sizeof path));
    assert_string_equal(path, in_root("a/stubflash.ini"));
    put("a/b/stubflash.ini", "baud = 38400\n"); /* the nearest one */
    assert_true(cfg_find_project_file(in_root("a/b/c/d"), path, sizeof path));
    assert_string_equal(path, in_root("a/b/stubflash.ini"));
    put("x/keep", "");
    assert_false(cfg_find_project_file(in_root("x"), path, sizeof path) && strstr(path, root));
    put("a/b/c/stubflash.ini/keep", ""); /* a folder of that name is not a file */
    assert_true(cfg_find_project_file(in_root("a/b/c"), path, sizeof path));
    assert_string_equal(path, in_root("a/b/stubflash.ini"));

    assert_true(cfg_user_file("/x", "/home/u", path, sizeof path));
    assert_string_equal(path, "/x/stubflash/config.ini");
    assert_true(cfg_user_file("relative", "/home/u", path, sizeof path)); /* ignored, as the spec says */
    assert_string_equal(path, "/home/u/.config/stubflash/config.ini");
    assert_false(cfg_user_file(NULL, NULL, path, sizeof path));
}

static void test_board_sections(void **state)
{
    (void)state;
    put("fw/stubflash.ini", "port = /dev/ttyACM0\nbaud = 57600\n\n[board left]\nport = usb:0483:5740:LEFT\n"
                            "stub = off\n\n[board.right]\nport = usb-serial:RIGHT\n");
    put("home/.config/stubflash/config.ini", "[board left]\nbefore = dtr-reset-rts-boot0\n"
                                             "require-signature = keys/line.pub\n");
    cfg c;
    char err[600];
    cfg_init(&c);
    assert_int_equal(load(&c, "fw", err, sizeof err), 0);
    expect(&c, CFG_PORT, "/dev/ttyACM0", "fw/stubflash.ini:1"); /* no board: the top level */
    expect(&c, CFG_STUB, "on", "default");
    cfg_free(&c);

    cfg_init(&c);
    c.board = (cfg_entry){strdup("left"), CFG_SRC_CLI, strdup("command line (--board)")};
    set_env("STUBFLASH_BOARD", "right"); /* the command line wins */
    assert_int_equal(load(&c, "fw", err, sizeof err), 0);
    expect(&c, CFG_PORT, "usb:0483:5740:LEFT", "fw/stubflash.ini:5");
    expect(&c, CFG_STUB, "off", "fw/stubflash.ini:6");
    expect(&c, CFG_BAUD, "57600", "fw/stubflash.ini:2"); /* the top level still counts */
    expect(&c, CFG_BEFORE, "dtr-reset-rts-boot0", "config.ini:2"); /* the user's file's board too */
    /* A key file named in a file is found from that file's folder. */
    expect(&c, CFG_REQUIRE_SIGNATURE, in_root("home/.config/stubflash/keys/line.pub"), "config.ini:3");
    cfg_free(&c);

    cfg_init(&c);
    assert_int_equal(load(&c, "fw", err, sizeof err), 0); /* $STUBFLASH_BOARD, [board.NAME] */
    assert_string_equal(c.board.value, "right");
    expect(&c, CFG_PORT, "usb-serial:RIGHT", "fw/stubflash.ini:9");
    expect(&c, CFG_STUB, "on", "default");
    cfg_free(&c);

    set_env("STUBFLASH_BOARD", "middle");
    cfg_init(&c);
    assert_int_equal(load(&c, "fw", err, sizeof err), -1);
    if (!strstr(err, "no [board middle] section") || !strstr(err, "$STUBFLASH_BOARD"))
        fail_msg("%s", err);
    cfg_free(&c);
}

static void test_bad_files_name_file_line_and_key(void **state)
{
    (void)state;
    struct {
        const char *text, *message;
    } cases[] = {
        {"port = /dev/ttyUSB0\n\nbauds = 9600\n", "stubflash.ini:3: unknown key 'bauds'"},
        {"# baud\nbaud = 115200\n[board a]\nbaud = fast\n", "stubflash.ini:4: baud = fast: expected a baud rate"},
        {"stub = maybe\n", "stubflash.ini:1: stub = maybe: expected on or off"},
        {"[board x]\nstub-baud = 100\n", "stubflash.ini:2: stub-baud = 100: expected auto, 0"},
        {"before = dtr,sometimes\n", "stubflash.ini:1: before = dtr,sometimes: --before: 'sometimes' is not a step"},
        {"enter = magic:go\n", "stubflash.ini:1: enter = magic:go: --enter takes magic:STRING@BAUD"},
        {"port = x\n[boards]\nport = y\n", "stubflash.ini:3: unknown section [boards]"},
        {"port = x\nport\n", "stubflash.ini:2: not a 'key = value' line"},
        {"port = x\n[board a\n", "stubflash.ini:2: not a 'key = value' line"},
        {"address = 0x0800zz\n", "stubflash.ini:1: address = 0x0800zz: expected an address"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        put("bad/stubflash.ini", cases[i].text);
        cfg c;
        char err[800];
        cfg_init(&c);
        int rc = load(&c, "bad", err, sizeof err);
        if (rc != -1 || !strstr(err, cases[i].message) || !strstr(err, root))
            fail_msg("case %zu: %d '%s', expected '%s' with the path", i, rc, err, cases[i].message);
        cfg_free(&c);
    }
    /* A line too long for the parser is not cut in two settings. */
    char text[600] = "port = ";
    memset(text + 7, 'x', 400);
    strcpy(text + 407, "\n");
    put("bad/stubflash.ini", text);
    cfg c;
    char err[800];
    cfg_init(&c);
    assert_int_equal(load(&c, "bad", err, sizeof err), -1);
    assert_non_null(strstr(err, "stubflash.ini:1: line longer than"));
    cfg_free(&c);
    /* A bad variable names itself. */
    set_env("STUBFLASH_BAUD", "fast");
    cfg_init(&c);
    assert_int_equal(load(&c, "nothing", err, sizeof err), -1);
    assert_non_null(strstr(err, "$STUBFLASH_BAUD=fast: expected a baud rate"));
    cfg_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_files_env_command_line_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_project_file_from_the_folder_upwards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_board_sections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files_name_file_line_and_key, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
