{% macro last_meaningful_days_sql(days, before_date, join_sql='', where_sql='') %}
    {#- One row per account and user of the user days `days` (int_user_account_days) with a
        meaningful day before `before_date`: the latest such day (last_active_date). The one
        aggregate of int_user_last_active_days' three branches (a full build, the accounts it
        recomputes, the days it rolls forward): `join_sql` joins the rows it keeps (alias
        user_days), `where_sql` adds conditions ("and ..."). A macro rather than one query with
        an OR of the branches' filters: that plan read the user days slower (sixth round). -#}
    select
        user_days.account_id,
        user_days.user_id,
        max(user_days.activity_date) as last_active_date
    from {{ days }} as user_days
    {{ join_sql }}
    where user_days.count_meaningful_events > 0 and user_days.activity_date < {{ before_date }}
        {{ where_sql }}
    group by user_days.account_id, user_days.user_id
{%- endmacro %}
