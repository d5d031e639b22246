/*
 * fault.c: fault points (fault.h). All state is set once by st_fault_init,
 * before any thread starts; the count is atomic, the trace file written
 * under a lock, so the report thread and the main thread can share them.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/fault.h"
#include "core/banned.h"

#define PAUSE_MAX_MS  120000
#define PAUSE_STEP_MS 10

static int enabled;
static atomic_long reached;
static long kill_at;
static const char *pause_label;
static const char *pause_file;
static atomic_int paused;
static FILE *trace;
static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *
env_value(char *const *envp, const char *name)
{
    size_t n = strlen(name);
    size_t i;

    for (i = 0; envp != NULL && envp[i] != NULL; i++)
        if (strncmp(envp[i], name, n) == 0 && envp[i][n] == '=')
            return envp[i] + n + 1;
    return NULL;
}

void
st_fault_init(char *const *envp)
{
    const char *trace_path = env_value(envp, "SETTLE_FAULT_TRACE");
    const char *k = env_value(envp, "SETTLE_FAULT_KILL");

    if (k != NULL) {
        char *end = NULL;
        long v = strtol(k, &end, 10);

        if (end != k && *end == '\0' && v > 0)
            kill_at = v;
    }
    pause_label = env_value(envp, "SETTLE_FAULT_PAUSE");
    pause_file = env_value(envp, "SETTLE_FAULT_FILE");
    if (pause_label == NULL || pause_file == NULL)
        pause_label = NULL;
    if (trace_path != NULL)
        trace = fopen(trace_path, "a");
    enabled = kill_at > 0 || pause_label != NULL || trace != NULL;
}

/* Creates pause_file and waits until somebody removes it. */
static void
pause_here(void)
{
    struct timespec step = {0, PAUSE_STEP_MS * 1000000L};
    int fd = open(pause_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    long waited;

    if (fd < 0)
        return;
    (void)close(fd);
    for (waited = 0; waited < PAUSE_MAX_MS; waited += PAUSE_STEP_MS) {
        if (access(pause_file, F_OK) != 0)
            return;
        (void)nanosleep(&step, NULL);
    }
}

void
st_fault_point(const char *label)
{
    long n;

    if (!enabled)
        return;
    n = atomic_fetch_add(&reached, 1) + 1;
    if (trace != NULL) {
        pthread_mutex_lock(&trace_lock);
        fprintf(trace, "%ld %.*s\n", n, (int)strcspn(label, "\n"), label);
        (void)fflush(trace); /* the next point may be a SIGKILL */
        pthread_mutex_unlock(&trace_lock);
    }
    if (n == kill_at)
        (void)raise(SIGKILL);
    if (pause_label != NULL &&
        strncmp(label, pause_label, strlen(pause_label)) == 0 &&
        atomic_exchange(&paused, 1) == 0)
        pause_here();
}
