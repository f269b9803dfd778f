{% macro running_totals_on_days(changes, days, columns) %}
    {#- A count kept as a timeline of changes, read on given days: one row per row of the
        CTE `days` (account_id, as_of_date) with, for each name in `columns`, the sum of that
        column of the CTE `changes` (account_id, delta_date and one +n/-n column per name)
        over every change dated up to the day (and up to as_of_date). Each day joins the
        timeline as a zero change, so it gets a row to carry the running values. The support,
        billing, features, milestones and quiet users' parts of int_account_daily_metrics read
        it on the days that model rebuilds. -#}
    {%- if columns | length == 0 -%}
        {{ exceptions.raise_compiler_error("running_totals_on_days: name at least one column of " ~ changes) }}
    {%- endif %}
    select
        {{ days }}.account_id,
        {{ days }}.as_of_date,
        {%- for column in columns %}
        running.{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ days }}
    inner join (
        select
            account_id,
            delta_date,
            {%- for column in columns %}
            sum({{ column }}) over running_window as {{ column }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        from (
            select
                account_id,
                delta_date,
                {%- for column in columns %}
                sum({{ column }}) as {{ column }}{% if not loop.last %},{% endif %}
                {%- endfor %}
            from (
                select
                    account_id,
                    delta_date,
                    {%- for column in columns %}
                    {{ column }}{% if not loop.last %},{% endif %}
                    {%- endfor %}
                from {{ changes }}
                union all
                select
                    account_id,
                    as_of_date,
                    {%- for column in columns %}
                    0{% if not loop.last %},{% endif %}
                    {%- endfor %}
                from {{ days }}
            ) as timeline
            where delta_date <= {{ as_of_date() }}
            group by account_id, delta_date
        ) as per_day
        window running_window as (
            partition by account_id order by delta_date rows between unbounded preceding and current row
        )
    ) as running
        on
            {{ days }}.account_id = running.account_id
            and {{ days }}.as_of_date = running.delta_date
{%- endmacro %}
