"""Reverse-ETL: push the customer health export model from the warehouse into the CRM.

Modules, one job each:
- config: load and check the YAML beside the scripts.
- credentials: read credentials from the environment; redact secrets from every log line.
- warehouse: read the export model; keep the sync's state, log and run tables.
- values: value kinds, canonical forms for change detection, truncation.
- plan: decide which records changed since the CRM last accepted them.
- retry: exponential backoff with jitter.
- salesforce / hubspot: one destination each (validate fields, send batches, read results).
- sync: run one sync end to end and persist after every batch.
- cli: `python scripts/sync_crm.py ...`.
- digest: the Slack digest (`python scripts/slack_digest.py ...`).
"""
