{#-
    Engines that cannot delete rows (Spark over parquet) keep an incremental account-day table
    up to date by replacing whole date partitions: dbt-spark's insert_overwrite strategy with
    partition_by, which sets spark.sql.sources.partitionOverwriteMode = DYNAMIC itself, so a
    run replaces exactly the dates its select returns rows for and keeps every other date.
    Dynamic mode also lets the select read the table it overwrites (Spark writes to a staging
    directory and swaps the partitions in at commit; SPARK-30112), so a model's bookkeeping
    reads of {{ this }} see the rows as they were before the run.
    What that asks of a model (whole_dates_scope() and kept_rows_of_rebuilt_dates() in
    whole_date_scope.sql): every date it returns must be returned whole, for every account,
    since the partition is replaced whole; a row that must disappear (a day no longer a customer
    day) disappears by rebuilding its date, or by dropping its partition when the date left the
    table's window (the pre-hooks). Everywhere else (DuckDB, PostgreSQL) delete+insert, as before.
-#}

{% macro replaces_whole_dates() %}
    {#- True where an incremental table is kept up to date by replacing whole date partitions. -#}
    {{ return(adapter.dispatch('replaces_whole_dates', 'customer_health')()) }}
{% endmacro %}

{% macro default__replaces_whole_dates() %}{{ return(false) }}{% endmacro %}

{% macro spark__replaces_whole_dates() %}{{ return(true) }}{% endmacro %}

{% macro incremental_strategy(elsewhere='delete+insert') %}
    {#- The incremental_strategy config of the date-partitioned incremental models: insert_overwrite
        where whole dates are replaced, else `elsewhere` (a model whose pre-hook deletes what it
        rebuilds appends: 'append'). -#}
    {{ return('insert_overwrite' if replaces_whole_dates() else elsewhere) }}
{% endmacro %}

{% macro date_partitions(date_column) %}
    {#- The partition_by config of a date-partitioned incremental model: its date column where
        whole dates are replaced, none elsewhere (no partitioning, nothing changes). -#}
    {{ return([date_column] if replaces_whole_dates() else none) }}
{% endmacro %}
