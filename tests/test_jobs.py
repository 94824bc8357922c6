"""The job runner: one run at a time per job across processes, failures roll back, runs are recorded."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text, update

from kechuang.cli import main
from kechuang.db import transaction
from kechuang.errors import InvalidInput
from kechuang.jobs import catalogue, runner
from kechuang.jobs.catalogue import Job
from kechuang.jobs.models import JobRun, JobState
from kechuang.regions.models import Region


@pytest.fixture
def registered():  # type: ignore[no-untyped-def]
    added: list[str] = []

    def add(job: Job) -> Job:
        catalogue.add_job(job)
        added.append(job.name)
        return job

    yield add
    for name in added:
        catalogue.remove_job(name)


def test_a_job_runs_records_its_run_and_is_not_due_again_until_its_interval(factory, registered) -> None:  # type: ignore[no-untyped-def]
    seen: list[date] = []

    def work(session, today):  # type: ignore[no-untyped-def]
        seen.append(today)
        return f"{session.scalar(select(func.count()).select_from(Region))} 个地区"

    job = registered(Job("t_count", "测试", timedelta(hours=1), work))
    outcome = runner.run_job(factory, job, today=date(2026, 3, 1))
    assert outcome.status == runner.OK and outcome.summary.endswith("个地区") and seen == [date(2026, 3, 1)]
    with factory() as s:
        run = s.scalars(select(JobRun).where(JobRun.name == "t_count")).one()
        assert run.status == "ok" and run.finished_at is not None
        state = s.get(JobState, "t_count")
        assert state is not None and state.lease_owner is None and state.last_status == "ok"
        assert job not in runner.due(s, [job], state.last_finished + timedelta(minutes=59))
        assert job in runner.due(s, [job], state.last_finished + timedelta(hours=1))


def test_a_failing_job_rolls_back_its_work_and_records_the_error(factory, registered) -> None:  # type: ignore[no-untyped-def]
    def work(session, today):  # type: ignore[no-untyped-def]
        session.execute(update(Region).where(Region.code == "321003").values(name="被回滚"))
        session.flush()
        raise ValueError("坏数据")

    job = registered(Job("t_fail", "测试", timedelta(hours=1), work))
    outcome = runner.run_job(factory, job)
    assert outcome.status == runner.FAILED and "坏数据" in outcome.summary
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Region).where(Region.name == "被回滚")) == 0
        assert s.get(JobState, "t_fail").lease_owner is None  # type: ignore[union-attr]
    again = runner.run_job(factory, job)  # the lease was released: it can run again
    assert again.status == runner.FAILED


def test_two_workers_at_once_run_a_job_once(factory, registered) -> None:  # type: ignore[no-untyped-def]
    inside = threading.Event()
    release = threading.Event()
    runs: list[str] = []

    def work(session, today):  # type: ignore[no-untyped-def]
        runs.append(threading.current_thread().name)
        inside.set()
        assert release.wait(30)
        return "done"

    job = registered(Job("t_lease", "测试", timedelta(hours=1), work))
    first: list[runner.Outcome] = []
    thread = threading.Thread(target=lambda: first.append(runner.run_job(factory, job, owner="w1")))
    thread.start()
    assert inside.wait(30)
    second = runner.run_job(factory, job, owner="w2")  # as a second process would, while w1 holds the lease
    release.set()
    thread.join(30)
    assert second.status == runner.BUSY
    assert first[0].status == runner.OK and len(runs) == 1


def test_an_expired_lease_is_taken_over(factory, registered) -> None:  # type: ignore[no-untyped-def]
    job = registered(Job("t_stale", "测试", timedelta(hours=1), lambda s, d: "ok"))
    with transaction(factory) as s:
        s.add(
            JobState(
                name="t_stale", lease_owner="crashed", lease_until=runner.utcnow() - timedelta(seconds=1)
            )
        )
    assert runner.run_job(factory, job).status == runner.OK


def test_unknown_job_names_are_all_reported_before_anything_runs(registered) -> None:  # type: ignore[no-untyped-def]
    registered(Job("t_known", "测试", timedelta(hours=1), lambda s, d: "ok"))
    with pytest.raises(InvalidInput) as err:
        runner.pick(["t_known", "nope", "nada"])
    assert [p.value for p in err.value.problems] == ["nope", "nada"]


def test_cli_jobs_run_and_list(factory, settings, registered, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    registered(Job("t_cli", "命令行测试", timedelta(days=1), lambda s, d: f"运行于 {d}"))
    monkeypatch.setenv("KECHUANG_DATABASE_URL", settings.database_url)
    assert main(["jobs", "run", "t_cli", "--today", "2026-05-04"]) == 0
    assert "运行于 2026-05-04" in capsys.readouterr().out
    assert main(["jobs", "list"]) == 0
    assert "命令行测试" in capsys.readouterr().out
    assert main(["jobs", "run", "no_such_job"]) == 2
    assert "no_such_job" in capsys.readouterr().err
    with factory() as s:
        assert s.execute(text("SELECT count(*) FROM job_runs WHERE name = 't_cli'")).scalar() == 1


def test_feature_jobs_are_idempotent(factory) -> None:  # type: ignore[no-untyped-def]
    from kechuang.auth.scope import SYSTEM
    from kechuang.chains.demo import demo_links
    from kechuang.chains.service import load_file
    from kechuang.demo.city import load_city
    from kechuang.projects.demo import demo_projects
    from kechuang.projects.models import StatusChange

    today = date.today()
    with transaction(factory) as s:
        load_city(s, n=200, seed=3, last_year=today.year - 1)
        s.info["actor"] = SYSTEM
        load_file(s, actor=SYSTEM)
        demo_links(s, start_year=today.year - 3)
        demo_projects(s, today=today)
    jobs = runner.pick(["project_status", "ladder_refresh"])
    first = [runner.run_job(factory, j, today=today) for j in jobs]
    assert [o.status for o in first] == ["ok", "ok"], first
    with factory() as s:
        history = s.scalar(select(func.count()).select_from(StatusChange))
    second = [runner.run_job(factory, j, today=today) for j in jobs]
    assert [o.status for o in second] == ["ok", "ok"] and "已是最新" in second[1].summary
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(StatusChange)) == history  # nothing new


def test_jobs_page_lists_and_runs_jobs_for_the_bureau_only(client, made, registered) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import login

    registered(Job("t_page", "页面测试", timedelta(days=1), lambda s, d: "页面运行完成"))
    made.user("boss", "admin")
    made.user("hj", "district", region_code="321003")
    login(client, "hj")
    assert client.get("/admin/jobs").status_code == 403
    client.cookies.clear()
    login(client, "boss")
    page = client.get("/admin/jobs")
    assert page.status_code == 200 and "t_page" in page.text and "从未运行" in page.text
    token = client.cookies.get("kc_csrf")
    import re

    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None and token
    ran = client.post("/admin/jobs/t_page/run", data={"csrf_token": csrf.group(1)})
    assert ran.status_code == 303
    after = client.get(ran.headers["location"]).text
    assert "页面运行完成" in after and "成功" in after
    assert client.post("/admin/jobs/nope/run", data={"csrf_token": csrf.group(1)}).status_code == 422
