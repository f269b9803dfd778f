-- Every event that counts on D, attributed to its account and joined to the catalog.
-- Counts: deduplicated (staging), signed-in user, timestamp at or before D 23:59:59.999.
-- Account: context_group_id when present; else the user's membership at the event's time;
-- before a user's first membership, that first membership. Accounts unknown to the CRM are
-- left out (also when the user's memberships point at a known one); data_quality_issues
-- counts what is left out here.
with

events as (

    select
        event_id,
        user_id,
        context_account_id,
        event_name,
        event_at,
        event_date,
        received_at
    from {{ ref('stg_segment__tracks') }}
    where
        user_id is not null
        and event_at <= {{ as_of_end_at() }}

),

memberships as (

    select * from {{ ref('int_user_group_memberships') }}

),

attributed as (

    select
        events.*,
        coalesce(events.context_account_id, memberships.account_id) as account_id
    from events
    left join memberships
        on
            events.context_account_id is null
            and events.user_id = memberships.user_id
            and (memberships.valid_to_at is null or events.event_at < memberships.valid_to_at)
            and (memberships.valid_from_at <= events.event_at or memberships.membership_number = 1)

),

accounts as (

    select account_id from {{ ref('stg_crm__accounts') }}

),

catalog as (

    select * from {{ ref('int_event_catalog') }}

),

mapped as (

    select
        -- ids
        attributed.event_id,
        attributed.account_id,
        attributed.user_id,

        -- event
        attributed.event_name,
        catalog.feature,
        coalesce(catalog.weight, 0) as weight,
        coalesce(catalog.is_meaningful, false) as is_meaningful,
        catalog.event_name is not null as is_in_catalog,

        -- timestamps
        attributed.event_at,
        attributed.event_date,
        attributed.received_at

    from attributed
    inner join accounts
        on attributed.account_id = accounts.account_id
    left join catalog
        on attributed.event_name = catalog.event_name

)

select * from mapped
