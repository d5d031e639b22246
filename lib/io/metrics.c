/*
 * metrics.c: Prometheus text exposition format, version 0.0.4.
 */
#include <string.h>

#include "core/fsutil.h"
#include "io/metrics.h"
#include "core/banned.h"

static const char *const stage_names[4] = {"fetch", "normalize", "reconcile",
                                           "report"};

void
st_metrics_init(struct st_metrics *m)
{
    size_t i;

    memset(m, 0, sizeof(*m));
    for (i = 0; i < 4; i++)
        m->stage_ms[i] = -1;
    m->oldest_unprocessed_report_age_days = -1;
    m->unclosed_dates = -1;
}

void
st_metrics_count(struct st_metric_count *counts, size_t *n, const char *label,
                 int64_t value)
{
    size_t i;
    size_t len = strlen(label);

    if (len >= sizeof(counts[0].label))
        len = sizeof(counts[0].label) - 1;
    for (i = 0; i < *n; i++) {
        if (strncmp(counts[i].label, label, len) == 0 &&
            counts[i].label[len] == '\0') {
            counts[i].value += value;
            return;
        }
    }
    if (*n == ST_METRICS_MAX_LABELS)
        return;
    memcpy(counts[*n].label, label, len);
    counts[*n].label[len] = '\0';
    counts[*n].value = value;
    (*n)++;
}

/* Label values: backslash, quotation mark and newline escaped. */
static void
add_label_value(struct st_buf *out, const char *v)
{
    for (; *v != '\0'; v++) {
        if (*v == '\\' || *v == '"')
            st_buf_addch(out, '\\');
        if (*v == '\n') {
            st_buf_addstr(out, "\\n");
            continue;
        }
        st_buf_addch(out, *v);
    }
}

static void
counts(struct st_buf *out, const char *name, const char *help,
       const char *label, const struct st_metric_count *c, size_t n)
{
    size_t i;

    st_buf_addf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
    for (i = 0; i < n; i++) {
        st_buf_addf(out, "%s{%s=\"", name, label);
        add_label_value(out, c[i].label);
        st_buf_addf(out, "\"} %lld\n", (long long)c[i].value);
    }
}

void
st_metrics_format(const struct st_metrics *m, struct st_buf *out)
{
    size_t i;
    const char *seller = m->seller ? m->seller : "";

    st_buf_addstr(out, "# HELP settle_run_success 1 when the last run of the "
                       "date completed\n# TYPE settle_run_success gauge\n");
    st_buf_addstr(out, "settle_run_success{seller=\"");
    add_label_value(out, seller);
    st_buf_addstr(out, "\",date=\"");
    add_label_value(out, m->date ? m->date : "");
    st_buf_addf(out, "\"} %d\n", m->success ? 1 : 0);
    if (m->last_success_epoch > 0) {
        st_buf_addstr(out, "# HELP settle_last_success_timestamp_seconds "
                           "when a run last completed\n"
                           "# TYPE settle_last_success_timestamp_seconds "
                           "gauge\n"
                           "settle_last_success_timestamp_seconds{seller=\"");
        add_label_value(out, seller);
        st_buf_addf(out, "\"} %lld\n", (long long)m->last_success_epoch);
    }
    st_buf_addstr(out, "# HELP settle_stage_duration_seconds wall time of "
                       "each stage of the last run\n"
                       "# TYPE settle_stage_duration_seconds gauge\n");
    for (i = 0; i < 4; i++) {
        if (m->stage_ms[i] < 0)
            continue;
        st_buf_addf(out,
                    "settle_stage_duration_seconds{stage=\"%s\"} "
                    "%lld.%03lld\n",
                    stage_names[i], (long long)(m->stage_ms[i] / 1000),
                    (long long)(m->stage_ms[i] % 1000));
    }
    counts(out, "settle_lines_total", "settlement lines of the date by kind",
           "kind", m->lines, m->nlines);
    counts(out, "settle_exceptions_total",
           "reconciliation exceptions of the date by status", "status",
           m->exceptions, m->nexceptions);
    st_buf_addf(out,
                "# HELP settle_open_disputes dispute cases without an "
                "outcome\n# TYPE settle_open_disputes gauge\n"
                "settle_open_disputes %lld\n",
                (long long)m->open_disputes);
    if (m->oldest_unprocessed_report_age_days >= 0)
        st_buf_addf(out,
                    "# HELP settle_oldest_unprocessed_report_age_days age of "
                    "the oldest report not yet processed (Amazon keeps 90)\n"
                    "# TYPE settle_oldest_unprocessed_report_age_days gauge\n"
                    "settle_oldest_unprocessed_report_age_days %lld\n",
                    (long long)m->oldest_unprocessed_report_age_days);
    if (m->unclosed_dates >= 0) {
        st_buf_addstr(out, "# HELP settle_unclosed_dates business dates up to "
                           "yesterday not closed yet (settle run catches "
                           "up)\n# TYPE settle_unclosed_dates gauge\n"
                           "settle_unclosed_dates{seller=\"");
        add_label_value(out, seller);
        st_buf_addf(out, "\"} %lld\n", (long long)m->unclosed_dates);
    }
}

int
st_metrics_write(const struct st_metrics *m, const char *path,
                 struct st_err *err)
{
    struct st_buf out;
    int rc;

    st_buf_init(&out, 1 << 20);
    st_metrics_format(m, &out);
    if (st_buf_error(&out) != 0) {
        rc = st_err_set(err, st_buf_error(&out), "cannot format metrics");
        st_buf_release(&out);
        return rc;
    }
    rc = st_file_write_atomic(path, out.data, out.len, err);
    st_buf_release(&out);
    return rc;
}
