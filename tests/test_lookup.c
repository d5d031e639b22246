/*
 * test_lookup.c: lib/amazon/lookup, the answers of Get Dispute, Get
 * Charge and Get Refund read: the state, the resolution and the deadline
 * in each form Amazon's examples use, and what makes an answer unusable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "amazon/lookup.h"
#include "core/banned.h"

struct parse_case {
    enum st_lookup_kind kind;
    int rc;
    const char *json;
    const char *state;    /* or the error's substring */
    const char *deadline; /* "" when none */
    const char *resolution;
};

static const struct parse_case cases[] = {
    {ST_LOOKUP_DISPUTE, 0,
     "{\"disputeId\":\"P01-1111111-1111111-B123456\","
     "\"chargeId\":\"P01-1111111-1111111-C123456\","
     "\"disputeType\":\"Chargeback\","
     "\"disputeAmount\":{\"amount\":\"400\",\"currencyCode\":\"USD\"},"
     "\"filingReason\":\"Fraudulent\","
     "\"statusDetails\":{\"state\":\"ActionRequired\","
     "\"reasonCode\":\"MerchantResponseRequired\"},"
     "\"merchantResponseDeadline\":\"2026-03-14T23:59:59.000Z\"}",
     "ActionRequired", "2026-03-14T23:59:59Z", ""},
    {ST_LOOKUP_DISPUTE, 0,
     "{\"disputeId\":\"D\",\"statusDetails\":{\"state\":\"Resolved\","
     "\"resolution\":\"MerchantWon\"},\"merchantResponseDeadline\":1773532799}",
     "Resolved", "2026-03-14T23:59:59Z", "MerchantWon"},
    {ST_LOOKUP_DISPUTE, 0,
     "{\"disputeId\":\"D\",\"statusDetails\":{\"state\":\"UnderReview\"},"
     "\"merchantResponseDeadline\":\"1773532799\"}",
     "UnderReview", "2026-03-14T23:59:59Z", ""},
    {ST_LOOKUP_DISPUTE, 0,
     "{\"disputeId\":\"D\",\"statusDetails\":{\"state\":\"Closed\"}}", "Closed",
     "", ""},
    {ST_LOOKUP_DISPUTE, ST_ERR_DATA,
     "{\"statusDetails\":{\"state\":\"Closed\"}}", "no disputeId", NULL, NULL},
    {ST_LOOKUP_DISPUTE, ST_ERR_DATA, "{\"disputeId\":\"D\"}",
     "no statusDetails.state", NULL, NULL},
    {ST_LOOKUP_DISPUTE, ST_ERR_DATA,
     "{\"disputeId\":\"D\",\"statusDetails\":{\"state\":\"Closed\"},"
     "\"merchantResponseDeadline\":\"next week\"}",
     "merchantResponseDeadline is not an instant", NULL, NULL},
    {ST_LOOKUP_CHARGE, 0,
     "{\"chargeId\":\"S01-5105180-3221187-C056351\","
     "\"chargeAmount\":{\"amount\":\"14.00\",\"currencyCode\":\"USD\"},"
     "\"statusDetails\":{\"state\":\"Declined\","
     "\"reasonCode\":\"ProcessingFailure\"}}",
     "Declined", "", ""},
    {ST_LOOKUP_REFUND, 0,
     "{\"refundId\":\"S01-5105180-3221187-R022311\","
     "\"statusDetail\":{\"state\":\"RefundInitiated\"}}",
     "RefundInitiated", "", ""},
    {ST_LOOKUP_CHARGE, ST_ERR_DATA,
     "{\"refundId\":\"R\",\"statusDetails\":{\"state\":\"X\"}}", "no chargeId",
     NULL, NULL},
    {ST_LOOKUP_DISPUTE, ST_ERR_DATA, "<html>", "not a JSON object", NULL, NULL},
};

static void
test_parse(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct parse_case *c = &cases[i];
        struct st_api_object d;
        struct st_err err;
        int rc;

        st_err_clear(&err);
        rc = st_lookup_parse(c->kind, c->json, strlen(c->json), "g", &d, &err);
        if (rc != c->rc)
            fail_msg("case %zu: rc %d (%s)", i, rc, err.msg);
        if (rc != 0) {
            if (strstr(err.msg, c->state) == NULL)
                fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, c->state);
            continue;
        }
        assert_string_equal(d.state, c->state);
        assert_string_equal(d.deadline, c->deadline);
        assert_string_equal(d.resolution, c->resolution);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
