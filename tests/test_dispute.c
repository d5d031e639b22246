/*
 * test_dispute.c: lib/amazon/dispute, a Get Dispute answer read: the
 * state, the resolution and the deadline in each form Amazon's examples
 * use, and what makes an answer unusable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "amazon/dispute.h"
#include "core/banned.h"

struct parse_case {
    const char *json;
    int rc;
    const char *state;    /* or the error's substring */
    const char *deadline; /* "" when none */
    const char *resolution;
};

static const struct parse_case cases[] = {
    {"{\"disputeId\":\"P01-1111111-1111111-B123456\","
     "\"chargeId\":\"P01-1111111-1111111-C123456\","
     "\"disputeType\":\"Chargeback\","
     "\"disputeAmount\":{\"amount\":\"400\",\"currencyCode\":\"USD\"},"
     "\"filingReason\":\"Fraudulent\","
     "\"statusDetails\":{\"state\":\"ActionRequired\","
     "\"reasonCode\":\"MerchantResponseRequired\"},"
     "\"merchantResponseDeadline\":\"2026-03-14T23:59:59.000Z\"}",
     0, "ActionRequired", "2026-03-14T23:59:59Z", ""},
    {"{\"disputeId\":\"D\",\"statusDetails\":{\"state\":\"Resolved\","
     "\"resolution\":\"MerchantWon\"},\"merchantResponseDeadline\":1773532799}",
     0, "Resolved", "2026-03-14T23:59:59Z", "MerchantWon"},
    {"{\"disputeId\":\"D\",\"statusDetails\":{\"state\":\"UnderReview\"},"
     "\"merchantResponseDeadline\":\"1773532799\"}",
     0, "UnderReview", "2026-03-14T23:59:59Z", ""},
    {"{\"disputeId\":\"D\",\"statusDetails\":{\"state\":\"Closed\"}}", 0,
     "Closed", "", ""},
    {"{\"statusDetails\":{\"state\":\"Closed\"}}", ST_ERR_DATA, "no disputeId",
     NULL, NULL},
    {"{\"disputeId\":\"D\"}", ST_ERR_DATA, "no statusDetails.state", NULL,
     NULL},
    {"{\"disputeId\":\"D\",\"statusDetails\":{\"state\":\"Closed\"},"
     "\"merchantResponseDeadline\":\"next week\"}",
     ST_ERR_DATA, "merchantResponseDeadline is not an instant", NULL, NULL},
    {"<html>", ST_ERR_DATA, "not a JSON object", NULL, NULL},
};

static void
test_parse(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct parse_case *c = &cases[i];
        struct st_api_dispute d;
        struct st_err err;
        int rc;

        st_err_clear(&err);
        rc = st_dispute_parse(c->json, strlen(c->json), "g", &d, &err);
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
