{% macro feature_use_sql(days, before_date, join_sql='', where_sql='') %}
    {#- One row per account and key feature of the feature days `days` (int_user_feature_days)
        with a day before `before_date`: the first and the latest such day (first_used_date,
        last_used_date). The one aggregate of int_account_feature_use's three branches (a full
        build, the accounts it recomputes, the days it rolls forward): `join_sql` joins the rows
        it keeps (alias feature_days), `where_sql` adds conditions ("and ..."). -#}
    select
        feature_days.account_id,
        feature_days.feature,
        min(feature_days.used_date) as first_used_date,
        max(feature_days.used_date) as last_used_date
    from {{ days }} as feature_days
    {{ join_sql }}
    where feature_days.used_date < {{ before_date }}
        {{ where_sql }}
    group by feature_days.account_id, feature_days.feature
{%- endmacro %}
