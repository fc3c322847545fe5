// What every server-side supabase-js client shares. A function instance serves many callers in
// turn, so no client keeps a session: nothing is stored, nothing refreshes, and the Authorization
// header is pinned to the key or token the client was made for — a sign-in on the client cannot
// change whom Postgres sees. No Realtime socket either: a function must not hold one open.
import type { SupabaseClientOptions } from "@supabase/supabase-js";

type RealtimeTransport = NonNullable<SupabaseClientOptions<"public">["realtime"]>["transport"];

// createClient needs a WebSocket class on Node 20, which has none; broadcasts from the server go
// over REST (channel.send without subscribing), which never opens a socket.
class NoRealtimeSocket {
  constructor() {
    throw new Error("Server functions do not open Realtime sockets; send broadcasts over REST.");
  }
}

/** Options for a client whose every request carries `bearer` (an API key or an access token). */
export function serverClientOptions(bearer: string): SupabaseClientOptions<"public"> {
  return {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { headers: { Authorization: `Bearer ${bearer}` } },
    realtime: { transport: NoRealtimeSocket as unknown as RealtimeTransport },
  };
}
