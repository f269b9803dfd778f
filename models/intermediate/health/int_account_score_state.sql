-- One row per CRM account: the score inputs that do not come from int_account_daily_metrics
-- and can change in place on any past day, as of D, and one fingerprint of them all:
--   contract_start_date   tenure_days on every day
--   first_invoice_date    has_invoices (the billing component is scored from that day on)
--   first_ticket_date     has_tickets (the help desk's first ticket, the same for every account)
--   seats                 with subscriptions: every subscription started by D (seats, start, end),
--                         as int_account_seats_daily sums them; without: crm.accounts.seats
--   NPS                   every answer day (int_account_nps_answer_days), as int_account_nps_daily
--                         spreads them
-- A change to any of them changes state_fingerprint, so int_account_health_component_scores
-- compares stored days with the inputs only for the accounts whose fingerprint moved.
-- A table (one row per account): its ordered aggregates are computed once per run, not again by
-- each reader (the inputs view, the curves and their change detection).
{#- both seat inputs named here, whichever branch below reads them, so the lineage is the same -#}
{%- set subscriptions_relation = ref('stg_billing__subscriptions') %}
{%- set text = dbt.type_string() %}
with

accounts as (

    select
        account_id,
        contract_start_date,
        licensed_seats
    from {{ ref('stg_crm__accounts') }}

),

first_invoices as (

    select
        account_id,
        min(issued_date) as first_invoice_date
    from {{ ref('stg_billing__invoices') }}
    where not is_void
    group by account_id

),

-- the first day the help desk has any ticket: before it (or without support.tickets at all)
-- there is no support data and the support component drops out, as sentiment and billing do
first_ticket as (

    select min(cast(created_at as date)) as first_ticket_date
    from {{ ref('stg_support__tickets') }}

),

seat_states as (

    {% if using_subscriptions() -%}
        select
            account_id,
            {{ fingerprint_agg('row_text') }} as seats_fingerprint
        from (
            select
                account_id,
                {{ row_fingerprint(['started_date', 'ended_date', 'seats']) }} as row_text
            from {{ subscriptions_relation }}
            where started_date <= {{ as_of_date() }}
        ) as subscription_rows
        group by account_id
    {%- else -%}
        select
            account_id,
            cast(coalesce(cast(licensed_seats as {{ text }}), '~') as {{ text }}) as seats_fingerprint
        from accounts
    {%- endif %}

),

nps_states as (

    select
        account_id,
        {{ fingerprint_agg('row_text') }} as nps_fingerprint
    from (
        select
            account_id,
            {{ row_fingerprint(['valid_from_date', 'nps_score']) }} as row_text
        from {{ ref('int_account_nps_answer_days') }}
    ) as answer_rows
    group by account_id

),

final as (

    select
        accounts.account_id,
        accounts.contract_start_date,
        first_invoices.first_invoice_date,
        first_ticket.first_ticket_date,
        cast({{ dbt.hash(row_fingerprint([
            'accounts.contract_start_date', 'first_invoices.first_invoice_date', 'first_ticket.first_ticket_date',
            'seat_states.seats_fingerprint', 'nps_states.nps_fingerprint'
        ])) }} as {{ text }}) as state_fingerprint
    from accounts
    cross join first_ticket
    left join first_invoices
        on accounts.account_id = first_invoices.account_id
    left join seat_states
        on accounts.account_id = seat_states.account_id
    left join nps_states
        on accounts.account_id = nps_states.account_id

)

select * from final
