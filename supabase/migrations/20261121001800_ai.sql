-- AI usage (issue 19): one row per AI request the server forwarded or refused by moderation, with
-- the model, the tokens it used and an estimate of what it cost. The daily budgets themselves are
-- counted in Redis (lib/ai/budget.ts), which answers in milliseconds and fails closed; this table
-- is the record a person can read back and an operator can add up. No prompt or answer text is
-- ever stored here.
create table public.ai_usage (
  id bigint generated always as identity primary key,
  -- The signed-in caller; null for an anonymous visitor (counted per address in Redis only).
  user_id uuid references auth.users (id) on delete cascade,
  endpoint text not null constraint ai_usage_endpoint check (endpoint in ('chat', 'generate', 'analyze')),
  model text not null constraint ai_usage_model_format check (model ~ '^[a-z0-9][a-z0-9.:_-]{0,63}$'),
  tier text constraint ai_usage_tier check (tier in ('free', 'pro', 'premium')),
  input_tokens integer not null constraint ai_usage_input_tokens check (input_tokens >= 0),
  output_tokens integer not null constraint ai_usage_output_tokens check (output_tokens >= 0),
  -- Millionths of a US dollar, from the model's list price (lib/ai/models.ts).
  cost_micro_usd bigint not null constraint ai_usage_cost check (cost_micro_usd >= 0),
  -- completed | incomplete (the output cap was reached) | aborted (the client left) |
  -- flagged (moderation refused the input; nothing was forwarded) | failed (the provider failed).
  outcome text not null
    constraint ai_usage_outcome check (outcome in ('completed', 'incomplete', 'aborted', 'flagged', 'failed')),
  created_at timestamptz not null default now()
);

create index ai_usage_user_idx on public.ai_usage (user_id, created_at);
create index ai_usage_day_idx on public.ai_usage (created_at);

alter table public.ai_usage enable row level security;
revoke all on table public.ai_usage from anon, authenticated;
-- People read their own rows; only the server writes (the service role, past RLS).
grant select on table public.ai_usage to authenticated;
create policy "users read their own AI usage"
  on public.ai_usage for select
  to authenticated
  using (user_id = (select auth.uid()));
