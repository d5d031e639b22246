/*
 * test_disbursement.c: lib/amazon/disbursement, a page of Get
 * Disbursements read: the payouts with their amounts in minor units and
 * their instants, the next page's token, and each way a page can be
 * wrong, named by entry and field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "amazon/disbursement.h"
#include "core/banned.h"

static const char page[] =
    "{\"disbursements\":["
    "{\"sellerId\":\"A1DEMOSELLER0X\",\"settlementId\":\"41528830211\","
    "\"amazonDisbursementReferenceId\":\"AMZN-PAYOUT-0302\","
    "\"amount\":\"1482.35\",\"currencyCode\":\"USD\","
    "\"transactionTime\":\"2026-03-02T17:08:26.717Z\"},"
    "{\"settlementId\":\"41528830442\","
    "\"amazonDisbursementReferenceId\":\"AMZN-PAYOUT-0304J\","
    "\"amount\":\"24331\",\"currencyCode\":\"JPY\","
    "\"transactionTime\":\"2026-03-04T01:00:00Z\"}],"
    "\"nextToken\":\"abc+/=DEF\"}";

static void
test_page(void **state)
{
    struct st_disbursements list;
    struct st_err err;
    char token[64];

    (void)state;
    memset(&list, 0, sizeof(list));
    assert_int_equal(st_disbursements_parse(page, strlen(page), "p1", &list,
                                            token, sizeof(token), &err),
                     0);
    assert_int_equal(list.n, 2);
    assert_string_equal(list.items[0].settlement_id, "41528830211");
    assert_string_equal(list.items[0].reference, "AMZN-PAYOUT-0302");
    assert_string_equal(list.items[0].currency, "USD");
    assert_int_equal(list.items[0].amount, 148235);
    assert_int_equal(list.items[0].exponent, 2);
    assert_string_equal(list.items[0].time, "2026-03-02T17:08:26.717Z");
    assert_int_equal(list.items[0].time_epoch, 1772471306); /* fraction off */
    assert_int_equal(list.items[1].amount, 24331);
    assert_int_equal(list.items[1].time_epoch, 1772586000);
    assert_string_equal(token, "abc+/=DEF");
    /* the last page has no token; an empty page is no error */
    assert_int_equal(st_disbursements_parse("{\"disbursements\":[]}", 20, "p2",
                                            &list, token, sizeof(token), &err),
                     0);
    assert_string_equal(token, "");
    assert_int_equal(list.n, 2);
    st_disbursements_release(&list);
    st_disbursements_release(&list); /* twice is harmless */
}

struct bad_case {
    const char *json;
    const char *msg; /* substring of the error */
};

#define GOOD_START \
    "{\"settlementId\":\"S\",\"amazonDisbursementReferenceId\":\"R\","

static const struct bad_case bad_cases[] = {
    {"not json", "p: not a JSON object: "},
    {"[1]", "p: not a JSON object"},
    {"{\"disbursements\":{}}", "'disbursements' is not a list"},
    {"{\"disbursements\":[1]}", "disbursement 1 is not an object"},
    {"{\"disbursements\":[{\"settlementId\":\"S\"}]}",
     "disbursement 1: 'amazonDisbursementReferenceId' is missing"},
    {"{\"disbursements\":[" GOOD_START
     "\"amount\":\"1.00\",\"currencyCode\":\"\","
     "\"transactionTime\":\"2026-03-02T00:00:00Z\"}]}",
     "'currencyCode' is empty"},
    {"{\"disbursements\":[" GOOD_START
     "\"amount\":\"1.00\",\"currencyCode\":\"XXY\","
     "\"transactionTime\":\"2026-03-02T00:00:00Z\"}]}",
     "unknown currency 'XXY'"},
    {"{\"disbursements\":[" GOOD_START
     "\"amount\":\"1.005\",\"currencyCode\":\"USD\","
     "\"transactionTime\":\"2026-03-02T00:00:00Z\"}]}",
     "disbursement 1: amount"},
    {"{\"disbursements\":[" GOOD_START
     "\"amount\":\"1.00\",\"currencyCode\":\"USD\","
     "\"transactionTime\":\"2026-03-02\"}]}",
     "transactionTime '2026-03-02' is not"},
    {"{\"disbursements\":[" GOOD_START
     "\"amount\":\"1.00\",\"currencyCode\":\"USD\","
     "\"transactionTime\":\"2026-03-02T00:00:00.Z\"}]}",
     "is not an ISO 8601 instant"},
};

static void
test_bad_pages(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        struct st_disbursements list;
        struct st_err err;
        char token[16];
        int rc;

        memset(&list, 0, sizeof(list));
        st_err_clear(&err);
        rc =
            st_disbursements_parse(bad_cases[i].json, strlen(bad_cases[i].json),
                                   "p", &list, token, sizeof(token), &err);
        if (rc != ST_ERR_DATA || strstr(err.msg, bad_cases[i].msg) == NULL)
            fail_msg("case %zu: rc %d, '%s' lacks '%s'", i, rc, err.msg,
                     bad_cases[i].msg);
        st_disbursements_release(&list);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_bad_pages),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
