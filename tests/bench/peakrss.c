/*
 * peakrss: runs a command and reports its wall time and peak resident set
 * size, for the benchmarks (GNU time is not always installed).
 *
 *   peakrss [-o FILE] COMMAND [ARG...]
 *
 * Forks, execs COMMAND (found on PATH), waits for it with wait4() and
 * prints one line "wall_s=SECONDS peak_rss_mib=MIB cpu_s=SECONDS status=N"
 * to FILE (or to stderr). Wall time is CLOCK_MONOTONIC around fork and
 * wait; cpu_s is the user and system time wait4() reports for the child and
 * the descendants it waited for. The peak
 * RSS is ru_maxrss of the child as wait4() reports it: on Linux the larger
 * of the child's own peak and that of any descendant it waited for, so a
 * shell wrapper does not hide its children. It is not the sum over a
 * process tree, and a database server the command talks to is not counted.
 *
 * Exits with the command's status (128 + signal when it was killed), 127
 * when it could not be run, 64 on a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/banned.h"

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
tv_s(const struct timeval *tv)
{
    return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
    const char *outpath = NULL;
    FILE *out = stderr;
    struct rusage ru;
    double t0;
    double t1;
    pid_t pid;
    int status = 0;
    int rc;
    int i = 1;

    if (argc >= 3 && strcmp(argv[1], "-o") == 0) {
        outpath = argv[2];
        i = 3;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (i >= argc) {
        fprintf(stderr, "usage: peakrss [-o FILE] COMMAND [ARG...]\n");
        return 64;
    }
    t0 = now_s();
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "peakrss: fork: %s\n", strerror(errno));
        return 127;
    }
    if (pid == 0) {
        execvp(argv[i], argv + i);
        fprintf(stderr, "peakrss: cannot run '%s': %s\n", argv[i],
                strerror(errno));
        _exit(127);
    }
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "peakrss: wait4: %s\n", strerror(errno));
            return 127;
        }
    }
    t1 = now_s();
    if (WIFEXITED(status))
        rc = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        rc = 128 + WTERMSIG(status);
    else
        rc = 127;
    if (outpath != NULL) {
        out = fopen(outpath, "w");
        if (out == NULL) {
            fprintf(stderr, "peakrss: cannot write '%s': %s\n", outpath,
                    strerror(errno));
            return 127;
        }
    }
    fprintf(out, "wall_s=%.3f peak_rss_mib=%.1f cpu_s=%.2f status=%d\n",
            t1 - t0, (double)ru.ru_maxrss / 1024.0,
            tv_s(&ru.ru_utime) + tv_s(&ru.ru_stime), rc);
    if (out != stderr && fclose(out) != 0) {
        fprintf(stderr, "peakrss: cannot write '%s'\n", outpath);
        return 127;
    }
    return rc;
}
