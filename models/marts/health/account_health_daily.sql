-- One row per account and day of the last history_days days on which it was a customer:
-- the health score, band and components as that day would have seen them.
{{ config(contract={'enforced': true}) }}
{%- set components = health_components() %}
{%- set green = var('band_green_min_score') %}
{%- set red = var('band_red_below_score') %}
{%- set margin = var('band_hysteresis_points') %}
with

components as (

    select * from {{ ref('int_account_health_components') }}

),

inputs as (

    select * from {{ ref('int_account_health_inputs') }}

),

config_version as (

    {{ score_version_sql(ref('health_score_weights')) }}

),

pivoted as (

    select
        account_id,
        as_of_date,
        max(health_score) as health_score,
        {%- for c in components %}
            max(case when component = '{{ c }}' then component_score end) as score_{{ c }},
            max(case when component = '{{ c }}' then points end) as points_{{ c }},
            max(case when component = '{{ c }}' then max_points end) as max_points_{{ c }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from components
    group by account_id, as_of_date

),

zoned as (

    -- a score inside a boundary's hysteresis zone keeps the band it came from
    select
        *,
        case when health_score >= {{ red - margin }} and health_score < {{ red + margin }} then 1 else 0 end
            as in_red_zone,
        case when health_score >= {{ green - margin }} and health_score < {{ green + margin }} then 1 else 0 end
            as in_green_zone
    from pivoted

),

grouped as (

    select
        *,
        sum(1 - in_red_zone) over account_days as red_anchor_group,
        sum(1 - in_green_zone) over account_days as green_anchor_group
    from zoned
    window account_days as (partition by account_id order by as_of_date rows between unbounded preceding and current row)

),

anchored as (

    -- the anchor is the last day outside the zone (or, at the start of history, the first day in it)
    select
        *,
        first_value(health_score) over (
            partition by account_id, red_anchor_group order by as_of_date
            rows between unbounded preceding and current row
        ) as red_anchor_score,
        first_value(health_score) over (
            partition by account_id, green_anchor_group order by as_of_date
            rows between unbounded preceding and current row
        ) as green_anchor_score
    from grouped

),

banded as (

    select
        *,
        case
            when health_score >= {{ green }} then 'green'
            when health_score < {{ red }} then 'red'
            else 'yellow'
        end as raw_health_band,
        case
            when in_red_zone = 1
                then
                    case
                        when red_anchor_score < case when red_anchor_group = 0 then {{ red }} else {{ red - margin }} end
                            then 'red'
                        else 'yellow'
                    end
            when in_green_zone = 1
                then
                    case
                        when green_anchor_score >= case when green_anchor_group = 0 then {{ green }} else {{ green + margin }} end
                            then 'green'
                        else 'yellow'
                    end
            when health_score < {{ red }} then 'red'
            when health_score >= {{ green }} then 'green'
            else 'yellow'
        end as health_band
    from anchored

),

final as (

    select
        cast(banded.account_id as {{ dbt.type_string() }}) as account_id,
        banded.as_of_date,
        cast(banded.health_score as integer) as health_score,
        cast(banded.health_band as {{ dbt.type_string() }}) as health_band,
        cast(banded.raw_health_band as {{ dbt.type_string() }}) as raw_health_band,
        cast(round(banded.score_engagement) as integer) as engagement_score,
        {%- for c in components %}
            cast(banded.score_{{ c }} as {{ type_double() }}) as score_{{ c }},
            cast(banded.points_{{ c }} as integer) as points_{{ c }},
            cast(banded.max_points_{{ c }} as decimal(9, 1)) as max_points_{{ c }},
        {%- endfor %}
        inputs.active_users_7d,
        inputs.active_users_30d,
        inputs.licensed_seats,
        inputs.feature_adoption_pct,
        inputs.activation_pct,
        inputs.active_user_pct,
        inputs.active_days_pct,
        cast(inputs.sum_points_prior_30d as {{ type_double() }}) as sum_points_prior_30d,
        cast(inputs.sum_points_30d as {{ type_double() }}) as sum_points_30d,
        inputs.silent_points_pct,
        cast(inputs.days_since_last_active as integer) as days_since_last_active,
        inputs.last_active_date,
        inputs.tenure_days,
        inputs.count_open_urgent_tickets,
        inputs.count_bad_csat_90d,
        inputs.latest_nps_score,
        inputs.count_overdue_invoices,
        cast(avg(banded.health_score) over (
            partition by banded.account_id order by banded.as_of_date rows between 6 preceding and current row
        ) as decimal(9, 1)) as health_score_avg_7d,
        -- a sustained decline: engagement points down by sustained_decline_drop_pct or more over 8 weeks
        coalesce(
            inputs_8_weeks_ago.sum_points_30d > 0
            and inputs.sum_points_30d
            <= (1 - {{ var('sustained_decline_drop_pct') }} / 100.0) * inputs_8_weeks_ago.sum_points_30d,
            false
        ) as is_sustained_decline,
        cast(config_version.score_version as {{ dbt.type_string() }}) as score_version
    from banded
    inner join inputs
        on
            banded.account_id = inputs.account_id
            and banded.as_of_date = inputs.as_of_date
    left join inputs as inputs_8_weeks_ago
        on
            banded.account_id = inputs_8_weeks_ago.account_id
            and {{ date_add_days('banded.as_of_date', -56) }} = inputs_8_weeks_ago.as_of_date
    cross join config_version

)

select * from final
