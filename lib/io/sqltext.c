/*
 * sqltext.c: lookup in the embedded SQL table.
 */
#include <string.h>

#include "io/sqltext.h"
#include "core/banned.h"

const char *
st_sql_text(const char *name)
{
    size_t i;

    for (i = 0; i < st_sql_nfiles; i++)
        if (strcmp(st_sql_files[i].name, name) == 0)
            return st_sql_files[i].text;
    return NULL;
}
