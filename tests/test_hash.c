/*
 * test_hash.c: SHA-256 of memory, piece by piece and of a file, against
 * the FIPS 180-2 examples.
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

#include "core/err.h"
#include "core/hash.h"
#include "core/banned.h"

/* FIPS 180-2, appendix B.1 and B.2, and the empty message. */
static const char abc_hex[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const char two_block[] =
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char two_block_hex[] =
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
static const char empty_hex[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

static void
test_one_shot(void **state)
{
    char hex[ST_SHA256_HEX_LEN + 1];

    (void)state;
    st_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, abc_hex);
    st_sha256_hex(NULL, 0, hex);
    assert_string_equal(hex, empty_hex);
}

/* Every split of the two-block message gives the same digest. */
static void
test_incremental_any_split(void **state)
{
    size_t n = strlen(two_block);
    size_t cut;

    (void)state;
    for (cut = 0; cut <= n; cut++) {
        struct st_sha256 h;
        char hex[ST_SHA256_HEX_LEN + 1];
        struct st_err err;

        st_err_clear(&err);
        assert_int_equal(st_sha256_init(&h, &err), 0);
        st_sha256_update(&h, two_block, cut);
        st_sha256_update(&h, NULL, 0);
        st_sha256_update(&h, two_block + cut, n - cut);
        assert_int_equal(st_sha256_final(&h, hex, &err), 0);
        assert_string_equal(hex, two_block_hex);
        assert_null(h.md); /* final released it */
    }
}

static void
test_release_unfinished(void **state)
{
    struct st_sha256 h = {NULL, 0};
    struct st_err err;

    (void)state;
    st_err_clear(&err);
    st_sha256_release(&h); /* zeroed: no-op */
    assert_int_equal(st_sha256_init(&h, &err), 0);
    st_sha256_update(&h, "abc", 3);
    st_sha256_release(&h);
    assert_null(h.md);
    st_sha256_release(&h); /* twice: no-op */
}

static void
test_file(void **state)
{
    char path[] = "/tmp/test_hash-XXXXXX";
    char hex[ST_SHA256_HEX_LEN + 1];
    uint64_t bytes = 0;
    struct st_err err;
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "abc", 3), 3);
    assert_int_equal(close(fd), 0);
    st_err_clear(&err);
    assert_int_equal(st_sha256_file(path, hex, &bytes, &err), 0);
    assert_string_equal(hex, abc_hex);
    assert_int_equal(bytes, 3);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(st_sha256_file(path, hex, &bytes, &err), ST_ERR_NOINPUT);
    assert_string_equal(hex, "");
    assert_non_null(strstr(err.msg, path));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_shot),
        cmocka_unit_test(test_incremental_any_split),
        cmocka_unit_test(test_release_unfinished),
        cmocka_unit_test(test_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
