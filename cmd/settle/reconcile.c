/*
 * reconcile.c: `settle reconcile`. Not built yet: it says so and exits 70 rather than
 * pretend.
 */
#include "settle.h"
#include "banned.h"

int
cmd_reconcile(struct st_cli *cli, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_not_built(cli, "reconcile");
}
