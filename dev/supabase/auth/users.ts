// auth.users rows and the GoTrue User JSON made from them (supabase/auth internal/models/user.go).
import type { Query } from "../database.js";
import { badRequest, unprocessable } from "./errors.js";
import type { JsonObject } from "./request.js";

export interface UserRow {
  id: string;
  aud: string;
  role: string;
  email: string | null;
  phone: string | null;
  encrypted_password: string | null;
  email_confirmed_at: string | null;
  phone_confirmed_at: string | null;
  confirmed_at: string | null;
  recovery_sent_at: string | null;
  email_change: string | null;
  email_change_sent_at: string | null;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
  banned_until: string | null;
  is_banned: boolean;
  is_anonymous: boolean;
  raw_app_meta_data: JsonObject;
  raw_user_meta_data: JsonObject;
}

/** Timestamps as RFC 3339 text, the way GoTrue prints them (and the same from pg and PGlite). */
const iso = (column: string) =>
  `to_char(u.${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as ${column}`;

/** Select list over `u`, an auth.users row (or the rows of an insert/update … returning *). */
export const USER_COLUMNS = [
  "u.id",
  "u.aud",
  "u.role",
  "u.email",
  "u.phone",
  "u.encrypted_password",
  iso("email_confirmed_at"),
  iso("phone_confirmed_at"),
  iso("confirmed_at"),
  iso("recovery_sent_at"),
  "u.email_change",
  iso("email_change_sent_at"),
  iso("last_sign_in_at"),
  iso("created_at"),
  iso("updated_at"),
  iso("banned_until"),
  "coalesce(u.banned_until > now(), false) as is_banned",
  "u.is_anonymous",
  "u.raw_app_meta_data",
  "u.raw_user_meta_data",
].join(", ");

export async function findUserById(query: Query, id: string): Promise<UserRow | undefined> {
  const { rows } = await query<UserRow>(
    `select ${USER_COLUMNS} from auth.users u where u.id = $1`,
    [id],
  );
  return rows[0];
}

export async function findUserByEmail(query: Query, email: string): Promise<UserRow | undefined> {
  const { rows } = await query<UserRow>(
    `select ${USER_COLUMNS} from auth.users u where lower(u.email) = lower($1)`,
    [email],
  );
  return rows[0];
}

export interface NewUser {
  email: string;
  passwordHash: string | null;
  emailConfirmed: boolean;
  userMetadata: JsonObject;
  appMetadata: JsonObject;
}

/** Inserts an email user; the caller has checked that the address is free. */
export async function insertUser(query: Query, user: NewUser): Promise<UserRow> {
  const { rows } = await query<UserRow>(
    `with u as (
       insert into auth.users
         (instance_id, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data)
       values ('00000000-0000-0000-0000-000000000000', $1, $2,
               case when $3::boolean then now() end, $4::jsonb, $5::jsonb)
       returning *
     )
     select ${USER_COLUMNS} from u`,
    [
      user.email,
      user.passwordHash,
      String(user.emailConfirmed),
      JSON.stringify({ ...EMAIL_PROVIDER, ...user.appMetadata }),
      JSON.stringify(user.userMetadata),
    ],
  );
  return rows[0] as UserRow;
}

/** Applies `set` (an SQL assignment list over $2…) to the user with id $1 and returns the row. */
export async function updateUser(
  query: Query,
  id: string,
  set: string,
  params: readonly (string | null)[] = [],
): Promise<UserRow> {
  const { rows } = await query<UserRow>(
    `with u as (update auth.users set ${set}, updated_at = now() where id = $1 returning *)
     select ${USER_COLUMNS} from u`,
    [id, ...params],
  );
  return rows[0] as UserRow;
}

const EMAIL_PROVIDER = { provider: "email", providers: ["email"] };

/** app_metadata as GoTrue reports it; rows inserted by seeds may lack the provider keys. */
export function appMetadata(user: UserRow): JsonObject {
  return { ...EMAIL_PROVIDER, ...user.raw_app_meta_data };
}

// The pattern GoTrue validates addresses with (internal/api/mail.go).
const EMAIL_PATTERN =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** Validates an address and lower-cases it, as GoTrue stores addresses. */
export function normalizeEmail(email: string): string {
  if (email.length > 255) throw badRequest("validation_failed", "An email address is too long");
  if (!EMAIL_PATTERN.test(email)) {
    throw badRequest("validation_failed", "Unable to validate email address: invalid format");
  }
  return email.toLowerCase();
}

export const emailTaken = () =>
  unprocessable("email_exists", "A user with this email address has already been registered");

/** The GoTrue User object; fields GoTrue omits when empty are left out here too. */
export function userJson(user: UserRow): JsonObject {
  const optional: JsonObject = {
    email_confirmed_at: user.email_confirmed_at,
    phone_confirmed_at: user.phone_confirmed_at,
    confirmed_at: user.confirmed_at,
    recovery_sent_at: user.recovery_sent_at,
    new_email: user.email_change,
    email_change_sent_at: user.email_change_sent_at,
    last_sign_in_at: user.last_sign_in_at,
    banned_until: user.banned_until,
  };
  return {
    id: user.id,
    aud: user.aud,
    role: user.role,
    email: user.email ?? "",
    phone: user.phone ?? "",
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== null)),
    app_metadata: appMetadata(user),
    user_metadata: user.raw_user_meta_data,
    identities: user.email ? [emailIdentity(user, user.email)] : [],
    created_at: user.created_at,
    updated_at: user.updated_at,
    is_anonymous: user.is_anonymous,
  };
}

/**
 * The local stack keeps no auth.identities table: an email user has exactly one identity, its
 * email, which is derived from the row (its identity_id reuses the user id).
 */
function emailIdentity(user: UserRow, email: string): JsonObject {
  return {
    identity_id: user.id,
    id: user.id,
    user_id: user.id,
    identity_data: {
      email,
      email_verified: user.email_confirmed_at !== null,
      phone_verified: false,
      sub: user.id,
    },
    provider: "email",
    last_sign_in_at: user.last_sign_in_at ?? user.created_at,
    created_at: user.created_at,
    updated_at: user.updated_at,
    email,
  };
}
