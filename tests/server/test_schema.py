"""The served app fuzzed against its own OpenAPI schema by schemathesis: no 5xx, nothing outside the schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from server.app import create_app
from server.settings import Settings
from tests.conftest import serve

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_the_served_api_keeps_to_its_schema(essay_index: Path) -> None:
    # Rebuilds are enabled, with a token the fuzzer does not know, so that their 401/403 paths are exercised.
    settings = Settings(index_dir=essay_index, admin_token="fuzz-admin-token", rate_limit_per_minute=0)  # type: ignore[call-arg]
    with serve(create_app(settings)) as url:
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{url}/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                "40",
                "--seed",
                "7",
                "--generation-database",
                "none",
                "--request-timeout",
                "30",
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
