#!/usr/bin/env python3
"""Pools the per-query ranks of several citymatch-eval runs (--ranks_csv),
for data sets too small to say anything alone (ten samples of 3% of the
projects, say), and prints per group and ranker the Hit@10 and MRR over
all their projects, and citymatch's paired lead over each other ranker:

  for s in 1 2 3; do
    tools/eval_variants.py --data ../shared/data --out /tmp/tiny$s --keep 0.03 --seed $s
    build/graph/ranking/citymatch-eval --data /tmp/tiny$s --every_member \\
        --ranks_csv /tmp/tiny$s.csv
  done
  tools/pool_ranks.py /tmp/tiny1.csv /tmp/tiny2.csv /tmp/tiny3.csv

A project is one unit, as in citymatch-eval: with --every_member its
several queries (one per hidden member) count as the mean over them, and
the paired test counts the projects of which citymatch has more members in
its top 10 than the other ranker, and those of which it has fewer (exact
two-sided sign test). A project of one run is not the same unit as a
project of the same id in another run (their graphs differ). Groups are the
id prefixes ("urbact", "interreg"), and "all".

Standard library only.
"""
import argparse
import collections
import csv
import math

HIT_CUTOFF = 10


def sign_test(k, n):
    """Exact two-sided binomial test of k successes in n trials at 1/2."""
    if n == 0:
        return 1.0
    tail = min(k, n - k)
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(tail + 1)) / 2**n)


def read_units(paths):
    """{ranker: {(path, project): [hit share, reciprocal rank]}}."""
    sums = collections.defaultdict(lambda: collections.defaultdict(
        lambda: [0.0, 0.0, 0]))
    for path in paths:
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                rank = int(row["rank"])
                unit = sums[row["ranker"]][(path, row["project_id"])]
                unit[0] += rank <= HIT_CUTOFF
                unit[1] += 1 / rank
                unit[2] += 1
    return {ranker: {key: [hits / n, reciprocal / n]
                     for key, (hits, reciprocal, n) in units.items()}
            for ranker, units in sums.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv", nargs="+", help="files of --ranks_csv")
    parser.add_argument("--ours", default="citymatch",
                        help="the ranker compared with each other one")
    args = parser.parse_args()
    units = read_units(args.csv)
    if args.ours not in units:
        parser.error(f"no ranks of {args.ours} in the files")
    groups = sorted({key[1].split("-")[0] for key in units[args.ours]})
    for group in groups + ["all"]:
        keys = sorted(key for key in units[args.ours]
                      if group == "all" or key[1].split("-")[0] == group)
        print(f"{group} ({len(keys)} projects)")
        ours = units[args.ours]
        for ranker in sorted(units):
            theirs = units[ranker]
            hit = sum(theirs[key][0] for key in keys) / len(keys)
            mrr = sum(theirs[key][1] for key in keys) / len(keys)
            line = f"  {ranker:12s}  {hit:.3f} / {mrr:.3f}"
            if ranker != args.ours:
                more = sum(ours[k][0] > theirs[k][0] for k in keys)
                fewer = sum(ours[k][0] < theirs[k][0] for k in keys)
                p = sign_test(more, more + fewer)
                p_text = "< 0.001" if p < 0.001 else f"{p:.3f}"
                line += f"   {args.ours} +{more} / -{fewer} (p {p_text})"
            print(line)


if __name__ == "__main__":
    main()
