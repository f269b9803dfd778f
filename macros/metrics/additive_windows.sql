{% macro account_metric_window_columns() %}
    {#- The additive windows of int_account_daily_metrics: sums over days, which a day's value
        enters `enter` days after it and leaves `leave` days after it (the window of day d holds
        the days d - leave + 1 .. d - enter). `name` is the running column (points in whole
        millionths), `value` the per-account-day value it sums, `stored` the model's column
        that holds it (sum_points_* as millionths / 1e6). Distinct users are not additive and
        are not here. -#}
    {%- set long_w = var('window_long_days') %}
    {%- set recent_w = var('baseline_recent_days') %}
    {{ return([
        {'name': 'micro_points_30d', 'value': 'sum_micro_points', 'stored': 'sum_points_30d',
         'enter': 0, 'leave': long_w},
        {'name': 'micro_points_prior_30d', 'value': 'sum_micro_points', 'stored': 'sum_points_prior_30d',
         'enter': long_w, 'leave': 2 * long_w},
        {'name': 'micro_points_60d', 'value': 'sum_micro_points', 'stored': 'sum_points_60d',
         'enter': 0, 'leave': var('champion_lookback_days')},
        {'name': 'micro_points_recent', 'value': 'sum_micro_points', 'stored': 'sum_points_recent',
         'enter': 0, 'leave': recent_w},
        {'name': 'micro_points_baseline', 'value': 'sum_micro_points', 'stored': 'sum_points_baseline',
         'enter': recent_w, 'leave': recent_w + var('baseline_days')},
        {'name': 'meaningful_events_30d', 'value': 'count_meaningful_events', 'stored': 'count_meaningful_events_30d',
         'enter': 0, 'leave': long_w},
        {'name': 'active_days_28d', 'value': 'is_active_day', 'stored': 'count_active_days_28d',
         'enter': 0, 'leave': var('frequency_window_days')}
    ]) }}
{% endmacro %}

{% macro account_metric_window_offsets() %}
    {#- Every day offset at which a day's value enters or leaves one of the additive windows,
        ascending (0 included). -#}
    {%- set offsets = [] %}
    {%- for column in account_metric_window_columns() %}
        {%- do offsets.append(column.enter | int) %}
        {%- do offsets.append(column.leave | int) %}
    {%- endfor %}
    {{ return(offsets | unique | sort) }}
{% endmacro %}

{% macro account_metrics_seeded_chain_days() %}
    {#- An account rebuilt from at most this many days before D (D included) starts its additive
        windows from the kept row of the day before (int_account_metric_windows); from further back
        it reads every day of its windows, as a full build does. Both give the same sums; past a
        month of days the chain reads about as many days as the windows themselves. -#}
    {{ return(var('window_long_days')) }}
{% endmacro %}

{% macro is_account_metric_window_day(date_expr, windows) %}
    {#- True when the day date_expr (of an account of `windows`, int_account_metric_windows) has a
        value that enters or leaves one of the additive windows on a day from the account's
        chain_start_date to D: the only days the activity part needs. Without a seed every day
        from the window start qualifies (said first, so the offsets are not evaluated). -#}
    (
        {{ date_expr }} >= {{ windows }}.values_start_date
        and (
            not {{ windows }}.has_seed
        {%- for offset in account_metric_window_offsets() %}
            or (
                {{ date_expr }} >= {{ date_add_days(windows ~ '.chain_start_date', -offset) }}
                and {{ date_expr }} <= {{ date_add_days(as_of_date(), -offset) }}
            )
        {%- endfor %}
        )
    )
{%- endmacro %}

{% macro account_metric_window_changes(values_cte, windows) %}
    {#- Rows per account of `windows` (int_account_metric_windows) and day from its
        chain_start_date to D on which an additive window changes (several a day: the caller
        sums them per day), with the change of each
        account_metric_window_columns() column: + the value of the day entering it, - the value
        of the day leaving it. values_cte holds one row per account and day (activity_date) with
        the columns' values, from the account's values_start_date on. The window of day d is
        then the seed (the kept row of chain_start_date - 1, or zero) plus the changes up to d:
        W(d) = W(d0 - 1) + sum of the days entering in d0 .. d - sum of those leaving. With a zero
        seed and chain_start_date = values_start_date this is the sum over the window's own days
        (days before values_start_date count as empty), so one formula serves both paths. -#}
    {%- set columns = account_metric_window_columns() %}
    {%- for offset in account_metric_window_offsets() %}
        {{ 'union all' if not loop.first }}
        select
            day_values.account_id,
            {{ date_add_days('day_values.activity_date', offset) }} as delta_date,
            {%- for column in columns %}
                {%- if column.enter | int == offset and column.leave | int != offset %}
            day_values.{{ column.value }} as {{ column.name }}
                {%- elif column.leave | int == offset and column.enter | int != offset %}
            -day_values.{{ column.value }} as {{ column.name }}
                {%- else %}
            0 as {{ column.name }}
                {%- endif %}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ values_cte }} as day_values
        inner join {{ windows }}
            on day_values.account_id = {{ windows }}.account_id
        where
            day_values.activity_date >= {{ windows }}.values_start_date
            and {{ date_add_days('day_values.activity_date', offset) }} >= {{ windows }}.chain_start_date
            and {{ date_add_days('day_values.activity_date', offset) }} <= {{ as_of_date() }}
    {%- endfor %}
{%- endmacro %}
