/* run.h - run a program from a test, with a time limit and its output in a log file. */
#ifndef TEST_RUN_H
#define TEST_RUN_H

#include <stdarg.h>

/* Run argv (NULL-terminated; argv[0] searched in PATH unless it has a '/'), with LD_PRELOAD set
 * to preload if not NULL, stdout+stderr to log. Returns the exit status (128+ on a signal),
 * fails the test if it runs longer than limit_s. */
int run_program(const char *const argv[], const char *preload, const char *log, int limit_s);
/* The same with argv = prefix (NULL-terminated) followed by the NULL-terminated arguments ap. */
int run_program_va(const char *const prefix[], va_list ap, const char *preload, const char *log, int limit_s);
/* Start argv as run_program does and kill it (SIGKILL) after kill_ms: a host that dies. Returns
 * the exit status (128 + 9 if it was killed). */
int run_program_killed(const char *const argv[], const char *log, int kill_ms);
/* Print the last lines of a log to stderr (carriage returns become newlines). */
void show_log_tail(const char *log);

#endif
