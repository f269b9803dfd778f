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
