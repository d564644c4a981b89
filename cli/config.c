/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.c - see config.h. Files are read by inih (Debian's libinih), through a line reader of
 * our own so that every setting knows its line. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"
#include "connect_opts.h"
#include "output.h"

#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
    const char *name, *env, *def;
} keys[CFG_NKEYS] = {
    [CFG_PORT] = {"port", "STUBFLASH_PORT", NULL},
    [CFG_BAUD] = {"baud", "STUBFLASH_BAUD", "115200"},
    [CFG_STUB] = {"stub", NULL, "on"},
    [CFG_STUB_BAUD] = {"stub-baud", "STUBFLASH_STUB_BAUD", "auto"},
    [CFG_USART] = {"usart", "STUBFLASH_USART", "auto"},
    [CFG_BEFORE] = {"before", NULL, NULL},
    [CFG_AFTER] = {"after", NULL, NULL},
    [CFG_ENTER] = {"enter", NULL, NULL},
    [CFG_PROTOCOL] = {"protocol", NULL, "bootloader"},
    [CFG_YMODEM_START] = {"ymodem-start", NULL, NULL},
    [CFG_ADDRESS] = {"address", NULL, "0x08000000"},
    [CFG_REQUIRE_SIGNATURE] = {"require-signature", "STUBFLASH_REQUIRE_SIGNATURE", NULL},
    [CFG_WAIT] = {"wait", "STUBFLASH_WAIT", "0"},
};

static char *xstrdup(const char *s)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        abort();
    return d;
}

static void entry_set(cfg_entry *e, const char *value, cfg_source src, const char *where)
{
    free(e->value);
    free(e->where);
    e->value = xstrdup(value);
    e->source = src;
    e->where = xstrdup(where);
}

void cfg_init(cfg *c)
{
    memset(c, 0, sizeof *c);
    for (int k = 0; k < CFG_NKEYS; k++)
        entry_set(&c->e[k], keys[k].def, CFG_SRC_DEFAULT, "default");
}

void cfg_free(cfg *c)
{
    for (int k = 0; k < CFG_NKEYS; k++)
        entry_set(&c->e[k], NULL, CFG_SRC_DEFAULT, NULL);
    entry_set(&c->board, NULL, CFG_SRC_DEFAULT, NULL);
    free(c->board_where);
    free(c->files[0]);
    free(c->files[1]);
    memset(c, 0, sizeof *c);
}

const char *cfg_key_name(cfg_key k) { return k < CFG_NKEYS ? keys[k].name : ""; }
const char *cfg_key_env(cfg_key k) { return k < CFG_NKEYS ? keys[k].env : NULL; }

int cfg_key_find(const char *name)
{
    for (int k = 0; k < CFG_NKEYS; k++) {
        const char *a = keys[k].name, *b = name;
        while (*a && (*a == *b || (*a == '-' && *b == '_')))
            a++, b++;
        if (!*a && !*b)
            return k;
    }
    return -1;
}

bool cfg_parse_u32(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *s == '-')
        return false;
    if (*end == 'K' || *end == 'k')
        v *= 1024, end++;
    else if (*end == 'M' || *end == 'm')
        v *= 1024 * 1024, end++;
    if (*end || v > 0xFFFFFFFFull)
        return false;
    *out = (uint32_t)v;
    return true;
}

bool cfg_parse_bool(const char *s, bool *out)
{
    static const char *const on[] = {"on", "yes", "true", "1"}, *const off[] = {"off", "no", "false", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (!strcmp(s, on[i]))
            return *out = true, true;
        if (!strcmp(s, off[i]))
            return *out = false, true;
    }
    return false;
}

bool cfg_check(cfg_key k, const char *v, char *why, size_t whylen)
{
    const char *bad = NULL;
    uint32_t n;
    bool b;
    switch (k) {
    case CFG_BAUD:
        if (!cfg_parse_u32(v, &n) || n < 1200)
            bad = "expected a baud rate (1200 or more)";
        break;
    case CFG_STUB:
        if (!cfg_parse_bool(v, &b))
            bad = "expected on or off (yes/no, true/false, 1/0)";
        break;
    case CFG_STUB_BAUD:
        if (strcmp(v, "auto") && (!cfg_parse_u32(v, &n) || (n && n < 1200)))
            bad = "expected auto, 0 (the bootloader's rate) or a baud rate";
        break;
    case CFG_USART:
        if (strcmp(v, "auto") && (!cfg_parse_u32(v, &n) || n < 1 || n > 3))
            bad = "expected 1, 2, 3 or auto (the first USART the chip's bootloader lists)";
        break;
    case CFG_ADDRESS:
        if (!cfg_parse_u32(v, &n))
            bad = "expected an address such as 0x08004000";
        break;
    case CFG_WAIT:
        if (!cfg_parse_u32(v, &n))
            bad = "expected seconds (0: do not wait)";
        break;
    case CFG_PROTOCOL:
        if (strcmp(v, "bootloader") && strcmp(v, "ymodem"))
            bad = "expected bootloader or ymodem";
        break;
    case CFG_ENTER: {
        connect_opts o = {0};
        bad = connect_opts_parse_enter(&o, v);
        break;
    }
    case CFG_BEFORE:
    case CFG_AFTER: {
        /* The library's parser says what is wrong with a sequence. */
        sf_session *s;
        if (sf_session_new(&s) != SF_OK)
            abort();
        if (sf_session_set_entry(s, k == CFG_BEFORE ? v : NULL, k == CFG_AFTER ? v : NULL) != SF_OK)
            snprintf(why, whylen, "%s", sf_session_last_error(s));
        sf_session_free(s);
        return *v && why[0] == 0 ? true : (why[0] ? false : (snprintf(why, whylen, "expected a value"), false));
    }
    case CFG_PORT:
    case CFG_REQUIRE_SIGNATURE:
    case CFG_YMODEM_START:
        if (!*v)
            bad = "expected a value";
        break;
    default:
        bad = "unknown setting";
    }
    if (bad)
        snprintf(why, whylen, "%s", bad);
    return bad == NULL;
}

void cfg_set(cfg *c, cfg_key k, const char *value, cfg_source src, const char *where)
{
    if (k < CFG_NKEYS && src >= c->e[k].source)
        entry_set(&c->e[k], value, src, where);
}

bool cfg_find_project_file(const char *dir, char *path, size_t len)
{
    char d[4096];
    snprintf(d, sizeof d, "%s", dir);
    for (;;) {
        struct stat st;
        snprintf(path, len, "%s%sstubflash.ini", d, strcmp(d, "/") ? "/" : "");
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            return true;
        char *slash = strrchr(d, '/');
        if (!slash || !strcmp(d, "/"))
            return false;
        if (slash == d)
            slash[1] = 0; /* up to "/" */
        else
            *slash = 0;
    }
}

bool cfg_user_file(const char *xdg_config_home, const char *home, char *path, size_t len)
{
    if (xdg_config_home && xdg_config_home[0] == '/') /* the spec: a relative one is ignored */
        snprintf(path, len, "%s/stubflash/config.ini", xdg_config_home);
    else if (home && *home)
        snprintf(path, len, "%s/.config/stubflash/config.ini", home);
    else
        return false;
    return true;
}

/* inih's reader and handler, with the line each setting is on. */
typedef struct reader {
    FILE *f;
    const char *path, *board;
    int line, too_long;
    cfg *c;
    bool has_board;
    char err[1024];
    char *buf;
    size_t cap;
} reader;

static char *read_line(char *str, int num, void *stream)
{
    reader *r = stream;
    ssize_t n = getline(&r->buf, &r->cap, r->f);
    if (n < 0)
        return NULL;
    r->line++;
    if (n >= num && !r->too_long)
        r->too_long = r->line;
    snprintf(str, (size_t)num, "%s", r->buf);
    return str;
}

static int fail_at(reader *r, const char *fmt, const char *a, const char *b)
{
    char msg[800];
    snprintf(msg, sizeof msg, fmt, a, b);
    if (!r->err[0])
        snprintf(r->err, sizeof r->err, "%s:%d: %s", r->path, r->line, msg);
    return 0;
}

/* "board NAME" or "board.NAME": NAME; NULL for anything else. */
static const char *board_of(const char *section)
{
    if (strncmp(section, "board", 5) != 0 || (section[5] != ' ' && section[5] != '.'))
        return NULL;
    const char *n = section + 6;
    while (*n == ' ')
        n++;
    return *n ? n : NULL;
}

static int on_setting(void *user, const char *section, const char *name, const char *value)
{
    reader *r = user;
    const char *b = board_of(section);
    if (*section && !b)
        return fail_at(r, "unknown section [%s]: a file has top-level settings and [board NAME] sections%s", section,
                       "");
    int k = cfg_key_find(name);
    if (k < 0)
        return fail_at(r, "unknown key '%s' (keys: port, baud, stub, stub-baud, usart, before, after, enter, protocol, "
                          "ymodem-start, address, require-signature, wait)%s", name, "");
    char why[600] = "";
    if (!cfg_check((cfg_key)k, value, why, sizeof why)) {
        char what[700];
        snprintf(what, sizeof what, "%s = %s", name, value);
        return fail_at(r, "%s: %s", what, why);
    }
    bool mine = r->board ? b && !strcmp(b, r->board) : !b;
    if (b && r->board && !strcmp(b, r->board))
        r->has_board = true;
    if (!mine)
        return 1;
    char where[4200], path[4200];
    snprintf(where, sizeof where, "%s:%d", r->path, r->line);
    if (k == CFG_REQUIRE_SIGNATURE && value[0] != '/') { /* relative to the file, not to the cwd */
        const char *slash = strrchr(r->path, '/');
        snprintf(path, sizeof path, "%.*s%s", slash ? (int)(slash - r->path + 1) : 0, r->path, value);
        value = path;
    }
    cfg_set(r->c, (cfg_key)k, value, CFG_SRC_FILE, where);
    if (b && !r->c->board_where)
        r->c->board_where = xstrdup(where);
    return 1;
}

int cfg_load_file(cfg *c, const char *path, const char *board, bool *found, bool *has_board, char *err, size_t errlen)
{
    reader r = {.path = path, .board = board, .c = c};
    *found = *has_board = false;
    if (!(r.f = fopen(path, "r"))) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    *found = true;
    int line = ini_parse_stream(read_line, &r, on_setting, &r);
    fclose(r.f);
    free(r.buf);
    if (r.too_long && (!line || r.too_long <= line)) {
        snprintf(err, errlen, "%s:%d: line longer than %d characters", path, r.too_long, INI_MAX_LINE - 1);
        return -1;
    }
    if (line > 0) {
        if (r.err[0])
            snprintf(err, errlen, "%s", r.err);
        else
            snprintf(err, errlen, "%s:%d: not a 'key = value' line, a [section] or a comment (# or ;)", path, line);
        return -1;
    }
    if (line < 0) {
        snprintf(err, errlen, "%s: cannot read", path);
        return -1;
    }
    *has_board = r.has_board;
    return 0;
}

int cfg_load(cfg *c, const char *cwd, cfg_getenv get, char *err, size_t errlen)
{
    char path[4096];
    if (cfg_user_file(get("XDG_CONFIG_HOME"), get("HOME"), path, sizeof path))
        c->files[0] = xstrdup(path);
    if (cwd && cfg_find_project_file(cwd, path, sizeof path))
        c->files[1] = xstrdup(path);
    const char *board_env = get("STUBFLASH_BOARD");
    if (board_env && *board_env && c->board.source < CFG_SRC_ENV)
        entry_set(&c->board, board_env, CFG_SRC_ENV, "$STUBFLASH_BOARD");
    /* The files' top-level settings, then the board's sections: a board is more specific. */
    bool has_board = false;
    for (int pass = 0; pass < (c->board.value ? 2 : 1); pass++)
        for (int i = 0; i < 2; i++) {
            bool found, has;
            if (c->files[i] &&
                cfg_load_file(c, c->files[i], pass ? c->board.value : NULL, &found, &has, err, errlen) < 0)
                return -1;
            c->read[i] |= found;
            has_board |= has;
        }
    if (c->board.value && !has_board) {
        snprintf(err, errlen, "no [board %s] section in %s%s%s (from %s)", c->board.value,
                 c->read[1] ? c->files[1] : "", c->read[0] && c->read[1] ? " or " : "",
                 c->read[0] ? c->files[0] : !c->read[1] ? "any config file: there is none" : "", c->board.where);
        return -1;
    }
    for (int k = 0; k < CFG_NKEYS; k++) {
        const char *v = keys[k].env ? get(keys[k].env) : NULL;
        if (!v || !*v) /* an empty variable is unset */
            continue;
        char why[600] = "", where[64];
        if (!cfg_check((cfg_key)k, v, why, sizeof why)) {
            snprintf(err, errlen, "$%s=%s: %s", keys[k].env, v, why);
            return -1;
        }
        snprintf(where, sizeof where, "$%s", keys[k].env);
        cfg_set(c, (cfg_key)k, v, CFG_SRC_ENV, where);
    }
    return 0;
}

void cfg_print(const cfg *c, FILE *f)
{
    for (int i = 1; i >= 0; i--)
        fprintf(f, "; %s file: %s%s\n", i ? "project" : "user", c->files[i] ? c->files[i] : "(none)",
                c->files[i] && !c->read[i] ? " (not there)" : "");
    if (c->board.value)
        fprintf(f, "; board: %s (%s; section at %s)\n", c->board.value, c->board.where,
                c->board_where ? c->board_where : "?");
    for (int k = 0; k < CFG_NKEYS; k++) {
        const cfg_entry *e = &c->e[k];
        char line[600];
        snprintf(line, sizeof line, "%s = %s", keys[k].name, e->value ? e->value : "");
        fprintf(f, "%-40s ; %s\n", line, e->value || e->source ? e->where : "not set");
    }
}

char *cfg_json(const cfg *c)
{
    size_t cap = 1024 + CFG_NKEYS * 9000, len = 0;
    char *j = malloc(cap), v[4200], w[4200];
    if (!j)
        abort();
    len += (size_t)snprintf(j + len, cap - len, "{");
    for (int k = 0; k < CFG_NKEYS; k++) {
        const cfg_entry *e = &c->e[k];
        if (e->value)
            json_escape(e->value, v, sizeof v);
        else
            strcpy(v, "null");
        json_escape(e->value || e->source ? e->where : "not set", w, sizeof w);
        len += (size_t)snprintf(j + len, cap - len, "%s\"%s\": {\"value\": %s, \"from\": %s}", k ? ", " : "",
                                keys[k].name, v, w);
    }
    snprintf(j + len, cap - len, "}");
    return j;
}
