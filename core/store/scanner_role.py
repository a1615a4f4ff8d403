"""A least-privilege PostgreSQL role for scan agents: it records scans, it cannot erase or overrule people.

Agents write scan results (scan rows, assets, services, observations, verdicts, findings and their history,
data flows, their own job rows and heartbeats). They may not DELETE anything (but a scan's own verdicts, which
judging it again replaces), may not touch risk acceptances
or schedules, and a trigger keeps them from setting or changing a person's decision on a finding (accepted,
false positive) — a rescan may only reopen an accepted finding whose acceptance has expired, as the lifecycle
says. The schema itself is migrated by the owner (`muniscan db upgrade`), never by an agent.
"""

import re

# What a scan writes; everything else the role may only read.
INSERT_UPDATE = (
    "scanrun",
    "asset",
    "service",
    "observation",
    "evaluation",
    "assetevent",
    "dataflow",
    "agentrun",
    "agent",
)
APPEND_ONLY = ("findingevent",)
REPLACED = ("evaluation",)  # judging a scan again replaces that scan's verdicts under the same policy
FINDING_COLUMNS = ("status", "title", "severity", "confidence", "evidence", "last_seen", "last_scan_id", "policy_hash")
ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def scanner_role_sql(role: str) -> str:
    """The statements that create (or re-grant) the role; run them as the store's owner."""
    if not ROLE.fullmatch(role):
        raise ValueError(f"role '{role}': use 1-63 lower-case letters, digits and _")
    writes = ", ".join(INSERT_UPDATE)
    return f"""\
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role} LOGIN; END IF;
END $$;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role};
GRANT USAGE ON SCHEMA public TO {role};
GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
GRANT INSERT, UPDATE ON {writes} TO {role};
GRANT INSERT ON {", ".join(APPEND_ONLY)} TO {role};
GRANT INSERT, DELETE ON {", ".join(REPLACED)} TO {role};
GRANT INSERT, UPDATE ({", ".join(FINDING_COLUMNS)}) ON finding TO {role};

CREATE OR REPLACE FUNCTION muniscan_keep_decisions() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF pg_has_role(current_user, '{role}', 'MEMBER') AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
     AND NEW.status IS DISTINCT FROM OLD.status
     AND (NEW.status IN ('accepted', 'false_positive') OR OLD.status = 'false_positive'
          OR (OLD.status = 'accepted' AND EXISTS (
                SELECT 1 FROM riskacceptance a WHERE a.finding_id = OLD.id AND NOT a.revoked AND a.expires_at > now())))
  THEN
    RAISE EXCEPTION 'role % may not change the decision on finding % (% -> %)', current_user, OLD.id, OLD.status,
      NEW.status USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $f$;
DROP TRIGGER IF EXISTS muniscan_keep_decisions ON finding;
CREATE TRIGGER muniscan_keep_decisions BEFORE UPDATE OF status ON finding
  FOR EACH ROW EXECUTE FUNCTION muniscan_keep_decisions();
"""
