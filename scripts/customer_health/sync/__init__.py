"""Reverse-ETL: push the customer health export model from the warehouse into the CRM.

Modules, one job each (shared ones sit at the package top: customer_health.warehouse reads the
export, credentials redacts secrets, values/retry/httpclient/freshness serve the digest too):
- config: load and check scripts/sync_crm.yml.
- state: the sync's state, log and run tables.
- plan: decide which records changed since the CRM last accepted them.
- outcome: what one batch sent to a CRM came back with (accepted, rejected and why).
- salesforce / hubspot: one destination each (check fields, send batches, read results).
- sync: run one sync end to end, persisting after every batch; cli: `health-sync`.
"""
