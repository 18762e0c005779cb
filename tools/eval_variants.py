#!/usr/bin/env python3
"""Writes variants of a data folder (interchange format) for checking that
the citymatch ranker's method, not its fit to these labels, is what wins:

  --opaque          every theme label and programme name replaced by an
                    opaque token: no label means anything to the taxonomy,
                    as for a data set whose themes share no label with ours;
  --no-programmes   every programme name blanked: no programme features,
                    the ranker's fallback for every query;
  --only PREFIX     only the projects whose id starts with PREFIX (e.g. a
                    single network programme, with no other to learn from).
  --one-programme   every project in one programme: a data set that files
                    cross-border groups and continental networks under one
                    label, so that the programme's history mixes both kinds;
  --consortia-only  no practices and no twinnings: a data set that is nothing
                    but its consortia;
  --keep FRACTION   only about this share of the projects, picked by a hash
                    of their id: a small data set, with few training queries
                    for the fit;
  --seed TEXT       salts that hash, for other samples of the same size;
  --twin-clusters   the twin towns as a city network of another kind: the
                    twinnings of each city become one project twin-<city id>
                    (programme "Twin towns", no themes or years; the city as
                    lead, its twins as partners), each pair in the cluster of
                    the city with more twins (ties: the smaller id), and
                    twinnings.csv is left out, since it would give the
                    answer away. With --only twin- they are the only
                    projects;
  --pad-cities N    N synthetic places added to cities.csv, each within
                    about 30 km of a real city (its country; a population
                    drawn log-uniformly between 1,000 and 50,000), with no
                    project, practice or twinning: the candidates of a
                    deployment that holds every small town of a country
                    (GeoNames lists some 140,000 places of 1,000 people or
                    more), where most cities have no cooperation history.
                    Ids pad-0, pad-1, ...; the draw follows --seed;
  --messy           the rows a data set written elsewhere has, which the
                    service's import refuses: roles "Lead partner", years
                    written "2016.0", a title of over 300 bytes, country
                    codes in lower case; and three rows the evaluation
                    cannot use: a city without a latitude, a membership of
                    a city cities.csv lacks, a membership given twice.
                    citymatch-eval reads the first kind as the source
                    says, skips and lists the others (the same figures
                    as the source), and refuses the whole with --strict.

  tools/eval_variants.py --data ../shared/data --out /tmp/opaque --opaque
  build/graph/ranking/citymatch-eval --data /tmp/opaque

Standard library only. The variants keep the source's licences and
attribution (see the source folder's README).
"""
import argparse
import csv
import hashlib
import math
import os
import random
import shutil


def token(text, salt):
    return "x" + hashlib.sha1((salt + text).encode()).hexdigest()[:10]


def relabel(labels):
    return "|".join(token(t, "theme:") for t in labels.split("|") if t)


def kept_by_hash(project_id, fraction, seed):
    digest = hashlib.sha1(("keep:" + seed + project_id).encode()).digest()
    return int.from_bytes(digest[:4], "big") < fraction * 2**32


def twin_clusters(twinnings):
    """Projects and memberships made of the twin-town pairs: one cluster
    per city, each pair in the cluster of its city with more twins."""
    twins = {}
    for t in twinnings:
        twins.setdefault(t["city_a"], set()).add(t["city_b"])
        twins.setdefault(t["city_b"], set()).add(t["city_a"])
    clusters = {}
    for a, others in twins.items():
        for b in others:
            hub = min((a, b), key=lambda c: (-len(twins[c]), c))
            clusters.setdefault(hub, set()).add(b if hub == a else a)
    projects, memberships = [], []
    for hub in sorted(clusters):
        project_id = "twin-" + hub
        projects.append({"id": project_id, "name": "Twin towns of " + hub,
                         "programme": "Twin towns", "start_year": "",
                         "end_year": "", "themes": ""})
        memberships.append({"project_id": project_id, "city_id": hub,
                            "role": "lead"})
        memberships += [{"project_id": project_id, "city_id": c,
                         "role": "partner"} for c in sorted(clusters[hub])]
    return projects, memberships


def padded_cities(cities, count, seed):
    """count places with no history, each near a real city drawn at random."""
    draw = random.Random("pad:" + seed)
    padding = []
    for i in range(count):
        near = draw.choice(cities)
        padding.append({
            "id": "pad-%d" % i, "name": "Padded place %d" % i,
            "country": near["country"],
            "lat": "%.5f" % max(-90.0, min(90.0, float(near["lat"]) +
                                           draw.uniform(-0.3, 0.3))),
            "lon": "%.5f" % ((float(near["lon"]) + draw.uniform(-0.3, 0.3)
                              + 180.0) % 360.0 - 180.0),
            "population": str(round(math.exp(draw.uniform(math.log(1000),
                                                          math.log(50000))))),
        })
    return padding


def make_messy(cities, projects, memberships):
    """The rows of a data set written elsewhere (see --messy), in place."""
    for i, c in enumerate(cities):
        if i % 100 == 0:
            c["country"] = c["country"].lower()
    cities.append({"id": "messy-no-latitude", "name": "No latitude",
                   "country": "AT", "lat": "", "lon": "16.0",
                   "population": "0"})
    for p in projects:
        for year in ("start_year", "end_year"):
            if p[year]:
                p[year] += ".0"
    if projects:
        projects[0]["name"] += " - " + "a title of over 300 bytes " * 12
    for m in memberships:
        if m["role"] == "lead":
            m["role"] = "Lead partner"
    if memberships:
        memberships.append(dict(memberships[0]))
        memberships.append({"project_id": memberships[0]["project_id"],
                            "city_id": "messy-missing-city",
                            "role": "partner"})


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--opaque", action="store_true")
    parser.add_argument("--no-programmes", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--one-programme", action="store_true")
    parser.add_argument("--consortia-only", action="store_true")
    parser.add_argument("--keep", type=float, default=1.0)
    parser.add_argument("--seed", default="")
    parser.add_argument("--twin-clusters", action="store_true")
    parser.add_argument("--pad-cities", type=int, default=0, metavar="N")
    parser.add_argument("--messy", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    def rows(name):
        with open(os.path.join(args.data, name), newline="",
                  encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            return reader.fieldnames, list(reader)

    def write(name, fields, out_rows):
        with open(os.path.join(args.out, name), "w", newline="",
                  encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(out_rows)

    copied = ["cities.csv", "README.md"]
    if not args.consortia_only and not args.twin_clusters:
        copied.append("twinnings.csv")
    for name in copied:
        if os.path.exists(os.path.join(args.data, name)):
            shutil.copy(os.path.join(args.data, name), args.out)
    city_fields, cities = rows("cities.csv")
    cities += padded_cities(cities, args.pad_cities, args.seed)
    fields, projects = rows("projects.csv")
    membership_fields, memberships = rows("memberships.csv")
    if args.twin_clusters:
        more_projects, more_memberships = twin_clusters(
            rows("twinnings.csv")[1])
        projects += more_projects
        memberships += more_memberships
    projects = [p for p in projects if p["id"].startswith(args.only)
                and kept_by_hash(p["id"], args.keep, args.seed)]
    kept = {p["id"] for p in projects}
    if args.opaque:
        for p in projects:
            p["themes"] = relabel(p["themes"])
            p["programme"] = token(p["programme"], "programme:")
    if args.no_programmes:
        for p in projects:
            p["programme"] = ""
    if args.one_programme:
        for p in projects:
            p["programme"] = "one programme"
    memberships = [m for m in memberships if m["project_id"] in kept]
    if args.messy:
        make_messy(cities, projects, memberships)
    if args.pad_cities > 0 or args.messy:
        write("cities.csv", city_fields, cities)
    write("projects.csv", fields, projects)
    write("memberships.csv", membership_fields, memberships)
    if args.consortia_only:
        return
    fields, practices = rows("practices.csv")
    if args.opaque:
        for p in practices:
            p["themes"] = relabel(p["themes"])
    write("practices.csv", fields, practices)


if __name__ == "__main__":
    main()
