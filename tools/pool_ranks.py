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
project of the same id in another run (their graphs differ).

With --same-data the files are runs on one data set instead (the full
model and one without some features, say): a project is one unit across
them, and each ranker is named after its file, "citymatch@full" for the
citymatch ranks of full.csv:

  build/graph/ranking/citymatch-eval --data ../shared/data --every_member \\
      --rankers citymatch --ranks_csv /tmp/full.csv
  build/graph/ranking/citymatch-eval --data ../shared/data --every_member \\
      --rankers citymatch --without_features era_gap --ranks_csv /tmp/no_era.csv
  tools/pool_ranks.py --same-data --ours citymatch@full /tmp/full.csv /tmp/no_era.csv

Groups are those the files name in their "groups" column ("urbact",
"interreg", "inclusion"), or the id prefixes for files without one, and
"all".

Standard library only.
"""
import argparse
import collections
import csv
import math
import os

HIT_CUTOFF = 10


def sign_test(k, n):
    """Exact two-sided binomial test of k successes in n trials at 1/2."""
    if n == 0:
        return 1.0
    tail = min(k, n - k)
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(tail + 1)) / 2**n)


def read_units(paths, same_data):
    """({ranker: {unit: [hit share, reciprocal rank]}}, {unit: groups}).

    A unit is (path, project), or with same_data the project alone."""
    sums = collections.defaultdict(lambda: collections.defaultdict(
        lambda: [0.0, 0.0, 0]))
    groups = {}
    for path in paths:
        run = os.path.splitext(os.path.basename(path))[0]
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                key = row["project_id"] if same_data else (path,
                                                           row["project_id"])
                ranker = f"{row['ranker']}@{run}" if same_data else row["ranker"]
                rank = int(row["rank"])
                unit = sums[ranker][key]
                unit[0] += rank <= HIT_CUTOFF
                unit[1] += 1 / rank
                unit[2] += 1
                named = row.get("groups")
                groups[key] = (named.split(";") if named else
                               [row["project_id"].split("-")[0]])
    units = {ranker: {key: [hits / n, reciprocal / n]
                      for key, (hits, reciprocal, n) in by_key.items()}
             for ranker, by_key in sums.items()}
    return units, groups


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv", nargs="+", help="files of --ranks_csv")
    parser.add_argument("--ours", default="citymatch",
                        help="the ranker compared with each other one")
    parser.add_argument("--same-data", action="store_true",
                        help="the files are runs on one data set: pair "
                        "their projects, name rankers <ranker>@<file>")
    args = parser.parse_args()
    units, groups_of = read_units(args.csv, args.same_data)
    if args.ours not in units:
        parser.error(f"no ranks of {args.ours} in the files (there are "
                     f"{', '.join(sorted(units))})")
    ours = units[args.ours]
    groups = sorted({g for key in ours for g in groups_of[key]})
    for group in groups + ["all"]:
        keys = sorted(key for key in ours
                      if group == "all" or group in groups_of[key])
        print(f"{group} ({len(keys)} projects)")
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
