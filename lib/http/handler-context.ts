// What a handler receives (HandlerContext in endpoint.ts), built once per request. Classes, so
// that a request builds two small objects whose getters live on the prototype, rather than an
// object literal of closures per request: this is on every request's path.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Caller } from "../auth/caller.js";
import { appUrl } from "../env.js";

/** The clients an endpoint may use; the pipeline leaves out the ones its spec does not allow. */
export interface ClientMakers {
  anon?: () => SupabaseClient;
  user?: (accessToken: string) => SupabaseClient;
  service?: () => SupabaseClient;
}

/** context.db: each client is made on first use. */
export class HandlerDatabases {
  readonly #caller: Caller | undefined;
  readonly #makers: ClientMakers;
  #user: SupabaseClient | undefined;

  constructor(caller: Caller | undefined, makers: ClientMakers) {
    this.#caller = caller;
    this.#makers = makers;
  }

  get anon(): SupabaseClient {
    if (!this.#makers.anon) {
      throw new Error("db.anon is for public and optional-auth endpoints: use db.user");
    }
    return this.#makers.anon();
  }

  get user(): SupabaseClient {
    if (!this.#caller || !this.#makers.user) {
      throw new Error("db.user needs a signed-in caller: declare auth on the endpoint");
    }
    this.#user ??= this.#makers.user(this.#caller.accessToken);
    return this.#user;
  }

  get caller(): SupabaseClient {
    return this.#caller ? this.user : this.anon;
  }

  get service(): SupabaseClient {
    if (!this.#makers.service) {
      throw new Error("db.service needs `privileged` in the endpoint's spec");
    }
    return this.#makers.service();
  }
}

/** The request's parts after every check; `appUrl` is read only by the handlers that use it. */
export class RequestContext {
  constructor(
    readonly headers: Headers,
    readonly requestId: string,
    readonly ip: string,
    readonly params: unknown,
    readonly query: unknown,
    readonly body: unknown,
    readonly rawBody: string,
    readonly caller: Caller | undefined,
    readonly idempotencyKey: string | undefined,
    readonly db: HandlerDatabases,
  ) {}

  get appUrl(): string {
    return appUrl();
  }
}
