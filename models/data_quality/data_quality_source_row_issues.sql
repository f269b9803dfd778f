-- The rows the base_* staging models left out or corrected (each classified once there, under
-- the first kind that applies): one row per kind of data_quality_issues, 0 when clean.
{{ config(materialized='ephemeral') }}
{%- set table_names = data_quality_source_tables() %}
{#- (table, kind, reason) of the rows base_* models leave out or correct -#}
{%- set source_row_kinds = [
    ('accounts', 'missing_account_id', 'Account row has no account_id, so nothing can be joined to it; left out.'),
    ('accounts', 'duplicate_account_id', 'Account id loaded more than once; one row kept (latest contract_start_date, then a crm_id, then the greatest crm_id and name), the others left out.'),
    ('accounts', 'negative_seats', 'Licensed seats below 0 are impossible; read as unknown (null), so seat utilisation is not scored.'),
    ('tickets', 'missing_id', 'Ticket has no ticket_id; left out of support.'),
    ('tickets', 'duplicate_id', 'Ticket id loaded more than once; the latest state is kept (solved over open, latest solved_at, then latest created_at), the others left out.'),
    ('tickets', 'missing_created_at', 'Ticket has no created_at, so it cannot be placed in time; left out of support.'),
    ('tickets', 'solved_before_created', 'Ticket solved before it was created (impossible dates); left out of support.'),
    ('tickets', 'unknown_category', 'Ticket priority, status or satisfaction is not a known value; kept, counted as neither high priority nor a bad rating.'),
    ('nps', 'missing_id', 'NPS response has no response_id; left out of sentiment.'),
    ('nps', 'duplicate_id', 'NPS response id loaded more than once; the first answer (earliest submitted_at) is kept, the others left out.'),
    ('nps', 'missing_submitted_at', 'NPS response has no submitted_at, so it cannot be placed in time; left out of sentiment.'),
    ('invoices', 'missing_id', 'Invoice has no invoice_id; left out of billing.'),
    ('invoices', 'duplicate_id', 'Invoice id loaded more than once; the latest state is kept (paid over unpaid, latest paid, due and issue dates), the others left out.'),
    ('invoices', 'negative_amount', 'Invoice amount below 0 (a credit) is never owed; left out of billing.'),
] %}
with

-- the rows each non-event source loaded, by what base_* found wrong with them
source_rows as (

    select
        '{{ table_names.accounts }}' as source_table,
        exclusion_reason,
        correction
    from {{ ref('base_crm__accounts') }}
    union all
    select
        '{{ table_names.tickets }}',
        exclusion_reason,
        correction
    from {{ ref('base_support__tickets') }}
    union all
    select
        '{{ table_names.nps }}',
        exclusion_reason,
        cast(null as {{ dbt.type_string() }})
    from {{ ref('base_surveys__nps_responses') }}
    union all
    select
        '{{ table_names.invoices }}',
        exclusion_reason,
        cast(null as {{ dbt.type_string() }})
    from {{ ref('base_billing__invoices') }}

),

source_row_kinds as (

    select
        source_table,
        coalesce(exclusion_reason, correction) as kind,
        count(*) as row_count
    from source_rows
    where exclusion_reason is not null or correction is not null
    group by source_table, coalesce(exclusion_reason, correction)

),

kinds as (

    {%- for table, kind, reason in source_row_kinds %}
        {% if not loop.first %}union all{% endif %}
        select
            '{{ table_names[table] }}' as source_table,
            '{{ kind }}' as kind,
            (
                select sum(source_row_kinds.row_count) from source_row_kinds
                where source_row_kinds.source_table = '{{ table_names[table] }}' and source_row_kinds.kind = '{{ kind }}'
            ) as row_count,
            '{{ reason | replace("'", "''") }}' as reason
    {%- endfor %}

)

select * from kinds
