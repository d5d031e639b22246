#!/usr/bin/python3
"""The settle nightly job done the way many teams do it today.

pandas + openpyxl + psycopg2 (Debian's python3-pandas, python3-openpyxl,
python3-psycopg2), run with Debian's /usr/bin/python3. It is the comparison
point of `make bench` (tests/bench/run), written the way a competent team
would write it, not deliberately slow: vectorised pandas throughout, exact
integer minor units, COPY (not INSERT) into PostgreSQL, the ledger read
with one COPY TO STDOUT, openpyxl in write_only mode.

For every business date D in [--from, --to] it does what `settle run` does:

  1. reads the settlement reports of D from --reports (the preamble is
     read by key, the header row found by its first column; the business
     date is SettlementEndDate in UTC);
  2. normalizes them: dates to UTC, amounts (thousands separators allowed)
     to integer minor units of the currency, TransactionType to kind, the
     two fee invariants checked, net converted to --reporting-currency with
     the ECB rates of --rates (cross rates through EUR, latest date on or
     before the line's date on which both quotes exist, at most 7 days old);
  3. COPYs the lines into pandas_job.settlement_line (replacing D's rows);
  4. reconciles them with pandas merges against the ledger view
     settle.ledger_entry (read once, as of a cutoff taken at start): key
     match on the transaction id, reference match by (reference, kind,
     currency) with sums on both sides, payouts by amount and currency within
     [settlement start, settlement end + 7 days], duplicates, missing in
     ledger, missing in settlement / in transit (grace 3 days), reserve,
     carryover and authorization not applicable; a ledger entry is consumed
     once across dates; results COPYed into pandas_job.recon_result;
  5. writes OUT/<seller>/<D>/: statement-<CCY>.csv, summary.csv,
     exceptions.csv, disputes.csv (UTF-8 with BOM, CRLF, formula guard),
     statement.xlsx (Summary, one sheet per currency continued past
     1,048,575 rows, Exceptions, Disputes; amounts numeric with the
     currency's decimals; frozen header, autofilter) and manifest.json.

With --normalized-only FILE it only reads and normalizes all reports of the
range and writes the lines as normalized-line CSV (ARCHITECTURE.md) (no database): the
bench uses that to feed the psql floor when settle normalize is not built.

Exit status: 0 ok, 65 bad input data, 69 database unavailable.
"""

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import os
import sys

import numpy as np
import pandas as pd
import psycopg2
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

# ISO 4217 currencies whose minor unit is not 2.
EXPONENT = {
    "BHD": 3, "BIF": 0, "CLF": 4, "CLP": 0, "DJF": 0, "GNF": 0, "IQD": 3,
    "ISK": 0, "JOD": 3, "JPY": 0, "KMF": 0, "KRW": 0, "KWD": 3, "LYD": 3,
    "OMR": 3, "PYG": 0, "RWF": 0, "TND": 3, "UGX": 0, "UYI": 0, "UYW": 4,
    "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}
KNOWN_2 = set(
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL "
    "BSD BTN BWP BYN BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP "
    "ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS "
    "INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD "
    "MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN "
    "PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD "
    "SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VED "
    "VES WST XCD YER ZAR ZMW ZWG".split())

KINDS = {
    "capture": "capture", "refund": "refund", "chargeback": "chargeback",
    "a-to-z guarantee claim": "atoz_claim", "a-to-z claim": "atoz_claim",
    "a to z guarantee claim": "atoz_claim", "dispute": "dispute",
    "authorization": "authorization", "adjustment": "adjustment",
    "debt": "debt", "debt recovery": "debt", "transfer": "transfer",
    "reserve": "reserve", "carryover": "carryover",
}
COLUMNS = {
    "TransactionPostedDate": "posted_at", "SettlementId": "settlement_id",
    "AmazonTransactionId": "amazon_transaction_id",
    "SellerReferenceId": "seller_reference_id",
    "TransactionType": "provider_type",
    "AmazonOrderReferenceId": "amazon_order_reference_id",
    "SellerOrderId": "seller_order_id", "StoreName": "store_name",
    "CurrencyCode": "currency", "TransactionDescription": "description",
    "TransactionAmount": "amount",
    "TransactionPercentageFee": "percentage_fee",
    "TransactionFixedFee": "fixed_fee", "TotalTransactionFee": "total_fee",
    "NetTransactionAmount": "net",
}
MONEY = ["amount", "percentage_fee", "fixed_fee", "total_fee", "net"]
NORMALIZED = [
    "source_sha256", "source_line", "seller_id", "settlement_id",
    "settlement_start", "settlement_end", "posted_at", "kind",
    "provider_type", "amazon_transaction_id", "seller_reference_id",
    "amazon_order_reference_id", "seller_order_id", "store_name",
    "description", "currency", "amount", "percentage_fee", "fixed_fee",
    "total_fee", "net", "reporting_currency", "fx_rate", "fx_date",
    "net_reporting",
]
# (field, header) of each output, as settle's English templates/ have them.
STATEMENT = [
    ("posted_at", "Posted at (UTC)"), ("kind", "Kind"), ("status", "Status"),
    ("amazon_transaction_id", "Amazon transaction id"),
    ("seller_order_id", "Seller order id"),
    ("seller_reference_id", "Seller reference id"),
    ("amazon_order_reference_id", "Amazon order reference id"),
    ("store_name", "Store name"), ("description", "Description"),
    ("currency", "Currency"), ("amount", "Amount"),
    ("percentage_fee", "Percentage fee"), ("fixed_fee", "Fixed fee"),
    ("total_fee", "Total fee"), ("net", "Net"),
    ("reporting_currency", "Reporting currency"), ("fx_rate", "FX rate"),
    ("fx_date", "FX date"), ("net_reporting", "Net (reporting currency)"),
    ("entry_id", "Ledger entry"), ("ledger_amount", "Ledger amount"),
    ("ledger_fee", "Ledger fee"), ("reason", "Reason"),
    ("provider_type", "Transaction type"), ("settlement_id", "Settlement id"),
    ("source_sha256", "Source file (SHA-256)"), ("source_line", "Source line"),
]
SUMMARY = [
    ("currency", "Currency"), ("kind", "Kind"), ("lines", "Lines"),
    ("amount", "Amount"), ("percentage_fee", "Percentage fees"),
    ("fixed_fee", "Fixed fees"), ("total_fee", "Total fees"), ("net", "Net"),
    ("payouts", "Payouts"), ("reserve", "Reserve"),
    ("activity_net", "Net before payouts and reserve"),
    ("reporting_currency", "Reporting currency"),
    ("net_reporting", "Net (reporting currency)"),
    ("fx_rates", "FX rates used (date rate)"),
]
EXCEPTION_COLS = [
    ("status", "Status"), ("reason", "Reason"), ("kind", "Kind"),
    ("currency", "Currency"), ("posted_at", "Posted at (UTC)"),
    ("amazon_transaction_id", "Amazon transaction id"),
    ("reference", "Order reference"), ("entry_id", "Ledger entry"),
    ("amount", "Settlement amount"), ("total_fee", "Settlement fee"),
    ("ledger_amount", "Ledger amount"), ("ledger_fee", "Ledger fee"),
    ("difference", "Difference"), ("source_sha256", "Source file (SHA-256)"),
    ("source_line", "Source line"),
]
DISPUTE_COLS = [
    ("case_id", "Case id"), ("kind", "Kind"), ("capture_id", "Capture id"),
    ("order_reference", "Order reference"), ("opened_at", "Opened at (UTC)"),
    ("respond_by", "Respond by"), ("respond_by_estimated", "Deadline"),
    ("days_left", "Days left"), ("amount", "Amount"),
    ("currency", "Currency"), ("status", "Status"), ("note", "Note"),
]
EXCEPTIONS = {"amount_mismatch", "fee_mismatch", "missing_in_ledger",
              "missing_in_settlement", "duplicate_in_settlement",
              "payout_mismatch", "unknown_type"}
SHEET_ROWS = 1048575
GRACE_DAYS = 3
LOOKBACK_DAYS = 120
FX_MAX_AGE = 7


class DataError(Exception):
    pass


def exponent_of(cur):
    """Exponent per row of a currency Series; unknown codes are refused."""
    bad = ~(cur.isin(KNOWN_2) | cur.isin(EXPONENT.keys()))
    if bad.any():
        raise DataError("unknown currency %r" % cur[bad].iloc[0])
    return cur.map(EXPONENT).fillna(2).astype("int64")


def to_minor(text, exp, what):
    """Exact decimal strings ("1,234.56", "-0.29", "0") to int64 minor
    units of exponent exp (per row). Refuses non-zero digits past exp."""
    s = text.str.replace(",", "", regex=False)
    ok = s.str.fullmatch(r"-?\d{1,15}(\.\d{0,6})?")
    if not ok.all():
        raise DataError("%s: not an amount: %r" % (what, s[~ok].iloc[0]))
    neg = s.str.startswith("-")
    parts = s.str.lstrip("-").str.partition(".")
    whole = parts[0].astype("int64")
    frac6 = parts[2].str.ljust(6, "0").astype("int64")
    scale = 10 ** (6 - exp)
    if (frac6 % scale != 0).any():
        raise DataError("%s: more decimals than the currency allows" % what)
    v = whole * 10 ** exp + frac6 // scale
    return v.where(~neg, -v)


def format_minor(v, exp):
    """int64 minor units to decimal text with exactly exp decimals."""
    v = v.astype("int64")
    if exp == 0:
        return v.astype(str)
    a = v.abs()
    whole, frac = np.divmod(a, 10 ** exp)
    sign = np.where(v < 0, "-", "")
    return (pd.Series(sign, index=v.index) + whole.astype(str) + "." +
            frac.astype(str).str.zfill(exp))


def parse_time(s):
    return pd.to_datetime(s.str.replace(" ", "", regex=False),
                          format="%Y-%m-%dT%H:%M:%S%z", utc=True)


def read_preamble(path):
    keys = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for n, row in enumerate(csv.reader(f)):
            if row and row[0] == "TransactionPostedDate":
                return keys, n
            if len(row) >= 2:
                keys[row[0]] = row[1]
            if n > 50:
                break
    raise DataError("%s: no header row" % path)


def scan_reports(folder):
    """(path, preamble, header_row, business_date) of every report."""
    out = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not name.lower().endswith(".csv") or not os.path.isfile(path):
            continue
        keys, header = read_preamble(path)
        end = parse_time(pd.Series([keys["SettlementEndDate"]])).iloc[0]
        out.append((path, keys, header, end.date()))
    return out


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_report(path, keys, header, seller):
    if seller and keys.get("SellerId") != seller:
        raise DataError("%s: report of seller %s" % (path, keys.get("SellerId")))
    df = pd.read_csv(path, skiprows=header, dtype=str, keep_default_na=False,
                     encoding="utf-8-sig", usecols=list(COLUMNS),
                     engine="c")
    df = df.rename(columns=COLUMNS)
    df.insert(0, "source_line", np.arange(header + 2, header + 2 + len(df)))
    df.insert(0, "source_sha256", sha256_file(path))
    df["seller_id"] = keys["SellerId"]
    df["settlement_start"] = parse_time(
        pd.Series([keys["SettlementStartDate"]] * len(df), index=df.index))
    df["settlement_end"] = parse_time(
        pd.Series([keys["SettlementEndDate"]] * len(df), index=df.index))
    return df


def load_rates(path):
    """ECB wide CSV to a long frame (date, currency, per_eur)."""
    w = pd.read_csv(path, dtype=str, keep_default_na=False)
    w = w.loc[:, [c for c in w.columns if c and not c.startswith("Unnamed")]]
    w.columns = [c.strip() for c in w.columns]
    long = w.melt(id_vars="Date", var_name="currency", value_name="per_eur")
    long["per_eur"] = long["per_eur"].str.strip()
    long = long[(long["per_eur"] != "N/A") & (long["per_eur"] != "")]
    long["date"] = pd.to_datetime(long["Date"].str.strip())
    long["per_eur"] = long["per_eur"].astype("float64")
    eur = pd.DataFrame({"date": long["date"].unique(), "currency": "EUR",
                        "per_eur": 1.0})
    return pd.concat([long[["date", "currency", "per_eur"]], eur])


def convert(df, rates, rcur):
    """Fills reporting_currency, fx_rate, fx_date, net_reporting."""
    if not rcur:
        for c in ["reporting_currency", "fx_rate", "fx_date"]:
            df[c] = ""
        df["net_reporting"] = pd.NA
        return df
    r = rates[rates["currency"] == rcur][["date", "per_eur"]]
    pairs = rates.merge(r, on="date", suffixes=("", "_r")).sort_values("date")
    pairs["fx_rate"] = (pairs["per_eur_r"] / pairs["per_eur"]).map(
        lambda x: "%.10g" % x)
    df["line_date"] = df["posted_at"].dt.tz_localize(None).dt.normalize()
    df = df.sort_values("line_date", kind="stable")
    m = pd.merge_asof(df, pairs, left_on="line_date", right_on="date",
                      by="currency", direction="backward")
    if m["date"].isna().any():
        raise DataError("no ECB rate for %s on %s" % (
            m.loc[m["date"].isna(), "currency"].iloc[0],
            m.loc[m["date"].isna(), "line_date"].iloc[0].date()))
    age = (m["line_date"] - m["date"]).dt.days
    if (age > FX_MAX_AGE).any():
        raise DataError("ECB rate older than %d days" % FX_MAX_AGE)
    rate = m["per_eur_r"] / m["per_eur"]
    rexp = EXPONENT.get(rcur, 2)
    m["reporting_currency"] = rcur
    m["fx_date"] = m["date"].dt.strftime("%Y-%m-%d")
    same = m["currency"] == rcur  # rate 1, dated the line's own date
    m.loc[same, "fx_date"] = m.loc[same, "line_date"].dt.strftime("%Y-%m-%d")
    scaled = m["net"] * rate * (10.0 ** (rexp - m["exp"]))
    m["net_reporting"] = np.rint(scaled).astype("int64") + 0
    return m.drop(columns=["line_date", "date", "per_eur", "per_eur_r"])


def normalize(df, rates, rcur):
    df["kind"] = df["provider_type"].str.lower().map(KINDS).fillna("unknown")
    df["exp"] = exponent_of(df["currency"])
    for c in MONEY:
        df[c] = to_minor(df[c], df["exp"], c)
    bad = df["total_fee"] != df["percentage_fee"] + df["fixed_fee"]
    if bad.any():
        raise DataError("line %d: total_fee != percentage_fee + fixed_fee"
                        % df.loc[bad, "source_line"].iloc[0])
    bad = df["net"] != df["amount"] + df["total_fee"]
    if bad.any():
        raise DataError("line %d: net != amount + total_fee"
                        % df.loc[bad, "source_line"].iloc[0])
    df["posted_at"] = parse_time(df["posted_at"])
    return convert(df, rates, rcur)


def iso(ts):
    return ts.dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def normalized_csv(df, path):
    out = df.copy()
    for c in ["settlement_start", "settlement_end", "posted_at"]:
        out[c] = iso(out[c])
    for e in out["exp"].unique():
        sel = out["exp"] == e
        for c in MONEY:
            out.loc[sel, c] = format_minor(out.loc[sel, c], int(e))
    if out["reporting_currency"].ne("").any():
        rexp = EXPONENT.get(out["reporting_currency"].iloc[0], 2)
        out["net_reporting"] = format_minor(out["net_reporting"], rexp)
    out[NORMALIZED].to_csv(path, index=False, lineterminator="\n")


# ----------------------------------------------------------- database

DDL = """
CREATE SCHEMA IF NOT EXISTS pandas_job;
CREATE TABLE IF NOT EXISTS pandas_job.settlement_line (
    business_date date NOT NULL, source_sha256 text, source_line integer,
    seller_id text, settlement_id text, settlement_start timestamptz,
    settlement_end timestamptz, posted_at timestamptz, kind text,
    provider_type text, amazon_transaction_id text, seller_reference_id text,
    amazon_order_reference_id text, seller_order_id text, store_name text,
    description text, currency char(3), amount bigint,
    percentage_fee bigint, fixed_fee bigint, total_fee bigint, net bigint,
    reporting_currency text, fx_rate text, fx_date text,
    net_reporting bigint);
CREATE INDEX IF NOT EXISTS settlement_line_date
    ON pandas_job.settlement_line (business_date);
CREATE TABLE IF NOT EXISTS pandas_job.recon_result (
    business_date date NOT NULL, status text, source_sha256 text,
    source_line integer, kind text, currency char(3), entry_id text,
    settlement_amount bigint, settlement_fee bigint, ledger_amount bigint,
    ledger_fee bigint);
CREATE INDEX IF NOT EXISTS recon_result_date
    ON pandas_job.recon_result (business_date);
"""
LINE_COLS = ["business_date", "source_sha256", "source_line", "seller_id",
             "settlement_id", "settlement_start", "settlement_end",
             "posted_at", "kind", "provider_type", "amazon_transaction_id",
             "seller_reference_id", "amazon_order_reference_id",
             "seller_order_id", "store_name", "description", "currency",
             "amount", "percentage_fee", "fixed_fee", "total_fee", "net",
             "reporting_currency", "fx_rate", "fx_date", "net_reporting"]
RESULT_COLS = ["business_date", "status", "source_sha256", "source_line",
               "kind", "currency", "entry_id", "settlement_amount",
               "settlement_fee", "ledger_amount", "ledger_fee"]


def copy_in(cur, table, df, cols):
    buf = io.StringIO()
    df[cols].to_csv(buf, index=False, header=False)
    buf.seek(0)
    cur.copy_expert("COPY %s (%s) FROM STDIN WITH (FORMAT csv)"
                    % (table, ", ".join(cols)), buf)


def read_ledger(cur, d1, d2):
    buf = io.StringIO()
    cur.copy_expert(
        "COPY (SELECT entry_id, recorded_at, booked_at, kind,"
        " provider_transaction_id, order_reference, currency, amount, fee"
        " FROM settle.ledger_entry WHERE recorded_at <= now()"
        " AND booked_at >= DATE %s - %d AND booked_at < DATE %s + 8)"
        " TO STDOUT WITH (FORMAT csv, HEADER true)"
        % (cur.mogrify("%s", (d1,)).decode(), LOOKBACK_DAYS,
           cur.mogrify("%s", (d2,)).decode()), buf)
    buf.seek(0)
    led = pd.read_csv(buf, dtype=str, keep_default_na=False)
    led["exp"] = exponent_of(led["currency"])
    led["amount"] = to_minor(led["amount"], led["exp"], "ledger amount")
    has_fee = led["fee"] != ""
    led["fee"] = to_minor(led["fee"].where(has_fee, "0"), led["exp"],
                          "ledger fee").where(has_fee)
    led["booked_at"] = pd.to_datetime(led["booked_at"], utc=True)
    led["booked_date"] = led["booked_at"].dt.tz_localize(None).dt.normalize()
    return led


# ----------------------------------------------------------- reconcile

def compare(amount, fee, lamount, lfee):
    status = pd.Series("matched", index=amount.index, dtype=object)
    fee_bad = lfee.notna() & (fee != lfee)
    status[fee_bad] = "fee_mismatch"
    status[amount != lamount] = "amount_mismatch"
    return status


def reconcile(lines, led, consumed, seen, d):
    """Statuses for the lines of date d; updates consumed and seen."""
    res = lines.copy()
    res["status"] = pd.Series(pd.NA, index=res.index, dtype=object)
    res["entry_id"] = ""
    res["ledger_amount"] = pd.NA
    res["ledger_fee"] = pd.NA
    res.loc[res["kind"].isin(["reserve", "carryover", "authorization"]),
            "status"] = "not_applicable"
    res.loc[res["kind"] == "unknown", "status"] = "unknown_type"

    # Duplicates: (transaction id, kind) already seen, earliest keeps it.
    res = res.sort_values(["settlement_end", "source_sha256", "source_line"])
    key = res["amazon_transaction_id"] + "\x1f" + res["kind"]
    has_id = (res["amazon_transaction_id"] != "") & res["status"].isna()
    dup = has_id & (key.duplicated() | key.isin(seen))
    res.loc[dup, "status"] = "duplicate_in_settlement"
    seen.update(key[has_id].tolist())

    free = led[~led["entry_id"].isin(consumed)]

    # 1. Key match.
    todo = res[res["status"].isna() & (res["amazon_transaction_id"] != "")
               & (res["kind"] != "transfer")]
    cand = free[free["provider_transaction_id"] != ""]
    cand = cand[["entry_id", "provider_transaction_id", "amount", "fee"]]
    todo = todo[["amazon_transaction_id", "amount", "total_fee"]]
    m = todo.reset_index().merge(
        cand.rename(columns={"amount": "lamount", "fee": "lfee"}),
        left_on="amazon_transaction_id", right_on="provider_transaction_id")
    m = m.drop_duplicates("index").drop_duplicates("entry_id")
    m = m.set_index("index")
    if len(m):
        res.loc[m.index, "status"] = compare(m["amount"], m["total_fee"],
                                             m["lamount"], m["lfee"])
        res.loc[m.index, "entry_id"] = m["entry_id"]
        res.loc[m.index, "ledger_amount"] = m["lamount"]
        res.loc[m.index, "ledger_fee"] = m["lfee"]
        consumed.update(m["entry_id"].tolist())

    # 2. Reference match, grouped on both sides (split captures).
    free = free[~free["entry_id"].isin(consumed)]
    todo = res[res["status"].isna() & (res["kind"] != "transfer")].copy()
    todo["ref"] = todo["seller_reference_id"].where(
        todo["seller_reference_id"] != "", todo["seller_order_id"])
    todo = todo[todo["ref"] != ""]
    g = ["ref", "kind", "currency"]
    ls = todo.groupby(g, sort=False).agg(amount=("amount", "sum"),
                                         fee=("total_fee", "sum")).reset_index()
    cand = free[free["order_reference"] != ""].rename(
        columns={"order_reference": "ref"})
    lg = cand.groupby(g, sort=False).agg(
        lamount=("amount", "sum"), lfee=("fee", "sum"), nfee=("fee", "count"),
        entry_id=("entry_id", "first")).reset_index()
    lg["lfee"] = lg["lfee"].where(lg["nfee"] > 0)
    gm = ls.merge(lg, on=g)
    if len(gm):
        gm["status"] = compare(gm["amount"], gm["fee"], gm["lamount"],
                               gm["lfee"])
        back = todo[g].reset_index().merge(
            gm[g + ["status", "entry_id", "lamount", "lfee"]],
            on=g).set_index("index")
        res.loc[back.index, "status"] = back["status"]
        res.loc[back.index, "entry_id"] = back["entry_id"]
        res.loc[back.index, "ledger_amount"] = back["lamount"]
        res.loc[back.index, "ledger_fee"] = back["lfee"]
        consumed.update(cand.merge(gm[g], on=g)["entry_id"].tolist())

    # 5. Payouts: transfer lines against ledger payouts by amount and
    # currency within [settlement start, settlement end + 7 days].
    free = led[~led["entry_id"].isin(consumed) & (led["kind"] == "payout")]
    tr = res[res["status"].isna() & (res["kind"] == "transfer")]
    if len(tr):
        tr = tr[["currency", "amount", "settlement_start", "settlement_end"]]
        pm = tr.reset_index().merge(
            free[["entry_id", "currency", "amount", "booked_at"]],
            on=["currency", "amount"], suffixes=("", "_l"))
        pm = pm[(pm["booked_at"] >= pm["settlement_start"]) &
                (pm["booked_at"] <= pm["settlement_end"] +
                 pd.Timedelta(days=7))]
        pm = pm.drop_duplicates("index").drop_duplicates("entry_id")
        pm = pm.set_index("index")
        res.loc[tr.index, "status"] = "payout_mismatch"
        res.loc[pm.index, "status"] = "payout_matched"
        res.loc[pm.index, "entry_id"] = pm["entry_id"]
        res.loc[pm.index, "ledger_amount"] = pm["amount"]
        consumed.update(pm["entry_id"].tolist())

    res.loc[res["status"].isna(), "status"] = "missing_in_ledger"

    # 4. Ledger entries booked before d that no settlement explains.
    day = pd.Timestamp(d)
    old = led[~led["entry_id"].isin(consumed) & (led["booked_date"] < day) &
              (led["booked_date"] >= day - pd.Timedelta(days=LOOKBACK_DAYS)) &
              (led["kind"] != "fee")].copy()
    age = (day - old["booked_date"]).dt.days
    old["status"] = np.where(age < GRACE_DAYS, "in_transit",
                             "missing_in_settlement")
    return res, old


# ----------------------------------------------------------- outputs

GUARD = r"^[=+\-@\t\r]"


def guard(s):
    s = s.fillna("").astype(str)
    return s.where(~s.str.contains(GUARD, regex=True), "'" + s)


def write_csv(path, df, money=()):
    """UTF-8 with BOM, CRLF; the formula guard on text cells only."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object and c not in money:
            out[c] = guard(out[c])
    out.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def money_text(df, cols, exp):
    """Amount columns (minor units) as decimal text; exp is an int or
    "row" (the exponent of each row's currency)."""
    out = df.copy()
    exps = (exponent_of(out["currency"]) if exp == "row"
            else pd.Series(exp, index=out.index))
    for c in cols:
        v = out[c]
        t = pd.Series("", index=v.index, dtype=object)
        for e in exps.unique():
            ok = v.notna() & (exps == e)
            if ok.any():
                t[ok] = format_minor(v[ok].astype("int64"), int(e))
        out[c] = t
    return out


def sheet_rows(ws, header, df, money):
    """Appends df to a write_only sheet: the columns of money (name ->
    exponent, an int or "row") as numbers with the currency's decimals,
    everything else as it is."""
    ws.append([WriteOnlyCell(ws, value=h) for h in header])
    cols = []
    for c, exp in money.items():
        exps = (exponent_of(df["currency"]).to_numpy() if exp == "row"
                else np.full(len(df), exp))
        v = pd.to_numeric(df[c], errors="coerce").to_numpy("float64")
        fmts = np.where(exps == 0, "0",
                        np.char.add("0.", np.char.multiply("0", exps)))
        cols.append((header.index(c), v / 10.0 ** exps, fmts))
    df = df[header]
    df = df.astype(object).where(df.notna(), None)
    for j, row in enumerate(df.itertuples(index=False, name=None)):
        out = list(row)
        for i, vals, fmts in cols:
            x = vals[j]
            if x == x:
                c = WriteOnlyCell(ws, value=x)
                c.number_format = fmts[j]
                out[i] = c
            else:
                out[i] = None
        ws.append(out)


def add_sheet(wb, name, df, money, drop=None):
    """One sheet (continued as "NAME (2)"... past 1,048,575 rows), frozen
    header row, autofilter; the column drop is not written."""
    header = [c for c in df.columns if c != drop]
    parts = max(1, -(-len(df) // SHEET_ROWS))
    for p in range(parts):
        ws = wb.create_sheet(name if p == 0 else "%s (%d)" % (name, p + 1))
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = "A1:%s%d" % (
            get_column_letter(len(header)),
            min(SHEET_ROWS, len(df) - p * SHEET_ROWS) + 1)
        sheet_rows(ws, header, df.iloc[p * SHEET_ROWS:(p + 1) * SHEET_ROWS],
                   money)


def reasons(res):
    """The reason text of each exception line ("" for the others)."""
    r = pd.Series("", index=res.index, dtype=object)
    st = res["status"]
    for status, make in [
        ("amount_mismatch", lambda x: "ledger amount " +
         x["ledger_amount"].astype(str) + " vs settlement " +
         x["amount"].astype(str) + " (minor units)"),
        ("fee_mismatch", lambda x: "ledger fee " + x["ledger_fee"].astype(str)
         + " vs settlement fee " + x["total_fee"].astype(str) +
         " (minor units)"),
        ("duplicate_in_settlement", lambda x: "transaction " +
         x["amazon_transaction_id"] + " (" + x["kind"] + ") already settled"),
        ("missing_in_ledger", lambda x: "no ledger entry for " +
         x["amazon_transaction_id"].where(x["amazon_transaction_id"] != "",
                                          x["seller_reference_id"])),
        ("payout_mismatch", lambda x: "no ledger payout of " +
         x["amount"].astype(str) + " " + x["currency"]),
        ("unknown_type", lambda x: "unknown transaction type '" +
         x["provider_type"] + "'"),
    ]:
        sel = st == status
        if sel.any():
            r[sel] = make(res[sel])
    return r


def output(df, cols):
    """df's fields of cols, renamed to the headers."""
    return df[[f for f, _ in cols]].rename(columns=dict(cols))


def write_outputs(outdir, d, res, old, cases, rcur, inputs):
    os.makedirs(outdir, exist_ok=True)
    tmp = outdir + ".tmp"
    os.makedirs(tmp, exist_ok=True)
    files = {}
    res = res.sort_values(["currency", "posted_at", "source_sha256",
                           "source_line"])
    res = res.assign(posted_at=iso(res["posted_at"]), reason=reasons(res))
    rexp = EXPONENT.get(rcur, 2) if rcur else 2
    wb = Workbook(write_only=True)
    wb.properties.created = dt.datetime(d.year, d.month, d.day)

    # Summary: per currency one row per kind, then a total row.
    summ = res.groupby(["currency", "kind"]).agg(
        lines=("amount", "size"), amount=("amount", "sum"),
        percentage_fee=("percentage_fee", "sum"),
        fixed_fee=("fixed_fee", "sum"), total_fee=("total_fee", "sum"),
        net=("net", "sum"), net_reporting=("net_reporting", "sum"),
    ).reset_index()
    tot = summ.groupby("currency").sum(numeric_only=True).reset_index()
    tot["kind"] = "total"
    by_kind = summ.set_index(["currency", "kind"])["net"]
    tot["payouts"] = tot["currency"].map(
        lambda c: by_kind.get((c, "transfer"), 0))
    tot["reserve"] = tot["currency"].map(
        lambda c: by_kind.get((c, "reserve"), 0))
    tot["activity_net"] = tot["net"] - tot["payouts"] - tot["reserve"]
    if rcur:
        fx = res[["currency", "fx_date", "fx_rate"]].drop_duplicates()
        fx = (fx["fx_date"] + " " + fx["fx_rate"]).groupby(
            fx["currency"]).agg("; ".join)
        tot["fx_rates"] = tot["currency"].map(fx)
    else:
        tot["fx_rates"] = ""
    summ = pd.concat([summ, tot], ignore_index=True).sort_values(
        ["currency", "kind"], key=lambda k: k.where(k != "total", "~"))
    if rcur:
        cons = pd.DataFrame({"currency": [rcur], "kind": ["consolidated"],
                             "lines": [len(res)],
                             "net_reporting": [res["net_reporting"].sum()]})
        summ = pd.concat([summ, cons], ignore_index=True)
    else:
        summ["net_reporting"] = np.nan
    summ["reporting_currency"] = rcur
    summ = output(summ, SUMMARY)
    smoney = {h: "row" for f, h in SUMMARY if f in (
        "amount", "percentage_fee", "fixed_fee", "total_fee", "net",
        "payouts", "reserve", "activity_net")}
    summ = summ.assign(currency=summ["Currency"])
    t = money_text(summ, list(smoney), "row")
    t = money_text(t, ["Net (reporting currency)"], rexp)
    write_csv(os.path.join(tmp, "summary.csv"), t.drop(columns="currency"),
              ["Net (reporting currency)"] + list(smoney))
    smoney["Net (reporting currency)"] = rexp
    add_sheet(wb, "Summary", summ, smoney, drop="currency")

    # One statement per currency.
    money = ["Amount", "Percentage fee", "Fixed fee", "Total fee", "Net",
             "Ledger amount", "Ledger fee"]
    for ccy, part in res.groupby("currency"):
        e = EXPONENT.get(ccy, 2)
        part = output(part, STATEMENT)
        t = money_text(part, money, e)
        t = money_text(t, ["Net (reporting currency)"], rexp)
        write_csv(os.path.join(tmp, "statement-%s.csv" % ccy), t,
                  money + ["Net (reporting currency)", "Source line"])
        pm = {c: e for c in money}
        pm["Net (reporting currency)"] = rexp
        add_sheet(wb, ccy, part, pm)

    # Exceptions: the exception lines, then the unexplained ledger entries.
    exc = res[res["status"].isin(EXCEPTIONS) | (res["kind"] == "unknown")]
    exc = exc.assign(reference=exc["seller_reference_id"].where(
        exc["seller_reference_id"] != "", exc["seller_order_id"]))
    miss = old[old["status"] == "missing_in_settlement"]
    miss = pd.DataFrame({
        "status": miss["status"], "kind": miss["kind"],
        "reason": "no settlement for ledger entry booked " +
        miss["booked_date"].dt.strftime("%Y-%m-%d"),
        "currency": miss["currency"],
        "amazon_transaction_id": miss["provider_transaction_id"],
        "reference": miss["order_reference"],
        "posted_at": iso(miss["booked_at"]), "entry_id": miss["entry_id"],
        "amount": pd.NA, "total_fee": pd.NA, "ledger_amount": miss["amount"],
        "ledger_fee": miss["fee"], "source_sha256": "", "source_line": pd.NA})
    exc = pd.concat([exc, miss], ignore_index=True)
    exc["difference"] = (pd.to_numeric(exc["amount"]) -
                         pd.to_numeric(exc["ledger_amount"]))
    exc = output(exc, EXCEPTION_COLS)
    emoney = ["Settlement amount", "Settlement fee", "Ledger amount",
              "Ledger fee", "Difference"]
    exc = exc.assign(currency=exc["Currency"])
    write_csv(os.path.join(tmp, "exceptions.csv"),
              money_text(exc, emoney, "row").drop(columns="currency"),
              emoney + ["Source line"])
    add_sheet(wb, "Exceptions", exc, {c: "row" for c in emoney},
              drop="currency")

    # Disputes: overdue first, then by respond-by date.
    dis = cases.copy()
    dis["days_left"] = (dis["respond_by"] - pd.Timestamp(d)).dt.days
    dis = dis.assign(overdue=dis["days_left"] < 0).sort_values(
        ["overdue", "respond_by", "case_id"], ascending=[False, True, True])
    dis = dis.assign(opened_at=iso(dis["opened_at"]),
                     respond_by=dis["respond_by"].dt.strftime("%Y-%m-%d"),
                     respond_by_estimated="estimated", status="open", note="")
    dis = output(dis, DISPUTE_COLS)
    dis = dis.assign(currency=dis["Currency"])
    write_csv(os.path.join(tmp, "disputes.csv"),
              money_text(dis, ["Amount"], "row").drop(columns="currency"),
              ["Amount", "Days left"])
    add_sheet(wb, "Disputes", dis, {"Amount": "row"}, drop="currency")
    wb.save(os.path.join(tmp, "statement.xlsx"))

    for name in sorted(os.listdir(tmp)):
        p = os.path.join(tmp, name)
        files[name] = {"sha256": sha256_file(p), "bytes": os.path.getsize(p)}
    manifest = {
        "tool": "pandas_job", "date": d.isoformat(), "inputs": inputs,
        "outputs": files,
        "rows": res.groupby("currency").size().astype(int).to_dict(),
    }
    with open(os.path.join(tmp, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
    for name in os.listdir(tmp):
        os.replace(os.path.join(tmp, name), os.path.join(outdir, name))
    os.rmdir(tmp)


def open_cases(cases, lines, d):
    """Chargeback, A-to-z and dispute lines open cases that persist."""
    c = lines[lines["kind"].isin(["chargeback", "atoz_claim", "dispute"]) &
              (lines["amazon_transaction_id"] != "")]
    if not len(c):
        return cases
    days = np.where(c["kind"] == "atoz_claim", 7, 11)
    new = pd.DataFrame({
        "case_id": c["amazon_transaction_id"], "kind": c["kind"],
        "order_reference": c["amazon_order_reference_id"],
        "opened_at": c["posted_at"],
        "respond_by": c["posted_at"].dt.tz_localize(None).dt.normalize() +
        pd.to_timedelta(days, unit="D"),
        "amount": c["amount"], "currency": c["currency"]})
    # capture link: exactly one capture shares the order prefix
    caps = lines[lines["kind"] == "capture"]
    caps = caps.groupby("amazon_order_reference_id")[
        "amazon_transaction_id"].agg(["first", "size"])
    link = new["order_reference"].map(caps["first"].where(caps["size"] == 1))
    new["capture_id"] = link.fillna("")
    out = pd.concat([cases, new], ignore_index=True)
    return out.drop_duplicates("case_id", keep="first")


# ----------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", required=True)
    ap.add_argument("--rates")
    ap.add_argument("--reporting-currency", default="")
    ap.add_argument("--seller", default="")
    ap.add_argument("--from", dest="d1")
    ap.add_argument("--to", dest="d2")
    ap.add_argument("--out", default="pandas-out")
    ap.add_argument("--dsn", default="")
    ap.add_argument("--normalized-only", metavar="FILE")
    a = ap.parse_args()

    reports = scan_reports(a.reports)
    if a.d1:
        d1 = dt.date.fromisoformat(a.d1)
        d2 = dt.date.fromisoformat(a.d2 or a.d1)
    else:
        d1 = min(r[3] for r in reports)
        d2 = max(r[3] for r in reports)
    rates = load_rates(a.rates) if a.reporting_currency else None

    if a.normalized_only:
        frames = [read_report(p, k, h, a.seller) for p, k, h, d in reports
                  if d1 <= d <= d2]
        df = normalize(pd.concat(frames, ignore_index=True), rates,
                       a.reporting_currency)
        df = df.sort_values(["source_sha256", "source_line"])
        normalized_csv(df, a.normalized_only)
        return 0

    try:
        conn = psycopg2.connect(a.dsn)
    except psycopg2.OperationalError as e:
        print("pandas_job: %s" % e, file=sys.stderr)
        return 69
    cur = conn.cursor()
    cur.execute(DDL)
    conn.commit()
    led = read_ledger(cur, d1, d2)
    consumed, seen = set(), set()
    cases = pd.DataFrame(columns=["case_id", "kind", "capture_id",
                                  "order_reference", "opened_at",
                                  "respond_by", "amount", "currency"])
    total = 0
    d = d1
    while d <= d2:
        todays = [(p, k, h) for p, k, h, rd in reports if rd == d]
        if not todays:
            print("pandas_job: %s: no settlement report" % d,
                  file=sys.stderr)
            d += dt.timedelta(days=1)
            continue
        frames = [read_report(p, k, h, a.seller) for p, k, h in todays]
        df = normalize(pd.concat(frames, ignore_index=True), rates,
                       a.reporting_currency)
        seller = df["seller_id"].iloc[0]
        df["business_date"] = d.isoformat()
        cur.execute("DELETE FROM pandas_job.settlement_line"
                    " WHERE business_date = %s", (d,))
        copy_in(cur, "pandas_job.settlement_line", df, LINE_COLS)
        res, old = reconcile(df, led, consumed, seen, d)
        out = res.rename(columns={"amount": "settlement_amount",
                                  "total_fee": "settlement_fee"})
        out2 = pd.DataFrame({"business_date": d.isoformat(),
                             "status": old["status"],
                             "kind": old["kind"],
                             "currency": old["currency"],
                             "entry_id": old["entry_id"],
                             "ledger_amount": old["amount"],
                             "ledger_fee": old["fee"]})
        cur.execute("DELETE FROM pandas_job.recon_result"
                    " WHERE business_date = %s", (d,))
        copy_in(cur, "pandas_job.recon_result",
                pd.concat([out, out2], ignore_index=True)
                .astype({"source_line": "Int64", "ledger_amount": "Int64",
                         "ledger_fee": "Int64", "settlement_amount": "Int64",
                         "settlement_fee": "Int64"}),
                RESULT_COLS)
        conn.commit()
        cases = open_cases(cases, df, d)
        inputs = [{"name": os.path.basename(p), "sha256": sha256_file(p),
                   "bytes": os.path.getsize(p)} for p, k, h in todays]
        write_outputs(os.path.join(a.out, seller, d.isoformat()), d, res,
                      old, cases, a.reporting_currency, inputs)
        total += len(df)
        d += dt.timedelta(days=1)
    conn.close()
    print("pandas_job: %d lines, %s..%s" % (total, d1, d2), file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except DataError as e:
        print("pandas_job: %s" % e, file=sys.stderr)
        sys.exit(65)
