/*
 * span.c: the dates a command works on: one business date (--date D) or
 * a period (--from D1 --to D2, or --month YYYY-MM), and where their
 * statements are published (README "Closing a month").
 */
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/path.h"
#include "settle.h"
#include "core/banned.h"

int
cli_span_arg(struct cli_span *s, int c, const char *arg)
{
    switch (c) {
    case CLI_SPAN_DATE:
        s->date_arg = arg;
        return 1;
    case CLI_SPAN_FROM:
        s->from_arg = arg;
        return 1;
    case CLI_SPAN_TO:
        s->to_arg = arg;
        return 1;
    case CLI_SPAN_MONTH:
        s->month_arg = arg;
        return 1;
    default:
        return 0;
    }
}

/* YYYY-MM into its first and last days. */
static int
parse_month(struct st_cli *cli, const char *cmd, const char *arg,
            struct cli_span *s)
{
    char day[ST_DATE_LEN + 1];
    int32_t next = 0;

    if (strlen(arg) != 7 || arg[4] != '-')
        return cli_usage_error(cmd, "bad --month '%s': want YYYY-MM", arg);
    memcpy(day, arg, 7);
    memcpy(day + 7, "-01", 4);
    if (cli_parse_date(cli, day, &s->from) != 0)
        return cli_usage_error(cmd, "bad --month '%s': %s", arg, cli->err.msg);
    /* 31 days on is in the next month; its first day ends this one. */
    st_date_format(s->from + 31, day);
    memcpy(day + 8, "01", 3);
    if (cli_parse_date(cli, day, &next) != 0)
        return cli_usage_error(cmd, "bad --month '%s': %s", arg, cli->err.msg);
    s->to = next - 1;
    return 0;
}

int
cli_want_span(struct st_cli *cli, const char *cmd, struct cli_span *s)
{
    int range = s->from_arg != NULL || s->to_arg != NULL;
    int kinds = (s->date_arg != NULL) + range + (s->month_arg != NULL);

    if (kinds != 1)
        return cli_usage_error(cmd, "give one of --date D, --from D1 --to D2 "
                                    "or --month YYYY-MM");
    s->period = s->date_arg == NULL;
    if (s->date_arg != NULL) {
        if (cli_want_date(cli, cmd, s->date_arg, &s->from) != 0)
            return EXIT_USAGE;
        s->to = s->from;
        return 0;
    }
    if (s->month_arg != NULL)
        return parse_month(cli, cmd, s->month_arg, s);
    if (s->from_arg == NULL || s->to_arg == NULL)
        return cli_usage_error(cmd, "--from and --to go together");
    if (cli_parse_date(cli, s->from_arg, &s->from) != 0)
        return cli_usage_error(cmd, "bad --from '%s': %s", s->from_arg,
                               cli->err.msg);
    if (cli_parse_date(cli, s->to_arg, &s->to) != 0)
        return cli_usage_error(cmd, "bad --to '%s': %s", s->to_arg,
                               cli->err.msg);
    if (s->from > s->to)
        return cli_usage_error(cmd, "--from %s is after --to %s", s->from_arg,
                               s->to_arg);
    if (s->to - s->from >= CLI_SPAN_MAX_DAYS)
        return cli_usage_error(cmd, "a period has at most %d days",
                               CLI_SPAN_MAX_DAYS);
    return 0;
}

void
cli_span_label(const struct cli_span *s, char *out)
{
    char from[ST_DATE_LEN + 1];
    char to[ST_DATE_LEN + 1];

    st_date_format(s->from, from);
    st_date_format(s->to, to);
    if (s->period)
        (void)snprintf(out, CLI_SPAN_LABEL_LEN, "%s_%s", from, to);
    else
        (void)snprintf(out, CLI_SPAN_LABEL_LEN, "%s", from);
}

int
cli_span_dir(struct st_cli *cli, const char *root, const struct cli_span *s,
             char *out)
{
    char label[CLI_SPAN_LABEL_LEN];
    char dir[ST_PATH_MAX];

    cli_span_label(s, label);
    if (!s->period)
        return cli_date_dir(cli, root, label, out);
    if (cli_date_dir(cli, root, "period", dir) != 0)
        return cli->err.code;
    return st_path_join(out, ST_PATH_MAX, dir, label, &cli->err);
}
