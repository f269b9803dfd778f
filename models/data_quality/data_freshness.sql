-- One row: how far as_of_date lies past the latest loaded event. A date far past the data
-- (a typo, a far-future date, a loader that stopped) scores every account as inactive
-- without any error. More than var('stale_data_warn_days') days: dbt build warns (the test
-- as_of_date_is_near_the_loaded_events, and warn_if_stale() at the end of the run names the
-- dates), and the CRM sync and the Slack digest refuse to send the scores unless forced.
with

latest_event as (

    -- events not in the future on D, whoever and wherever they belong to
    select max(event_date) as latest_event_date
    from {{ ref('int_events_attributed') }}
    where due_date <= {{ as_of_date() }}

),

final as (

    select
        {{ as_of_date() }} as as_of_date,
        latest_event_date,
        cast({{ days_between('latest_event_date', as_of_date()) }} as integer) as days_since_latest_event,
        cast({{ var('stale_data_warn_days') }} as integer) as stale_data_warn_days,
        coalesce(
            {{ days_between('latest_event_date', as_of_date()) }} > {{ var('stale_data_warn_days') }}, true
        ) as is_stale
    from latest_event

)

select * from final
