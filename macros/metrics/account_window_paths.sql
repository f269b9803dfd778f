{% macro account_metric_windows_chained(day_values, user_deltas, windows, rebuilt_days, prior_active) %}
    {#- The windows of int_account_activity_daily for the accounts of `windows`
        (int_account_metric_windows) with a seed (has_seed): one row per such account and day
        from its chain to D (a row on every rebuilt day) with the account_metric_window_columns(),
        the distinct active users (active_users_7d/_30d) and last_active_date. A running sum per
        account, in date order, of the seed (the kept row of the day before the first rebuilt
        day) and the changes since: the days entering and leaving each additive window
        (account_metric_window_changes over day_values), the distinct users' +1/-1 (user_deltas:
        account_id, delta_date, d_users_short, d_users_long), the active days. Only the days the
        chain needs are read, so this is cheap for a few days; every day of a long history would
        be read six times (account_metric_windows_gridded does those). prior_active: the last
        meaningful day per account before its user days (never later than the seed's). -#}
    {%- set columns = account_metric_window_columns() %}
    {%- set zeros = '0, ' * (columns | length) %}
    select
        account_id,
        delta_date as as_of_date,
        {%- for column in columns %}
        sum({{ column.name }}) over all_days as {{ column.name }},
        {%- endfor %}
        sum(d_users_short) over all_days as active_users_7d,
        sum(d_users_long) over all_days as active_users_30d,
        max(active_date) over all_days as last_active_date
    from (
        select
            changes.account_id,
            changes.delta_date,
            {%- for column in columns %}
            sum(changes.{{ column.name }}) as {{ column.name }},
            {%- endfor %}
            sum(changes.d_users_short) as d_users_short,
            sum(changes.d_users_long) as d_users_long,
            max(changes.active_date) as active_date
        from (
            select
                account_id, delta_date, {{ columns | map(attribute='name') | join(', ') }},
                0 as d_users_short, 0 as d_users_long, cast(null as date) as active_date
            from ({{ account_metric_window_changes(day_values, windows) }}) as window_changes
            union all
            select account_id, delta_date, {{ zeros }} d_users_short, d_users_long, cast(null as date)
            from {{ user_deltas }}
            -- the seed, and the last active day before the chain
            union all
            select
                {{ windows }}.account_id,
                {{ windows }}.chain_start_date,
                {%- for column in columns %}
                {{ windows }}.seed_{{ column.name }},
                {%- endfor %}
                0, 0, coalesce({{ windows }}.seed_last_active_date, {{ prior_active }}.activity_date)
            from {{ windows }}
            left join {{ prior_active }}
                on {{ windows }}.account_id = {{ prior_active }}.account_id
            -- the active days (those before the chain are at most the seed's last active day)
            union all
            select account_id, activity_date, {{ zeros }} 0, 0, activity_date
            from {{ day_values }}
            where is_active_day = 1
            union all
            select account_id, as_of_date, {{ zeros }} 0, 0, cast(null as date)
            from {{ rebuilt_days }}
        ) as changes
        inner join {{ windows }}
            on changes.account_id = {{ windows }}.account_id
        where {{ windows }}.has_seed and changes.delta_date <= {{ as_of_date() }}
        group by changes.account_id, changes.delta_date
    ) as changes_per_day
    window all_days as (
        partition by account_id order by delta_date rows between unbounded preceding and current row
    )
{%- endmacro %}

{% macro account_metric_windows_gridded(day_values, user_deltas, windows, prior_active) %}
    {#- The same columns as account_metric_windows_chained for the accounts of `windows` without a
        seed (a full build, a new customer, a gap, a move from further back): one row per such
        account and day from its window_start_date to D. Running totals per account over that
        grid of days (day_values, zero on a day without one; user_deltas; the active days and,
        on the first day, prior_active), and each additive window is the running total `enter`
        days back minus the one `leave` days back (account_metric_window_columns(): the same
        definitions as the chain's changes). -#}
    {%- set columns = account_metric_window_columns() %}
    {%- set values = columns | map(attribute='value') | unique | list %}
    select
        account_id,
        grid_date as as_of_date,
        {%- for column in columns %}
        {{ 'cumulative_' ~ column.value if column.enter | int == 0
            else 'coalesce(lag(cumulative_' ~ column.value ~ ', ' ~ column.enter ~ ') over grid_days, 0)' }}
        - coalesce(lag(cumulative_{{ column.value }}, {{ column.leave }}) over grid_days, 0) as {{ column.name }},
        {%- endfor %}
        active_users_7d,
        active_users_30d,
        last_active_date
    from (
        select
            grid.account_id,
            grid.grid_date,
            {%- for value in values %}
            sum(coalesce({{ day_values }}.{{ value }}, 0)) over all_days as cumulative_{{ value }},
            {%- endfor %}
            sum(coalesce(user_deltas_per_day.d_users_short, 0)) over all_days as active_users_7d,
            sum(coalesce(user_deltas_per_day.d_users_long, 0)) over all_days as active_users_30d,
            max(
                case
                    when {{ day_values }}.is_active_day = 1 then grid.grid_date
                    when grid.grid_date = grid.window_start_date then {{ prior_active }}.activity_date
                end
            ) over all_days as last_active_date
        from (
            select
                {{ windows }}.account_id,
                {{ windows }}.window_start_date,
                cast(calendar.date_day as date) as grid_date
            from {{ windows }}
            inner join (
                {{ dbt.date_spine(
                    datepart='day',
                    start_date=date_add_days(series_start_date(), 1 - account_metrics_reach_days()),
                    end_date=date_add_days(as_of_date(), 1)
                ) }}
            ) as calendar
                on cast(calendar.date_day as date) >= {{ windows }}.window_start_date
            where not {{ windows }}.has_seed
        ) as grid
        left join {{ day_values }}
            on grid.account_id = {{ day_values }}.account_id and grid.grid_date = {{ day_values }}.activity_date
        left join (
            select account_id, delta_date, sum(d_users_short) as d_users_short, sum(d_users_long) as d_users_long
            from {{ user_deltas }}
            group by account_id, delta_date
        ) as user_deltas_per_day
            on grid.account_id = user_deltas_per_day.account_id and grid.grid_date = user_deltas_per_day.delta_date
        left join {{ prior_active }}
            on grid.account_id = {{ prior_active }}.account_id
        window all_days as (
            partition by grid.account_id order by grid.grid_date rows between unbounded preceding and current row
        )
    ) as cumulative
    window grid_days as (partition by account_id order by grid_date)
{%- endmacro %}
