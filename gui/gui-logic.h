/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gui-logic.h - what stubflash-gtk decides without a display: file kinds, addresses, the text
 * it shows (rates, chip, ports), the flash map's model and the remembered settings. Plain
 * GLib, tested with CMocka (tests/test_gui_logic.c); the widgets only show what this computes. */
#ifndef SFG_GUI_LOGIC_H
#define SFG_GUI_LOGIC_H

#include <glib.h>
#include <stubflash/stubflash.h>

/* What a firmware file holds, by its name (a .gz by the name inside it). Only a raw binary
 * needs to be told where it goes. */
typedef enum sfg_file_kind {
    SFG_FILE_UNKNOWN,
    SFG_FILE_BIN,
    SFG_FILE_HEX,
    SFG_FILE_SREC,
    SFG_FILE_ELF,
} sfg_file_kind;

sfg_file_kind sfg_file_kind_of(const char *path);
/* Whether a file of this name may be dropped or opened (the kinds above, gzip'd or not). */
gboolean sfg_file_accepted(const char *path);

/* An address typed by the user: hex with 0x, or decimal; on failure FALSE and *err (g_free)
 * says what was expected. */
gboolean sfg_parse_address(const char *text, guint32 *addr, char **err);

/* "12.3 KiB/s", "1.02 MiB/s": bytes over seconds (0 seconds: ""). */
char *sfg_format_rate(guint64 bytes, double seconds);
/* "Writing: 24 of 48 KiB · 10.2 KiB/s"; erase counts units. */
char *sfg_progress_text(sf_phase phase, guint64 done, guint64 total, double seconds);
/* The fraction for a progress bar, 0..1. */
double sfg_progress_fraction(guint64 done, guint64 total);

/* What a connect found, in lines a user reads: part, memories, bootloader, protection. */
char *sfg_chip_text(const sf_chip *chip);
/* A port as the chooser lists it: "/dev/ttyUSB0 — CP2102 USB to UART (serial 0001)", from
 * sf_port_info_name, _description and _serial. */
char *sfg_port_label(const char *name, const char *description, const char *serial);
/* The port name an action opens: "sim:PART[?OPTIONS]" (an in-process virtual board) keeps its
 * flash in data_dir/virtual-PART.bin between actions unless OPTIONS name a flash file; anything
 * else as it is. */
char *sfg_port_to_open(const char *name, const char *data_dir);

/* A library sentence as a window user reads it: where it names a command-line option or
 * command (--before, -b 57600, --no-stub, 'stubflash unprotect --write'), the place in the
 * application that does the same. */
char *sfg_gui_sentence(const char *text);

/* The flash map: one cell per erase unit of the chip. */
typedef struct sfg_map {
    guint count;
    guint32 *start, *size;
    guint8 *state;        /* SFG_CELL_* */
} sfg_map;

/* A cell's state: untouched by this run, or the last sf_unit_state reported for it. */
#define SFG_CELL_IDLE 0xFF

void sfg_map_init(sfg_map *m, const sf_device *dev, guint32 flash_size);
void sfg_map_clear(sfg_map *m);   /* every cell idle, layout kept */
void sfg_map_free(sfg_map *m);
/* A unit's new state (an unchanged unit stays unchanged when it is verified). */
void sfg_map_set(sfg_map *m, guint index, sf_unit_state state);
guint sfg_map_count(const sfg_map *m, guint state);
/* "2 written and verified, 14 unchanged, 240 untouched" (or "" for an empty map). */
char *sfg_map_summary(const sfg_map *m);
/* A short word for a state, for the legend and tooltips. */
const char *sfg_cell_name(guint state);

/* Stub rates offered: 0 = automatic. */
extern const guint32 sfg_stub_rates[9];

/* What versions before libadwaita kept in a key file ($XDG_CONFIG_HOME/stubflash/gtk.ini); the
 * application now keeps its settings in GSettings and reads this once (sfg-settings.c). */
typedef struct sfg_settings {
    char *port;          /* the port last used */
    char *file;          /* the firmware last opened */
    guint32 base;        /* where the last raw binary went */
    gboolean verify, stub, go;
    guint32 stub_baud;   /* 0 = automatic */
} sfg_settings;

void sfg_settings_defaults(sfg_settings *s);
/* Missing or unreadable file: the defaults. Bad values are replaced by defaults. */
void sfg_settings_load(sfg_settings *s, const char *path);
gboolean sfg_settings_save(const sfg_settings *s, const char *path, GError **error);
void sfg_settings_free(sfg_settings *s);

#endif
