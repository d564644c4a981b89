/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* run.h - run a program from a test, with a time limit and its output in a log file. */
#ifndef TEST_RUN_H
#define TEST_RUN_H

#include <stdarg.h>
#include <sys/types.h>

/* Run argv (NULL-terminated; argv[0] searched in PATH unless it has a '/'), with LD_PRELOAD set
 * to preload if not NULL, stdout+stderr to log. Returns the exit status (128+ on a signal),
 * fails the test if it runs longer than limit_s. */
int run_program(const char *const argv[], const char *preload, const char *log, int limit_s);
/* The same with argv = prefix (NULL-terminated) followed by the NULL-terminated arguments ap. */
int run_program_va(const char *const prefix[], va_list ap, const char *preload, const char *log, int limit_s);
/* "$STUBFLASH_CLI -v -p port ARGS..." (NULL-terminated), output to log, 120 s at most; on a
 * failure the log's tail goes to stderr. Returns the exit status. */
int run_stubflash_va(const char *port, const char *log, va_list ap);
/* The same with the arguments given here (NULL-terminated). */
int run_stubflash(const char *port, const char *log, ...);
/* Start argv as run_program does and kill it (SIGKILL) after kill_ms: a host that dies. Returns
 * the exit status (128 + 9 if it was killed). */
int run_program_killed(const char *const argv[], const char *log, int kill_ms);
/* Start argv as run_program does and return its pid (fails the test if it cannot start). */
pid_t run_start(const char *const argv[], const char *preload, const char *log);
/* Wait for pid: its exit status (128+ on a signal), or -1 if it ran longer than limit_ms (it
 * is killed then). kill_ms > 0 kills it (SIGKILL) once that long has passed. */
int run_wait(pid_t pid, int limit_ms, int kill_ms);
/* Print the last lines of a log to stderr (carriage returns become newlines). */
void show_log_tail(const char *log);

#endif
