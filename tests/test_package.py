"""The wheel carries the fact base and the schemas, and an installed cqfacts runs from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import FACTS, REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(REPO)], check=True, capture_output=True, text=True)
    (path,) = out.glob("cqfacts-*.whl")
    return path


def test_wheel_holds_the_fact_base_and_schemas(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert "cqfacts/data/facts.toml" in names
        assert zf.read("cqfacts/data/facts.toml") == FACTS.read_bytes()
        assert "cqfacts/schema/facts.schema.json" in names
        # The shipped base's archive sits beside it as in the repository, so that `check` reads its quotes.
        archive = "cqfacts/data/sources/chongqing-new-productive-forces-2024-03-31.txt"
        assert zf.read(archive) == (REPO / "sources" / archive.rsplit("/", 1)[1]).read_bytes()
        assert "cqfacts/cli/app.py" in names
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "cqfacts = cqfacts.__main__:main" in zf.read(entry_points).decode()


def test_installed_wheel_searches_the_packaged_base_from_elsewhere(wheel, tmp_path):
    # A fresh environment that borrows the test environment's dependencies (a plain path entry: the
    # editable install's own .pth hook is not run) but not its cqfacts.
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    env = {k: v for k, v in os.environ.items() if k not in ("CQFACTS_FACTS", "PYTHONPATH")}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(python), "-c", "import cqfacts.loader as l; print(l.shipped_facts_path())"],
                           check=True, capture_output=True, text=True, cwd=elsewhere, env=env).stdout.strip()
    assert Path(where).is_relative_to(Path(site)), where
    result = subprocess.run([str(python), "-m", "cqfacts", "search", "Tianmu", "--json"],
                            capture_output=True, text=True, cwd=elsewhere, env=env)
    assert result.returncode == 0, result.stderr
    assert '"source": "cqgov-2024-03-31"' in result.stdout
    checked = subprocess.run([str(python), "-m", "cqfacts", "check"], capture_output=True, text=True, cwd=elsewhere,
                             env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "(the shipped base); quotes checked against " in checked.stderr
    assert "cqfacts/data/sources/chongqing-new-productive-forces-2024-03-31.txt" in checked.stderr
