{% macro score_version_sql(weights_relation) %}
    {#- A short hash of the component weights and the scoring thresholds: when the
        configuration changes, every row shows a new score_version. The vars are the 'score'
        ones of rebuild_vars() (macros/incremental/rebuild_vars.sql). -#}
    select
        substring(
            {{ dbt.hash(dbt.concat([
                dbt.listagg(
                    dbt.concat(["coalesce(scorecard, 'established')", "':'", 'component', "'='", 'cast(cast(weight as decimal(18, 6)) as ' ~ dbt.type_string() ~ ')']),
                    "','",
                    "order by coalesce(scorecard, 'established'), component"
                ),
                "'|" ~ rebuild_vars_text('score') ~ "'"
            ])) }},
            1, 12
        ) as score_version
    from {{ weights_relation }}
{%- endmacro %}
