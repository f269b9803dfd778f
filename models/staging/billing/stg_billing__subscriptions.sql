-- One row per subscription (the optional billing.subscriptions table: Stripe, Chargebee or
-- CPQ shape). A subscription counts on day D when started_date <= D and (ended_date is null
-- or ended_date > D). When the table is off (var using_subscriptions: false, or unset and
-- the table missing) this is an empty relation with the same columns, and ARR history comes
-- from crm.accounts instead.
with

source as (

    select * from {{ optional_source('billing', 'subscriptions', 'using_subscriptions') }}

),

renamed as (

    select
        -- ids
        cast(subscription_id as {{ dbt.type_string() }}) as subscription_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,

        -- attributes
        cast(lower(trim(plan)) as {{ dbt.type_string() }}) as plan,

        -- numerics
        cast(arr as decimal(18, 2)) as arr,
        cast(seats as integer) as seats,

        -- dates
        cast(started_on as date) as started_date,
        cast(ended_on as date) as ended_date

    from source

)

select * from renamed
