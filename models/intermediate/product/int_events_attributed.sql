{{ config(materialized='view') }}
-- Every signed-in event at or before D 23:59:59.999 (deduplicated in staging), with its
-- account: context_group_id when present; else the user's membership at the event's
-- time; before a user's first membership, that first membership. account_id is null when
-- none applies. is_known_account says whether the CRM knows the account; a context
-- account unknown to the CRM stays unknown even when the user's memberships point at a
-- known one. int_events_mapped_to_accounts keeps the known ones; data_quality_issues
-- counts the rest.
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
            and (events.event_at >= memberships.valid_from_at or memberships.membership_number = 1)

),

accounts as (

    select account_id from {{ ref('stg_crm__accounts') }}

),

final as (

    select
        attributed.event_id,
        attributed.account_id,
        attributed.user_id,
        attributed.context_account_id,
        attributed.event_name,
        attributed.event_at,
        attributed.event_date,
        attributed.received_at,
        accounts.account_id is not null as is_known_account
    from attributed
    left join accounts
        on attributed.account_id = accounts.account_id

)

select * from final
