-- One row per invoice. Whether an invoice was overdue on a day is decided by due_at and
-- paid_at; void invoices are never owed. Invoices without an id, duplicates of an id and
-- negative amounts (credits) are left out by base_billing__invoices (and counted in
-- data_quality_issues).
with

invoices as (

    select * from {{ ref('base_billing__invoices') }}
    where exclusion_reason is null

),

final as (

    select
        -- ids
        invoice_id,
        account_id,

        -- numerics
        amount,
        currency,

        -- categories
        status,
        is_void,

        -- dates
        issued_date,
        due_date,
        paid_date

    from invoices

)

select * from final
