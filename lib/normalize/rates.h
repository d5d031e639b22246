/*
 * rates.h: the ECB rates stored in settle.fx_rate, read back into a
 * struct st_fx for the database path of normalize (settle normalize
 * --date). Their import from the ECB file is st_fx_import, in fx.h.
 */
#ifndef ST_RATES_H
#define ST_RATES_H

#include <stdint.h>

#include "core/err.h"
#include "io/db.h"
#include "normalize/fx.h"

/*
 * Loads the rates with rate_date in [from, to] (days since the epoch) into
 * fx and sorts it. A stored value that does not parse is ST_ERR_DATA
 * naming settle.fx_rate.
 */
int st_rates_load(struct st_db *db, int32_t from, int32_t to, struct st_fx *fx,
                  struct st_err *err);

#endif
