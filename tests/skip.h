/*
 * tests/skip.h: a cmocka test that cannot run here says why. The reason is
 * printed as "# skipped: NAME: WHY" on the test's output; tests/run-unit
 * counts the skip and hands the line to tests/summarize, so the closing
 * line of make check shows it ("N passed, N failed, N skipped") and lists
 * every reason below.
 */
#ifndef SETTLE_TESTS_SKIP_H
#define SETTLE_TESTS_SKIP_H

/* Needs <cmocka.h> first. WHY is a string literal. */
#define SKIP_BECAUSE(why)                                    \
    do {                                                     \
        print_message("# skipped: %s: %s\n", __func__, why); \
        skip();                                              \
    } while (0)

#endif
