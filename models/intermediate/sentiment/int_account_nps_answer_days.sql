-- One row per account and day with a valid NPS answer at or before D: the last answer of that
-- day, which holds until the account's next day with an answer (valid_to_date, null for the
-- latest). A response without an account belongs to the user's account at the time it was
-- submitted. Scores outside 0..10 never count. int_account_nps_daily spreads it over the
-- customer days; int_account_score_state fingerprints it per account. A table (a few rows per
-- account), so the users' memberships it reads are computed once per run, not by each reader.
{%- set nps_relation = ref('stg_surveys__nps_responses') %}
with

-- the memberships of the users with an answer that names no account, the only ones read below:
-- group_memberships_sql() (as int_user_group_memberships computes them) over those users' group
-- calls only. Its windows are partitioned by user, so leaving the other users out first changes no
-- row kept; the whole view ranked every user's calls (most users answer no survey), and as the
-- history grows so do the calls.
memberships as (

    {{ group_memberships_sql(
        ref('stg_segment__groups'),
        'select unattributed.user_id from ' ~ nps_relation ~ ' as unattributed where unattributed.account_id is null'
    ) }}

),

responses as (

    select
        coalesce(nps.account_id, memberships.account_id) as account_id,
        nps.response_id,
        nps.nps_score,
        nps.submitted_at,
        cast(nps.submitted_at as date) as submitted_date
    from {{ nps_relation }} as nps
    left join memberships
        on
            nps.account_id is null
            and nps.user_id = memberships.user_id
            and (memberships.valid_to_at is null or nps.submitted_at < memberships.valid_to_at)
            and (nps.submitted_at >= memberships.valid_from_at or memberships.membership_number = 1)
            and memberships.valid_from_at <= {{ as_of_end_at() }}
    where
        nps.is_valid_score
        and nps.submitted_at <= {{ as_of_end_at() }}

),

sequenced as (

    select
        account_id,
        nps_score,
        submitted_date,
        row_number() over (
            partition by account_id, submitted_date order by submitted_at desc, response_id desc
        ) as day_rank
    from responses
    where account_id is not null

),

answer_days as (

    -- the last answer of each day holds until the next day with an answer
    select
        account_id,
        nps_score,
        submitted_date as valid_from_date,
        lead(submitted_date) over (partition by account_id order by submitted_date) as valid_to_date
    from sequenced
    where day_rank = 1

)

select * from answer_days
