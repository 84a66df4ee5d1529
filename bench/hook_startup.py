"""How long a pre-commit invocation takes: `python bench/hook_startup.py [RUNS]`.

A hook run names a few changed files, so what users feel is process start-up plus
one or two files. This times `ztlint scan FILE` in a fresh process for one file of
each language and format (only that file's grammar is loaded), and prints the median
wall time and peak memory of each. Never run as a test.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = {
    "a.go": 'package x\n\nimport "crypto/tls"\n\nvar c = &tls.Config{InsecureSkipVerify: true}\n',
    "a.py": "import requests\n\nrequests.get('https://x', verify=False)\n",
    "a.rs": "fn f(c: &mut quiche::Config) { c.verify_peer(false); }\n",
    "a.ts": "const agent = new https.Agent({ rejectUnauthorized: false });\n",
    "docker-compose.yml": "services:\n  a:\n    image: x\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n",
    "envoy.yaml": "static_resources:\n  clusters:\n    - name: x\n      type: STRICT_DNS\n",
}


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in SAMPLES.items():
            Path(tmp, name).write_text(text)
        print(f"{'file':<22}{'median s':>10}{'max s':>8}{'peak MB':>9}")
        for name in SAMPLES:
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "ztlint", "scan", name],
                    cwd=tmp,
                    stdout=subprocess.DEVNULL,
                    check=False,
                    env={**os.environ, "NO_COLOR": "1"},
                )
                times.append(time.perf_counter() - start)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"{name:<22}{statistics.median(times):>10.3f}{max(times):>8.3f}{peak:>9.1f}")


if __name__ == "__main__":
    main()
