"""Load scripts/sync_crm.yml into typed settings, with clear messages for mistakes."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from customer_health.errors import ConfigError
from customer_health.paths import PROJECT_ROOT, SCRIPTS_DIR  # noqa: F401  (PROJECT_ROOT: for importers)
from customer_health.retry import RetrySettings
from customer_health.warehouse import check_identifier, check_relation

DEFAULT_CONFIG = SCRIPTS_DIR / "sync_crm.yml"


@dataclass(frozen=True)
class WarehouseSettings:
    export_relation: str = "marts.account_health_crm_export"
    freshness_relation: str = "data_quality.data_freshness"
    state_schema: str = "reverse_etl"
    key_column: str = "account_id"
    crm_id_column: str = "crm_id"
    name_column: str = "account_name"


@dataclass(frozen=True)
class SalesforceSettings:
    object: str = "Account"
    api_version: str = "62.0"
    match_mode: str = "id"
    external_id_field: str = "Health_Account_Key__c"
    external_id_column: str = "account_id"
    send_without_crm_id: bool = False
    collections_batch_size: int = 200
    bulk_threshold: int = 2000
    bulk_job_size: int = 10000
    bulk_poll_seconds: float = 5.0
    bulk_timeout_seconds: float = 3600.0
    api_usage_max_share: float = 0.8
    truncation_marker: str = " […]"
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HubSpotSettings:
    object: str = "companies"
    api_base: str = "https://api.hubapi.com"
    match_mode: str = "id"
    id_property: str = "health_account_key"
    id_property_column: str = "account_id"
    batch_size: int = 100
    api_usage_max_share: float = 0.8
    truncation_marker: str = " […]"
    max_text_length: int = 65536
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    warehouse: WarehouseSettings
    retry: RetrySettings
    salesforce: SalesforceSettings
    hubspot: HubSpotSettings
    path: Path


def _section(raw: dict[str, Any], name: str) -> dict[str, Any]:
    value = raw.get(name) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"The '{name}' section of the sync configuration must be a mapping.")
    return value


def _build(cls: type, values: dict[str, Any], where: str) -> Any:
    known = set(cls.__dataclass_fields__)
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"Unknown key(s) {', '.join(unknown)} in the '{where}' section of the sync configuration.")
    try:
        return cls(**values)
    except TypeError as exc:
        raise ConfigError(f"The '{where}' section of the sync configuration is invalid: {exc}.") from None


def _flatten_match(values: dict[str, Any], where: str) -> dict[str, Any]:
    values = dict(values)
    match = values.pop("match", None) or {}
    if not isinstance(match, dict):
        raise ConfigError(f"'{where}.match' must be a mapping.")
    for key, value in match.items():
        values["match_mode" if key == "mode" else key] = value
    return values


def load_settings(path: Path | None = None) -> Settings:
    """Read the YAML file (default: scripts/sync_crm.yml) and check it."""
    path = Path(path) if path else DEFAULT_CONFIG
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"The sync configuration file {path} does not exist.") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"The sync configuration file {path} is not valid YAML ({exc.__class__.__name__}).") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"The sync configuration file {path} must contain a mapping.")
    warehouse = _build(WarehouseSettings, _section(raw, "warehouse"), "warehouse")
    retry = _build(RetrySettings, _section(raw, "retry"), "retry")
    salesforce = _build(SalesforceSettings, _flatten_match(_section(raw, "salesforce"), "salesforce"), "salesforce")
    hubspot = _build(HubSpotSettings, _flatten_match(_section(raw, "hubspot"), "hubspot"), "hubspot")

    check_relation(warehouse.export_relation)
    check_relation(warehouse.freshness_relation)
    check_identifier(warehouse.state_schema, "State schema")
    for column in (warehouse.key_column, warehouse.crm_id_column, warehouse.name_column):
        check_identifier(column, "Column")
    if salesforce.match_mode not in ("id", "external_id"):
        raise ConfigError("salesforce.match.mode must be 'id' or 'external_id'.")
    if hubspot.match_mode not in ("id", "id_property"):
        raise ConfigError("hubspot.match.mode must be 'id' or 'id_property'.")
    if not 1 <= salesforce.collections_batch_size <= 200:
        raise ConfigError("salesforce.collections_batch_size must be between 1 and 200 (the sObject Collections limit).")
    if not 1 <= hubspot.batch_size <= 100:
        raise ConfigError("hubspot.batch_size must be between 1 and 100 (the batch update limit).")
    if retry.max_attempts < 1 or retry.lock_retry_attempts < 1:
        raise ConfigError("retry.max_attempts and retry.lock_retry_attempts must be at least 1.")
    for name, mapping in (("salesforce", salesforce.fields), ("hubspot", hubspot.fields)):
        if not isinstance(mapping, dict) or not mapping:
            raise ConfigError(f"{name}.fields must map mart columns to CRM fields.")
        for column, target in mapping.items():
            check_identifier(str(column), "Mapped column")
            if not isinstance(target, str) or not target:
                raise ConfigError(f"{name}.fields.{column} must name a CRM field.")
        targets = list(mapping.values())
        if len(set(targets)) != len(targets):
            raise ConfigError(f"{name}.fields maps two columns to the same CRM field.")
    return Settings(warehouse=warehouse, retry=retry, salesforce=salesforce, hubspot=hubspot, path=path)
