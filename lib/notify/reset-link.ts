// The password-reset link travels from the step that made it (lib/accounts/forgot-password.ts)
// to the deliverer inside the outbox row, sealed under its own context, and is erased from the row
// once the row is final (supabase/migrations/20261121000700_notifications.sql).
export const RESET_URL_CONTEXT = "notifications.reset_url";

/** How long the Auth server's recovery token lasts: the mail says so, and is not sent later. */
export const RESET_LINK_MINUTES = 60;
