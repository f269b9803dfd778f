{#-
    The horizon of int_user_last_active_days, the running state of each user's latest
    meaningful day per account (macros/incremental/user_last_active_state.sql): the state
    covers the days before it, its readers read int_user_account_days from it on.
-#}
{% macro user_state_horizon_days() %}
    {#- How many days up to D (D included) the readers of int_user_last_active_days read from
        int_user_account_days themselves. At least the user-level reach of
        int_account_daily_metrics plus 14 days, so that a rebuilt day up to 14 days back (late
        loads, moved users) still takes its prior active users from the state. -#}
    {{ return(account_metrics_user_reach_days() + 14) }}
{% endmacro %}

{% macro user_state_horizon_str() %}
    {#- The first day the readers of int_user_last_active_days read from int_user_account_days
        (ISO date): the state covers the days before it. -#}
    {%- set horizon = modules.datetime.date.fromisoformat(as_of_date_str())
        - modules.datetime.timedelta(days=user_state_horizon_days() - 1) -%}
    {{ return(horizon.isoformat()) }}
{% endmacro %}

{% macro user_state_horizon_date() %}
    {#- user_state_horizon_str() as a SQL date literal. -#}
    cast('{{ user_state_horizon_str() }}' as date)
{%- endmacro %}

