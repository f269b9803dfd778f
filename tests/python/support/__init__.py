"""Shared test helpers and fakes: HTTPS fakes of Salesforce, HubSpot and Slack, a throwaway
PostgreSQL cluster, TLS certificates, the dbt project and sync harnesses, the contract reference."""
