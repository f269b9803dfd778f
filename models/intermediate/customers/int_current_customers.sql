-- Accounts that are current customers on D: contract started on or before D and not
-- churned by D. churned_date decides membership only.
with

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

current_customers as (

    select
        account_id,
        crm_id,
        account_name,
        arr,
        plan,
        region,
        industry,
        csm_email,
        licensed_seats,
        contract_start_date,
        renewal_date
    from accounts
    where
        contract_start_date <= {{ as_of_date() }}
        and (churned_date is null or churned_date > {{ as_of_date() }})

)

select * from current_customers
