import re
import subprocess
import sys
from pathlib import Path

from reference.tolerances import tolerance

ROOT = Path(__file__).resolve().parents[1]


def test_demo_prints_the_cost_and_a_relative_difference_below_the_course_bound():
    result = subprocess.run([sys.executable, "-m", "manual_backprop", "demo", "--lambda", "3"],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    assert "network 3-5-3, m = 5, lambda = 3" in result.stdout
    assert len(re.findall(r"^\s*-?\d+\.\d{10}\s+-?\d+\.\d{10}$", result.stdout, re.M)) == 38
    rel = float(result.stdout.strip().rsplit("=", 1)[1])
    assert rel < tolerance("central_difference").rtol
