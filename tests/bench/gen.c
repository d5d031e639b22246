/*
 * gen.c: a deterministic generator of benchmark data for settle.
 *
 *   gen [--seed S] [--lines N] [--days K] [--start YYYY-MM-DD]
 *       [--seller ID] --out DIR
 *
 * writes, for one seller over K consecutive business dates:
 *
 *   DIR/reports/<date>-SETTLEMENT_DATA_<id>.csv  one Amazon Pay settlement
 *       report per date and currency (USD, EUR, GBP, JPY), N data rows in
 *       all, in Amazon's exact layout (BOM, 5-line preamble, header with a
 *       trailing comma, 15 quoted columns);
 *   DIR/ledger.csv      the merchant's ledger in the columns of the ledger
 *       contract (README "Connecting your ledger"), with about 2% planted
 * discrepancies spread over every reconciliation class; DIR/eurofxref.csv
 * made-up ECB-style rates (Date,USD,JPY,GBP,) for every TARGET day around the
 * dates; DIR/gen-summary.txt what was generated and planted, as key=value
 * lines.
 *
 * The same arguments give byte-identical output: everything comes from one
 * seeded xoshiro256** stream and hashes of the seed, nothing from the clock,
 * the locale or the environment. Only libc; C11. Every number and date is
 * formatted by hand into a large buffer, so 10,000,000 lines take seconds.
 *
 * Exit: 0 ok, 64 usage, 73 cannot create an output, 74 write error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define NCCY       4
#define RING       4096 /* recent orders per currency that can be referred to */
#define OUTBUF     (1u << 20)
#define MAX_LINES  50000000LL
#define MAX_DAYS   1000
#define GRACE_DAYS 3 /* settle's default unsettled_grace_days */

/* ------------------------------------------------------------ random */

static uint64_t rng_s[4];

static uint64_t
splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static uint64_t
rnd(void)
{
    uint64_t r = rotl(rng_s[1] * 5, 7) * 9;
    uint64_t t = rng_s[1] << 17;

    rng_s[2] ^= rng_s[0];
    rng_s[3] ^= rng_s[1];
    rng_s[1] ^= rng_s[2];
    rng_s[0] ^= rng_s[3];
    rng_s[2] ^= t;
    rng_s[3] = rotl(rng_s[3], 45);
    return r;
}

/* Uniform in [0, n), n > 0 (the bias of a 64-bit modulo is negligible). */
static uint64_t
below(uint64_t n)
{
    return rnd() % n;
}

static uint64_t hash_seed;

static uint64_t
hash2(uint64_t a, uint64_t b)
{
    uint64_t x = hash_seed ^ (a * 0x9e3779b97f4a7c15ULL) ^ rotl(b, 32);

    return splitmix64(&x);
}

/* ------------------------------------------------------------ output */

struct out {
    FILE *f;
    const char *path;
    size_t n;
    char buf[OUTBUF];
};

static void
die(int code, const char *what, const char *path)
{
    fprintf(stderr, "gen: %s '%s': %s\n", what, path, strerror(errno));
    exit(code);
}

static void
out_flush(struct out *o)
{
    if (o->n > 0 && fwrite(o->buf, 1, o->n, o->f) != o->n)
        die(74, "cannot write", o->path);
    o->n = 0;
}

static void
out_open(struct out *o, const char *path)
{
    o->path = path;
    o->n = 0;
    o->f = fopen(path, "wb");
    if (o->f == NULL)
        die(73, "cannot create", path);
}

static void
out_close(struct out *o)
{
    out_flush(o);
    if (fclose(o->f) != 0)
        die(74, "cannot write", o->path);
    o->f = NULL;
}

/* Room for one more record of at most 4 KiB. */
static void
out_room(struct out *o)
{
    if (o->n > OUTBUF - 4096)
        out_flush(o);
}

static void
put(struct out *o, const char *s, size_t len)
{
    memcpy(o->buf + o->n, s, len);
    o->n += len;
}

static void
puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void
putc_(struct out *o, char c)
{
    o->buf[o->n++] = c;
}

static void
put_uint(struct out *o, uint64_t v, int width)
{
    char tmp[24];
    int i = 0;

    do {
        tmp[i++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0 || i < width);
    while (i > 0)
        putc_(o, tmp[--i]);
}

/*
 * A signed amount of minor units with `digits` decimals: -1482.35, 1500,
 * 0.00; with `thousands`, -1,482.35 and 12,800.
 */
static void
put_money(struct out *o, int64_t minor, int digits, int thousands)
{
    uint64_t v = minor < 0 ? (uint64_t)(-minor) : (uint64_t)minor;
    uint64_t scale = digits == 0 ? 1 : 100;
    uint64_t major = v / scale;
    char tmp[32];
    int i = 0;
    int g = 0;

    if (minor < 0)
        putc_(o, '-');
    do {
        if (thousands && g == 3) {
            tmp[i++] = ',';
            g = 0;
        }
        tmp[i++] = (char)('0' + major % 10);
        major /= 10;
        g++;
    } while (major > 0);
    while (i > 0)
        putc_(o, tmp[--i]);
    if (digits > 0) {
        putc_(o, '.');
        put_uint(o, v % scale, 2);
    }
}

/* Fee columns print a zero fee as 0, as Amazon's files do. */
static void
put_fee(struct out *o, int64_t minor, int digits)
{
    if (minor == 0)
        putc_(o, '0');
    else
        put_money(o, minor, digits, 0);
}

/* ------------------------------------------------------------ dates */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void
put_date(struct out *o, int64_t day)
{
    int64_t y;
    unsigned m, d;

    civil_from_days(day, &y, &m, &d);
    put_uint(o, (uint64_t)y, 4);
    putc_(o, '-');
    put_uint(o, m, 2);
    putc_(o, '-');
    put_uint(o, d, 2);
}

/* UTC seconds t as local time at offset off_min: 2026-03-02T14:59:44 -0800
 * (space = 1) or 2026-03-02T14:59:44-0800; off_min = INT32_MIN writes Z. */
static void
put_time(struct out *o, int64_t t, int off_min, int space)
{
    int64_t local = t + (off_min == INT32_MIN ? 0 : off_min * 60);
    int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int64_t sec = local - day * 86400;
    int a;

    put_date(o, day);
    putc_(o, 'T');
    put_uint(o, (uint64_t)(sec / 3600), 2);
    putc_(o, ':');
    put_uint(o, (uint64_t)(sec / 60 % 60), 2);
    putc_(o, ':');
    put_uint(o, (uint64_t)(sec % 60), 2);
    if (off_min == INT32_MIN) {
        putc_(o, 'Z');
        return;
    }
    if (space)
        putc_(o, ' ');
    putc_(o, off_min < 0 ? '-' : '+');
    a = off_min < 0 ? -off_min : off_min;
    put_uint(o, (uint64_t)(a / 60), 2);
    put_uint(o, (uint64_t)(a % 60), 2);
}

/* ------------------------------------------------------------ the model */

enum kind {
    K_CAPTURE,
    K_REFUND,
    K_AUTH,
    K_ADJUST,
    K_CHARGEBACK,
    K_ATOZ,
    K_DISPUTE,
    K_DEBT,
    K_RESERVE,
    K_CARRYOVER,
    K_UNKNOWN,
    K_TRANSFER,
    NKIND
};

/* Body-row mix per 10,000 (the Transfer row opens every report). */
static const int kind_weight[K_TRANSFER] = {
    8500, 800, 200, 150, 100, 60, 40, 50, 50, 30, 20,
};

static const char *const kind_name[NKIND] = {
    "capture",    "refund",     "authorization", "adjustment",
    "chargeback", "atoz_claim", "dispute",       "debt",
    "reserve",    "carryover",  "unknown",       "transfer",
};

enum planted {
    P_NONE,
    P_AMOUNT,
    P_FEE,
    P_MISSING_IN_LEDGER,
    P_MISSING_IN_SETTLEMENT,
    P_IN_TRANSIT,
    P_DUPLICATE,
    P_PAYOUT,
    NPLANTED
};

static const char *const planted_name[NPLANTED] = {
    "none",
    "amount_mismatch",
    "fee_mismatch",
    "missing_in_ledger",
    "missing_in_settlement",
    "in_transit",
    "duplicate_in_settlement",
    "payout_mismatch",
};

struct currency {
    const char *code;
    const char *prefix; /* order reference prefix */
    const char *store;
    int digits;
    int weight;    /* share of the lines, per mille */
    int off_min;   /* UTC offset of the report's dates */
    int space;     /* date style: "T10:00:00 -0800" or "T10:00:00-0800" */
    int fee_bp;    /* percentage fee in basis points */
    int fee_fixed; /* fixed fee in minor units */
    int sref;      /* SellerReferenceId filled (else only SellerOrderId) */
    int64_t min_amount, spread;
};

static const struct currency ccys[NCCY] = {
    {"USD", "P01", "Northwind Outfitters, Inc.", 2, 400, -480, 1, 290, 30, 1,
     500, 25000},
    {"EUR", "P02", "Northwind Outfitters Europe", 2, 300, 60, 0, 270, 35, 0,
     500, 20000},
    {"GBP", "P02", "Northwind Outfitters UK", 2, 200, 0, 0, 270, 20, 1, 400,
     18000},
    {"JPY", "S03", "Northwind Outfitters Japan", 0, 100, 540, 1, 390, 0, 1, 300,
     30000},
};

struct order {
    uint64_t k;     /* order number within its currency */
    int64_t amount; /* captured amount, minor units */
    uint32_t nchild;
};

struct line {
    enum kind kind;
    int ccy;
    int64_t posted;
    uint64_t order; /* order number; UINT64_MAX: none */
    char letter;    /* C, R, A, B; 0: no Amazon id */
    uint32_t child; /* child number within the order */
    int64_t amount, pct, fixed;
    int sref;
    const char *desc;
};

struct ccy_state {
    struct order ring[RING];
    uint64_t norders;  /* orders created so far */
    uint64_t captured; /* of which captured */
    int64_t balance;   /* Amazon Pay balance, minor units */
    struct line *pending;
    size_t npending, cap;
};

static struct ccy_state cs[NCCY];
static uint64_t seed = 1;
static const char *seller = "A1BENCHSELLER0";
static uint64_t entry_seq;
static uint64_t fake_orders;
static uint64_t kind_count[NKIND];
static uint64_t planted_count[NPLANTED];
static uint64_t ledger_rows;
static uint64_t split_count, byref_count;

/*
 * Amazon order reference of order k of currency c. The first block is a
 * permutation of u = k * 4 + c modulo 10^7, the last digit of the second
 * block is u / 10^7, so references are unique for u < 90,000,000; orders
 * that never settle (fake) use their own permutation and last digit 9.
 */
static void
put_order_ref(struct out *o, int c, uint64_t k, int fake)
{
    uint64_t u = fake ? k : k * NCCY + (uint64_t)c;
    uint64_t x = (u % 10000000ULL * (fake ? 3367127ULL : 7368787ULL) +
                  hash_seed % 10000000ULL) %
                 10000000ULL;
    uint64_t hi = fake ? 9 : u / 10000000ULL;
    uint64_t y = hash2(u, (uint64_t)fake) % 1000000ULL * 10 + hi;

    puts_(o, ccys[c].prefix);
    putc_(o, '-');
    put_uint(o, x, 7);
    putc_(o, '-');
    put_uint(o, y, 7);
}

/* The child suffix: C/R/A/B and six digits, unique per order and letter. */
static void
put_child(struct out *o, char letter, uint64_t u, uint32_t child)
{
    uint64_t d =
        (hash2(u, (uint64_t)letter) + (uint64_t)child * 104729ULL) % 1000000ULL;

    putc_(o, '-');
    putc_(o, letter);
    put_uint(o, d, 6);
}

static void
put_txid(struct out *o, const struct line *l)
{
    put_order_ref(o, l->ccy, l->order, 0);
    put_child(o, l->letter, l->order * NCCY + (uint64_t)l->ccy, l->child);
}

/* The shop's order number: US-1000042; orders that never settle get their
 * own series, US-M0000042. */
static void
put_merchant_order(struct out *o, int c, uint64_t k, int fake)
{
    static const char *const p[NCCY] = {"US-", "EU-", "UK-", "JP-"};

    puts_(o, p[c]);
    if (fake) {
        putc_(o, 'M');
        put_uint(o, k, 7);
    } else {
        put_uint(o, 1000000 + k, 7);
    }
}

/* ------------------------------------------------------------ writing */

struct report {
    int day; /* index of the business date */
    int c;
    int64_t date; /* days since the epoch */
    uint64_t sid; /* SettlementId */
    int bom, crlf, thousands;
    int64_t start, end;
};

static struct out rep_out, led_out;
static int64_t first_day;
static int ndays;

static void
quoted(struct out *o, const char *s)
{
    putc_(o, '"');
    for (; *s != '\0'; s++) {
        if (*s == '"')
            putc_(o, '"');
        putc_(o, *s);
    }
    putc_(o, '"');
}

static void
eol(struct out *o, const struct report *r)
{
    if (r->crlf)
        putc_(o, '\r');
    putc_(o, '\n');
}

static void
write_preamble(const struct report *r)
{
    const struct currency *c = &ccys[r->c];

    if (r->bom)
        puts_(&rep_out, "\xef\xbb\xbf");
    puts_(&rep_out, "\"Amazon Payments Advanced\",");
    eol(&rep_out, r);
    puts_(&rep_out, "\"Settlement Report\",");
    eol(&rep_out, r);
    puts_(&rep_out, "\"SellerId\",");
    quoted(&rep_out, seller);
    eol(&rep_out, r);
    puts_(&rep_out, "\"SettlementStartDate\",\"");
    put_time(&rep_out, r->start, c->off_min, c->space);
    putc_(&rep_out, '"');
    eol(&rep_out, r);
    puts_(&rep_out, "\"SettlementEndDate\",\"");
    put_time(&rep_out, r->end, c->off_min, c->space);
    putc_(&rep_out, '"');
    eol(&rep_out, r);
    puts_(
        &rep_out,
        "\"TransactionPostedDate\",\"SettlementId\",\"AmazonTransactionId\","
        "\"SellerReferenceId\",\"TransactionType\",\"AmazonOrderReferenceId\","
        "\"SellerOrderId\",\"StoreName\",\"CurrencyCode\","
        "\"TransactionDescription\",\"TransactionAmount\","
        "\"TransactionPercentageFee\",\"TransactionFixedFee\","
        "\"TotalTransactionFee\",\"NetTransactionAmount\",");
    eol(&rep_out, r);
}

static const char *
type_text(enum kind k, uint64_t h)
{
    switch (k) {
    case K_CAPTURE:
        return "Capture";
    case K_REFUND:
        return "Refund";
    case K_AUTH:
        return "Authorization";
    case K_ADJUST:
        return "Adjustment";
    case K_CHARGEBACK:
        return "Chargeback";
    case K_ATOZ:
        /* Amazon's own pages spell it three ways. */
        return h % 10 == 0 ? "A-to-z claim" : "A-to-z Guarantee Claim";
    case K_DISPUTE:
        return "Dispute";
    case K_DEBT:
        return h % 4 == 0 ? "Debt recovery" : "Debt";
    case K_RESERVE:
        return "Reserve";
    case K_CARRYOVER:
        return "Carryover";
    case K_UNKNOWN:
        return "ServiceFee";
    case K_TRANSFER:
    case NKIND:
        break;
    }
    return "Transfer";
}

static void
write_line(const struct report *r, const struct line *l)
{
    const struct currency *c = &ccys[l->ccy];
    struct out *o = &rep_out;
    int has_order = l->order != UINT64_MAX;
    int big = r->thousands;

    out_room(o);
    putc_(o, '"');
    put_time(o, l->posted, c->off_min, c->space);
    puts_(o, "\",\"");
    put_uint(o, r->sid, 1);
    puts_(o, "\",\"");
    if (l->letter != 0)
        put_txid(o, l);
    puts_(o, "\",\"");
    if (has_order && l->sref)
        put_merchant_order(o, l->ccy, l->order, 0);
    puts_(o, "\",");
    quoted(o, type_text(l->kind, hash2(l->order, (uint64_t)l->posted)));
    puts_(o, ",\"");
    if (l->letter != 0)
        put_order_ref(o, l->ccy, l->order, 0);
    puts_(o, "\",\"");
    if (has_order)
        put_merchant_order(o, l->ccy, l->order, 0);
    puts_(o, "\",");
    quoted(o, has_order ? c->store : "");
    puts_(o, ",\"");
    puts_(o, c->code);
    puts_(o, "\",");
    quoted(o, l->desc);
    puts_(o, ",\"");
    put_money(o, l->amount, c->digits, big);
    puts_(o, "\",\"");
    put_fee(o, l->pct, c->digits);
    puts_(o, "\",\"");
    put_fee(o, l->fixed, c->digits);
    puts_(o, "\",\"");
    put_fee(o, l->pct + l->fixed, c->digits);
    puts_(o, "\",\"");
    put_money(o, l->amount + l->pct + l->fixed, c->digits, big);
    putc_(o, '"');
    eol(o, r);
    kind_count[l->kind]++;
}

/*
 * One ledger row. txid: write the line's Amazon id; fake: an order that
 * never settles; fee_stated: write fee, else leave it empty.
 */
static void
write_ledger(int64_t booked, const char *kind, int c, const struct line *l,
             int txid, uint64_t order, int fake, int64_t amount, int fee_stated,
             int64_t fee)
{
    struct out *o = &led_out;

    out_room(o);
    puts_(o, "GL-");
    put_uint(o, ++entry_seq, 10);
    putc_(o, ',');
    put_time(o, booked + 5, INT32_MIN, 0);
    putc_(o, ',');
    put_time(o, booked, INT32_MIN, 0);
    putc_(o, ',');
    puts_(o, kind);
    putc_(o, ',');
    if (fake) {
        put_order_ref(o, c, order, 1);
        put_child(o, 'C', order | 1ULL << 62, 0);
    } else if (txid && l != NULL) {
        put_txid(o, l);
    }
    putc_(o, ',');
    if (fake)
        put_merchant_order(o, c, order, 1);
    else if (order != UINT64_MAX)
        put_merchant_order(o, c, order, 0);
    putc_(o, ',');
    puts_(o, ccys[c].code);
    putc_(o, ',');
    put_money(o, amount, ccys[c].digits, 0);
    putc_(o, ',');
    if (fee_stated)
        put_money(o, fee, ccys[c].digits, 0);
    putc_(o, '\n');
    ledger_rows++;
}

static int64_t
pct_fee(int c, int64_t amount)
{
    int64_t a = amount < 0 ? -amount : amount;

    return (a * ccys[c].fee_bp + 5000) / 10000;
}

static int64_t
random_amount(int c)
{
    const struct currency *cc = &ccys[c];
    int64_t a = cc->min_amount + (int64_t)below((uint64_t)cc->spread);

    if (below(100) == 0)
        a *= 20; /* the odd large order */
    if (cc->digits == 0)
        a = a / 10 * 10; /* yen prices end in 0 */
    return a;
}

static struct order *
new_order(int c, int64_t amount)
{
    struct ccy_state *s = &cs[c];
    struct order *ord = &s->ring[s->norders % RING];

    ord->k = s->norders++;
    ord->amount = amount;
    ord->nchild = 0;
    return ord;
}

/*
 * A recent order of currency c that was captured (one exists: pick_kind
 * makes the first order a capture); authorization-only orders are skipped.
 */
static struct order *
recent_order(int c)
{
    struct ccy_state *s = &cs[c];
    uint64_t n = s->norders < RING ? s->norders : RING;
    struct order *ord;

    do {
        uint64_t back = 1 + below(n);

        ord = &s->ring[(s->norders - back) % RING];
    } while (ord->amount == 0);
    return ord;
}

static void
add_pending(int c, const struct line *l)
{
    struct ccy_state *s = &cs[c];

    if (s->npending == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 256;
        struct line *p = realloc(s->pending, ncap * sizeof(*p));

        if (p == NULL) {
            fprintf(stderr, "gen: out of memory\n");
            exit(70);
        }
        s->pending = p;
        s->cap = ncap;
    }
    s->pending[s->npending++] = *l;
}

static enum kind
pick_kind(int c, uint64_t body_index, int first_report)
{
    uint64_t x;
    int k;

    /* The first report of each currency shows every type early on. */
    if (first_report && body_index < K_TRANSFER)
        return (enum kind)body_index;
    x = below(10000);
    for (k = 0; k < K_TRANSFER; k++) {
        if (x < (uint64_t)kind_weight[k])
            break;
        x -= (uint64_t)kind_weight[k];
    }
    if (cs[c].captured == 0 && k != K_RESERVE && k != K_CARRYOVER &&
        k != K_UNKNOWN && k != K_AUTH)
        k = K_CAPTURE;
    return (enum kind)k;
}

/* Booking time of a ledger entry for a line posted at t: a few minutes
 * before, never before midnight UTC of the same day. */
static int64_t
booked_for(int64_t t)
{
    return t - 60 - (int64_t)below(480);
}

static void
ledger_for(const struct line *l, enum planted p)
{
    int c = l->ccy;
    int64_t amount = l->amount;
    int64_t fee = l->pct + l->fixed;
    int by_ref = below(10) == 0;
    int fee_stated = l->kind == K_CAPTURE && below(10) < 7;
    const char *kind = kind_name[l->kind];

    if (p == P_MISSING_IN_LEDGER)
        return;
    if (l->letter == 0 || l->letter == 'A')
        by_ref = 1;
    if (l->kind == K_CHARGEBACK || l->kind == K_ATOZ || l->kind == K_DISPUTE)
        by_ref = 0; /* cases are notified with their id */
    if (p == P_AMOUNT)
        amount += (amount < 0 ? -1 : 1) * (1 + (int64_t)below(999));
    if (p == P_FEE) {
        fee_stated = 1;
        fee -= 1 + (int64_t)below(99);
    }
    byref_count += (uint64_t)by_ref;
    write_ledger(booked_for(l->posted), kind, c, l, !by_ref, l->order, 0,
                 amount, fee_stated, fee);
}

/* A ledger entry that settlement never explains, booked `days_before` days
 * before the report's date. */
static void
ledger_unsettled(const struct report *r, int days_before)
{
    int64_t t = (r->date - days_before) * 86400 + 3600 +
                (int64_t)below(UINT64_C(20) * 3600);
    int64_t amount = random_amount(r->c);
    int64_t fee = -(pct_fee(r->c, amount) + ccys[r->c].fee_fixed);

    write_ledger(t, "capture", r->c, NULL, 0, fake_orders++, 1, amount, 1, fee);
}

static void
fill_body(const struct report *r, struct line *l, enum kind k, int64_t t)
{
    int c = r->c;
    struct order *ord = NULL;
    static const char *const reserve_desc[2] = {"Previous Reserve Balance",
                                                "Current Reserve Amount"};

    memset(l, 0, sizeof(*l));
    l->kind = k;
    l->ccy = c;
    l->posted = t;
    l->order = UINT64_MAX;
    l->desc = "";
    l->sref = ccys[c].sref;
    switch (k) {
    case K_CAPTURE:
        ord = new_order(c, random_amount(c));
        cs[c].captured++;
        l->amount = ord->amount;
        l->pct = -pct_fee(c, l->amount);
        l->fixed = -ccys[c].fee_fixed;
        l->letter = 'C';
        break;
    case K_REFUND:
        ord = recent_order(c);
        l->amount = below(4) == 0 ? -(ord->amount / 2) : -ord->amount;
        l->pct = pct_fee(c, l->amount); /* the percentage part comes back */
        l->letter = 'R';
        if (c == 1 && below(3) == 0)
            l->desc = "R\xc3\xbc"
                      "ckerstattung, Gr\xc3\xb6\xc3\x9f"
                      "e passt nicht";
        break;
    case K_AUTH:
        ord = new_order(c, 0);
        l->letter = 'A';
        l->desc = "Authorization for an order awaiting shipment";
        break;
    case K_ADJUST:
        ord = recent_order(c);
        l->amount = (below(2) ? 1 : -1) * (1 + (int64_t)below(2000));
        l->sref = 0;
        l->desc = "Manual correction, see the case in Seller Central";
        break;
    case K_CHARGEBACK:
    case K_ATOZ:
    case K_DISPUTE:
        ord = recent_order(c);
        l->amount = -ord->amount;
        l->letter = 'B';
        l->sref = 0;
        l->desc = k == K_CHARGEBACK ? "Chargeback: cardholder disputes the "
                                      "charge"
                  : k == K_ATOZ     ? "A-to-z claim: item not received"
                                    : "Dispute opened by buyer";
        break;
    case K_DEBT:
        ord = recent_order(c);
        l->amount = -(1 + (int64_t)below(5000));
        l->sref = 0;
        l->desc = "Debt recovery: balance did not cover a refund";
        break;
    case K_RESERVE: {
        int rel = (int)below(2);

        l->amount = (rel ? -1 : 1) * (10000 + (int64_t)below(40000));
        l->desc = reserve_desc[rel];
        break;
    }
    case K_CARRYOVER:
        l->amount = (below(2) ? -1 : 1) * (5000 + (int64_t)below(100000));
        l->desc = "Balance carried over to the next settlement";
        break;
    case K_UNKNOWN:
        l->fixed = -1500; /* 15.00, or 1500 yen */
        l->desc = "Monthly account service fee";
        break;
    case K_TRANSFER:
    case NKIND:
        break;
    }
    if (ord != NULL) {
        l->order = ord->k;
        l->child = ord->nchild++;
    }
}

static enum planted
pick_planted(const struct line *l, int last_day, uint64_t left)
{
    enum planted p;

    /* About 2% of the order-related rows, spread over six classes. */
    if (l->order == UINT64_MAX || l->kind == K_AUTH || below(50) != 0)
        return P_NONE;
    p = (enum planted)(1 + below(6));
    if (p == P_FEE && l->kind != K_CAPTURE)
        p = P_AMOUNT;
    if (p == P_DUPLICATE && (l->letter == 0 || (last_day && left < 2)))
        p = P_AMOUNT;
    return p;
}

static void
write_report(const struct report *r, uint64_t quota, char *path, size_t pathsz,
             const char *dir)
{
    struct ccy_state *s = &cs[r->c];
    uint64_t written = 0;
    uint64_t body_n, i;
    int64_t span;
    int last_day = r->day == ndays - 1;
    int n;
    int64_t y;
    unsigned m, dd;
    struct out *o = &rep_out;

    civil_from_days(r->date, &y, &m, &dd);
    n = snprintf(path, pathsz,
                 "%s/reports/%04d-%02u-%02u-SETTLEMENT_DATA_%" PRIu64 ".csv",
                 dir, (int)y, m, dd, r->sid);
    if (n < 0 || (size_t)n >= pathsz) {
        fprintf(stderr, "gen: path too long\n");
        exit(64);
    }
    out_open(o, path);
    write_preamble(r);

    /* The payout of the balance so far opens the report. */
    if (quota > 0) {
        struct line t;
        int mismatch = kind_count[K_TRANSFER] % 5 == 2;

        memset(&t, 0, sizeof(t));
        t.kind = K_TRANSFER;
        t.ccy = r->c;
        t.posted = r->date * 86400 + 120 + (int64_t)below(300);
        t.order = UINT64_MAX;
        t.amount = -s->balance;
        t.desc = "SellerPayments_DateRangeReport_transfer_accounting_"
                 "ending_with_trace_id";
        write_line(r, &t);
        written++;
        s->balance = 0;
        /* The bank credit is booked three days later; one payout in five
         * is booked with a wrong amount. */
        write_ledger(r->date * 86400 + INT64_C(3) * 86400 + 36900, "payout",
                     r->c, NULL, 0, UINT64_MAX, 0,
                     t.amount + (mismatch ? -100 : 0), 0, 0);
        if (mismatch)
            planted_count[P_PAYOUT]++;
    }

    /* Lines Amazon sent again: the day before's duplicates. */
    for (i = 0; i < s->npending && written < quota; i++) {
        const struct line *l = &s->pending[i];

        write_line(r, l);
        s->balance += l->amount + l->pct + l->fixed;
        written++;
        planted_count[P_DUPLICATE]++;
    }
    s->npending = 0;

    body_n = quota - written;
    span = r->end - 900 - (r->date * 86400 + 600);
    for (i = 0; written < quota; i++) {
        struct line l;
        enum planted p;
        int64_t t = r->date * 86400 + 600 +
                    (int64_t)((uint64_t)span * i / (body_n ? body_n : 1));
        enum kind k = pick_kind(r->c, i, r->day == 0);

        fill_body(r, &l, k, t);
        p = pick_planted(&l, last_day, quota - written);
        if (p != P_DUPLICATE)
            planted_count[p]++;

        /* A split capture: two lines, one ledger entry. */
        if (k == K_CAPTURE && p == P_NONE && quota - written >= 2 &&
            below(200) == 0) {
            struct line l2 = l;
            struct order *ord = &cs[r->c].ring[l.order % RING];
            int64_t part = l.amount * (30 + (int64_t)below(40)) / 100;

            l.amount = part;
            l.pct = -pct_fee(r->c, part);
            l2.amount -= part;
            l2.pct = -pct_fee(r->c, l2.amount);
            l2.child = ord->nchild++;
            l2.posted += 1;
            write_line(r, &l);
            write_line(r, &l2);
            s->balance += l.amount + l.pct + l.fixed;
            s->balance += l2.amount + l2.pct + l2.fixed;
            written += 2;
            write_ledger(booked_for(l.posted), "capture", r->c, &l, 0, l.order,
                         0, l.amount + l2.amount, 0, 0);
            split_count++;
            byref_count++;
            continue;
        }

        write_line(r, &l);
        s->balance += l.amount + l.pct + l.fixed;
        written++;
        if (k == K_RESERVE || k == K_CARRYOVER || k == K_UNKNOWN || k == K_AUTH)
            continue;
        ledger_for(&l, p);
        switch (p) {
        case P_MISSING_IN_SETTLEMENT:
            ledger_unsettled(r, GRACE_DAYS + 2 + (int)below(25));
            break;
        case P_IN_TRANSIT:
            ledger_unsettled(r, 1);
            break;
        case P_DUPLICATE:
            if (last_day) {
                write_line(r, &l);
                s->balance += l.amount + l.pct + l.fixed;
                written++;
                planted_count[P_DUPLICATE]++;
            } else {
                add_pending(r->c, &l);
            }
            break;
        case P_NONE:
        case P_AMOUNT:
        case P_FEE:
        case P_MISSING_IN_LEDGER:
        case P_PAYOUT:
        case NPLANTED:
            break;
        }
    }
    out_close(o);
}

/* ------------------------------------------------------------ rates */

static void
write_rates(const char *dir, char *path, size_t pathsz)
{
    struct out *o = &rep_out;
    int64_t from = first_day - 30, to = first_day + ndays - 1 + 7;
    int64_t d;
    int64_t usd = 11650, jpy = 18300, gbp = 87200; /* 1e-4, 1e-2, 1e-5 */
    int64_t *walk;
    size_t i = 0, nd = (size_t)(to - from + 1);
    int n = snprintf(path, pathsz, "%s/eurofxref.csv", dir);

    if (n < 0 || (size_t)n >= pathsz) {
        fprintf(stderr, "gen: path too long\n");
        exit(64);
    }
    walk = malloc(nd * 3 * sizeof(*walk));
    if (walk == NULL) {
        fprintf(stderr, "gen: out of memory\n");
        exit(70);
    }
    for (d = from; d <= to; d++, i++) {
        usd += (int64_t)below(61) - 30;
        jpy += (int64_t)below(101) - 50;
        gbp += (int64_t)below(31) - 15;
        walk[i * 3] = usd;
        walk[i * 3 + 1] = jpy;
        walk[i * 3 + 2] = gbp;
    }
    out_open(o, path);
    puts_(o, "Date,USD,JPY,GBP,\n");
    for (d = to; d >= from; d--) {
        int64_t dow = ((d % 7) + 7 + 3) % 7; /* 0 = Monday */
        const int64_t *w = &walk[(size_t)(d - from) * 3];

        if (dow >= 5)
            continue; /* no TARGET quotes at weekends */
        put_date(o, d);
        putc_(o, ',');
        put_uint(o, (uint64_t)w[0] / 10000, 1);
        putc_(o, '.');
        put_uint(o, (uint64_t)w[0] % 10000, 4);
        putc_(o, ',');
        put_uint(o, (uint64_t)w[1] / 100, 1);
        putc_(o, '.');
        put_uint(o, (uint64_t)w[1] % 100, 2);
        putc_(o, ',');
        put_uint(o, (uint64_t)w[2] / 100000, 1);
        putc_(o, '.');
        put_uint(o, (uint64_t)w[2] % 100000, 5);
        puts_(o, ",\n");
    }
    out_close(o);
    free(walk);
}

/* ------------------------------------------------------------ main */

static void
usage(FILE *f)
{
    fputs("usage: gen [--seed S] [--lines N] [--days K] [--start YYYY-MM-DD]\n"
          "           [--seller ID] --out DIR\n"
          "Writes DIR/reports/*.csv (Amazon Pay settlement reports, N data\n"
          "rows over K business dates and USD, EUR, GBP, JPY), DIR/ledger.csv\n"
          "(about 2% planted discrepancies), DIR/eurofxref.csv and\n"
          "DIR/gen-summary.txt. Defaults: --seed 1 --lines 1000000 --days 7\n"
          "--start 2026-03-02 --seller A1BENCHSELLER0.\n",
          f);
}

static int
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        if (v > (max - (uint64_t)(*s - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

static int
parse_date(const char *s, int64_t *day)
{
    uint64_t y, m, d;
    char buf[11];

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    memcpy(buf, s, 11);
    buf[4] = buf[7] = '\0';
    if (parse_u64(buf, 9999, &y) || parse_u64(buf + 5, 12, &m) ||
        parse_u64(buf + 8, 31, &d) || m == 0 || d == 0 || y < 1971)
        return -1;
    *day = days_from_civil((int64_t)y, (unsigned)m, (unsigned)d);
    return 0;
}

/* mkdir -p: creates path and every missing parent. */
static void
make_dir(const char *path)
{
    char buf[4096];
    size_t i, n = strlen(path);

    if (n == 0 || n >= sizeof(buf)) {
        errno = ENAMETOOLONG;
        die(73, "cannot create directory", path);
    }
    memcpy(buf, path, n + 1);
    for (i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            die(73, "cannot create directory", buf);
        buf[i] = path[i];
    }
}

int
main(int argc, char **argv)
{
    uint64_t lines = 1000000, days = 7;
    const char *dir = NULL;
    char path[4096];
    uint64_t x, total_w, cum = 0, done = 0;
    int i, d, c;
    FILE *sf;

    first_day = days_from_civil(2026, 3, 2);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (v == NULL)
            goto bad;
        if (strcmp(a, "--seed") == 0) {
            if (parse_u64(v, UINT64_MAX, &seed))
                goto bad;
        } else if (strcmp(a, "--lines") == 0) {
            if (parse_u64(v, (uint64_t)MAX_LINES, &lines))
                goto bad;
        } else if (strcmp(a, "--days") == 0) {
            if (parse_u64(v, MAX_DAYS, &days) || days == 0)
                goto bad;
        } else if (strcmp(a, "--start") == 0) {
            if (parse_date(v, &first_day))
                goto bad;
        } else if (strcmp(a, "--seller") == 0) {
            if (*v == '\0' || strlen(v) > 32 || strpbrk(v, "\"\r\n,"))
                goto bad;
            seller = v;
        } else if (strcmp(a, "--out") == 0) {
            dir = v;
        } else {
            goto bad;
        }
        i++;
    }
    if (dir == NULL)
        goto bad;
    ndays = (int)days;

    x = seed;
    for (i = 0; i < 4; i++)
        rng_s[i] = splitmix64(&x);
    hash_seed = splitmix64(&x);

    make_dir(dir);
    {
        int n = snprintf(path, sizeof(path), "%s/reports", dir);

        if (n < 0 || (size_t)n >= sizeof(path))
            goto bad;
        make_dir(path);
    }
    {
        int n = snprintf(path, sizeof(path), "%s/ledger.csv", dir);
        static char ledger_path[4096];

        if (n < 0 || (size_t)n >= sizeof(path))
            goto bad;
        memcpy(ledger_path, path, (size_t)n + 1);
        out_open(&led_out, ledger_path);
        puts_(&led_out, "entry_id,recorded_at,booked_at,kind,"
                        "provider_transaction_id,order_reference,currency,"
                        "amount,fee\n");
    }

    /* Opening balances: what the account held before the first date. */
    for (c = 0; c < NCCY; c++)
        cs[c].balance = ccys[c].digits == 0 ? 100000 + (int64_t)below(200000)
                                            : 50000 + (int64_t)below(200000);

    total_w = 1000 * days;
    for (d = 0; d < ndays; d++) {
        for (c = 0; c < NCCY; c++) {
            struct report r;
            uint64_t quota;
            int idx = d * NCCY + c;
            int64_t end_local;

            cum += (uint64_t)ccys[c].weight;
            quota = lines * cum / total_w - done;
            done += quota;

            memset(&r, 0, sizeof(r));
            r.day = d;
            r.c = c;
            r.date = first_day + d;
            r.sid =
                UINT64_C(50000000000) + seed % 100000 * 10000 + (uint64_t)idx;
            r.bom = idx % 7 != 3;
            r.crlf = idx % 5 == 4;
            r.thousands = c == 3 ? idx % 2 == 0 : idx % 3 == 1;
            /* A day's settlement ends at 22:59:44 UTC (14:59:44 -0800). */
            end_local =
                r.date * 86400 + INT64_C(22) * 3600 + INT64_C(59) * 60 + 44;
            r.end = end_local;
            r.start = end_local - 86400;
            write_report(&r, quota, path, sizeof(path), dir);
        }
    }
    out_close(&led_out);
    write_rates(dir, path, sizeof(path));

    {
        int n = snprintf(path, sizeof(path), "%s/gen-summary.txt", dir);

        if (n < 0 || (size_t)n >= sizeof(path))
            goto bad;
    }
    sf = fopen(path, "w");
    if (sf == NULL)
        die(73, "cannot create", path);
    fprintf(sf, "seed=%" PRIu64 "\nlines=%" PRIu64 "\ndays=%d\nreports=%d\n",
            seed, lines, ndays, ndays * NCCY);
    fprintf(sf, "seller=%s\nledger_rows=%" PRIu64 "\n", seller, ledger_rows);
    fprintf(sf, "split_captures=%" PRIu64 "\nledger_by_reference=%" PRIu64 "\n",
            split_count, byref_count);
    for (i = 0; i < NKIND; i++)
        fprintf(sf, "lines.%s=%" PRIu64 "\n", kind_name[i], kind_count[i]);
    for (i = 1; i < NPLANTED; i++)
        fprintf(sf, "planted.%s=%" PRIu64 "\n", planted_name[i],
                planted_count[i]);
    if (fclose(sf) != 0)
        die(74, "cannot write", path);
    for (c = 0; c < NCCY; c++)
        free(cs[c].pending);
    return 0;
bad:
    usage(stderr);
    return 64;
}
