/*
 * doctor.h: `settle doctor`, the operator's preflight (README "Before the
 * first night"): every check a nightly run depends on, in the order a run
 * meets them, each answered ok, warn or FAIL with what to do, so that a
 * wrong key id, a clock that is off, a missing grant or an old schema shows
 * up at setup time rather than in the 02:30 failure.
 */
#ifndef ST_DOCTOR_H
#define ST_DOCTOR_H

#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "io/http.h"

enum st_doctor_result { ST_DOCTOR_OK, ST_DOCTOR_WARN, ST_DOCTOR_FAIL };

/* One check's answer: what was checked, and what was found or is wrong. */
struct st_doctor_check {
    const char *name; /* "key file" */
    enum st_doctor_result result;
    int rc;         /* FAIL: the ST_ERR_* a run would stop with */
    char what[512]; /* what was found, or the error */
    char fix[512];  /* FAIL, WARN: what to do; "" when nothing */
};

typedef void st_doctor_fn(void *arg, const struct st_doctor_check *c);

/*
 * Runs every check for cfg, calling report once per check, in order.
 * Checks that need what an earlier one failed to give (a database, a key)
 * are reported failed with the reason. env is the clock and sleep for the
 * API calls (NULL: the system's). Returns 0 when no check failed, else the
 * ST_ERR_* of the first that did.
 */
int st_doctor(const struct st_config *cfg, const struct st_http_env *env,
              struct st_log *log, st_doctor_fn *report, void *arg);

/* "ok", "warn" or "FAIL". */
const char *st_doctor_result_name(enum st_doctor_result r);

#endif
