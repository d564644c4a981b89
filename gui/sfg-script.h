/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-script.h - drive the window from a script, for the end-to-end test and the screenshots
 * (STUBFLASH_GTK_SCRIPT). Steps, one per line, run on the main loop through the window's own
 * actions and questions:
 *   port NAME | file PATH | answer TEXT | action NAME [STRING] | page flash|board|boards
 *   option KEY VALUE (a GSettings key, through the preferences window) | expect-setting KEY VALUE
 *   key ACCEL (the action the key is bound to, which the shortcuts window must list, runs)
 *   key-check ACCEL (the same without running it: "key: ACCEL is ACTION")
 *   read PATH (Read… with PATH chosen in its file dialog)
 *   wait idle|busy|done|error [SECONDS] | wait-cells STATE N [SECONDS] | expect-status TEXT
 *   expect-cells STATE N | expect-chip TEXT | expect-question TEXT | shot FILE.png [main|preferences|question]
 *   hotplug add|remove NODE [DESCRIPTION [SERIAL]] (as udev tells it) | hotplug remove-all
 *   expect-port NODE [TEXT] | expect-view none|board (the status page when there is no board)
 *   expect-no-port NODE | type erase|go|groups TEXT (the Board page's entries)
 *   print-details (the unique ID, the option bytes raw and by name, the boot bank)
 *   expect-backups N | expect-backup I TEXT | restore I (Write Back… on backup I)
 *   expect-boards N | expect-board PORT TEXT | expect-board-cells PORT STATE N
 *   expect-recent I TEXT | a11y [main|preferences|question] | say TEXT (prints "say: TEXT") | sleep MS
 *   close | quit
 * answer takes the entry's text, yes, no, or default (the answer Enter gives); expect-question
 * looks in the question's heading and detail.
 * A step that fails prints why on stderr and quits with status 3; every wait that succeeds
 * prints "state: STATE: STATUS" on stdout. */
#ifndef SFG_SCRIPT_H
#define SFG_SCRIPT_H

#include "sfg-window.h"

/* Start running script on win; *exit_status is set when it ends (0 after quit, 3 on failure). */
void sfg_script_start(SfgWindow *win, const char *script, int *exit_status);

#endif
