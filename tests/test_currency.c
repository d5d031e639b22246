/*
 * test_currency.c: lookup in the ISO 4217 table generated from List One:
 * exponents of 0-, 2-, 3- and 4-decimal currencies, unknown and malformed
 * codes, the order and uniqueness the binary search relies on, and the
 * edition. (tests/integration/currency_table.sh regenerates the table from
 * ../shared and compares it with the committed one.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/currency.h"
#include "core/banned.h"

struct find_case {
    const char *code;
    size_t len;
    int found;
    int exponent;
    int number;
};

static const struct find_case find_cases[] = {
    {"IQD", 3, 1, 3, 368},  {"JPY", 3, 1, 0, 392}, {"CLF", 3, 1, 4, 990},
    {"USD", 3, 1, 2, 840},  {"BHD", 3, 1, 3, 48},  {"EUR", 3, 1, 2, 978},
    {"GBP", 3, 1, 2, 826},  {"KWD", 3, 1, 3, 414}, {"UYW", 3, 1, 4, 927},
    {"AED", 3, 1, 2, 784},  /* first */
    {"ZWG", 3, 1, 2, 924},  /* last */
    {"USDX", 3, 1, 2, 840}, /* only len bytes are read */
    {"XXX", 3, 0, 0, 0},    /* "no currency": minor units N.A. */
    {"XAU", 3, 0, 0, 0},    /* gold: N.A. */
    {"ABC", 3, 0, 0, 0},    {"usd", 3, 0, 0, 0},   {"Usd", 3, 0, 0, 0},
    {"US", 2, 0, 0, 0},     {"USDX", 4, 0, 0, 0},  {"", 0, 0, 0, 0},
    {"AAA", 3, 0, 0, 0}, /* before the first */
    {"ZZZ", 3, 0, 0, 0}, /* after the last */
};

static void
test_find(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(find_cases) / sizeof(find_cases[0]); i++) {
        const struct find_case *c = &find_cases[i];
        const struct st_currency *cur = st_currency_find(c->code, c->len);

        print_message("%.*s\n", (int)c->len, c->code);
        if (!c->found) {
            assert_null(cur);
            continue;
        }
        assert_non_null(cur);
        assert_memory_equal(cur->code, c->code, 3);
        assert_int_equal(cur->code[3], '\0');
        assert_int_equal(cur->exponent, c->exponent);
        assert_int_equal(cur->number, c->number);
        assert_non_null(cur->name);
    }
}

static void
test_table_sorted_unique(void **state)
{
    size_t i;

    (void)state;
    /* List One has about 180 currencies with minor units. */
    assert_true(st_currency_count > 150);
    assert_true(st_currency_count < 250);
    for (i = 0; i < st_currency_count; i++) {
        const struct st_currency *c = &st_currency_table[i];

        assert_int_equal(strlen(c->code), 3);
        assert_true(c->exponent == 0 || c->exponent == 2 || c->exponent == 3 ||
                    c->exponent == 4);
        assert_true(c->number > 0 && c->number < 1000);
        assert_true(c->name[0] != '\0');
        /* Every entry can be found: the binary search sees them all. */
        assert_ptr_equal(st_currency_find(c->code, 3), c);
        if (i > 0)
            assert_true(strcmp(st_currency_table[i - 1].code, c->code) < 0);
    }
}

static void
test_edition(void **state)
{
    (void)state;
    assert_string_equal(st_currency_edition, "2024-06-25");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_table_sorted_unique),
        cmocka_unit_test(test_edition),
    };

    return cmocka_run_group_tests_name("currency", tests, NULL, NULL);
}
