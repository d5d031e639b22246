/*
 * loopback.c: the scripted loopback server and the fake world of
 * loopback.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "loopback.h"
#include "core/banned.h"

/* The child: one canned answer per connection, each request head logged. */
static void
serve(int fd, const char *const *text, const size_t *len, int n,
      const char *logpath)
{
    int i;
    FILE *log = fopen(logpath, "w");

    alarm(10);
    for (i = 0; i < n; i++) {
        int c = accept(fd, NULL, NULL);
        char req[8192];
        size_t got = 0;
        size_t size = len != NULL ? len[i] : strlen(text[i]);

        if (c < 0)
            _exit(1);
        while (got < sizeof(req) - 1) {
            ssize_t r = read(c, req + got, sizeof(req) - 1 - got);

            if (r <= 0)
                break;
            got += (size_t)r;
            req[got] = '\0';
            if (strstr(req, "\r\n\r\n") != NULL)
                break;
        }
        if (log != NULL) {
            fwrite(req, 1, got, log);
            if (fflush(log) != 0)
                _exit(1);
        }
        if (write(c, text[i], size) < 0)
            _exit(1);
        shutdown(c, SHUT_RDWR);
        close(c);
    }
    if (log != NULL && fclose(log) != 0)
        _exit(1);
    _exit(0);
}

void
loopback_listen(struct loopback *s, const char *name)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int one = 1;

    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->fd >= 0);
    setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(s->fd, 8), 0);
    assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
    s->port = ntohs(a.sin_port);
    assert_true(snprintf(s->log, sizeof(s->log), "/tmp/%s.%d.log", name,
                         (int)getpid()) < (int)sizeof(s->log));
}

void
loopback_start(struct loopback *s, const char *const *text, const size_t *len,
               int n)
{
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0)
        serve(s->fd, text, len, n, s->log);
    close(s->fd);
}

const char *
loopback_stop(struct loopback *s)
{
    static char text[65536];
    FILE *f;
    size_t n;
    int status = 0;

    kill(s->pid, SIGTERM);
    waitpid(s->pid, &status, 0);
    text[0] = '\0';
    f = fopen(s->log, "r");
    if (f != NULL) {
        n = fread(text, 1, sizeof(text) - 1, f);
        text[n] = '\0';
        assert_int_equal(fclose(f), 0);
    }
    unlink(s->log);
    return text;
}

int64_t
fake_now(void *ctx)
{
    struct fake_world *w = ctx;

    return w->now++;
}

void
fake_sleep(void *ctx, int64_t ms)
{
    struct fake_world *w = ctx;

    if (w->nslept < 16)
        w->slept[w->nslept++] = ms;
    w->now += ms / 1000;
}

uint32_t
fake_random(void *ctx)
{
    (void)ctx;
    return 0;
}
