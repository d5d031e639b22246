/*
 * fuzz_report.c: libFuzzer target for the settlement report parser
 * (lib/report on lib/io/csvin). The input is a report; its first byte also
 * picks where the input is cut into two feeds, so that chunk boundaries
 * (inside a BOM, a quote, a CRLF) are explored too. Each input is parsed
 * with lines handed out and checked against the invariants the parser
 * promises, and once more through st_settlement_preamble.
 *
 * Built and run by tests/fuzz/run (make fuzz).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amazon/settlement.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
check_line(void *ctx, const struct st_settlement_preamble *pre,
           const struct st_settlement_line *l, struct st_err *err)
{
    (void)ctx;
    (void)err;
    /* what a line promises */
    if (l->currency == NULL ||
        l->total_fee != l->percentage_fee + l->fixed_fee ||
        l->net != l->amount + l->total_fee || l->line < 1 ||
        pre->seller_id[0] == '\0' || (int)l->kind < 0 ||
        l->kind >= ST_KIND_COUNT ||
        strlen(l->description.s) != l->description.len)
        abort();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct st_problems probs;
    struct st_settlement_opts o;
    struct st_settlement *r = NULL;
    struct st_settlement_preamble pre;
    struct st_err err;
    size_t cut = size > 0 ? data[0] % (size + 1) : 0;

    st_problems_init(&probs);
    memset(&o, 0, sizeof(o));
    o.file = "fuzz";
    o.expect_seller = (size & 1) ? "A1TESTSELLER" : NULL;
    o.problems = &probs;
    o.on_line = check_line;
    if (st_settlement_new(&o, &r, &err) != 0)
        return 0;
    if (st_settlement_feed(r, data, cut, &err) == 0 &&
        st_settlement_feed(r, data + cut, size - cut, &err) == 0)
        (void)st_settlement_finish(r, &err);
    if (probs.nkept > ST_PROBLEMS_KEEP || probs.nkept > probs.total)
        abort();
    st_settlement_free(r);
    (void)st_settlement_preamble((const char *)data, size, &pre, &err);
    return 0;
}
