-- One row per CRM account. churned_at is carried for membership ("current customer on D")
-- and for evaluation only; no scoring model may read it. Rows without an account id and
-- duplicates of an id are left out by base_crm__accounts (and counted in data_quality_issues).
with

accounts as (

    select * from {{ ref('base_crm__accounts') }}
    where exclusion_reason is null

),

final as (

    select
        -- ids
        account_id,
        crm_id,

        -- attributes
        account_name,
        plan,
        industry,
        region,
        csm_email,

        -- numerics
        arr,
        licensed_seats,

        -- dates
        contract_start_date,
        renewal_date,
        churned_date

    from accounts

)

select * from final
