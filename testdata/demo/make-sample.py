#!/usr/bin/env python3
"""Writes the demo sample of testdata/demo/ (reports, ledger, rates, expected).

The files it writes are checked in; this script is how they were made and
how to change them. Every line is spelled out below, nothing is random: the
ids come from a fixed-seed generator so that they look like Amazon's, and
the fees, nets and transfers are computed so that the report invariants
(total = percentage + fixed, net = amount + total) hold in every row.

    python3 testdata/demo/make-sample.py        # rewrite the files
    git diff --stat testdata/demo                # review what changed

The expected statuses (expected.csv, expected-disputes.csv) are the
reconciliation rules of the project README applied by hand to this data; README.md explains each one.
"""

import os
import random
from decimal import ROUND_HALF_UP, Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
SELLER = "A1DEMOSELLER0X"
RNG = random.Random(20260302)

# ---------------------------------------------------------------- money

DIGITS = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0}
# Percentage (as a Decimal fraction) and fixed fee per capture, per ledger
# currency: what Amazon Pay charged in each region.
FEES = {
    "USD": (Decimal("0.029"), Decimal("0.30")),
    "EUR": (Decimal("0.027"), Decimal("0.35")),
    "GBP": (Decimal("0.027"), Decimal("0.20")),
    "JPY": (Decimal("0.039"), Decimal("0")),
}


def q(ccy, v):
    """Rounds v half-up to the currency's minor unit."""
    exp = Decimal(1).scaleb(-DIGITS[ccy])
    return Decimal(v).quantize(exp, rounding=ROUND_HALF_UP)


def fmt(ccy, v, thousands=False):
    """Amount as Amazon prints it: 10.00, -0.59, 1500, 12,800."""
    v = q(ccy, v)
    s = "{:,}".format(v) if thousands else str(v)
    if s.startswith("-0") and v == 0:
        s = s[1:]
    return s


def fee_text(ccy, v):
    """Fee columns print a zero fee as 0 (as in Amazon's files)."""
    return "0" if v == 0 else fmt(ccy, v)


def capture_fees(ccy, amount, pct=None):
    p, f = FEES[ccy]
    if pct is not None:
        p = pct
    return -q(ccy, amount * p), -f


# ---------------------------------------------------------------- ids

ORDER_PREFIX = {"USD": "P01", "EUR": "P02", "GBP": "P02", "JPY": "S03"}
_orders = {}
_used = set()


def _digits(n):
    while True:
        s = "".join(RNG.choice("0123456789") for _ in range(n))
        if s[0] != "0" and s not in _used:
            _used.add(s)
            return s


def order_ref(order, ccy):
    """Amazon order reference (chargePermissionId) of a merchant order."""
    if order not in _orders:
        _orders[order] = "%s-%s-%s" % (ORDER_PREFIX[ccy], _digits(7),
                                       _digits(7))
    return _orders[order]


def child_id(order, ccy, letter):
    """A capture (C), refund (R), authorization (A) or case (B) id."""
    return "%s-%s%s" % (order_ref(order, ccy), letter, _digits(6))


# ---------------------------------------------------------------- lines


class Line:
    def __init__(self, posted, typ, ccy, amount, pct=Decimal(0),
                 fixed=Decimal(0), txid="", sref="", oref="", soid="",
                 store="", desc="", status="", note="", order="",
                 thousands=False):
        self.posted = posted
        self.typ = typ
        self.ccy = ccy
        self.amount = q(ccy, amount)
        self.pct = q(ccy, pct)
        self.fixed = q(ccy, fixed)
        self.total = self.pct + self.fixed
        self.net = self.amount + self.total
        self.txid = txid
        self.sref = sref
        self.oref = oref
        self.soid = soid
        self.store = store
        self.desc = desc
        self.status = status
        self.note = note
        self.order = order
        self.thousands = thousands

    def fields(self, sid, style):
        c = self.ccy
        return [
            date_text(self.posted, style), sid, self.txid, self.sref,
            self.typ, self.oref, self.soid, self.store, c, self.desc,
            fmt(c, self.amount, self.thousands), fee_text(c, self.pct),
            fee_text(c, self.fixed), fee_text(c, self.total),
            fmt(c, self.net, self.thousands),
        ]


def date_text(dt, style):
    """dt is 'YYYY-MM-DDTHH:MM:SS+hhmm'; style 'space' puts a space first."""
    return dt[:19] + (" " if style == "space" else "") + dt[19:]


def utc_date(dt):
    """UTC calendar date of 'YYYY-MM-DDTHH:MM:SS+hhmm'."""
    from datetime import datetime, timezone
    t = datetime.strptime(dt, "%Y-%m-%dT%H:%M:%S%z")
    return t.astimezone(timezone.utc)


def iso_z(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


STORE = {
    "USD": "Northwind Outfitters, Inc.",
    "EUR": "Northwind Outfitters Europe",
    "GBP": "Northwind Outfitters UK",
    "JPY": "Northwind Outfitters Japan",
}
TRANSFER_DESC = ("SellerPayments_DateRangeReport_transfer_accounting_"
                 "ending_with_trace_id")


def capture(posted, ccy, order, amount, status="matched", note="",
            pct=None, sref=True, desc="", thousands=False):
    a = Decimal(amount)
    p, f = capture_fees(ccy, a, pct)
    return Line(posted, "Capture", ccy, a, p, f,
                txid=child_id(order, ccy, "C"),
                sref=order if sref else "", oref=order_ref(order, ccy),
                soid=order, store=STORE[ccy], desc=desc, status=status,
                note=note, order=order, thousands=thousands)


def refund(posted, ccy, order, amount, status="matched", note="",
           sref=True, desc=""):
    a = Decimal(amount)
    # The percentage part of the fee comes back; the fixed part does not.
    p, _ = capture_fees(ccy, a)
    return Line(posted, "Refund", ccy, -a, -p, Decimal(0),
                txid=child_id(order, ccy, "R"),
                sref=order if sref else "", oref=order_ref(order, ccy),
                soid=order, store=STORE[ccy], desc=desc, status=status,
                note=note, order=order)


def case(posted, typ, ccy, order, amount, status="matched", note="",
         desc=""):
    return Line(posted, typ, ccy, -Decimal(amount),
                txid=child_id(order, ccy, "B"), oref=order_ref(order, ccy),
                soid=order, store=STORE[ccy], desc=desc, status=status,
                note=note, order=order)


def plain(posted, typ, ccy, amount, desc, status="not_applicable", note="",
          soid="", fixed=Decimal(0), thousands=False):
    return Line(posted, typ, ccy, Decimal(amount), fixed=fixed, soid=soid,
                desc=desc, status=status, note=note, thousands=thousands)


# ---------------------------------------------------------------- reports


class Report:
    def __init__(self, date, sid, ccy, start, end, style, bom=True,
                 crlf=False):
        self.date, self.sid, self.ccy = date, sid, ccy
        self.start, self.end = start, end
        self.style, self.bom, self.crlf = style, bom, crlf
        self.lines = []

    @property
    def name(self):
        return "%s-SETTLEMENT_DATA_%s.csv" % (self.date, self.sid)

    def net_sum(self, skip=()):
        return sum((l.net for l in self.lines if l.typ not in skip),
                   Decimal(0))

    def text(self):
        def row(cells, trailing=False):
            return ",".join('"%s"' % c.replace('"', '""') for c in cells) + \
                ("," if trailing else "")

        out = [
            '"Amazon Payments Advanced",',
            '"Settlement Report",',
            row(["SellerId", SELLER]),
            row(["SettlementStartDate", date_text(self.start, self.style)]),
            row(["SettlementEndDate", date_text(self.end, self.style)]),
            row(["TransactionPostedDate", "SettlementId",
                 "AmazonTransactionId", "SellerReferenceId", "TransactionType",
                 "AmazonOrderReferenceId", "SellerOrderId", "StoreName",
                 "CurrencyCode", "TransactionDescription", "TransactionAmount",
                 "TransactionPercentageFee", "TransactionFixedFee",
                 "TotalTransactionFee", "NetTransactionAmount"], True),
        ]
        out += [row(l.fields(self.sid, self.style)) for l in self.lines]
        eol = "\r\n" if self.crlf else "\n"
        return ("\ufeff" if self.bom else "") + eol.join(out) + eol


def build():
    usd1 = Report("2026-03-02", "41528830211", "USD",
                  "2026-03-01T15:00:05-0800", "2026-03-02T14:59:44-0800",
                  "space")
    eur1 = Report("2026-03-02", "41528830227", "EUR",
                  "2026-02-16T00:00:00+0100", "2026-03-02T23:59:50+0100",
                  "nospace")
    usd2 = Report("2026-03-03", "41528830310", "USD",
                  "2026-03-02T14:59:44-0800", "2026-03-03T14:59:41-0800",
                  "space", crlf=True)
    gbp1 = Report("2026-03-03", "41528830335", "GBP",
                  "2026-03-02T22:30:10+0000", "2026-03-03T22:30:05+0000",
                  "nospace", bom=False)
    usd3 = Report("2026-03-04", "41528830418", "USD",
                  "2026-03-03T14:59:41-0800", "2026-03-04T14:59:39-0800",
                  "space")
    eur2 = Report("2026-03-04", "41528830426", "EUR",
                  "2026-03-02T23:59:50+0100", "2026-03-04T23:59:48+0100",
                  "nospace")
    gbp2 = Report("2026-03-04", "41528830434", "GBP",
                  "2026-03-03T22:30:05+0000", "2026-03-04T22:30:02+0000",
                  "nospace")
    jpy1 = Report("2026-03-04", "41528830442", "JPY",
                  "2026-02-19T00:00:00+0900", "2026-03-04T23:59:59+0900",
                  "space")

    U, E, G, J = "USD", "EUR", "GBP", "JPY"
    ledger = []  # (booked utc, kind, txid or '', ref or '', ccy, amount, fee)

    # ---- USD 2026-03-02: opening payout, reserve, captures
    usd1.lines = [
        plain("2026-03-02T00:42:10-0800", "Transfer", U, "-1482.35",
              TRANSFER_DESC, status="payout_matched",
              note="pays out the balance before the sample; ledger payout "
                   "booked 2026-03-05", thousands=True),
        plain("2026-03-02T00:42:11-0800", "Reserve", U, "250.00",
              "Previous Reserve Balance", note="reserve released"),
        plain("2026-03-02T00:42:12-0800", "Reserve", U, "-275.00",
              "Current Reserve Amount", note="reserve withheld"),
        capture("2026-03-02T06:15:33-0800", U, "ORD-10001", "49.99"),
        capture("2026-03-02T07:02:18-0800", U, "ORD-10002", "129.00"),
        capture("2026-03-02T07:48:51-0800", U, "ORD-10003", "24.50",
                desc='Gift order, "Deluxe" wrap',
                note="description with a comma and doubled quotes"),
        capture("2026-03-02T08:30:04-0800", U, "ORD-10004", "89.00",
                pct=Decimal("0.039"), status="fee_mismatch",
                desc="International card: cross-border fee",
                note="Amazon charged 3.9% + 0.30 = -3.77; the ledger "
                     "expects 2.9% + 0.30 = -2.88"),
        capture("2026-03-02T09:11:27-0800", U, "ORD-10005", "142.50",
                status="amount_mismatch",
                note="the ledger booked 124.50 (digits transposed)"),
        capture("2026-03-02T10:05:40-0800", U, "ORD-10006", "310.00",
                note="later an A-to-z claim (2026-03-03)"),
        capture("2026-03-02T11:20:15-0800", U, "ORD-10007", "75.25",
                note="sent again in the 2026-03-03 report"),
        capture("2026-03-02T12:02:09-0800", U, "ORD-10008", "18.99",
                note="matched by order reference (ledger has no Amazon id)"),
        capture("2026-03-02T13:37:56-0800", U, "ORD-10009", "64.00",
                note="refunded 2026-03-03"),
    ]

    # ---- EUR 2026-03-02: the account's first settlement (14-day hold)
    eur1.lines = [
        capture("2026-02-16T10:04:12+0100", E, "ORD-30001", "79.90",
                sref=False, note="by order reference (SellerOrderId)"),
        capture("2026-02-18T14:22:05+0100", E, "ORD-30002", "149.00",
                sref=False, note="by order reference; refunded 2026-03-02"),
        capture("2026-02-20T11:45:30+0100", E, "ORD-30003", "219.00",
                sref=False, note="by order reference; charged back"),
        case("2026-02-22T16:03:44+0100", "Chargeback", E, "ORD-30003",
             "219.00", desc="Chargeback: cardholder disputes the charge",
             note="open case, respond by 2026-03-05"),
        capture("2026-02-26T09:17:21+0100", E, "ORD-30004", "59.00",
                sref=False, note="by order reference; disputed 2026-03-04"),
        capture("2026-03-01T19:40:02+0100", E, "ORD-30005", "34.90",
                sref=False, note="by order reference; partly refunded "
                                 "2026-03-04"),
        capture("2026-03-02T10:05:55+0100", E, "ORD-30006", "99.95",
                sref=False, status="matched_within_tolerance",
                note="ledger 99.94, EUR tolerance 1 cent"),
        capture("2026-03-02T15:31:19+0100", E, "ORD-30007", "1249.00",
                sref=False, thousands=True,
                note="by order reference; amount printed 1,249.00"),
        refund("2026-03-02T18:12:40+0100", E, "ORD-30002", "149.00",
               sref=False,
               desc="Rückerstattung: Größe passt nicht, Artikel zurück",
               note="by order reference; non-ASCII description"),
    ]

    # ---- USD 2026-03-03 (CRLF): payout of 03-02, a duplicate, a split
    dup = usd1.lines[9]
    usd2.lines = [
        plain("2026-03-03T00:51:02-0800", "Transfer", U,
              -usd1.net_sum(("Transfer",)), TRANSFER_DESC,
              status="payout_matched",
              note="pays out the 2026-03-02 activity; ledger payout booked "
                   "2026-03-06"),
        Line(dup.posted, dup.typ, U, dup.amount, dup.pct, dup.fixed,
             txid=dup.txid, sref=dup.sref, oref=dup.oref, soid=dup.soid,
             store=dup.store, status="duplicate_in_settlement",
             note="same capture id as the 2026-03-02 report, line 16",
             order=dup.order),
        capture("2026-03-03T05:12:44-0800", U, "ORD-10010", "45.00"),
        capture("2026-03-03T06:40:19-0800", U, "ORD-10011", "120.00",
                note="split capture, part 1 of 199.95 (one ledger entry)"),
        capture("2026-03-03T09:58:03-0800", U, "ORD-10011", "79.95",
                note="split capture, part 2 of 199.95 (one ledger entry)"),
        refund("2026-03-03T10:22:37-0800", U, "ORD-10009", "64.00"),
        case("2026-03-03T11:03:12-0800", "A-to-z Guarantee Claim", U,
             "ORD-10006", "310.00", desc="A-to-z claim: item not as "
                                         "described",
             note="open case, respond by 2026-03-10"),
        capture("2026-03-03T12:47:50-0800", U, "ORD-10012", "15.00"),
        capture("2026-03-03T13:30:08-0800", U, "ORD-10013", "230.40"),
    ]

    # ---- GBP 2026-03-03 (no BOM): payout on hold, carried over
    gbp_carry = Decimal("612.40")
    gbp1.lines = [
        plain("2026-03-03T00:15:27+0000", "Carryover", G, -gbp_carry,
              "Payout on hold: bank account details updated; balance "
              "carried over to the next settlement"),
        capture("2026-03-03T08:14:09+0000", G, "ORD-20001", "42.00",
                sref=False),
        capture("2026-03-03T10:31:55+0000", G, "ORD-20002", "18.50",
                sref=False, note="refund failed; corrected by an "
                                 "adjustment 2026-03-04"),
        capture("2026-03-03T13:02:48+0000", G, "ORD-20003", "365.00",
                sref=False),
        capture("2026-03-03T15:44:30+0000", G, "ORD-20004", "27.95",
                sref=False),
        refund("2026-03-03T19:05:36+0000", G, "ORD-20001", "42.00",
               sref=False),
    ]

    # ---- USD 2026-03-04
    usd3.lines = [
        plain("2026-03-04T00:38:20-0800", "Transfer", U,
              -usd2.net_sum(("Transfer",)), TRANSFER_DESC,
              status="payout_matched",
              note="pays out the 2026-03-03 activity; ledger payout booked "
                   "2026-03-09"),
        Line("2026-03-04T04:10:05-0800", "Authorization", U, Decimal(0),
             txid=child_id("ORD-10014", U, "A"), sref="ORD-10014",
             oref=order_ref("ORD-10014", U), soid="ORD-10014",
             store=STORE[U], desc="Authorization for an order awaiting "
                                  "shipment",
             status="not_applicable", order="ORD-10014"),
        capture("2026-03-04T05:55:48-0800", U, "ORD-10015", "58.00"),
        capture("2026-03-04T07:30:12-0800", U, "ORD-10016", "96.00",
                status="missing_in_ledger",
                note="the shop never booked this order"),
        case("2026-03-04T08:45:31-0800", "Chargeback", U, "ORD-09871",
             "120.00", desc="Chargeback: fraudulent transaction",
             note="open case, respond by 2026-03-15; its capture is older "
                  "than the sample, so no capture link"),
        capture("2026-03-04T10:15:09-0800", U, "ORD-10017", "210.00"),
        capture("2026-03-04T12:44:56-0800", U, "ORD-10018", "33.33",
                note="matched by order reference (ledger has no Amazon id)"),
        capture("2026-03-04T14:20:00-0800", U, "ORD-10019", "12.00"),
    ]

    # ---- EUR 2026-03-04 (no EUR activity on 03-03: no report that day)
    eur2.lines = [
        plain("2026-03-04T01:05:10+0100", "Transfer", E,
              -eur1.net_sum(("Transfer",)), TRANSFER_DESC,
              status="payout_matched",
              note="first payout of the account; ledger payout booked "
                   "2026-03-09", thousands=True),
        capture("2026-03-04T09:12:33+0100", E, "ORD-30008", "45.00",
                sref=False, note="by order reference"),
        case("2026-03-04T11:48:02+0100", "Dispute", E, "ORD-30004", "59.00",
             desc="Dispute opened by buyer: item not received",
             note="open case, respond by 2026-03-15"),
        plain("2026-03-04T14:20:47+0100", "ServiceFee", E, "0.00",
              "Monthly account service fee, March 2026",
              fixed=Decimal("-15.00"), status="unknown_type",
              note="unknown TransactionType: kind unknown, an exception"),
        capture("2026-03-04T16:33:21+0100", E, "ORD-30009", "120.00",
                sref=False, note="by order reference"),
        refund("2026-03-04T20:41:09+0100", E, "ORD-30005", "10.00",
               sref=False, desc="Partial refund, one item missing",
               note="by order reference"),
    ]

    # ---- GBP 2026-03-04: the carried balance comes back and is paid out
    gbp2.lines = [
        plain("2026-03-04T00:20:14+0000", "Carryover", G, gbp_carry,
              "Balance carried over from the previous settlement"),
        plain("2026-03-04T00:20:15+0000", "Transfer", G,
              -(gbp_carry + gbp1.net_sum(("Carryover",))), TRANSFER_DESC,
              status="payout_mismatch",
              note="the ledger booked the bank credit with two digits "
                   "swapped", thousands=True),
        capture("2026-03-04T09:40:00+0000", G, "ORD-20005", "54.99",
                sref=False),
        plain("2026-03-04T11:15:42+0000", "Adjustment", G, "-18.50",
              "Manual correction: refund for ORD-20002 failed, re-issued "
              "by Amazon Pay support", status="matched", soid="ORD-20002",
              note="by order reference (SellerOrderId), ledger kind "
                   "adjustment"),
        capture("2026-03-04T13:27:19+0000", G, "ORD-20006", "88.00",
                sref=False),
    ]
    gbp2.lines[3].store = STORE[G]

    # ---- JPY 2026-03-04: a Japanese 14-day cycle, paid out at its end
    jpy1.lines = [
        capture("2026-03-02T10:12:45+0900", J, "JP-50001", "1500",
                note="in transit on 2026-03-03 (settles on 03-04)"),
        capture("2026-03-02T13:40:08+0900", J, "JP-50002", "12800",
                thousands=True,
                note="printed 12,800; in transit on 2026-03-03"),
        capture("2026-03-02T18:05:51+0900", J, "JP-50003", "4980",
                note="in transit on 2026-03-03"),
        capture("2026-03-03T11:22:30+0900", J, "JP-50004", "3200"),
        refund("2026-03-03T15:47:02+0900", J, "JP-50004", "3200"),
        plain("2026-03-03T16:02:11+0900", "Debt", J, "-2500",
              "Debt recovery: refund of JP-49987 not covered by the "
              "balance", status="matched", soid="JP-49987",
              note="by order reference, ledger kind debt"),
        capture("2026-03-04T12:15:40+0900", J, "JP-50005", "8640"),
    ]
    jpy1.lines.append(
        plain("2026-03-04T23:50:00+0900", "Transfer", J,
              -jpy1.net_sum(()), TRANSFER_DESC, status="payout_matched",
              note="pays out the 14-day cycle; ledger payout booked "
                   "2026-03-06", thousands=True))

    reports = [usd1, eur1, usd2, gbp1, usd3, eur2, gbp2, jpy1]
    return reports


# ---------------------------------------------------------------- ledger

LEDGER_COLS = ["entry_id", "recorded_at", "booked_at", "kind",
               "provider_transaction_id", "order_reference", "currency",
               "amount", "fee"]

KIND = {"Capture": "capture", "Refund": "refund",
        "Chargeback": "chargeback", "A-to-z Guarantee Claim": "atoz_claim",
        "Dispute": "dispute", "Adjustment": "adjustment", "Debt": "debt",
        "Transfer": "payout"}

# Ledger conventions of the three shops (see README.md):
#   USD and GBP and JPY book the Amazon id and the expected fee of captures
#   (except USD ORD-10008 and ORD-10018, booked before the id was known);
#   EUR books only the order number, never an Amazon id or a fee, except
#   for chargebacks/disputes, which Amazon notifies with the case id.
BY_REFERENCE = {"ORD-10008", "ORD-10018", "ORD-10011"}
NO_FEE = {"ORD-10008", "ORD-10018", "ORD-10011"}
PAYOUT_LAG_DAYS = {"41528830211": 3, "41528830310": 3, "41528830418": 5,
                   "41528830426": 5, "41528830434": 5, "41528830442": 2}


def ledger_rows(reports):
    from datetime import timedelta
    rows = []
    seen = set()
    splits = {}
    for r in reports:
        for l in r.lines:
            kind = KIND.get(l.typ)
            if kind is None or l.status in ("missing_in_ledger",
                                            "duplicate_in_settlement"):
                continue
            t = utc_date(l.posted)
            if kind == "payout":
                booked = (t + timedelta(days=PAYOUT_LAG_DAYS[r.sid])).replace(
                    hour=10, minute=15, second=0)
                amount = l.amount
                if l.status == "payout_mismatch":
                    amount = -Decimal(swap_digits(str(-l.amount)))
                rows.append([booked, booked, kind, "", "", l.ccy, amount,
                             None, l])
                continue
            booked = t - timedelta(minutes=2, seconds=17)
            amount, fee = l.amount, None
            ref = l.sref or l.soid
            eur_style = l.ccy == "EUR" and kind in ("capture", "refund")
            txid = "" if eur_style or l.order in BY_REFERENCE else l.txid
            if kind == "capture" and l.ccy != "EUR" and \
                    l.order not in NO_FEE:
                # The fee the shop expects: the normal rate of FEES (for
                # the fee_mismatch line Amazon charged more).
                p, f = capture_fees(l.ccy, l.amount)
                fee = p + f
            if l.status == "amount_mismatch":
                amount = Decimal("124.50")
                fee = l.total  # the fee is right, the amount is not
            if l.status == "matched_within_tolerance":
                amount = l.amount - Decimal("0.01")
            if l.order == "ORD-10011" and kind == "capture":
                if "ORD-10011" in splits:
                    splits["ORD-10011"][6] += l.amount
                    continue
                row = [booked, booked + timedelta(seconds=4), kind, "", ref,
                       l.ccy, l.amount, None, l]
                splits["ORD-10011"] = row
                rows.append(row)
                continue
            key = (txid, kind, ref)
            assert key not in seen or not txid, key
            seen.add(key)
            rows.append([booked, booked + timedelta(seconds=4), kind, txid,
                         ref, l.ccy, amount, fee, l])
    from datetime import datetime, timezone

    def utc(s):
        return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S%z").astimezone(
            timezone.utc)

    # Planted: booked long ago, never settled; booked yesterday, not yet.
    missing = utc("2026-02-12T15:20:00+0000")
    rows.append([missing, missing + timedelta(seconds=4), "capture",
                 child_id("ORD-09988", "USD", "C"), "ORD-09988", "USD",
                 Decimal("54.00"), Decimal("-1.87"), None])
    transit = utc("2026-03-03T21:40:00+0000")
    rows.append([transit, transit + timedelta(seconds=4), "capture",
                 child_id("ORD-10020", "USD", "C"), "ORD-10020", "USD",
                 Decimal("27.00"), Decimal("-1.08"), None])
    rows.sort(key=lambda x: (x[1], x[0], x[3], x[4]))
    out = []
    for i, (booked, recorded, kind, txid, ref, ccy, amount, fee, l) in \
            enumerate(rows):
        eid = "GL-%06d" % (104200 + i + 1)
        out.append((eid, recorded, booked, kind, txid, ref, ccy, amount,
                    fee, l))
    return out


def swap_digits(s):
    """1011.94 -> 1019.14: the units digit and the first decimal swapped."""
    digits = [c for c in s if c.isdigit()]
    digits[-3], digits[-2] = digits[-2], digits[-3]
    it = iter(digits)
    out = "".join(next(it) if c.isdigit() else c for c in s)
    assert out != s, s
    return out


# ---------------------------------------------------------------- rates

# Real ECB euro reference rates (facts), units per 1 EUR, newest first.
RATES = [
    ("2026-03-06", "1.1561", "182.57", "0.86693"),
    ("2026-03-05", "1.1618", "183.03", "0.8695"),
    ("2026-03-04", "1.1649", "183.02", "0.8705"),
    ("2026-03-03", "1.1606", "182.98", "0.8717"),
    ("2026-03-02", "1.1698", "184.19", "0.8739"),
    ("2026-02-27", "1.1805", "184.13", "0.8763"),
    ("2026-02-26", "1.1814", "184.37", "0.8719"),
    ("2026-02-25", "1.1784", "184.7", "0.8714"),
    ("2026-02-24", "1.1777", "183.53", "0.8731"),
    ("2026-02-23", "1.1784", "182.44", "0.8734"),
    ("2026-02-20", "1.1767", "182.63", "0.8728"),
    ("2026-02-19", "1.1753", "182.05", "0.8738"),
    ("2026-02-18", "1.1845", "181.99", "0.8724"),
    ("2026-02-17", "1.1826", "181.06", "0.8733"),
    ("2026-02-16", "1.1855", "181.79", "0.869"),
]


def write(path, text, newline="\n"):
    with open(os.path.join(HERE, path), "w", encoding="utf-8",
              newline="") as f:
        f.write(text)


def csv_cell(v):
    s = "" if v is None else str(v)
    if any(c in s for c in ',"\r\n'):
        s = '"' + s.replace('"', '""') + '"'
    return s


def main():
    from datetime import datetime, timezone
    reports = build()
    os.makedirs(os.path.join(HERE, "reports"), exist_ok=True)
    for f in os.listdir(os.path.join(HERE, "reports")):
        os.unlink(os.path.join(HERE, "reports", f))
    for r in reports:
        assert all(l.total == l.pct + l.fixed and l.net == l.amount + l.total
                   for l in r.lines)
        end = utc_date(r.end).strftime("%Y-%m-%d")
        assert end == r.date, (r.name, end)
        for l in r.lines:
            if l.status != "duplicate_in_settlement":
                assert utc_date(r.start) <= utc_date(l.posted) <= \
                    utc_date(r.end), (r.name, l.posted)
        write(os.path.join("reports", r.name), r.text())

    led = ledger_rows(reports)
    text = ",".join(LEDGER_COLS) + "\n"
    for eid, rec, bk, kind, txid, ref, ccy, amount, fee, _ in led:
        text += ",".join(csv_cell(v) for v in [
            eid, iso_z(rec), iso_z(bk), kind, txid, ref, ccy,
            fmt(ccy, amount), "" if fee is None else fmt(ccy, fee)]) + "\n"
    write("ledger.csv", text)

    write("eurofxref.csv", "Date,USD,JPY,GBP,\n" + "".join(
        "%s,%s,%s,%s,\n" % r for r in RATES))

    # Expected statuses, settlement side then ledger side, per date.
    exp = ["date,side,file,line,entry_id,type,amazon_transaction_id,"
           "reference,currency,amount,status,exception,note"]
    exc = {"amount_mismatch", "fee_mismatch", "missing_in_ledger",
           "missing_in_settlement", "duplicate_in_settlement",
           "payout_mismatch", "unknown_type"}
    by_line = {id(x[9]): x[0] for x in led if x[9] is not None}
    split = [l for r in reports for l in r.lines
             if l.order == "ORD-10011" and l.typ == "Capture"]
    for l in split:
        by_line[id(l)] = by_line[id(split[0])]
    for r in sorted(reports, key=lambda r: (r.date, r.name)):
        for n, l in enumerate(r.lines, start=7):
            ref = l.sref or l.soid
            unknown = l.typ not in KIND and l.typ not in (
                "Reserve", "Carryover", "Authorization")
            exp.append(",".join(csv_cell(v) for v in [
                r.date, "settlement", "reports/" + r.name, n,
                by_line.get(id(l), ""), l.typ, l.txid, ref, l.ccy,
                fmt(l.ccy, l.amount), l.status,
                "yes" if l.status in exc or unknown else "no", l.note]))
        # ledger side is appended below per date
    ledger_side = {
        "2026-03-02": [("ORD-09988", "missing_in_settlement",
                        "booked 2026-02-12, never settled")],
        "2026-03-03": [("ORD-09988", "missing_in_settlement",
                        "booked 2026-02-12, never settled"),
                       ("JP-50001", "in_transit",
                        "booked 03-02; the JPY cycle settles on 03-04"),
                       ("JP-50002", "in_transit",
                        "booked 03-02; the JPY cycle settles on 03-04"),
                       ("JP-50003", "in_transit",
                        "booked 03-02; the JPY cycle settles on 03-04")],
        "2026-03-04": [("ORD-09988", "missing_in_settlement",
                        "booked 2026-02-12, never settled"),
                       ("ORD-10020", "in_transit",
                        "booked 2026-03-03, not settled yet")],
    }
    for date, items in ledger_side.items():
        for ref, status, note in items:
            e = [x for x in led if x[5] == ref and x[3] == "capture"][0]
            exp.append(",".join(csv_cell(v) for v in [
                date, "ledger", "ledger.csv", "", e[0], e[3], e[4], e[5],
                e[6], fmt(e[6], e[7]), status,
                "yes" if status in exc else "no", note]))
    lines = [exp[0]] + sorted(exp[1:], key=lambda s: s.split(",")[:2])
    write("expected.csv", "\n".join(lines) + "\n")

    # The dispute worklist per date.
    respond = {"Chargeback": 11, "Dispute": 11, "A-to-z Guarantee Claim": 7}
    kinds = {"Chargeback": "chargeback", "Dispute": "dispute",
             "A-to-z Guarantee Claim": "atoz_claim"}
    cases = []
    for r in reports:
        for l in r.lines:
            if l.typ in respond:
                cases.append((r, l))
    from datetime import timedelta
    out = ["date,case_id,kind,capture_id,amazon_order_reference_id,"
           "seller_order_id,opened_at,respond_by,days_left,amount,currency,"
           "status"]
    for date in ("2026-03-02", "2026-03-03", "2026-03-04"):
        d = datetime.strptime(date, "%Y-%m-%d").date()
        rows = []
        for r, l in cases:
            if r.date > date:
                continue
            opened = utc_date(l.posted)
            by = opened.date() + timedelta(days=respond[l.typ])
            caps = [c for rr in reports for c in rr.lines
                    if c.typ == "Capture" and c.oref == l.oref and
                    c.status != "duplicate_in_settlement"]
            rows.append((by, l.txid, [
                date, l.txid, kinds[l.typ],
                caps[0].txid if len(caps) == 1 else "",
                l.oref, l.soid, iso_z(opened), by.isoformat(), (by - d).days,
                fmt(l.ccy, l.amount), l.ccy, "open"]))
        for _, _, row in sorted(rows):
            out.append(",".join(csv_cell(v) for v in row))
    write("expected-disputes.csv", "\n".join(out) + "\n")


if __name__ == "__main__":
    main()
