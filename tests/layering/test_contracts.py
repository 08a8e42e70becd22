"""The import-linter contracts of pyproject.toml hold on the code, and each fails when the
layering it guards is broken (checked on a copy of the code with one import added)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["core", "community", "buildings", "households", "services", "ownersassoc", "tonglowan"]
CORE = "core is shared plumbing: it imports no app"
REGISTRY = "The registry and community never import services or ownersassoc"
LAYERS = "households above buildings above community above core"
SERVICES = (
    "services: reports above obligations above monitoring and the registers above requests, "
    "worktasks and records; each layer's packages independent"
)
MONITORING = "services.monitoring reads records, never requests or worktasks"
DEMO = "Domain code never imports demo code"
VOTING = "ownersassoc.voting is pure: it imports no app module"
LINT = str(Path(sys.executable).with_name("lint-imports"))


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT, "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_the_contracts_are_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("core/probe.py", "import community.roles", CORE),
        ("households/probe.py", "import services.requests.models", REGISTRY),
        ("buildings/probe.py", "import households.models", LAYERS),
        ("services/records/probe.py", "import services.obligations.rules", SERVICES),
        ("services/requests/probe.py", "import services.worktasks.models", SERVICES),
        ("services/obligations/probe.py", "import services.reports.definitions", SERVICES),
        ("services/records/probe.py", "import services.monitoring.models", SERVICES),
        ("services/monitoring/probe.py", "import services.obligations.rules", SERVICES),
        ("services/monitoring/probe.py", "import services.worktasks.models", MONITORING),
        ("services/requests/probe.py", "import services.facilities.models", SERVICES),
        ("services/facilities/probe.py", "import services.policelog.models", SERVICES),
        ("services/firesafety/probe.py", "import services.obligations.rules", SERVICES),
        ("community/organisation/probe.py", "import households.models", LAYERS),
        ("services/obligations/probe.py", "import services.demo.requests", DEMO),
        ("ownersassoc/mobile/probe.py", "import ownersassoc.demo.owners", DEMO),
        ("ownersassoc/voting.py", "import ownersassoc.models", VOTING),
        ("buildings/premises/probe.py", "import ownersassoc.models", REGISTRY),
    ],
)
def test_a_broken_layer_fails_the_check(tmp_path, module, line, contract):
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("migrations", "__pycache__", "*.pyc"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / module).write_text(line + "\n", encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode == 1, result.stdout
    report = " ".join(result.stdout.split())
    assert f"{contract} BROKEN" in report
