"""Scheduled scans: jobs live in the store, a DB-row lease keeps two runs of one job apart.

`jobs` defines and times jobs (cron via croniter, or every N seconds), `runner` triggers and runs
them and records each run (completed, failed with its reason, or skipped as an overlap), and
`install` writes systemd units or a crontab for operators who prefer the system's timers.
"""
