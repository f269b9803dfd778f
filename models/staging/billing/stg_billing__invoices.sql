-- One row per invoice. Whether an invoice was overdue on a day is decided by due_at and
-- paid_at; void invoices are never owed.
with

source as (

    select * from {{ source('billing', 'invoices') }}

),

renamed as (

    select
        -- ids
        cast(invoice_id as {{ dbt.type_string() }}) as invoice_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,

        -- numerics
        cast(amount as decimal(18, 2)) as amount,
        cast(upper(trim(currency)) as {{ dbt.type_string() }}) as currency,

        -- categories
        cast(lower(trim(status)) as {{ dbt.type_string() }}) as status,
        coalesce(lower(trim(status)) = 'void', false) as is_void,

        -- dates
        cast(issued_at as date) as issued_date,
        cast(due_at as date) as due_date,
        cast(paid_at as date) as paid_date

    from source

)

select * from renamed
