// Calling a database function (PostgREST rpc) whose answer has a known shape: a failure goes
// through the caller's own mapping — a domain turns its functions' refusal codes into ApiErrors —
// and the answer is parsed with its schema, so nothing unchecked leaves the call.
import type { PostgrestError, SupabaseClient } from "@supabase/supabase-js";
import type * as z from "zod";

/** What a failed call becomes; it always throws. `fn` is the function's name, for the message. */
export type RpcErrorMapper = (error: PostgrestError, fn: string) => never;

/** A failure nobody answers in their own words: a 500 naming the function and Postgres' code. */
export function throwRpcFailure(error: PostgrestError, fn: string): never {
  throw new Error(`${fn} failed: ${error.code} ${error.message}`);
}

/** The call function of one domain's database functions, whose failures `mapError` throws. */
export function rpcCaller(mapError: RpcErrorMapper = throwRpcFailure) {
  return async function call<T>(
    db: SupabaseClient,
    fn: string,
    args: Record<string, unknown>,
    schema: z.ZodType<T>,
  ): Promise<T> {
    const { data, error } = await db.rpc(fn, args);
    if (error) mapError(error, fn);
    return schema.parse(data);
  };
}
