#!/usr/bin/env python3
"""Runs tools/eval_variants.py on deploy/data and checks what each option
promises: which rows are kept, which labels are hidden, what is copied."""
import csv
import filecmp
import os
import subprocess
import sys
import tempfile
import unittest

SOURCE = os.environ.get("CITYMATCH_SOURCE_DIR", os.getcwd())
TOOL = os.path.join(SOURCE, "tools", "eval_variants.py")
DATA = os.path.join(SOURCE, "deploy", "data")


def read(folder, name):
    with open(os.path.join(folder, name), newline="",
              encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


class EvalVariantsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.projects = read(DATA, "projects.csv")
        cls.memberships = read(DATA, "memberships.csv")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def variant(self, name, *options):
        out = os.path.join(self.tmp.name, name)
        subprocess.run([sys.executable, TOOL, "--data", DATA, "--out", out,
                        *options], check=True)
        return out

    def assert_memberships_follow_projects(self, out):
        kept = {p["id"] for p in read(out, "projects.csv")}
        expected = [m for m in self.memberships if m["project_id"] in kept]
        self.assertEqual(read(out, "memberships.csv"), expected)

    def test_opaque_hides_every_label_and_keeps_the_structure(self):
        out = self.variant("opaque", "--opaque")
        projects = read(out, "projects.csv")
        self.assertEqual([p["id"] for p in projects],
                         [p["id"] for p in self.projects])
        known = {t for p in self.projects for t in p["themes"].split("|")}
        for p, source in zip(projects, self.projects):
            themes = [t for t in p["themes"].split("|") if t]
            self.assertEqual(len(themes),
                             len([t for t in source["themes"].split("|")
                                  if t]))
            self.assertTrue(all(t.startswith("x") for t in themes))
            self.assertFalse(known & set(themes))
            self.assertNotEqual(p["programme"], source["programme"])
        # One label, one token: programmes stay distinguishable.
        self.assertEqual(len({p["programme"] for p in projects}),
                         len({p["programme"] for p in self.projects}))
        for p in read(out, "practices.csv"):
            self.assertFalse(known & set(p["themes"].split("|")))
        self.assertTrue(filecmp.cmp(os.path.join(out, "twinnings.csv"),
                                    os.path.join(DATA, "twinnings.csv")))
        self.assert_memberships_follow_projects(out)

    def test_no_programmes_blanks_the_programme(self):
        out = self.variant("blank", "--no-programmes")
        self.assertEqual({p["programme"] for p in read(out, "projects.csv")},
                         {""})

    def test_one_programme_merges_every_programme(self):
        out = self.variant("one", "--one-programme")
        self.assertEqual({p["programme"] for p in read(out, "projects.csv")},
                         {"one programme"})

    def test_only_keeps_one_prefix_and_its_memberships(self):
        out = self.variant("urbact", "--only", "urbact-")
        ids = [p["id"] for p in read(out, "projects.csv")]
        self.assertEqual(ids, [p["id"] for p in self.projects
                               if p["id"].startswith("urbact-")])
        self.assertTrue(ids)
        self.assert_memberships_follow_projects(out)

    def test_consortia_only_drops_practices_and_twinnings(self):
        out = self.variant("bare", "--consortia-only")
        self.assertFalse(os.path.exists(os.path.join(out, "twinnings.csv")))
        self.assertFalse(os.path.exists(os.path.join(out, "practices.csv")))
        self.assertEqual(len(read(out, "projects.csv")), len(self.projects))

    def test_keep_takes_a_stable_share_and_seed_another(self):
        half = self.variant("half", "--keep", "0.5")
        again = self.variant("half-again", "--keep", "0.5")
        fifth = self.variant("fifth", "--keep", "0.2")
        ids = {p["id"] for p in read(half, "projects.csv")}
        self.assertEqual(ids, {p["id"] for p in read(again, "projects.csv")})
        self.assertAlmostEqual(len(ids) / len(self.projects), 0.5, delta=0.05)
        fifth_ids = {p["id"] for p in read(fifth, "projects.csv")}
        self.assertAlmostEqual(len(fifth_ids) / len(self.projects), 0.2,
                               delta=0.04)
        # A smaller share is a subset of a larger one: the same hash decides.
        self.assertLessEqual(fifth_ids, ids)
        self.assert_memberships_follow_projects(half)
        other = self.variant("half-salted", "--keep", "0.5", "--seed", "1")
        other_ids = {p["id"] for p in read(other, "projects.csv")}
        self.assertNotEqual(other_ids, ids)
        self.assertAlmostEqual(len(other_ids) / len(self.projects), 0.5,
                               delta=0.05)
        self.assertTrue(filecmp.cmp(os.path.join(half, "cities.csv"),
                                    os.path.join(DATA, "cities.csv")))

    def test_twin_clusters_turn_each_twinning_into_one_membership(self):
        out = self.variant("twins", "--twin-clusters", "--only", "twin-")
        # The answer would be in twinnings.csv: it is left out.
        self.assertFalse(os.path.exists(os.path.join(out, "twinnings.csv")))
        twinnings = read(DATA, "twinnings.csv")
        self.assertTrue(twinnings)
        projects = read(out, "projects.csv")
        self.assertTrue(projects)
        self.assertTrue(all(p["id"].startswith("twin-") and
                            p["programme"] == "Twin towns" and
                            p["themes"] == "" for p in projects))
        members = {}
        for m in read(out, "memberships.csv"):
            members.setdefault(m["project_id"], []).append(m)
        twins_of = {}
        for t in twinnings:
            twins_of.setdefault(t["city_a"], set()).add(t["city_b"])
            twins_of.setdefault(t["city_b"], set()).add(t["city_a"])
        pairs = []
        for p in projects:
            lead, *partners = members[p["id"]]
            self.assertEqual(lead["role"], "lead")
            self.assertEqual(lead["city_id"], p["id"][len("twin-"):])
            for m in partners:
                self.assertEqual(m["role"], "partner")
                # Each pair sits with the city that has more twins.
                self.assertGreaterEqual(len(twins_of[lead["city_id"]]),
                                        len(twins_of[m["city_id"]]))
                pairs.append(frozenset((lead["city_id"], m["city_id"])))
        # Every twinning once, and nothing else.
        self.assertEqual(sorted(map(sorted, pairs)),
                         sorted(sorted((t["city_a"], t["city_b"]))
                                for t in twinnings))
        # Without --only the projects of the source stay beside them.
        both = read(self.variant("twins-and-more", "--twin-clusters"),
                    "projects.csv")
        self.assertEqual(len(both), len(self.projects) + len(projects))

    def test_pad_cities_adds_places_without_history_near_real_ones(self):
        out = self.variant("padded", "--pad-cities", "300")
        cities = read(DATA, "cities.csv")
        padded = read(out, "cities.csv")
        # The real cities come first, unchanged; then the padding.
        self.assertEqual(padded[:len(cities)], cities)
        padding = padded[len(cities):]
        self.assertEqual([c["id"] for c in padding],
                         ["pad-%d" % i for i in range(300)])
        for c in padding:
            self.assertTrue(1000 <= int(c["population"]) <= 50000, c)
            lat, lon = float(c["lat"]), float(c["lon"])
            self.assertTrue(any(
                r["country"] == c["country"] and
                abs(float(r["lat"]) - lat) <= 0.3 + 1e-5 and
                abs(float(r["lon"]) - lon) <= 0.3 + 1e-5 for r in cities), c)
        # No history: every other file is the source's.
        for name in ("projects.csv", "memberships.csv", "twinnings.csv",
                     "practices.csv"):
            self.assertEqual(read(out, name), read(DATA, name), name)
        # The draw follows --seed, and only --seed.
        again = read(self.variant("padded-again", "--pad-cities", "300"),
                     "cities.csv")
        self.assertEqual(again, padded)
        salted = read(self.variant("padded-salted", "--pad-cities", "300",
                                   "--seed", "1"), "cities.csv")
        self.assertNotEqual(salted, padded)

    def test_messy_writes_what_the_service_refuses_and_three_bad_rows(self):
        out = self.variant("messy", "--messy")
        cities, projects = read(DATA, "cities.csv"), self.projects
        messy_cities = read(out, "cities.csv")
        # The same cities, some country codes in lower case, and one more
        # without a latitude.
        self.assertEqual([c["id"] for c in messy_cities],
                         [c["id"] for c in cities] + ["messy-no-latitude"])
        self.assertEqual(messy_cities[-1]["lat"], "")
        lowered = [m for m, c in zip(messy_cities, cities)
                   if m["country"] != c["country"]]
        self.assertTrue(lowered)
        self.assertTrue(all(m["country"].islower() for m in lowered))
        # Every year written as a decimal; one title over 300 bytes.
        messy_projects = read(out, "projects.csv")
        self.assertEqual([p["id"] for p in messy_projects],
                         [p["id"] for p in projects])
        for m, p in zip(messy_projects, projects):
            for year in ("start_year", "end_year"):
                self.assertEqual(m[year], p[year] + ".0" if p[year] else "")
        self.assertGreater(len(messy_projects[0]["name"].encode()), 300)
        # Every lead a "Lead partner"; then a membership given twice and
        # one of a city that does not exist.
        memberships = read(out, "memberships.csv")
        self.assertEqual(len(memberships), len(self.memberships) + 2)
        for m, source in zip(memberships, self.memberships):
            self.assertEqual(m["role"], "Lead partner"
                             if source["role"] == "lead" else source["role"])
        self.assertEqual(memberships[-2], memberships[0])
        self.assertEqual(memberships[-1]["city_id"], "messy-missing-city")


if __name__ == "__main__":
    unittest.main()
