/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sfg-script.h - drive the window from a script, for the end-to-end test and the screenshots
 * (STUBFLASH_GTK_SCRIPT). Steps, one per line, run on the main loop through the window's own
 * actions and questions:
 *   port NAME | file PATH | answer TEXT | option verify|stub|go on|off | action NAME
 *   read PATH (Read… with PATH chosen in its file dialog)
 *   wait idle|busy|done|error [SECONDS] | wait-cells STATE N [SECONDS] | expect-status TEXT
 *   expect-cells STATE N | shot FILE.png | sleep MS | close | quit
 * A step that fails prints why on stderr and quits with status 3; every wait that succeeds
 * prints "state: STATE: STATUS" on stdout. */
#ifndef SFG_SCRIPT_H
#define SFG_SCRIPT_H

#include "sfg-window.h"

/* Start running script on win; *exit_status is set when it ends (0 after quit, 3 on failure). */
void sfg_script_start(SfgWindow *win, const char *script, int *exit_status);

#endif
