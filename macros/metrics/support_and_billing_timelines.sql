{#- The support and billing counts as timelines of changes per account (+1 when a ticket or
    invoice starts to count, -1 when it stops), read by running_totals_on_days(): by
    int_account_support_daily and int_account_billing_daily on the days
    int_account_daily_metrics rebuilds; and kept per account and day by
    int_account_service_count_changes, whose changed rows tell that model's rebuild scope the
    first day whose counts moved. One definition each, so both read the same rule. -#}

{% macro ticket_count_changes(tickets) %}
    {#- From the CTE or relation `tickets` (stg_support__tickets): account_id, delta_date,
        open_urgent_tickets (high and urgent tickets open at the end of the day), bad_csat
        (tickets rated bad, counted for bad_csat_window_days from when they were solved) and
        rated_csat (tickets rated good or bad, counted the same way: the denominator of the
        bad-rating share). -#}
    -- high and urgent tickets open at the end of the day
    select
        account_id,
        cast(created_at as date) as delta_date,
        1 as open_urgent_tickets,
        0 as bad_csat,
        0 as rated_csat
    from {{ tickets }}
    where is_high_priority and created_at is not null
    union all
    select
        account_id,
        cast(solved_at as date),
        -1,
        0,
        0
    from {{ tickets }}
    where is_high_priority and created_at is not null and solved_at is not null

    -- tickets rated (good or bad; bad ones also as bad), counted for bad_csat_window_days from
    -- when they were solved
    union all
    select
        account_id,
        cast(solved_at as date),
        0,
        case when satisfaction = 'bad' then 1 else 0 end,
        1
    from {{ tickets }}
    where satisfaction in ('good', 'bad') and solved_at is not null
    union all
    select
        account_id,
        {{ date_add_days('cast(solved_at as date)', var('bad_csat_window_days')) }},
        0,
        case when satisfaction = 'bad' then -1 else 0 end,
        -1
    from {{ tickets }}
    where satisfaction in ('good', 'bad') and solved_at is not null
{%- endmacro %}

{% macro overdue_invoice_changes(invoices) %}
    {#- From the CTE or relation `invoices` (stg_billing__invoices): account_id, delta_date
        and overdue_invoices: overdue from the day after the due date until the day paid;
        void invoices never. -#}
    select
        account_id,
        {{ date_add_days('due_date', 1) }} as delta_date,
        1 as overdue_invoices
    from {{ invoices }}
    where not is_void and due_date is not null and (paid_date is null or paid_date > due_date)
    union all
    select
        account_id,
        paid_date,
        -1
    from {{ invoices }}
    where not is_void and due_date is not null and paid_date > due_date
{%- endmacro %}
