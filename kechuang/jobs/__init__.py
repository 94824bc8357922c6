"""Background jobs: work that must not happen inside a page request (GET only reads).

A feature declares its jobs in ``kechuang/<feature>/jobs.py`` as ``JOBS = [Job(...)]`` and lists the
module in ``catalogue.FEATURE_MODULES``. ``runner.run_job`` runs one under a lease (a conditional
UPDATE on ``job_state``), so two workers or two machines never run the same job at once, and records
every run in ``job_runs``. Jobs themselves are idempotent: running one twice on a day changes nothing
the second time.
"""
