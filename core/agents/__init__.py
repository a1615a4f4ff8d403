"""Scan agents: one worker per network segment takes scan jobs from that segment's Dramatiq queue on Redis.

The central node validates the policy and queues the job (`dispatch`); the agent in the segment validates
it again and runs it with the same `run_scan` (scope first) against the shared store (`worker`). Every
message leaves an AgentRun row, so the central node sees queued, running, completed and refused jobs.
"""
