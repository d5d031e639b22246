/*
 * test_metrics.c: the Prometheus textfile.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/fsutil.h"
#include "io/metrics.h"
#include "core/banned.h"

static void
test_format(void **state)
{
    struct st_metrics m;
    struct st_buf out;

    (void)state;
    st_metrics_init(&m);
    m.seller = "A1\"X";
    m.date = "2026-03-02";
    m.success = 1;
    m.last_success_epoch = 1772500000;
    m.stage_ms[0] = 1234;
    m.stage_ms[3] = 5;
    st_metrics_count(m.lines, &m.nlines, "capture", 10);
    st_metrics_count(m.lines, &m.nlines, "refund", 2);
    st_metrics_count(m.lines, &m.nlines, "capture", 1);
    st_metrics_count(m.exceptions, &m.nexceptions, "amount_mismatch", 3);
    m.open_disputes = 4;
    st_buf_init(&out, 1 << 16);
    st_metrics_format(&m, &out);
    assert_int_equal(st_buf_error(&out), 0);
    assert_non_null(strstr(out.data, "settle_run_success{seller=\"A1\\\"X\","
                                     "date=\"2026-03-02\"} 1\n"));
    assert_non_null(strstr(out.data, "settle_last_success_timestamp_seconds{"
                                     "seller=\"A1\\\"X\"} 1772500000\n"));
    assert_non_null(strstr(
        out.data, "settle_stage_duration_seconds{stage=\"fetch\"} 1.234\n"));
    assert_non_null(strstr(
        out.data, "settle_stage_duration_seconds{stage=\"report\"} 0.005\n"));
    assert_null(strstr(out.data, "stage=\"normalize\""));
    assert_non_null(strstr(out.data, "settle_lines_total{kind=\"capture\"} "
                                     "11\n"));
    assert_non_null(
        strstr(out.data, "settle_lines_total{kind=\"refund\"} 2\n"));
    assert_non_null(strstr(out.data, "settle_exceptions_total{status=\""
                                     "amount_mismatch\"} 3\n"));
    assert_non_null(strstr(out.data, "settle_open_disputes 4\n"));
    assert_null(strstr(out.data, "oldest_unprocessed"));
    assert_null(strstr(out.data, "unclosed"));
    st_buf_release(&out);
}

static void
test_failure_zero(void **state)
{
    struct st_metrics m;
    struct st_buf out;

    (void)state;
    st_metrics_init(&m);
    m.seller = "S";
    m.date = "2026-03-02";
    m.oldest_unprocessed_report_age_days = 61;
    m.unclosed_dates = 0;
    st_buf_init(&out, 1 << 16);
    st_metrics_format(&m, &out);
    assert_non_null(strstr(out.data, "} 0\n"));
    assert_null(strstr(out.data, "last_success"));
    assert_non_null(
        strstr(out.data, "settle_oldest_unprocessed_report_age_days 61\n"));
    assert_non_null(strstr(out.data,
                           "# TYPE settle_unclosed_dates gauge\n"
                           "settle_unclosed_dates{seller=\"S\"} 0\n"));
    st_buf_release(&out);
}

static void
test_write_atomic(void **state)
{
    char dir[] = "/tmp/settle-metrics-XXXXXX";
    char path[128];
    struct st_metrics m;
    struct st_err err;
    char *data = NULL;
    size_t len = 0;

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_true(snprintf(path, sizeof(path), "%s/settle.prom", dir) <
                (int)sizeof(path));
    st_metrics_init(&m);
    m.seller = "S";
    m.date = "2026-03-02";
    assert_int_equal(st_metrics_write(&m, path, &err), 0);
    assert_int_equal(st_file_read_all(path, &data, &len, &err), 0);
    assert_non_null(strstr(data, "settle_run_success"));
    st_free(data);
    /* A directory that does not exist: cannot create, nothing left. */
    assert_true(snprintf(path, sizeof(path), "%s/nope/settle.prom", dir) <
                (int)sizeof(path));
    assert_int_equal(st_metrics_write(&m, path, &err), ST_ERR_CANTCREAT);
    assert_non_null(strstr(err.msg, "nope/settle.prom"));
    assert_true(snprintf(path, sizeof(path), "%s/settle.prom", dir) <
                (int)sizeof(path));
    unlink(path);
    rmdir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_failure_zero),
        cmocka_unit_test(test_write_atomic),
    };

    return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
