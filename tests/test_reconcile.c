/*
 * test_reconcile.c: lib/reconcile without a database. The status names are
 * exactly the values the schema's CHECK on settle.recon_result allows, in
 * the enum's order; every reconcile statement is embedded in the binary
 * and names its own file in its header comment; a configuration without
 * seller_id fails with ST_ERR_CONFIG before any database call (the db
 * pointer is NULL here). The matching itself is tested against PostgreSQL
 * in tests/integration/reconcile.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/err.h"
#include "reconcile/reconcile.h"
#include "io/sqltext.h"
#include "core/banned.h"

static const char *const want_names[] = {
    "matched",
    "matched_within_tolerance",
    "amount_mismatch",
    "fee_mismatch",
    "missing_in_ledger",
    "duplicate_in_settlement",
    "missing_in_settlement",
    "in_transit",
    "payout_matched",
    "payout_pending",
    "payout_mismatch",
    "not_applicable",
    "unknown_type",
    "settlement_out_of_balance",
};

static void
test_status_names(void **state)
{
    const char *schema = st_sql_text("migrations/009_settlements.sql");
    size_t i;

    (void)state;
    assert_int_equal(sizeof(want_names) / sizeof(want_names[0]),
                     ST_RECON_NSTATUS);
    assert_non_null(schema);
    for (i = 0; i < ST_RECON_NSTATUS; i++) {
        char quoted[64];

        assert_string_equal(st_reconcile_status_name((int)i), want_names[i]);
        assert_true(snprintf(quoted, sizeof(quoted), "'%s'", want_names[i]) <
                    (int)sizeof(quoted));
        assert_non_null(strstr(schema, quoted));
    }
    assert_null(st_reconcile_status_name(-1));
    assert_null(st_reconcile_status_name(ST_RECON_NSTATUS));
}

/* The statements lib/reconcile/reconcile.c runs, each embedded and
 * self-describing. */
static const char *const statements[] = {
    "set_recon_session.sql",
    "upsert_recon_run.sql",
    "check_recon_ledger.sql",
    "probe_recon_ledger.sql",
    "create_recon_params.sql",
    "create_recon_lines.sql",
    "analyze_recon_lines.sql",
    "create_recon_dups.sql",
    "update_recon_dups.sql",
    "create_recon_source.sql",
    "create_recon_source_seller.sql",
    "create_recon_ledger.sql",
    "analyze_recon_ledger.sql",
    "create_recon_key.sql",
    "analyze_recon_key.sql",
    "fix_recon_key.sql",
    "create_recon_rest_lines.sql",
    "create_recon_rest_entries.sql",
    "analyze_recon_rest.sql",
    "insert_recon_ref_pairs.sql",
    "insert_recon_ref_groups.sql",
    "create_recon_payouts.sql",
    "insert_recon_payouts.sql",
    "insert_recon_payout_rest.sql",
    "create_recon_used.sql",
    "analyze_recon_used.sql",
    "delete_recon_results.sql",
    "insert_recon_lines.sql",
    "insert_recon_missing.sql",
    "delete_line_totals.sql",
    "insert_line_totals.sql",
    "delete_recon_settlements.sql",
    "insert_settlement_totals.sql",
    "insert_recon_settlements.sql",
    "insert_recon_tie_outs.sql",
    "analyze_recon_results.sql",
    "insert_recon_disputes.sql",
    "finish_recon_run.sql",
    "create_recon_use.sql",
    "delete_recon_open.sql",
    "insert_recon_open.sql",
    "select_recon_summary.sql",
    "select_recon_disputes_opened.sql",
    "drop_recon_work.sql",
    "drop_recon_source.sql",
};

static void
test_statements_embedded(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(statements) / sizeof(statements[0]); i++) {
        char name[96];
        const char *text;

        assert_true(snprintf(name, sizeof(name), "queries/%s", statements[i]) <
                    (int)sizeof(name));
        text = st_sql_text(name);
        assert_non_null(text);
        /* the header comment names the file */
        assert_int_equal(strncmp(text, "-- ", 3), 0);
        assert_int_equal(
            strncmp(text + 3, statements[i], strlen(statements[i])), 0);
    }
}

static void
test_no_seller_no_database(void **state)
{
    struct st_config cfg;
    struct st_err err;
    struct st_reconcile_summary sum;

    (void)state;
    st_err_clear(&err);
    assert_int_equal(st_config_init(&cfg, &err), 0);
    /* db is NULL: the seller check must come before any database call */
    assert_int_equal(st_reconcile_date(NULL, &cfg, 20522, 0, NULL, &sum, &err),
                     ST_ERR_CONFIG);
    assert_int_equal(err.code, ST_ERR_CONFIG);
    assert_non_null(strstr(err.msg, "seller_id"));
    assert_int_equal(sum.results, 0);
    st_config_release(&cfg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_statements_embedded),
        cmocka_unit_test(test_no_seller_no_database),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
