-- "Did the score see it coming?" One row per day of the score history and health band: the
-- accounts (with ARR) in the band that day, their ARR, and what happened to them over the next
-- portfolio_outcome_days days: retained, expanded, contracted or churned (by ARR). Days whose
-- outcome is not known yet (less than portfolio_outcome_days before D) have the counts of the
-- band and null outcomes. Outcome reporting: reads churn; no score reads this model.
with

outcomes as (

    select * from {{ ref('int_account_band_outcomes') }}

),

per_band as (

    select
        start_date,
        health_band,
        count(*) as count_accounts,
        sum(start_arr) as start_arr,
        sum(case when outcome is not null then 1 else 0 end) as count_known,
        sum(case when outcome = 'retained' then 1 else 0 end) as count_retained,
        sum(case when outcome = 'expanded' then 1 else 0 end) as count_expanded,
        sum(case when outcome = 'contracted' then 1 else 0 end) as count_contracted,
        sum(case when outcome = 'churned' then 1 else 0 end) as count_churned,
        sum(case when outcome = 'retained' then start_arr else 0 end) as retained_arr,
        sum(case when outcome = 'expanded' then start_arr else 0 end) as expanded_start_arr,
        sum(case when outcome = 'contracted' then start_arr else 0 end) as contracted_start_arr,
        sum(case when outcome = 'churned' then start_arr else 0 end) as churned_arr,
        sum(outcome_arr) as outcome_arr
    from outcomes
    group by start_date, health_band

),

final as (

    select
        {{ as_of_date() }} as as_of_date,
        start_date,
        {{ date_add_days('start_date', var('portfolio_outcome_days')) }} as outcome_date,
        cast(health_band as {{ dbt.type_string() }}) as health_band,
        count_known = count_accounts as is_outcome_known,
        cast(count_accounts as integer) as count_accounts,
        cast(start_arr as decimal(18, 2)) as start_arr,
        cast(case when count_known = count_accounts then count_retained end as integer) as count_retained,
        cast(case when count_known = count_accounts then count_expanded end as integer) as count_expanded,
        cast(case when count_known = count_accounts then count_contracted end as integer) as count_contracted,
        cast(case when count_known = count_accounts then count_churned end as integer) as count_churned,
        cast(case when count_known = count_accounts then retained_arr end as decimal(18, 2)) as retained_arr,
        cast(case when count_known = count_accounts then expanded_start_arr end as decimal(18, 2))
            as expanded_start_arr,
        cast(case when count_known = count_accounts then contracted_start_arr end as decimal(18, 2))
            as contracted_start_arr,
        cast(case when count_known = count_accounts then churned_arr end as decimal(18, 2)) as churned_arr,
        cast(case when count_known = count_accounts then outcome_arr end as decimal(18, 2)) as outcome_arr,
        case when count_known = count_accounts then {{ pct('count_churned', 'count_accounts') }} end
            as pct_accounts_churned,
        case when count_known = count_accounts then {{ pct('churned_arr', 'start_arr') }} end as pct_arr_churned,
        case when count_known = count_accounts then {{ pct('outcome_arr', 'start_arr') }} end as nrr_pct
    from per_band

)

select * from final
