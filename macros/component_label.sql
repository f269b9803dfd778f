{% macro component_label(component_column) %}
    {#- The plain-English name of a health component, for sentences. -#}
    case {{ component_column }}
        when 'engagement' then 'engagement'
        when 'engagement_trend' then 'engagement trend'
        when 'engagement_vs_baseline' then 'activity against its own baseline'
        when 'silent_users' then 'silent users'
        when 'usage_frequency' then 'usage frequency'
        when 'feature_adoption' then 'feature adoption'
        when 'activation' then 'activation'
        when 'seat_utilisation' then 'seat utilisation'
        when 'recency' then 'recency'
        when 'tenure' then 'tenure'
        when 'support' then 'support'
        when 'sentiment' then 'NPS'
        when 'billing' then 'billing'
        else {{ component_column }}
    end
{%- endmacro %}

{% macro signed_number(expr) %}
    {#- A whole number with its sign: +3, -12, 0. -#}
    case
        when {{ expr }} > 0 then '+' || cast({{ expr }} as {{ dbt.type_string() }})
        else cast({{ expr }} as {{ dbt.type_string() }})
    end
{%- endmacro %}
