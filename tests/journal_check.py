#!/usr/bin/env python3
"""journal_check.py: the invariants of a journal.csv in the built-in
layout (templates/journal.tmpl), for tests/integration/journal.sh and
settlement_props.sh.

    journal_check.py JOURNAL [SETTLEMENTS]

Checks, in exact decimals: every journal (rows of one Journal number)
balances, debits equal to credits, in its currency and in the reporting
currency; a row is a debit or a credit, never both; one currency, date
and reporting rate per journal. With SETTLEMENTS (settlements.csv of the
same dates), each settlement's journals move the clearing account by its
activity less the carried over amount (carryover posts to clearing) plus
its transfer, and the bank by minus its transfer. Prints one line per
problem and "ok N journals, M lines" when there is none; exits 1 on a
problem.
"""
import csv
import sys
from collections import defaultdict
from decimal import Decimal

CLEARING = "1210"
BANK = "1200"


def amount(s):
    return Decimal(s) if s else Decimal(0)


def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def check_journals(lines, problems):
    sums = defaultdict(lambda: [Decimal(0), Decimal(0)])
    keys = {}
    for r in lines:
        j = r["Journal"]
        d, c = amount(r["Debit"]), amount(r["Credit"])
        rd = amount(r["Debit (reporting currency)"])
        rc = amount(r["Credit (reporting currency)"])
        if (d and c) or (rd and rc):
            problems.append(f"{j} line {r['Line']}: both a debit and a credit")
        sums[j][0] += d - c
        sums[j][1] += rd - rc
        key = (r["Currency"], r["Date"], r["FX rate"], r["Settlement id"])
        if keys.setdefault(j, key) != key:
            problems.append(f"{j}: more than one currency, date or rate")
    for j, (own, rep) in sums.items():
        if own or rep:
            problems.append(f"{j}: off by {own} and {rep} (reporting)")
    return len(sums)


def check_settlements(lines, path, problems):
    moved = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for r in lines:
        k = (r["Settlement id"], r["Currency"])
        if r["Account"] == CLEARING:
            moved[k][0] += amount(r["Debit"]) - amount(r["Credit"])
        if r["Account"] == BANK and "Payout" in r["Memo"]:
            moved[k][1] += amount(r["Debit"]) - amount(r["Credit"])
    for s in rows(path):
        k = (s["Settlement id"], s["Currency"])
        want = (amount(s["Activity"]) - amount(s["Carried over"]) +
                amount(s["Transfer"]))
        if moved[k][0] != want:
            problems.append(f"settlement {k}: clearing moved {moved[k][0]}, "
                            f"want {want}")
        if moved[k][1] != -amount(s["Transfer"]):
            problems.append(f"settlement {k}: bank moved {moved[k][1]}, "
                            f"want {-amount(s['Transfer'])}")


def main():
    lines = rows(sys.argv[1])
    problems = []
    n = check_journals(lines, problems)
    if len(sys.argv) > 2:
        check_settlements(lines, sys.argv[2], problems)
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print(f"ok {n} journals, {len(lines)} lines")


main()
