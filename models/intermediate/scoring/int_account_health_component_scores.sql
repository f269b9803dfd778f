-- One row per account and customer day: the inputs of int_account_health_inputs and, per health
-- component, its raw value, the short texts its sentences quote, whether it has data and its 0..100
-- score. This is the one place a component is defined: each commented group of columns below is one
-- component, its curve a plain `case` (or least/greatest). Its label, unit and sentence templates are in
-- seeds/health_components.csv, its weight in seeds/health_score_weights.csv; int_account_health_scores
-- turns the scores into points. A component without data (is_available false) is not scored as zero.
-- Texts: value_text is the value as a change quotes it ('73.6%'); driver_figure and driver_note fill the
-- {figure} and {note} of the driver template. Scores: decimal(38, 10), rounded to one decimal.
-- Incremental, the place the batch is chosen: per account, the days from the first one whose inputs
-- changed are rebuilt, stamped rebuilt_at; days no longer customer days are deleted first.
-- int_account_health_scores reads the rebuilt rows. What can change, and how it is found without
-- comparing every stored day (DECISIONLOG "Daily cost (issue 18): scoring chain and marts"):
--   the daily metrics    the days int_account_daily_metrics rebuilt since this table was last built
--                        (its rebuilt_at; new days among them)
--   seats, NPS, tenure,  per account one fingerprint (int_account_score_state, kept on every row as
--   first invoice/ticket state_fingerprint): where it differs from the account's latest stored row,
--                        that account's stored days are compared with the inputs
--   weights, thresholds  score_version: where it differs, every day of the account
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['account_id', 'as_of_date'],
    on_schema_change='fail',
    pre_hook="{{ delete_non_customer_days(ref('stg_crm__accounts')) }}"
) }}
{%- set text = dbt.type_string() %}
{%- set dbl = type_double() %}
{%- set low = var('adoption_low_pct') %}
{%- set high = var('adoption_high_pct') %}
{%- set trend_zero = var('trend_zero_ratio_pct') %}
{%- set baseline_zero = var('baseline_zero_ratio_pct') %}
{%- set recency_zero = var('recency_zero_days') %}
{%- set csat_min_rated = var('support_csat_min_rated') %}
{%- if csat_min_rated is not number or csat_min_rated is boolean or csat_min_rated <= 0 %}
    {{ exceptions.raise_compiler_error(
        "Configuration error: var support_csat_min_rated is " ~ csat_min_rated ~ ": set it to a number above 0 (default 5; a very large value such as 1000000 counts every bad rating in full)."
    ) }}
{%- endif %}
{%- set input_columns = health_input_columns() %}
{%- set days_to_rescore = ref('int_account_health_days_to_rescore') %}
{{- require_kept_columns(['state_fingerprint']) }}
with

inputs as (

    select * from {{ ref('int_account_health_inputs') }}

),

-- the weights and scoring thresholds: when they change, every row is rebuilt
config_version as (

    {{ score_version_sql(ref('health_score_weights')) }}

),

-- per CRM account: the fingerprint of the inputs that change in place (seats, NPS, tenure, first invoice/ticket)
state as (

    select
        account_id,
        state_fingerprint
    from {{ ref('int_account_score_state') }}

),

{%- if is_incremental() %}

    -- per account, the first day to rebuild (int_account_health_days_to_rescore says why)
    recompute_from as (

        select * from {{ days_to_rescore }}

    ),

    batch_inputs as (

        select inputs.*
        from inputs
        inner join recompute_from
            on inputs.account_id = recompute_from.account_id and inputs.as_of_date >= recompute_from.from_date

    ),
{%- else %}

    batch_inputs as (

        select * from inputs

    ),
{%- endif %}

batch as (

    select
        batch_inputs.*,
        config_version.score_version,
        state.state_fingerprint,
        {{ round_to('batch_inputs.sum_points_30d / batch_inputs.engagement_basis_users', 2) }} as points_per_seat
    from batch_inputs
    cross join config_version
    left join state
        on batch_inputs.account_id = state.account_id

),

{#- engagement_vs_baseline's spread and decline_persistence look back before a batch's first day:
    up to baseline_recent_days + baseline_days days of points and persistence_zero_days days of
    inputs. An incremental run reads only those days before each account's from_date. -#}
{%- set recent_w = var('baseline_recent_days') %}
{%- set baseline_w = var('baseline_days') %}
{%- set smooth = var('baseline_smoothing_points') %}
{%- set spread_cv = var('baseline_spread_cv') %}
{%- set persist_zero = var('persistence_zero_days') %}
{%- set persist_full = var('persistence_full_days') %}
{%- if baseline_w % recent_w != 0 %}
    {{ exceptions.raise_compiler_error(
        'baseline_days (' ~ baseline_w ~ ') is not a whole number of baseline_recent_days (' ~ recent_w
        ~ ') blocks, which the baseline spread of engagement_vs_baseline needs: make it a multiple.') }}
{%- endif %}
{%- set n_blocks = (baseline_w // recent_w) %}

-- per account and day, the engagement points of all its users (the grain of the baseline windows)
account_points as (

    select
        user_days.account_id,
        user_days.activity_date,
        sum(user_days.sum_points) as sum_points
    from {{ ref('int_user_account_days') }} as user_days
    {%- if is_incremental() %}
        inner join recompute_from
            on
                user_days.account_id = recompute_from.account_id
                and user_days.activity_date >= {{ date_add_days('recompute_from.from_date', -(persist_zero + recent_w + baseline_w)) }}
    {%- endif %}
    group by user_days.account_id, user_days.activity_date

),

-- decline_persistence looks back persistence_zero_days calendar days before each batch day, and each
-- of those days' ratio back baseline_recent_days + baseline_days days: from the account's daily
-- points (not from the stored rows, so a day does not depend on which other days are customer days
-- or inside the kept history). Points in millionths, as whole numbers, so every sum is exact.
persistence_calendar as (

    {{ dbt.date_spine(
        datepart='day',
        start_date=date_add_days(series_start_date(), -(persist_zero + recent_w + baseline_w)),
        end_date=date_add_days(as_of_date(), 1)
    ) }}

),

persistence_accounts as (

    select
        account_id,
        min(as_of_date) as first_date,
        max(as_of_date) as last_date
    from batch
    group by account_id

),

persistence_points as (

    select
        persistence_accounts.account_id,
        cast(persistence_calendar.date_day as date) as calendar_date,
        persistence_accounts.first_date,
        coalesce(cast(round(account_points.sum_points * 1000000) as bigint), 0) as micro_points
    from persistence_accounts
    inner join persistence_calendar
        on
            cast(persistence_calendar.date_day as date)
            between {{ date_add_days('persistence_accounts.first_date', -(persist_zero + recent_w + baseline_w)) }}
            and persistence_accounts.last_date
    left join account_points
        on
            persistence_accounts.account_id = account_points.account_id
            and cast(persistence_calendar.date_day as date) = account_points.activity_date

),

persistence_running as (

    select
        account_id,
        calendar_date,
        first_date,
        sum(micro_points) over (
            partition by account_id order by calendar_date rows between unbounded preceding and current row
        ) as cumulative_micro_points
    from persistence_points

),

persistence_windows as (

    select
        account_id,
        calendar_date,
        first_date,
        {#- the baseline cut into baseline_days / baseline_recent_days blocks of baseline_recent_days days
            (D-27..D-14, D-41..D-28, ...): their points, from the same running sums #}
        {%- for block in range(n_blocks) %}
            coalesce(lag(cumulative_micro_points, {{ recent_w * (block + 1) }}) over calendar_days, 0)
            - coalesce(lag(cumulative_micro_points, {{ recent_w * (block + 2) }}) over calendar_days, 0)
                as block_{{ block }}_micro_points,
        {%- endfor %}
        cumulative_micro_points - coalesce(lag(cumulative_micro_points, {{ recent_w }}) over calendar_days, 0)
            as recent_micro_points,
        coalesce(lag(cumulative_micro_points, {{ recent_w }}) over calendar_days, 0)
        - coalesce(lag(cumulative_micro_points, {{ recent_w + baseline_w }}) over calendar_days, 0) as baseline_micro_points
    from persistence_running
    window calendar_days as (partition by account_id order by calendar_date)

),

{%- set block_points = [] %}
{%- set block_squares = [] %}
{%- for block in range(n_blocks) %}
    {%- do block_points.append('block_' ~ block ~ '_points') %}
    {%- do block_squares.append('block_' ~ block ~ '_points * block_' ~ block ~ '_points') %}
{%- endfor %}

-- per batch day, the baseline blocks' points (a block without points counts as 0)
baseline_blocks as (

    select
        account_id,
        {%- for block in range(n_blocks) %}
            cast(block_{{ block }}_micro_points as {{ dbl }}) / 1000000 as block_{{ block }}_points,
        {%- endfor %}
        calendar_date as as_of_date
    from persistence_windows
    where calendar_date >= first_date

),

-- the blocks' mean (smoothed) and population standard deviation
baseline_spread as (

    select
        account_id,
        as_of_date,
        ({{ block_points | join(' + ') }}) / {{ n_blocks }} + {{ smooth }} as smoothed_block_mean,
        sqrt(greatest(
            0.0,
            ({{ block_squares | join(' + ') }}) / {{ n_blocks }}
            - (({{ block_points | join(' + ') }}) / {{ n_blocks }}) * (({{ block_points | join(' + ') }}) / {{ n_blocks }})
        )) as block_std
    from baseline_blocks

),

-- the days (from persistence_zero_days before the batch) whose recent activity, unscaled, is below
-- persistence_below_ratio_pct of the baseline
below_days as (

    select
        account_id,
        calendar_date,
        {{ days_between("cast('2000-01-01' as date)", 'calendar_date') }}
        - row_number() over (partition by account_id order by calendar_date) as run_key
    from persistence_windows
    where
        calendar_date >= {{ date_add_days('first_date', -persist_zero) }}
        and baseline_micro_points > 0
        and 100 * (recent_micro_points + {{ (smooth * 1000000) | int }}) * {{ baseline_w }}
        < {{ var('persistence_below_ratio_pct') }}
        * (baseline_micro_points * {{ recent_w }} + {{ (smooth * 1000000 * baseline_w) | int }})

),

-- per such day, how many days in a row it ends
below_runs as (

    select
        account_id,
        calendar_date as as_of_date,
        row_number() over (partition by account_id, run_key order by calendar_date) as days_below
    from below_days

),

scored_batch as (

    select
        batch.*,
        cast(100.0 * (1 + (
            (batch.sum_points_recent + {{ smooth }}) * {{ baseline_w }}
            / (batch.sum_points_baseline * {{ recent_w }} + {{ smooth }} * {{ baseline_w }}) - 1
        ) * case
            when baseline_spread.block_std is null then 1.0
            when baseline_spread.block_std <= {{ spread_cv }} * baseline_spread.smoothed_block_mean then 1.0
            else {{ spread_cv }} * baseline_spread.smoothed_block_mean / baseline_spread.block_std
        end) as {{ dbl }}) as unrounded_scaled_ratio_pct,
        coalesce(baseline_spread.block_std > {{ spread_cv }} * baseline_spread.smoothed_block_mean, false) as is_dip_scaled,
        {{ round_to('100.0 * baseline_spread.block_std / baseline_spread.smoothed_block_mean', 0) }} as baseline_spread_pct,
        cast(least(coalesce(below_runs.days_below, 0), {{ persist_zero }}) as integer) as days_below_baseline
    from batch
    left join baseline_spread
        on batch.account_id = baseline_spread.account_id and batch.as_of_date = baseline_spread.as_of_date
    left join below_runs
        on batch.account_id = below_runs.account_id and batch.as_of_date = below_runs.as_of_date

),

scaled_batch as (

    select
        scored_batch.*,
        {{ round_to('unrounded_scaled_ratio_pct', 1) }} as scaled_ratio_pct
    from scored_batch

),

final as (

    select
        cast(account_id as {{ text }}) as account_id,
        as_of_date,
        {%- for column in input_columns %}
            {{ column }},
        {%- endfor %}
        -- engagement: points per licensed seat on a log curve, 100 at engagement_seat_target_points
        cast(points_per_seat as {{ dbl }}) as raw_value_engagement,
        cast(points_per_seat as {{ text }}) as value_text_engagement,
        cast(null as {{ text }}) as driver_figure_engagement,
        cast(null as {{ text }}) as driver_note_engagement,
        true as is_available_engagement,
        cast(round(cast(
            least(100.0, 100.0 * ln(1 + points_per_seat) / ln(1 + {{ var('engagement_seat_target_points') }})) as decimal(38, 10)
        ), 1) as {{ dbl }}) as score_engagement,
        -- engagement_trend: the last 30 days' points against the 30 before; 0 at trend_zero_ratio_pct, 100 at 100 %
        cast({{ pct('sum_points_30d', 'sum_points_prior_30d') }} as {{ dbl }}) as raw_value_engagement_trend,
        cast(cast({{ pct('sum_points_30d', 'sum_points_prior_30d') }} as {{ text }}) || '%' as {{ text }}) as value_text_engagement_trend,
        cast(null as {{ text }}) as driver_figure_engagement_trend,
        cast(null as {{ text }}) as driver_note_engagement_trend,
        coalesce(sum_points_prior_30d > 0, false) as is_available_engagement_trend,
        cast(round(cast(case when sum_points_prior_30d > 0 then greatest(0.0, least(
            100.0, 100.0 * (100.0 * sum_points_30d / sum_points_prior_30d - {{ trend_zero }}) / (100 - {{ trend_zero }})
        )) end as decimal(38, 10)), 1) as {{ dbl }}) as score_engagement_trend,
        -- engagement_vs_baseline: recent points per day against the account's own baseline, the
        -- change from 100 % scaled by min(1, baseline_spread_cv / the account's own spread: the
        -- coefficient of variation of the baseline's 14-day totals), so an account that usually swings
        -- by 40 % needs a deeper dip; 0 at baseline_zero_ratio_pct, 100 at baseline_full_ratio_pct
        cast(scaled_ratio_pct as {{ dbl }}) as raw_value_engagement_vs_baseline,
        cast(cast(baseline_ratio_pct as {{ text }}) || '%' as {{ text }}) as value_text_engagement_vs_baseline,
        cast(cast(scaled_ratio_pct as {{ text }}) as {{ text }}) as driver_figure_engagement_vs_baseline,
        cast(case
            when sum_points_baseline > 0 and is_dip_scaled
                then
                    ' (counted as ' || cast(scaled_ratio_pct as {{ text }}) || '%: its 14-day activity usually varies by '
                    || cast(cast(baseline_spread_pct as integer) as {{ text }}) || '%)'
            else ''
        end as {{ text }}) as driver_note_engagement_vs_baseline,
        coalesce(sum_points_baseline > 0, false) as is_available_engagement_vs_baseline,
        cast(round(cast(case when sum_points_baseline > 0 then greatest(0.0, least(
            100.0, 100.0 * (scaled_ratio_pct - {{ baseline_zero }}) / ({{ var('baseline_full_ratio_pct') }} - {{ baseline_zero }})
        )) end as decimal(38, 10)), 1) as {{ dbl }}) as score_engagement_vs_baseline,
        -- silent_users: the share of 60-day points from users now silent; 100 at none, 0 at silent_share_zero_pct
        cast(silent_points_pct as {{ dbl }}) as raw_value_silent_users,
        cast(cast(silent_points_pct as {{ text }}) || '%' as {{ text }}) as value_text_silent_users,
        cast(null as {{ text }}) as driver_figure_silent_users,
        cast(null as {{ text }}) as driver_note_silent_users,
        coalesce(sum_points_60d > 0, false) as is_available_silent_users,
        cast(round(cast(case
            when sum_points_60d > 0 then greatest(0.0, 100.0 - 100.0 * silent_points_pct / {{ var('silent_share_zero_pct') }})
        end as decimal(38, 10)), 1) as {{ dbl }}) as score_silent_users,
        -- usage_frequency: the share of the last 28 days with an active user; 100 at frequency_target_pct
        cast(active_days_pct as {{ dbl }}) as raw_value_usage_frequency,
        cast(count_active_days_28d as {{ text }}) as value_text_usage_frequency,
        cast(active_days_pct as {{ text }}) as driver_figure_usage_frequency,
        cast(null as {{ text }}) as driver_note_usage_frequency,
        true as is_available_usage_frequency,
        cast(round(cast(
            least(100.0, 100.0 * active_days_pct / {{ var('frequency_target_pct') }}) as decimal(38, 10)
        ), 1) as {{ dbl }}) as score_usage_frequency,
        -- feature_adoption: 50 at adoption_low_pct, 100 at adoption_high_pct, linear between
        cast(feature_adoption_pct as {{ dbl }}) as raw_value_feature_adoption,
        cast(cast(feature_adoption_pct as {{ text }}) || '%' as {{ text }}) as value_text_feature_adoption,
        cast(null as {{ text }}) as driver_figure_feature_adoption,
        cast(case when feature_adoption_pct < {{ low }} then ' (below {{ low }}%)' else '' end as {{ text }}) as driver_note_feature_adoption,
        true as is_available_feature_adoption,
        cast(round(cast(case
            when feature_adoption_pct >= {{ high }} then 100.0
            when feature_adoption_pct < {{ low }} then 50.0 * feature_adoption_pct / {{ low }}
            else 50.0 + 50.0 * (feature_adoption_pct - {{ low }}) / ({{ high }} - {{ low }})
        end as decimal(38, 10)), 1) as {{ dbl }}) as score_feature_adoption,
        -- activation: the share of onboarding milestones reached
        cast(activation_pct as {{ dbl }}) as raw_value_activation,
        cast(count_milestones_completed as {{ text }}) as value_text_activation,
        cast(activation_pct as {{ text }}) as driver_figure_activation,
        cast(null as {{ text }}) as driver_note_activation,
        true as is_available_activation,
        cast(round(cast(cast(activation_pct as {{ dbl }}) as decimal(38, 10)), 1) as {{ dbl }}) as score_activation,
        -- seat_utilisation: active users in 30 days per licensed seat; 100 at seat_utilisation_target_pct
        cast(active_user_pct as {{ dbl }}) as raw_value_seat_utilisation,
        cast(cast(active_users_30d as {{ text }}) || ' of ' || cast(licensed_seats as {{ text }}) as {{ text }}) as value_text_seat_utilisation,
        cast(active_user_pct as {{ text }}) as driver_figure_seat_utilisation,
        cast(null as {{ text }}) as driver_note_seat_utilisation,
        coalesce(licensed_seats > 0, false) as is_available_seat_utilisation,
        cast(round(cast(case
            when licensed_seats > 0 then least(100.0, 100.0 * active_user_pct / {{ var('seat_utilisation_target_pct') }})
        end as decimal(38, 10)), 1) as {{ dbl }}) as score_seat_utilisation,
        -- recency: 100 when active yesterday, 0 at recency_zero_days or never active
        cast(days_since_last_active as {{ dbl }}) as raw_value_recency,
        cast(coalesce(cast(days_since_last_active as {{ text }}), 'never active') as {{ text }}) as value_text_recency,
        cast(null as {{ text }}) as driver_figure_recency,
        cast(case
            when days_since_last_active is null then 'yet' else 'for ' || cast(days_since_last_active as {{ text }}) || ' days'
        end as {{ text }}) as driver_note_recency,
        true as is_available_recency,
        cast(round(cast(case
            when days_since_last_active is null then 0.0
            else greatest(0.0, least(100.0, 100.0 * ({{ recency_zero }} - days_since_last_active) / ({{ recency_zero }} - 1)))
        end as decimal(38, 10)), 1) as {{ dbl }}) as score_recency,
        -- tenure: days a customer; 100 at tenure_mature_days
        cast(tenure_days as {{ dbl }}) as raw_value_tenure,
        cast(tenure_days as {{ text }}) as value_text_tenure,
        cast(null as {{ text }}) as driver_figure_tenure,
        cast(null as {{ text }}) as driver_note_tenure,
        true as is_available_tenure,
        cast(round(cast(
            least(100.0, 100.0 * tenure_days / {{ var('tenure_mature_days') }}) as decimal(38, 10)
        ), 1) as {{ dbl }}) as score_tenure,
        -- support: 100 less points per open high/urgent ticket and, per ticket rated bad in
        -- bad_csat_window_days, support_points_per_bad_csat scaled by the bad ratings' share of the
        -- rated tickets: x min(1, support_csat_min_rated / rated). With at most
        -- support_csat_min_rated ratings every bad one costs the full points; 2 bad of 20 rated
        -- (90 % good) cost a quarter of them each (m = 5)
        cast(count_open_urgent_tickets + count_bad_csat_90d as {{ dbl }}) as raw_value_support,
        cast(
            cast(count_open_urgent_tickets as {{ text }}) || ' open high/urgent, '
            || cast(count_bad_csat_90d as {{ text }}) || ' of ' || cast(count_rated_csat_90d as {{ text }}) || ' rated bad'
            as {{ text }}
        ) as value_text_support,
        cast(count_open_urgent_tickets as {{ text }}) as driver_figure_support,
        cast(cast(count_bad_csat_90d as {{ text }}) || ' of ' || cast(count_rated_csat_90d as {{ text }}) as {{ text }})
            as driver_note_support,
        has_tickets as is_available_support,
        cast(round(cast(case when has_tickets then greatest(
            0.0,
            100.0 - {{ var('support_points_per_open_urgent_ticket') }} * count_open_urgent_tickets
            - {{ var('support_points_per_bad_csat') }} * count_bad_csat_90d
            * least(1.0, {{ csat_min_rated }} / cast(greatest(count_rated_csat_90d, 1) as {{ dbl }}))
        ) end as decimal(38, 10)), 1) as {{ dbl }}) as score_support,
        -- sentiment: the latest NPS answer (0..10) times 10
        cast(latest_nps_score as {{ dbl }}) as raw_value_sentiment,
        cast(latest_nps_score as {{ text }}) as value_text_sentiment,
        cast(null as {{ text }}) as driver_figure_sentiment,
        cast(case when latest_nps_score <= {{ var('nps_detractor_max_score') }} then ' (a detractor)' else '' end as {{ text }})
            as driver_note_sentiment,
        latest_nps_score is not null as is_available_sentiment,
        cast(round(cast(10.0 * latest_nps_score as decimal(38, 10)), 1) as {{ dbl }}) as score_sentiment,
        -- billing: 100 less points per overdue invoice
        cast(count_overdue_invoices as {{ dbl }}) as raw_value_billing,
        cast(count_overdue_invoices as {{ text }}) as value_text_billing,
        cast(null as {{ text }}) as driver_figure_billing,
        cast(null as {{ text }}) as driver_note_billing,
        has_invoices as is_available_billing,
        cast(round(cast(case
            when has_invoices then greatest(0.0, 100.0 - {{ var('billing_points_per_overdue_invoice') }} * count_overdue_invoices)
        end as decimal(38, 10)), 1) as {{ dbl }}) as score_billing,
        -- decline_persistence: days in a row (up to D, counted up to persistence_zero_days) whose recent
        -- activity was below persistence_below_ratio_pct of the baseline (unscaled); 100 at
        -- persistence_full_days or fewer, 0 at persistence_zero_days; not available without a baseline
        cast(days_below_baseline as {{ dbl }}) as raw_value_decline_persistence,
        cast(days_below_baseline as {{ text }}) as value_text_decline_persistence,
        cast(null as {{ text }}) as driver_figure_decline_persistence,
        cast(null as {{ text }}) as driver_note_decline_persistence,
        coalesce(sum_points_baseline > 0, false) as is_available_decline_persistence,
        cast(round(cast(case when sum_points_baseline > 0 then greatest(0.0, least(
            100.0, 100.0 * ({{ persist_zero }} - days_below_baseline) / ({{ persist_zero }} - {{ persist_full }})
        )) end as decimal(38, 10)), 1) as {{ dbl }}) as score_decline_persistence,
        cast(score_version as {{ text }}) as score_version,
        cast(state_fingerprint as {{ text }}) as state_fingerprint,
        {{ run_started_at_sql() }} as rebuilt_at
    from scaled_batch

)

select * from final
