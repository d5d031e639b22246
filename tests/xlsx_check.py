#!/usr/bin/python3
"""xlsx_check.py: reads a statement.xlsx back with openpyxl and checks it.

usage: /usr/bin/python3 tests/xlsx_check.py WORKBOOK fixture|empty [DATE]

'fixture' is the workbook of testdata/report/fixture.sql with the English
templates; 'empty' is a date without lines. Prints "ok - ..." or
"not ok - ..." lines (tests/lib.sh style) and exits 1 on any failure.
Run it with Debian's /usr/bin/python3, which has python3-openpyxl.
"""
import datetime
import sys

import openpyxl

failures = 0


def check(name, cond, detail=""):
    global failures
    if cond:
        print("ok - xlsx: " + name)
    else:
        failures += 1
        print("not ok - xlsx: " + name)
        if detail:
            print("#   " + str(detail))


def header_map(ws):
    return {c.value: c.column for c in ws[1]}


def column_values(ws, title):
    col = header_map(ws)[title]
    return [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]


DATE = datetime.date(2026, 11, 20)


def common(wb, sheets):
    check("sheet names", wb.sheetnames == sheets, wb.sheetnames)
    for ws in wb:
        check(ws.title + ": header row frozen", ws.freeze_panes == "A2",
              ws.freeze_panes)
        check(ws.title + ": autofilter", bool(ws.auto_filter.ref),
              ws.auto_filter.ref)
        check(ws.title + ": bold header", all(c.font.b for c in ws[1]))
    created = wb.properties.created
    check("created pinned to the date",
          created is not None and created.date() == DATE
          and created.time() == datetime.time(0, 0), created)


def fixture(wb):
    common(wb, ["Summary", "Settlements", "BHD", "EUR", "JPY", "USD",
                "Exceptions",
                "Open items", "Disputes"])
    summary = wb["Summary"]
    h = header_map(summary)
    rows = list(summary.iter_rows(min_row=2, values_only=True))
    totals = {r[h["Currency"] - 1]: r for r in rows if r[h["Kind"] - 1] == "total"}
    fmts = {"USD": "#,##0.00", "EUR": "#,##0.00", "JPY": "#,##0",
            "BHD": "#,##0.000"}
    amount_cols = ["Amount", "Percentage fee", "Fixed fee", "Total fee", "Net"]
    summary_cols = ["Amount", "Percentage fees", "Fixed fees", "Total fees",
                    "Net"]
    for ccy, fmt in fmts.items():
        ws = wb[ccy]
        check(ccy + ": widths set",
              ws.column_dimensions["A"].width is not None and
              ws.column_dimensions["A"].width > 10)
        for col, scol in zip(amount_cols, summary_cols):
            cells = column_values(ws, col)
            check("%s %s: numeric cells" % (ccy, col),
                  all(c.data_type == "n" for c in cells))
            check("%s %s: number format %s" % (ccy, col, fmt),
                  all(c.number_format == fmt for c in cells),
                  [c.number_format for c in cells])
            # Sum in minor units, exactly: the tie the README states under
            # "Statements and output columns".
            exp = len(fmt.split(".")[1]) if "." in fmt else 0
            lines = sum(round(c.value * 10 ** exp) for c in cells)
            total = round(totals[ccy][h[scol] - 1] * 10 ** exp)
            check("%s %s: lines sum to the Summary row" % (ccy, col),
                  lines == total, (lines, total))
        kinds = [r for r in rows if r[h["Currency"] - 1] == ccy and
                 r[h["Kind"] - 1] not in ("total", "consolidated")]
        exp = len(fmt.split(".")[1]) if "." in fmt else 0
        check(ccy + ": total net is the sum of the per-kind nets",
              sum(round(r[h["Net"] - 1] * 10 ** exp) for r in kinds) ==
              round(totals[ccy][h["Net"] - 1] * 10 ** exp))
        t = totals[ccy]
        check(ccy + ": net = activity + payouts + reserve",
              round((t[h["Net before payouts and reserve"] - 1] +
                     t[h["Payouts"] - 1] + t[h["Reserve"] - 1]) * 10 ** exp)
              == round(t[h["Net"] - 1] * 10 ** exp))
        posted = column_values(ws, "Posted at (UTC)")
        check(ccy + ": posted_at cells are dates",
              all(isinstance(c.value, datetime.datetime) for c in posted))
    usd = wb["USD"]
    texts = [c.value for c in column_values(usd, "Description")] + \
        [c.value for c in column_values(usd, "Store name")]
    for inj in ["=SUM(A1)", "-1 text", "@x", "+1"]:
        cells = [c for c in column_values(usd, "Description") +
                 column_values(usd, "Store name") if c.value == inj]
        check("injected %r is a text cell, not a formula" % inj,
              len(cells) == 1 and cells[0].data_type == "s", texts)
    usd_total = totals["USD"]
    check("USD total net 3.72", abs(usd_total[h["Net"] - 1] - 3.72) < 1e-9)
    check("USD payouts -30.00",
          abs(usd_total[h["Payouts"] - 1] + 30.0) < 1e-9)
    cons = [r for r in rows if r[h["Kind"] - 1] == "consolidated"]
    check("consolidated row in EUR 1193.51",
          len(cons) == 1 and cons[0][h["Currency"] - 1] == "EUR" and
          abs(cons[0][h["Net (reporting currency)"] - 1] - 1193.51) < 1e-9,
          cons)
    exc = wb["Exceptions"]
    statuses = [c.value for c in column_values(exc, "Status")]
    check("exception statuses", statuses == [
        "amount_mismatch", "fee_mismatch", "missing_in_ledger",
        "missing_in_settlement", "settlement_out_of_balance",
        "unknown_type"], statuses)
    st = wb["Settlements"]
    left = column_values(st, "Left after payout")
    check("settlements: left after payout is numeric",
          [c.value for c in left] == [None, 17.72] and
          left[1].number_format == "#,##0.00", [c.value for c in left])
    ties = [c.value for c in column_values(st, "Tie-out")]
    check("settlements: tie-out", ties == ["no_payout",
          "settlement_out_of_balance"], ties)
    oi = wb["Open items"]
    statuses = [c.value for c in column_values(oi, "Status")]
    check("open items: in transit, then pending payouts",
          statuses == ["in_transit", "payout_pending"], statuses)
    left = [c.value for c in column_values(oi, "Days until exception")]
    check("open items: days until exception", left == [2, 6], left)
    amounts = [c.value for c in column_values(oi, "Amount")]
    check("open items: amounts are numbers",
          amounts == [10.0, -200.0], amounts)
    due = column_values(oi, "Exception from")
    check("open items: exception dates are dates",
          all(isinstance(c.value, datetime.datetime) for c in due))
    disp = wb["Disputes"]
    ids = [c.value for c in column_values(disp, "Case id")]
    check("disputes: overdue first, closed last", ids == [
        "P05-OLD-B1", "P07-LATE-B1", "P02-0000002-0000002-Z000001",
        "P01-0000003-0000003-B000001", "P06-WON-B1"], ids)
    days = [c.value for c in column_values(disp, "Days left")]
    check("disputes: days left", days == [-8, 1, 6, 10, None], days)
    rb = column_values(disp, "Respond by")
    check("disputes: respond-by are dates",
          all(isinstance(c.value, datetime.datetime) for c in rb) and
          rb[0].number_format == "yyyy-mm-dd")


def empty(wb):
    common(wb, ["Summary", "Settlements", "Exceptions", "Open items",
                "Disputes"])
    check("empty Summary", wb["Summary"].max_row == 1)


def main():
    global DATE
    if len(sys.argv) > 3:
        DATE = datetime.date.fromisoformat(sys.argv[3])
    wb = openpyxl.load_workbook(sys.argv[1])
    {"fixture": fixture, "empty": empty}[sys.argv[2]](wb)
    sys.exit(1 if failures else 0)


main()
