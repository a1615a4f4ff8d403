"""Scheduled scans: runs recur, never overlap, failures are recorded, and system timers can be written."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.schedule.install import on_calendar
from muniscan.schedule.jobs import ScheduleError, add_job
from muniscan.schedule.runner import run_job_now, run_scheduler, tick
from muniscan.store import Store
from muniscan.store.models import ScanRun, Schedule, ScheduleRun
from muniscan.store.models.common import utcnow

runner = CliRunner()


def job(store: Store, every: int = 1, name: str = "nightly") -> Schedule:
    with store.session() as session:
        created = add_job(session, name, "enisa-baseline", every_seconds=every)
        session.commit()
        return created


def runs(store: Store) -> list[ScheduleRun]:
    with store.session() as session:
        return list(session.exec(select(ScheduleRun).order_by(col(ScheduleRun.id))).all())


def test_a_job_every_second_runs_twice_and_records_both_runs(store: Store) -> None:
    job(store, every=1)
    executed: list[float] = []
    stop = threading.Event()

    def execute(_store: Store, _job: Schedule) -> None:
        executed.append(time.monotonic())
        if len(executed) >= 2:
            stop.set()

    threading.Timer(10, stop.set).start()  # a safety net, never reached when the scheduler works
    run_scheduler(store, stop, execute=execute, poll_seconds=0.1)
    assert len(executed) >= 2 and executed[1] - executed[0] >= 0.9
    done = [r for r in runs(store) if r.status == "completed"]
    assert len(done) >= 2 and all(r.finished_at for r in done)
    with store.session() as session:
        assert session.exec(select(Schedule)).one().lease_owner is None  # lease released


def test_an_overlapping_trigger_is_skipped_and_recorded(store: Store) -> None:
    created = job(store, every=1)
    release = threading.Event()
    started = threading.Event()

    def slow(_store: Store, _job: Schedule) -> None:
        started.set()
        release.wait(10)

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = tick(store, pool, slow, now=created.next_run_at)
        assert len(first) == 1 and started.wait(5)
        second = tick(store, pool, slow, now=created.next_run_at + timedelta(seconds=1))
        assert second == []  # the lease is held: no second run
        release.set()
        first[0].result(5)
    statuses = [r.status for r in runs(store)]
    assert statuses == ["completed", "skipped"] or statuses == ["skipped", "completed"]
    skipped = next(r for r in runs(store) if r.status == "skipped")
    assert "still running" in (skipped.reason or "")
    # the lease is free again, so the next trigger runs
    with ThreadPoolExecutor(max_workers=1) as pool:
        [third] = tick(store, pool, lambda *_: None, now=utcnow() + timedelta(seconds=5))
        assert third.result(5).status == "completed"


def test_a_failed_run_is_recorded_with_its_reason_and_the_next_run_still_happens(store: Store) -> None:
    created = job(store, every=1)

    def broken(_store: Store, _job: Schedule) -> None:
        raise RuntimeError("policy file vanished")

    with ThreadPoolExecutor(max_workers=1) as pool:
        for offset in (0, 2):
            for future in tick(store, pool, broken, now=created.next_run_at + timedelta(seconds=offset)):
                future.result(5)
    failed = runs(store)
    assert [r.status for r in failed] == ["failed", "failed"]
    assert failed[0].reason == "RuntimeError: policy file vanished"


def test_two_schedulers_claim_one_trigger_once(store: Store) -> None:
    created = job(store, every=60)
    with ThreadPoolExecutor(max_workers=2) as pool:
        one = tick(store, pool, lambda *_: None, now=created.next_run_at)
        # a second scheduler that read the same job row before the first moved it on
        from muniscan.schedule import runner as module

        with store.session() as session:
            assert module._claim_trigger(session, created, created.next_run_at) is False
        [f.result(5) for f in one]
    assert len(runs(store)) == 1


def test_run_job_scans_with_the_stored_policy(store: Store, tmp_path: Path) -> None:
    policy = tmp_path / "loopback.yaml"
    policy.write_text(
        "name: loopback-nothing\nscope:\n  include: [127.88.0.1]\n  never_touch_ports: ['2024']\n"
        "discovery:\n  tcp_ports: [2025]\n  udp_ports: []\n"
    )
    with store.session() as session:
        add_job(session, "lab", str(policy), cron="0 2 * * *", site="lab-vantage")
        session.commit()
    result = run_job_now(store, "lab")
    assert result.status == "completed", result.reason
    with store.session() as session:
        scan = session.get(ScanRun, result.scan_id)
    assert scan is not None and scan.site == "lab-vantage" and scan.policy_name == "loopback-nothing"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one of"),
        ({"cron": "0 2 * *", "every_seconds": None}, "not a cron expression"),
        ({"every_seconds": 0}, "at least 1 second"),
    ],
)
def test_bad_job_definitions_are_refused(store: Store, kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    with store.session() as session, pytest.raises(ScheduleError, match=message):
        add_job(session, "x", "enisa-baseline", **kwargs)


def scoped_policy(folder: Path, include: str = "127.106.1.0/24", arp: bool = False) -> Path:
    policy = folder / "city.yaml"
    policy.write_text(
        f"name: city\nscope:\n  include: [{include}]\n  never_touch_ports: ['2024']\n"
        f"discovery:\n  arp: {str(arp).lower()}\n"
    )
    return policy


def test_cli_add_list_remove_and_install(store: Store, tmp_path: Path) -> None:
    base = ["--db", store.url, "schedule"]
    city = str(scoped_policy(tmp_path))
    added = runner.invoke(app, [*base, "add", "nightly", "--cron", "30 2 * * 1-5", "--policy", city])
    assert added.exit_code == 0, added.output
    assert runner.invoke(app, [*base, "add", "lab", "--every", "300", "--policy", city]).exit_code == 0
    assert runner.invoke(app, [*base, "add", "nightly", "--every", "5", "--policy", city]).exit_code == 2
    assert runner.invoke(app, [*base, "add", "bad", "--every", "5", "--policy", "nope.yaml"]).exit_code == 2
    listed = runner.invoke(app, [*base, "list"])
    assert "nightly" in listed.output and "every 300s" in listed.output
    out = runner.invoke(app, [*base, "install", "--systemd", "--output", str(tmp_path / "units")])
    assert out.exit_code == 0, out.output
    timer = (tmp_path / "units" / "muniscan-nightly.timer").read_text()
    assert "OnCalendar=Mon..Fri *-*-* 2:30:00 UTC" in timer
    assert "OnUnitActiveSec=300s" in (tmp_path / "units" / "muniscan-lab.timer").read_text()
    assert "schedule run-job nightly" in (tmp_path / "units" / "muniscan-nightly.service").read_text()
    out = runner.invoke(app, [*base, "install", "--cron", "--output", str(tmp_path / "cron")])
    crontab = (tmp_path / "cron" / "muniscan.crontab").read_text()
    assert "30 2 * * 1-5 " in crontab and "*/5 * * * * " in crontab
    assert runner.invoke(app, [*base, "remove", "lab"]).exit_code == 0
    assert "lab" not in runner.invoke(app, [*base, "list", "--json"]).output


@pytest.mark.parametrize(
    ("policy_scope", "targets", "message"),
    [
        ("127.106.1.0/24", ["127.106.2.5"], "outside the policy's scope: 127.106.2.5"),
        ("127.106.1.0/24", ["127.106.0.0/16"], "outside the policy's scope"),
        ("127.106.1.0/24", ["127.106.1.5:80"], "is an address with a port"),
    ],
)
def test_schedule_add_refuses_targets_outside_the_scope_with_exit_2(
    store: Store, tmp_path: Path, policy_scope: str, targets: list[str], message: str
) -> None:
    policy = str(scoped_policy(tmp_path, policy_scope))
    target_args = [arg for t in targets for arg in ("--target", t)]
    out = runner.invoke(
        app, ["--db", store.url, "schedule", "add", "x", "--cron", "0 2 * * *", "--policy", policy, *target_args]
    )
    assert out.exit_code == 2, out.output
    assert message in out.output
    assert runner.invoke(app, ["--db", store.url, "schedule", "list", "--json"]).output.strip() == "[]"


def test_schedule_add_refuses_a_policy_with_an_empty_scope(store: Store) -> None:
    out = runner.invoke(app, ["--db", store.url, "schedule", "add", "x", "--cron", "0 2 * * *", "--policy", "strict"])
    assert out.exit_code == 2 and "scope is empty" in out.output


def test_a_job_with_run_history_can_be_removed(store: Store) -> None:
    created = job(store, every=3600, name="weekly")
    assert run_job_now(store, "weekly", execute=lambda _store, _job: None).status == "completed"
    assert run_job_now(store, "weekly", execute=lambda _store, _job: None).status == "completed"
    assert len(runs(store)) == 2
    result = runner.invoke(app, ["--db", store.url, "schedule", "remove", "weekly"])
    assert result.exit_code == 0, result.output
    assert runs(store) == []
    with store.session() as session:
        assert session.get(Schedule, created.id) is None


@pytest.mark.parametrize(
    ("cron", "calendar"),
    [
        ("0 2 * * *", "*-*-* 2:0:00 UTC"),
        ("*/15 * * * *", "*-*-* *:0/15:00 UTC"),
        ("0 6,18 1 * *", "*-*-1 6,18:0:00 UTC"),
        ("0 3 * * 0", "Sun *-*-* 3:0:00 UTC"),
    ],
)
def test_cron_to_systemd_calendar(cron: str, calendar: str) -> None:
    assert on_calendar(cron) == calendar


def test_each_trigger_start_end_and_outcome_is_logged(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    job(store, every=3600, name="logged")

    def broken(_store: Store, _job: Schedule) -> None:
        raise RuntimeError("device list unreadable")

    with caplog.at_level("INFO", logger="muniscan"):
        run_job_now(store, "logged", execute=lambda _store, _job: None)
        run_job_now(store, "logged", execute=broken)
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("muniscan")]
    assert lines[0] == "job logged triggered by a system timer"
    assert lines[1].startswith("job logged started (run ")
    assert lines[2].startswith("job logged ended completed after ") and lines[2].endswith(": no scan")
    assert lines[5].startswith("job logged ended failed after ") and "device list unreadable" in lines[5]
    assert caplog.records[5].levelname == "WARNING"
