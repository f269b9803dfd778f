-- One row per current customer and activation milestone, reached or not, as of D.
{{ config(contract={'enforced': true}) }}
with

customers as (

    select account_id from {{ ref('int_current_customers') }}

),

milestones as (

    select
        cast(milestone as {{ dbt.type_string() }}) as milestone,
        cast(event as {{ dbt.type_string() }}) as event_name,
        cast(description as {{ dbt.type_string() }}) as milestone_description
    from {{ ref('activation_milestones') }}

),

reached as (

    select
        account_id,
        milestone,
        min(completed_date) as completed_date
    from {{ ref('int_user_milestone_completions') }}
    group by account_id, milestone

),

final as (

    select
        cast(customers.account_id as {{ dbt.type_string() }}) as account_id,
        milestones.milestone,
        milestones.event_name,
        milestones.milestone_description,
        reached.completed_date,
        reached.completed_date is not null as is_completed,
        {{ as_of_date() }} as as_of_date
    from customers
    cross join milestones
    left join reached
        on
            customers.account_id = reached.account_id
            and milestones.milestone = reached.milestone

)

select * from final
