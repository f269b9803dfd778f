-- Every billing.invoices row as loaded (none when the table is optional and absent: see
-- macros/optional_sources.sql), typed, with what is wrong with it. stg_billing__invoices keeps
-- the rows without an exclusion_reason; data_quality_issues counts them by kind.
-- - missing_id: no invoice id (left out);
-- - duplicate_id: of several rows with one id, the kept one is the latest state of the
--   invoice: paid over unpaid, then the latest paid date, then the latest due and issue dates
--   (then the other columns, so the choice never depends on load order);
-- - negative_amount: a credit, never owed, so it can never be overdue (left out).
with

source as (

    select * from {{ optional_source('billing', 'invoices', 'using_invoices') }}

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

),

ranked as (

    select
        *,
        row_number() over (
            partition by invoice_id
            order by
                case when paid_date is null then 1 else 0 end, paid_date desc,
                case when due_date is null then 1 else 0 end, due_date desc,
                case when issued_date is null then 1 else 0 end, issued_date desc,
                status desc, amount desc, account_id desc, currency desc
        ) as id_rank
    from renamed

),

classified as (

    select
        invoice_id,
        account_id,
        amount,
        currency,
        status,
        is_void,
        issued_date,
        due_date,
        paid_date,
        cast(case
            when invoice_id is null then 'missing_id'
            when id_rank > 1 then 'duplicate_id'
            when amount < 0 then 'negative_amount'
        end as {{ dbt.type_string() }}) as exclusion_reason
    from ranked

)

select * from classified
