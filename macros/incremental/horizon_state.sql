{% macro horizon_state_ctes(days, alias, date_column, key_column, aggregate_macro, merged_columns, name='state') %}
    {#- The CTEs of a running state "before the user-state horizon" (int_user_last_active_days,
        int_account_feature_use), up to the CTE `name`: one row per account and `key_column` of the
        days `days` (alias `alias`, day column `date_column`) aggregated by `aggregate_macro`
        (called as aggregate_macro(days, before_date, join_sql=..., where_sql=...)), whose
        columns besides account_id and `key_column` are `merged_columns`, a list of
        (column, 'min' or 'max'). The caller opens the `with` and follows with its own CTEs.

        Incremental: `days` logs, per run, each account's first rebuilt day (or a rebuild of
        every row; user_day_change_log). An account whose rows changed before the horizon is
        recomputed from all its days (its rows can have gone, so a min can move later and a max
        earlier); every other account's rows before the last build's horizon are as they were,
        and the days the horizon passed since are added to the kept row by min/max per column.
        On a full build, or when every row was rebuilt, all of it. -#}
    {%- for column, how in merged_columns if how not in ('min', 'max') %}
        {{ exceptions.raise_compiler_error(
            "horizon_state_ctes: merged column " ~ column ~ " has '" ~ how ~ "'; use 'min' or 'max'."
        ) }}
    {%- endfor %}
    {%- set previous = user_state_previous(days) %}
    {%- set horizon = user_state_horizon_date() %}
    {%- if previous.full %}

    {{ name }} as (

        {{ aggregate_macro(days, horizon) }}

    ),
    {%- else %}

    -- the accounts whose rows changed before the horizon since the last build: all their days again
    changed_accounts as (

        select distinct changed.account_id
        from {{ user_day_change_log(days) }} as changed
        where changed.account_id is not null and changed.from_date < {{ horizon }}

    ),

    recomputed as (

        {{ aggregate_macro(
            days, horizon,
            join_sql='inner join changed_accounts on ' ~ alias ~ '.account_id = changed_accounts.account_id'
        ) }}

    ),

    -- the other accounts: the days from the last build's horizon up to this one's, later than
    -- any day the kept rows hold
    rolled_forward as (

        {{ aggregate_macro(
            days, horizon,
            where_sql='and ' ~ alias ~ '.' ~ date_column ~ ' >= ' ~ previous.from_date
            ~ ' and ' ~ alias ~ '.account_id not in (select changed_accounts.account_id from changed_accounts)'
        ) }}

    ),

    {{ name }} as (

        select * from recomputed
        union all
        -- a kept row holds the days before the last build's horizon: an earlier min and (when that
        -- horizon is unknown because the build wrote no row) possibly a later max
        select
            rolled_forward.account_id,
            rolled_forward.{{ key_column }},
            {%- for column, how in merged_columns %}
            case
                when kept.{{ column }} {{ '<' if how == 'min' else '>' }} rolled_forward.{{ column }}
                    then kept.{{ column }}
                else rolled_forward.{{ column }}
            end as {{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
        from rolled_forward
        left join {{ this }} as kept
            on
                rolled_forward.account_id = kept.account_id
                and rolled_forward.{{ key_column }} = kept.{{ key_column }}

    ),
    {%- endif %}
{%- endmacro %}
