{% macro coverage_deltas(activity_cte, partition_by, member, date_column, window_days) %}
    {#-
        For "distinct members with activity in the trailing window of window_days days",
        emit one row per (partition, change date) with the change in that count: +1 on the
        day a member's coverage starts, -1 on the day after it ends. A member active on day a
        covers days a .. a + window_days - 1; nearby activity days merge into one run.
        The running sum of `delta` up to day d equals the distinct members active in
        d - window_days + 1 .. d, without a date x member cross join.
        activity_cte must hold at most one row per (partition, member, date).
    -#}
    {%- if window_days | int < 1 -%}
        {{ exceptions.raise_compiler_error("coverage_deltas: window_days must be a whole number of days >= 1, got " ~ window_days) }}
    {%- endif -%}
    with ordered as (
        select
            {{ partition_by }},
            {{ member }},
            {{ date_column }} as activity_date,
            lag({{ date_column }}) over (
                partition by {{ partition_by }}, {{ member }} order by {{ date_column }}
            ) as previous_date,
            lead({{ date_column }}) over (
                partition by {{ partition_by }}, {{ member }} order by {{ date_column }}
            ) as next_date
        from {{ activity_cte }}
    ),

    starts as (
        select {{ partition_by }}, activity_date as delta_date, 1 as delta
        from ordered
        where previous_date is null or {{ days_between('previous_date', 'activity_date') }} >= {{ window_days }}
    ),

    ends as (
        select {{ partition_by }}, {{ date_add_days('activity_date', window_days) }} as delta_date, -1 as delta
        from ordered
        where next_date is null or {{ days_between('activity_date', 'next_date') }} >= {{ window_days }}
    )

    select {{ partition_by }}, delta_date, sum(delta) as delta
    from (
        select * from starts
        union all
        select * from ends
    ) as changes
    group by {{ partition_by }}, delta_date
{%- endmacro %}

{% macro coverage_deltas_from_sequence(sequence_cte, partition_by, date_column, window_days) %}
    {#-
        coverage_deltas for activity already in order: sequence_cte holds one row per
        (partition, member, date) with the member's previous_date and next_date, so several
        window lengths can share one sort.
    -#}
    {%- if window_days | int < 1 -%}
        {{ exceptions.raise_compiler_error("coverage_deltas_from_sequence: window_days must be a whole number of days >= 1, got " ~ window_days) }}
    {%- endif -%}
    select {{ partition_by }}, delta_date, sum(delta) as delta
    from (
        select {{ partition_by }}, {{ date_column }} as delta_date, 1 as delta
        from {{ sequence_cte }}
        where previous_date is null or {{ days_between('previous_date', date_column) }} >= {{ window_days }}
        union all
        select {{ partition_by }}, {{ date_add_days(date_column, window_days) }} as delta_date, -1 as delta
        from {{ sequence_cte }}
        where next_date is null or {{ days_between(date_column, 'next_date') }} >= {{ window_days }}
    ) as changes
    group by {{ partition_by }}, delta_date
{%- endmacro %}

{% macro account_metrics_reach_days() %}
    {#- How many days back a day of int_account_daily_metrics looks, that day included: the
        longest of its windows (30 days and the 30 before them, the quiet users' lookback,
        active days, 7 days, the recent days and their baseline). A rebuilt day's windows
        start this many days before it, plus one. -#}
    {{ return([
        2 * var('window_long_days'), var('champion_lookback_days'), var('frequency_window_days'),
        var('window_short_days'), var('baseline_recent_days') + var('baseline_days')
    ] | max) }}
{% endmacro %}

{% macro account_metrics_user_reach_days() %}
    {#- How many days back a day of int_account_daily_metrics looks at user-level rows, that day
        included: the windows that count distinct users, active days, events or quiet users
        (7 and 30 days, active days, the quiet users' lookback, the 30 days of points). Only the
        points windows reach further (the prior 30 days, the baseline): for the days before
        these, int_account_metric_early_points reads the account's points per day. Never more
        than account_metrics_reach_days(). -#}
    {{ return([
        var('champion_lookback_days'), var('window_long_days'), var('frequency_window_days'),
        var('window_short_days')
    ] | max) }}
{% endmacro %}
