"""deploy/: the example environment file is a valid production configuration; the unit runs `csms serve` and
does not restart-loop on the exit status `csms serve` uses for a store from a newer release."""

from __future__ import annotations

from pathlib import Path

import pytest

from csms import __main__ as cli
from csms.settings import load_settings
from csms.store.errors import StoreSchemaError

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_the_example_env_file_loads_as_a_redis_known_stations_configuration(monkeypatch: pytest.MonkeyPatch,
                                                                             ) -> None:
    for line in (DEPLOY / "csms.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            monkeypatch.setenv(key, value)
    settings = load_settings()
    assert settings.store.backend == "redis" and settings.store.redis_url.startswith("redis://")
    assert settings.security.registration == "known" and settings.api.host == "127.0.0.1"
    assert settings.api.token != "dev-admin-token"


def test_the_unit_runs_csms_serve_and_stops_on_the_refusal_status(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    unit = (DEPLOY / "csms.service").read_text()
    assert "ExecStart=/opt/csms/venv/bin/csms serve" in unit and "EnvironmentFile=/etc/csms/csms.env" in unit

    def refuse(argv: list[str] | None) -> int:
        raise StoreSchemaError("the store holds records of schema version 9, newer than this CSMS understands (1)")

    monkeypatch.setattr(cli, "_main", refuse)
    status = cli.main(["serve"])
    assert f"RestartPreventExitStatus={status}" in unit and capsys.readouterr().err.count("\n") == 1


def test_redis_config_persists_with_aof_and_never_evicts() -> None:
    conf = dict(line.split(None, 1) for line in (DEPLOY / "redis-csms.conf").read_text().splitlines()
                if line.strip() and not line.startswith("#"))
    assert conf["appendonly"] == "yes" and conf["appendfsync"] == "everysec"
    assert conf["maxmemory-policy"] == "noeviction" and conf["bind"].startswith("127.0.0.1")
