/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* run.c - see run.h. */
#define _GNU_SOURCE
#include "run.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

pid_t run_start(const char *const argv[], const char *preload, const char *log)
{
    size_t ne = 0;
    while (environ[ne])
        ne++;
    char **envp = calloc(ne + 2, sizeof *envp);
    memcpy(envp, environ, ne * sizeof *envp);
    char pre[600];
    if (preload) {
        snprintf(pre, sizeof pre, "LD_PRELOAD=%s", preload);
        envp[ne] = pre;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    free(envp);
    if (rc != 0)
        fail_msg("cannot run %s", argv[0]);
    return pid;
}

int run_wait(pid_t pid, int limit_ms, int kill_ms)
{
    int status = 0;
    for (long waited = 0;; waited += 10) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
        if (kill_ms && waited >= kill_ms) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        if (waited > (long)limit_ms) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        usleep(10000);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run(const char *const argv[], const char *preload, const char *log, int limit_s, int kill_ms)
{
    int rc = run_wait(run_start(argv, preload, log), limit_s * 1000, kill_ms);
    if (rc < 0) {
        show_log_tail(log);
        fail_msg("%s did not finish in %d s", argv[0], limit_s);
    }
    return rc;
}

int run_program(const char *const argv[], const char *preload, const char *log, int limit_s)
{
    return run(argv, preload, log, limit_s, 0);
}

int run_program_killed(const char *const argv[], const char *log, int kill_ms)
{
    return run(argv, NULL, log, kill_ms / 1000 + 60, kill_ms);
}

int run_stubflash_va(const char *port, const char *log, va_list ap)
{
    const char *prefix[] = {getenv("STUBFLASH_CLI"), "-v", "-p", port, NULL};
    int rc = run_program_va(prefix, ap, NULL, log, 120);
    if (rc != 0)
        show_log_tail(log);
    return rc;
}

int run_stubflash(const char *port, const char *log, ...)
{
    va_list ap;
    va_start(ap, log);
    int rc = run_stubflash_va(port, log, ap);
    va_end(ap);
    return rc;
}

int run_program_va(const char *const prefix[], va_list ap, const char *preload, const char *log, int limit_s)
{
    const char *argv[40];
    int n = 0;
    while (prefix[n] && n < 8) {
        argv[n] = prefix[n];
        n++;
    }
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && n < 39)
        argv[n++] = a;
    argv[n] = NULL;
    return run_program(argv, preload, log, limit_s);
}

void show_log_tail(const char *log)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "tr '\\r' '\\n' < '%s' | tail -n 15 >&2", log);
    if (system(cmd) != 0)
        fprintf(stderr, "(no log)\n");
}
