{% macro group_memberships_sql(groups, users=none) %}
    {#- Which account each user belonged to, and from when (int_user_group_memberships): one
        row per user and group call that applies, with valid_from_at, valid_to_at (the user's
        next call) and membership_number. `groups`: the relation of stg_segment__groups.
        `users`: none for every user, or a SQL query of user_id values to compute the
        memberships of those users only (int_events_attributed's incremental run: the users
        of the events it redoes). Every window below is partitioned by user, so leaving other
        users' calls out before the windows changes no row of the users kept: the engine
        cannot push that filter through the windows itself. -#}
    with

    group_calls as (

        select
            user_id,
            account_id,
            grouped_at,
            received_at,
            group_call_id
        from {{ groups }}
        where
            user_id is not null
            and grouped_at is not null
            {%- if users is not none %}
                and user_id in ({{ users }})
            {%- endif %}

    ),

    ranked as (

        select
            *,
            row_number() over (
                partition by user_id, grouped_at
                order by received_at desc nulls last, group_call_id desc nulls last
            ) as tie_rank
        from group_calls

    ),

    memberships as (

        select
            user_id,
            account_id,
            grouped_at as valid_from_at,
            lead(grouped_at) over (partition by user_id order by grouped_at) as valid_to_at,
            row_number() over (partition by user_id order by grouped_at) as membership_number
        from ranked
        where tie_rank = 1

    )

    select * from memberships
{%- endmacro %}

{% macro regrouped_users_sql(groups, cutoff) %}
    {#- The users whose group calls were loaded since `cutoff` (a SQL timestamp), one row per
        user: user_id, user_key (hash_key of user_id), moved_from_at and is_first_call. A group
        call moves its user's events from its timestamp on (valid_from_at in group_memberships_sql):
        an event before it stays in the membership it was in, whose account is unchanged, and the
        first membership (the fallback of earlier events) stays the first. Only a call dated at or
        before the user's first call (a new first membership, or a tie with it) also changes the
        events before it: is_first_call = 1, every event of the user may move. Otherwise
        moved_from_at is the earliest such call's timestamp. A call without a timestamp makes no
        membership and moves nothing. `groups`: the relation of stg_segment__groups. -#}
    select
        regrouped.user_id,
        {{ hash_key('regrouped.user_id') }} as user_key,
        min(case when regrouped.grouped_at > first_calls.first_grouped_at then regrouped.grouped_at end)
            as moved_from_at,
        max(case when regrouped.grouped_at <= first_calls.first_grouped_at then 1 else 0 end) as is_first_call
    from {{ groups }} as regrouped
    inner join (
        -- only those users' first calls: grouping every user's calls cost more than the rest
        select
            user_id,
            min(grouped_at) as first_grouped_at
        from {{ groups }}
        where user_id in (
            select new_calls.user_id from {{ groups }} as new_calls
            where {{ loaded_since(cutoff) }}
        )
        group by user_id
    ) as first_calls
        on regrouped.user_id = first_calls.user_id
    where {{ loaded_since(cutoff) }} and regrouped.grouped_at is not null
    group by regrouped.user_id
{%- endmacro %}
