{% macro data_quality_source_tables() %}
    {#- The raw table each data_quality_issues row names, as the *_schema vars point at it
        (e.g. rudder.tracks), by short name. -#}
    {{ return({
        'tracks': var('segment_schema') ~ '.tracks',
        'accounts': var('crm_schema') ~ '.accounts',
        'tickets': var('support_schema') ~ '.tickets',
        'nps': var('surveys_schema') ~ '.nps_responses',
        'invoices': var('billing_schema') ~ '.invoices',
        'subscriptions': var('billing_schema') ~ '.subscriptions',
    }) }}
{% endmacro %}
