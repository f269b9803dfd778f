"""Reverse-ETL: push the customer health export model from the warehouse into the CRM.

Modules, one job each:
- config: load and check scripts/sync_crm.yml.
- credentials: read credentials from the environment; redact secrets from every log line.
- warehouse: read the export model; keep the sync's state, log and run tables.
- values: value kinds, canonical forms for change detection, truncation.
- plan: decide which records changed since the CRM last accepted them.
- retry / httpclient: exponential backoff with jitter; a requests session with timeouts.
- outcome: what one batch sent to a CRM came back with (accepted, rejected and why).
- salesforce / hubspot: one destination each (check fields, send batches, read results).
- sync: run one sync end to end, persisting after every batch; cli: `scripts/sync_crm.py`.
- digest / slack / digest_cli: the Slack digest (`scripts/slack_digest.py`).
"""
