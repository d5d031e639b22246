/*
 * test_sqltext.c: the SQL files embedded at build time. Every file under
 * sql/ is in the table byte for byte (read back from the source tree, so
 * run from the source root as make check does), the table is sorted, and
 * unknown names give NULL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/sqltext.h"
#include "core/banned.h"

/* The bytes of path, NUL-terminated (free them), or NULL. */
static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    size_t cap = 0;
    size_t len = 0;
    size_t n;

    if (f == NULL)
        return NULL;
    do {
        if (len + 4096 + 1 > cap) {
            char *q = realloc(p, cap = len + 8192);

            assert_non_null(q);
            p = q;
        }
        n = fread(p + len, 1, 4096, f);
        len += n;
    } while (n > 0);
    assert_int_equal(ferror(f), 0);
    (void)fclose(f);
    p[len] = '\0';
    return p;
}

static void
test_every_file(void **state)
{
    size_t i;

    (void)state;
    assert_null(st_sql_files[st_sql_nfiles].name);
    for (i = 0; i < st_sql_nfiles; i++) {
        const struct st_sql_file *f = &st_sql_files[i];
        char path[512];
        char *text;
        int n = snprintf(path, sizeof(path), "sql/%s", f->name);

        assert_true(n > 0 && (size_t)n < sizeof(path));
        assert_ptr_equal(st_sql_text(f->name), f->text);
        if (i > 0)
            assert_true(strcmp(st_sql_files[i - 1].name, f->name) < 0);
        text = slurp(path);
        if (text == NULL) {
            print_message("no %s here: not run from the source root?\n", path);
            continue;
        }
        /* the embedded text adds a final newline where the file has none */
        n = (int)strlen(text);
        if (n > 0 && text[n - 1] != '\n')
            assert_int_equal(strncmp(f->text, text, (size_t)n), 0);
        else
            assert_string_equal(f->text, text);
        free(text);
    }
}

static void
test_unknown(void **state)
{
    (void)state;
    assert_null(st_sql_text("queries/no_such_query.sql"));
    assert_null(st_sql_text(""));
    assert_null(st_sql_text("sql/migrations/001_schema.sql"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_file),
        cmocka_unit_test(test_unknown),
    };

    return cmocka_run_group_tests_name("sqltext", tests, NULL, NULL);
}
