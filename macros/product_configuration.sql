{% macro product_configuration_problems(event_catalog, activation_milestones, health_score_weights) %}
    {#- The configuration errors in the three product seeds, one sentence each, naming the bad
        value and the fix. A seed that is not loaded yet (dbt compile or docs on a new
        warehouse) is not checked. Returns a list of strings, empty when all is well. -#}
    {%- set problems = [] -%}
    {%- if not execute -%}{{ return(problems) }}{%- endif -%}

    {%- if _relation_is_loaded(event_catalog) -%}
        {%- for row in run_query(
            "select event, count(*) from " ~ event_catalog ~ " group by event having count(*) > 1 order by event"
        ).rows -%}
            {%- if row[0] is none -%}
                {%- do problems.append("seeds/event_catalog.csv has " ~ row[1] ~ " rows without an event name: give each row the event name as in segment.tracks.event, or delete it.") -%}
            {%- else -%}
                {%- do problems.append('seeds/event_catalog.csv lists the event "' ~ row[0] ~ '" ' ~ row[1] ~ " times: keep one row per event (it would count " ~ row[1] ~ " times).") -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for row in run_query(
            "select event, weight from " ~ event_catalog ~ " where weight is null or weight < 0 order by event"
        ).rows -%}
            {%- do problems.append('seeds/event_catalog.csv gives the event "' ~ row[0] ~ '" the weight ' ~ (row[1] if row[1] is not none else "(empty)") ~ ": set it to a number of 0 or more.") -%}
        {%- endfor -%}
        {%- for row in run_query(
            "select event from " ~ event_catalog ~ " where is_meaningful is null order by event"
        ).rows -%}
            {%- do problems.append('seeds/event_catalog.csv leaves is_meaningful empty for the event "' ~ row[0] ~ '": set it to true or false.') -%}
        {%- endfor -%}
    {%- endif -%}

    {%- if _relation_is_loaded(activation_milestones) -%}
        {%- for row in run_query(
            "select milestone, count(*) from " ~ activation_milestones
            ~ " group by milestone having count(*) > 1 or milestone is null order by milestone"
        ).rows -%}
            {%- if row[0] is none -%}
                {%- do problems.append("seeds/activation_milestones.csv has " ~ row[1] ~ " rows without a milestone name: name each milestone, or delete the row.") -%}
            {%- else -%}
                {%- do problems.append('seeds/activation_milestones.csv lists the milestone "' ~ row[0] ~ '" ' ~ row[1] ~ " times: keep one row per milestone.") -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if _relation_is_loaded(event_catalog) -%}
            {%- for row in run_query(
                "select m.milestone, m.event from " ~ activation_milestones ~ " as m left join " ~ event_catalog
                ~ " as c on m.event = c.event where c.event is null order by m.milestone"
            ).rows -%}
                {%- do problems.append('seeds/activation_milestones.csv: the milestone "' ~ row[0] ~ '" names the event "' ~ row[1] ~ '", which is not in seeds/event_catalog.csv (names are case-sensitive): correct the name or add the event to the catalog.') -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}

    {%- if _relation_is_loaded(health_score_weights) -%}
        {#- the components of seeds/health_components.csv; not checked before that seed is loaded -#}
        {%- set known = health_component_names() -%}
        {%- set scorecards = ['established', 'onboarding'] -%}
        {%- set weights = run_query(
            "select coalesce(scorecard, 'established'), component, weight from " ~ health_score_weights
            ~ " order by 1, 2"
        ).rows -%}
        {%- for scorecard in weights | map(attribute=0) | unique -%}
            {%- set where = '' if scorecard == 'established' else ' of the ' ~ scorecard ~ ' scorecard' -%}
            {%- if scorecard not in scorecards -%}
                {%- do problems.append('seeds/health_score_weights.csv names the scorecard "' ~ scorecard ~ '", which the score does not have: use one of ' ~ scorecards | join(', ') ~ ", or delete its rows.") -%}
            {%- endif -%}
            {%- set seen = [] -%}
            {%- set total = namespace(value=0.0) -%}
            {%- for row in weights if row[0] == scorecard -%}
                {%- if known and row[1] not in known -%}
                    {%- do problems.append('seeds/health_score_weights.csv names the component "' ~ row[1] ~ '", which the score does not have: use one of ' ~ known | join(', ') ~ ", or delete the row.") -%}
                {%- elif row[1] in seen -%}
                    {%- do problems.append('seeds/health_score_weights.csv lists the component "' ~ row[1] ~ '" more than once' ~ where ~ ': keep one row per component and scorecard.') -%}
                {%- endif -%}
                {%- do seen.append(row[1]) -%}
                {%- if row[2] is none or row[2] < 0 -%}
                    {%- do problems.append('seeds/health_score_weights.csv gives the component "' ~ row[1] ~ '" the weight ' ~ (row[2] if row[2] is not none else "(empty)") ~ where ~ ": set it to a number from 0 to 1.") -%}
                {%- else -%}
                    {%- set total.value = total.value + row[2] | float -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if (total.value - 1) | abs > 0.000001 -%}
                {%- do problems.append("the weights" ~ where ~ " in seeds/health_score_weights.csv sum to " ~ (total.value | round(6)) ~ ", not 1: change them so that they add up to exactly 1.") -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(problems) }}
{% endmacro %}

{% macro assert_product_configuration(event_catalog, activation_milestones, health_score_weights) %}
    {#- Stops the command with every configuration error in the product seeds, one sentence
        each (dbt build: the config test; dbt run: int_event_catalog; dbt seed: on-run-end). -#}
    {%- set problems = product_configuration_problems(event_catalog, activation_milestones, health_score_weights) -%}
    {%- if problems | length > 0 -%}
        {{ exceptions.raise_compiler_error(
            "Configuration error" ~ ("s" if problems | length > 1 else "") ~ " in the product seeds:\n  - "
            ~ problems | join("\n  - ") ~ "\nFix the seed and run dbt seed (or dbt build) again."
        ) }}
    {%- endif -%}
{% endmacro %}

{% macro check_product_configuration_after_seed() %}
    {#- on-run-end: dbt seed runs no test and no model, so the loaded seeds are checked here. -#}
    {%- if execute and flags.WHICH == 'seed' -%}
        {%- set relations = {} -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'seed' and node.package_name == project_name -%}
            {%- do relations.update({node.name: api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)}) -%}
        {%- endfor -%}
        {{ assert_product_configuration(
            relations.get('event_catalog'), relations.get('activation_milestones'), relations.get('health_score_weights')
        ) }}
    {%- endif -%}
{% endmacro %}

{% macro _relation_is_loaded(relation) %}
    {{ return(relation is not none and adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier) is not none) }}
{% endmacro %}
