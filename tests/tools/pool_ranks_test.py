#!/usr/bin/env python3
"""Runs tools/pool_ranks.py on hand-made rank files and checks the pooled
figures and the paired counts against values worked out by hand."""
import os
import subprocess
import sys
import tempfile
import unittest

SOURCE = os.environ.get("CITYMATCH_SOURCE_DIR", os.getcwd())
TOOL = os.path.join(SOURCE, "tools", "pool_ranks.py")

# Run 1: urbact-a hides two members (citymatch finds one of them), urbact-b
# one; interreg-c one. Run 2: urbact-a again, a unit of its own.
RUN_1 = """project_id,ranker,rank,hidden_city_id
urbact-a,citymatch,1,11
urbact-a,citymatch,50,12
urbact-a,ppr,20,11
urbact-a,ppr,4,12
urbact-b,citymatch,2,13
urbact-b,ppr,30,13
interreg-c,citymatch,100,14
interreg-c,ppr,5,14
"""
RUN_2 = """project_id,ranker,rank
urbact-a,citymatch,10,11
urbact-a,ppr,11,11
"""


# Two runs on one data set, as citymatch-eval writes them: the full model
# and one without a feature. urbact-a is also on inclusion.
FULL = """project_id,ranker,rank,hidden_city_id,groups
urbact-a,citymatch,3,11,urbact;inclusion
urbact-a,citymatch,40,12,urbact;inclusion
urbact-b,citymatch,7,13,urbact
interreg-c,citymatch,2,14,interreg
"""
WITHOUT = """project_id,ranker,rank,hidden_city_id,groups
urbact-a,citymatch,30,11,urbact;inclusion
urbact-a,citymatch,40,12,urbact;inclusion
urbact-b,citymatch,8,13,urbact
interreg-c,citymatch,20,14,interreg
"""


class PoolRanksTest(unittest.TestCase):

    def run_tool(self, *contents, names=None, flags=()):
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for i, content in enumerate(contents):
                name = names[i] if names else f"run{i}"
                paths.append(os.path.join(tmp, f"{name}.csv"))
                with open(paths[-1], "w") as f:
                    f.write(content)
            result = subprocess.run([sys.executable, TOOL, *flags, *paths],
                                    capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_each_project_of_each_run_is_one_unit(self):
        out = self.run_tool(RUN_1, RUN_2).splitlines()
        self.assertIn("urbact (3 projects)", out)
        # citymatch on urbact: shares 0.5, 1, 1 -> 0.833; reciprocal ranks
        # (1 + 1/50) / 2, 1/2, 1/10 -> 0.370.
        self.assertIn("  citymatch     0.833 / 0.370", out)
        # ppr: shares 0.5, 0, 0 -> 0.167; (1/20 + 1/4) / 2, 1/30, 1/11 ->
        # 0.091.
        self.assertIn("  ppr           0.167 / 0.091   citymatch +2 / -0 "
                      "(p 0.500)", out)
        self.assertIn("interreg (1 projects)", out)
        self.assertIn("  ppr           1.000 / 0.200   citymatch +0 / -1 "
                      "(p 1.000)", out)
        self.assertIn("all (4 projects)", out)
        self.assertIn("  ppr           0.375 / 0.119   citymatch +2 / -1 "
                      "(p 1.000)", out)

    def test_same_data_pairs_each_project_across_the_runs(self):
        out = self.run_tool(FULL, WITHOUT, names=["full", "without"],
                            flags=["--same-data", "--ours",
                                   "citymatch@full"]).splitlines()
        # The groups come from the files' groups column.
        self.assertIn("inclusion (1 projects)", out)
        self.assertIn("urbact (2 projects)", out)
        self.assertIn("interreg (1 projects)", out)
        # urbact, full: shares 0.5, 1 -> 0.750; reciprocal ranks
        # (1/3 + 1/40) / 2, 1/7 -> 0.161. Without: shares 0, 1 -> 0.500;
        # (1/30 + 1/40) / 2, 1/8 -> 0.077. Only urbact-a differs.
        self.assertIn("  citymatch@full  0.750 / 0.161", out)
        self.assertIn("  citymatch@without  0.500 / 0.077   citymatch@full "
                      "+1 / -0 (p 1.000)", out)
        # inclusion is urbact-a alone.
        self.assertIn("  citymatch@without  0.000 / 0.029   citymatch@full "
                      "+1 / -0 (p 1.000)", out)
        # all: interreg-c (1/2 against 1/20) is a hit only for the full
        # model too.
        self.assertIn("all (3 projects)", out)
        self.assertIn("  citymatch@without  0.333 / 0.068   citymatch@full "
                      "+2 / -0 (p 0.500)", out)

    def test_a_file_without_the_ranker_compared_is_an_error(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "ppr.csv")
            with open(path, "w") as f:
                f.write("project_id,ranker,rank\nurbact-a,ppr,3\n")
            result = subprocess.run([sys.executable, TOOL, path],
                                    capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("citymatch", result.stderr)


if __name__ == "__main__":
    unittest.main()
