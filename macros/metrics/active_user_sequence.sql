{% macro active_user_sequence_sql(user_days, rebuilt_accounts, prior_users=none, since_days=none) %}
    {#-
        The meaningful days of each account's users that the windows of int_account_daily_metrics'
        rebuilt days depend on, in order: one row per account, user and meaningful day on or
        after the account's first rebuilt day (first_rebuilt_date of `rebuilt_accounts`,
        int_account_metric_windows), plus one row per account and user for the user's last
        meaningful day before it, each with the user's previous (previous_date) and next
        (next_date) day in this sequence. Read by the distinct active users (coverage runs,
        int_account_activity_daily) and the quiet spells (int_account_quiet_user_points_daily).

        `user_days` (int_account_metric_user_days) holds the user-level days from
        `since_days` before the first rebuilt day (that day counted) to D; the last day before
        the first rebuilt day is taken from there and, when `prior_users` is given
        (int_account_metric_prior_active_users: the last meaningful day before the user days),
        from there too.

        Why the days before the first rebuilt day x other than the last one are not needed:
        - a user counts in a window of w days ending on a rebuilt day d >= x when one of their
          meaningful days lies in [d - w + 1, d]; the part of it before x is [d - w + 1, x - 1],
          which holds a meaningful day exactly when the last one before x does;
        - a quiet spell (from a meaningful day a + quiet days until the next meaningful day n)
          that is still open after x (n > x, or none) has no meaningful day in (a, x], so a is
          either on or after x or the last one before x; the sequence gives it the same next day.
        So the windows and the spells still open on the rebuilt days are the same as over every
        day, and the window functions sort a few days per user instead of the whole lookback.
    -#}
    {%- set since = [] %}
    {%- if since_days is not none %}
        {%- do since.append(date_add_days('rebuilt_accounts.first_rebuilt_date', 1 - since_days)) %}
    {%- endif %}
    select
        account_id,
        user_id,
        activity_date,
        first_rebuilt_date,
        lag(activity_date) over user_days_in_order as previous_date,
        lead(activity_date) over user_days_in_order as next_date
    from (
        -- the last meaningful day before the first rebuilt day
        select
            account_id,
            user_id,
            max(activity_date) as activity_date,
            max(first_rebuilt_date) as first_rebuilt_date
        from (
            select
                user_days.account_id,
                user_days.user_id,
                user_days.activity_date,
                rebuilt_accounts.first_rebuilt_date
            from {{ user_days }} as user_days
            inner join {{ rebuilt_accounts }} as rebuilt_accounts
                on
                    user_days.account_id = rebuilt_accounts.account_id
                    and user_days.activity_date < rebuilt_accounts.first_rebuilt_date
                    {%- for start in since %}
                    and user_days.activity_date >= {{ start }}
                    {%- endfor %}
            where user_days.count_meaningful_events > 0
            {%- if prior_users is not none %}

            union all
            select
                prior_users.account_id,
                prior_users.user_id,
                prior_users.activity_date,
                rebuilt_accounts.first_rebuilt_date
            from {{ prior_users }} as prior_users
            inner join {{ rebuilt_accounts }} as rebuilt_accounts
                on prior_users.account_id = rebuilt_accounts.account_id
            {%- endif %}
        ) as days_before
        group by account_id, user_id

        -- every meaningful day from the first rebuilt day on
        union all
        select
            user_days.account_id,
            user_days.user_id,
            user_days.activity_date,
            rebuilt_accounts.first_rebuilt_date
        from {{ user_days }} as user_days
        inner join {{ rebuilt_accounts }} as rebuilt_accounts
            on
                user_days.account_id = rebuilt_accounts.account_id
                and user_days.activity_date >= rebuilt_accounts.first_rebuilt_date
        where user_days.count_meaningful_events > 0
    ) as active_days
    window user_days_in_order as (partition by account_id, user_id order by activity_date)
{%- endmacro %}
