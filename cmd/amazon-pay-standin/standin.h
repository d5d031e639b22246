/*
 * standin.h: what the stand-in's parts share: its state, the request's
 * query arguments, the fault counters and the one way to answer. The
 * Amazon Pay Reports API is standin.c, Get Disbursements and Get Dispute
 * objects.c, the ECB Data Portal ecb.c.
 */
#ifndef STANDIN_H
#define STANDIN_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <microhttpd.h>

#include "amazon/sign.h"

#define MAX_PARAMS 32

struct report {
    char *id;
    char *doc_id;
    char *data;
    size_t len;
    char *gz; /* data gzipped, with --gzip */
    size_t gz_len;
    long not_ready; /* 202 answers still to give (--not-ready) */
    int64_t created;
    int64_t start;
    int64_t end;
};

/* One ECB quote served (--rates): code per EUR on date, as written. */
struct ecb_quote {
    int32_t date;
    char code[4];
    char text[24];
};

/* The ECB Data Portal part (--rates and its faults). */
struct ecb {
    struct ecb_quote *q; /* sorted by currency, then date */
    size_t n;
    int32_t published_until; /* --fx-unpublished-after; INT32_MAX: none */
    long fail_503;
    long stall;
    long stall_ms;
    int empty_200; /* answer a range without quotes 200 "" (not 404) */
};

struct standin {
    struct report *reports;
    size_t n;
    struct st_sign_key *pub;
    const char *prefix;
    const char *record_dir;
    unsigned port;
    int64_t created_delay;
    pthread_mutex_t lock;
    long fail_429;
    long retry_after;
    long fail_500;
    long fail_503;
    long reset;
    long expire_urls;
    long cut_body;
    long slow_ms;
    long page_cap;
    long not_ready;
    int gzip;
    long clock_skew; /* --clock-skew: seconds the Date header is off */
    long nrecord;
    FILE *log;
    struct ecb ecb;
    json_t *disbursements;  /* disbursements.json of the folder, or NULL */
    json_t *disputes;       /* disputes.json of the folder, or NULL */
    json_t *charges;        /* charges.json */
    json_t *refunds;        /* refunds.json */
    int deny_disbursements; /* --deny-disbursements: 403 */
    int deny_lookups;       /* --deny-lookups: 403 for the three below */
};

/* Query arguments of one request, decoded by libmicrohttpd. */
struct args {
    struct st_sign_pair p[MAX_PARAMS];
    size_t n;
    int overflow;
};

/* Takes one unit of a fault counter; 1 when the fault applies. */
int take_fault(struct standin *s, long *counter);

/* The value of query argument name, or NULL. */
const char *arg(const struct args *a, const char *name);

/* Answers status with body (copied) and logs "METHOD URL STATUS". */
enum MHD_Result send_text(struct MHD_Connection *c, struct standin *s,
                          const char *method, const char *url, unsigned status,
                          const char *type, const char *body,
                          const char *retry_after);

/* Loads the ECB file at path (any layout settle reads) into s->ecb. */
int ecb_load(struct standin *s, const char *path);

/* Answers GET /ecb/service/data/EXR/... from s->ecb. */
enum MHD_Result ecb_serve(struct MHD_Connection *c, struct standin *s,
                          const char *url, const struct args *a);

void ecb_release(struct standin *s);

/* Answers status with the JSON j (taken) and logs it. */
enum MHD_Result send_json(struct MHD_Connection *c, struct standin *s,
                          const char *method, const char *url, unsigned status,
                          json_t *j);

/* Answers status {"reasonCode": reason, "message": message}. */
enum MHD_Result send_error(struct MHD_Connection *c, struct standin *s,
                           const char *method, const char *url, unsigned status,
                           const char *reason, const char *message);

/* "yyyyMMddTHHmmssZ" of t, and back (-1 when malformed). */
void basic_time(int64_t t, char *out);
int64_t parse_basic(const char *s);

/* Loads dir/disbursements.json, disputes.json, charges.json and
 * refunds.json, those there are (objects.c). */
int objects_load(struct standin *s, const char *dir);

/* Answers GET PREFIX/v2/disbursements from s->disbursements. */
enum MHD_Result disbursements_serve(struct MHD_Connection *c, struct standin *s,
                                    const char *url, const struct args *a);

/* Answers GET PREFIX/v2/disputes/{id}, /charges/{id} and /refunds/{id}
 * (rest: what follows PREFIX/v2) from the folder's JSON files. */
enum MHD_Result object_serve(struct MHD_Connection *c, struct standin *s,
                             const char *url, const char *rest);

#endif
