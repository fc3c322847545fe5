// A network-level fake of the part of Stripe's API that Bastion calls, for the real `stripe` SDK
// pointed at it with STRIPE_API_URL: PaymentIntents (create, retrieve), Refunds (create, list),
// Checkout Sessions (create, in payment and subscription mode), Customers (create), Subscriptions
// (retrieve, update), billing portal sessions (create), and Connect: Accounts (create, retrieve),
// Account Links (create) and intents made on a connected account (the Stripe-Account header). Bodies arrive form-encoded with
// bracketed keys, as the SDK sends them; answers are Stripe's JSON shapes and error envelopes.
// Like Stripe, a POST repeated with the same Idempotency-Key gets the first answer again, and one
// with other parameters gets 400. Tests play the customer, the dashboard and Stripe's billing
// clock through the methods below, then sign events with stripeEvent().
import { randomBytes } from "node:crypto";
import { type RunningServer, serve } from "../../dev/web-server.js";

type StripeObject = Record<string, unknown>;

export interface FakeIntent extends StripeObject {
  id: string;
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  metadata: Record<string, string>;
}

export interface FakeAccount extends StripeObject {
  id: string;
  type: string;
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  metadata: Record<string, string>;
}

export interface FakeSubscription extends StripeObject {
  id: string;
  customer: string;
  status: string;
  cancel_at_period_end: boolean;
  metadata: Record<string, string>;
  items: { object: "list"; data: (StripeObject & { id: string; price: { id: string } })[] };
}

export interface FakeStripe {
  url: string;
  secretKey: string;
  /** Every request received: method, path, Idempotency-Key and the parsed form parameters. */
  requests: {
    method: string;
    path: string;
    idempotencyKey: string | null;
    params: FormFields;
    /** The Stripe-Account header: the connected account the request acts on. */
    account?: string;
  }[];
  intent(id: string): FakeIntent;
  /** The customer pays the intent. */
  pay(intentId: string): FakeIntent;
  /** The customer's card is declined. */
  decline(intentId: string): FakeIntent;
  /** A Connect account the platform created. */
  account(id: string): FakeAccount;
  /** The account's owner finishes (or loses) onboarding: what Stripe then reports of it. */
  setAccountStatus(
    id: string,
    status: { charges_enabled: boolean; payouts_enabled: boolean; details_submitted: boolean },
  ): FakeAccount;
  /** The connected account an intent was made on (the Stripe-Account header), if any. */
  intentAccount(intentId: string): string | undefined;
  /** The customer pays on Checkout's page: Stripe creates and pays the session's intent. */
  completeCheckout(sessionId: string): { session: StripeObject; intent: FakeIntent };
  /** A refund made in Stripe's dashboard (no metadata of ours). */
  dashboardRefund(intentId: string, amount?: number): StripeObject;
  /** The charge of a paid intent, as charge.* events carry it. */
  charge(intentId: string): StripeObject;
  /** The customer subscribes on Checkout's page: Stripe creates the subscription, active. */
  completeSubscriptionCheckout(sessionId: string): {
    session: StripeObject;
    subscription: FakeSubscription;
  };
  subscription(id: string): FakeSubscription;
  /** A renewal: paid (active, a new period) or declined (past_due while Stripe retries). */
  renew(subscriptionId: string, paid: boolean): FakeSubscription;
  /** The period runs out on a subscription set to cancel at its end: Stripe ends it. */
  endPeriod(subscriptionId: string): FakeSubscription;
  /** The subscription's latest invoice, as invoice.* events carry it. */
  invoice(subscriptionId: string): StripeObject;
  close(): Promise<void>;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);
const MONTH_SECONDS = 30 * 86_400;

export async function startFakeStripe(secretKey = "sk_test_fake_bastion"): Promise<FakeStripe> {
  const intents = new Map<string, FakeIntent>();
  /** Intents made on a connected account: only a request naming that account finds them. */
  const intentAccounts = new Map<string, string>();
  const accounts = new Map<string, FakeAccount>();
  const refunds: StripeObject[] = [];
  const sessions = new Map<
    string,
    StripeObject & { intentMetadata: Record<string, string>; subscriptionMetadata: FormFields }
  >();
  const customers = new Map<string, StripeObject>();
  const subscriptions = new Map<string, FakeSubscription>();
  const replies = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  const requests: FakeStripe["requests"] = [];

  function subscription(subscriptionId: string): FakeSubscription {
    const found = subscriptions.get(subscriptionId);
    if (!found) throw new Error(`the fake has no subscription ${subscriptionId}`);
    return found;
  }

  function intent(intentId: string): FakeIntent {
    const found = intents.get(intentId);
    if (!found) throw new Error(`the fake has no intent ${intentId}`);
    return found;
  }

  function pay(intentId: string): FakeIntent {
    const paying = intent(intentId);
    return Object.assign(paying, {
      status: "succeeded",
      amount_received: paying.amount,
      latest_charge: id("ch"),
      last_payment_error: null,
    });
  }

  function createIntent(params: FormFields): FakeIntent {
    const intentId = id("pi");
    const created: FakeIntent = {
      id: intentId,
      object: "payment_intent",
      amount: Number(params.amount),
      amount_received: 0,
      currency: String(params.currency),
      status: "requires_payment_method",
      client_secret: `${intentId}_secret_${randomBytes(8).toString("hex")}`,
      metadata: (params.metadata as Record<string, string> | undefined) ?? {},
      automatic_payment_methods: {
        enabled: (params.automatic_payment_methods as FormFields | undefined)?.enabled === "true",
      },
      last_payment_error: null,
      cancellation_reason: null,
      latest_charge: null,
      application_fee_amount:
        params.application_fee_amount === undefined ? null : Number(params.application_fee_amount),
      on_behalf_of: params.on_behalf_of ?? null,
      transfer_data:
        params.transfer_data === undefined
          ? null
          : { destination: (params.transfer_data as FormFields).destination },
      created: now(),
      livemode: false,
    };
    intents.set(intentId, created);
    return created;
  }

  function account(accountId: string): FakeAccount {
    const found = accounts.get(accountId);
    if (!found) throw new Error(`the fake has no account ${accountId}`);
    return found;
  }

  function createAccount(params: FormFields): FakeAccount {
    const accountId = id("acct");
    const created: FakeAccount = {
      id: accountId,
      object: "account",
      type: String(params.type ?? "express"),
      country: params.country ?? "US",
      email: params.email ?? null,
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      capabilities: {},
      requested_capabilities: params.capabilities ?? {},
      requirements: {
        currently_due: ["external_account"],
        disabled_reason: "requirements.past_due",
      },
      metadata: (params.metadata as Record<string, string> | undefined) ?? {},
      created: now(),
    };
    accounts.set(accountId, created);
    return created;
  }

  function refund(intentId: string, amount: number | undefined, extra: StripeObject) {
    const paid = intent(intentId);
    const refunded = refunds
      .filter((r) => r.payment_intent === intentId && r.status === "succeeded")
      .reduce((sum, r) => sum + Number(r.amount), 0);
    const left = paid.amount_received - refunded;
    if (paid.status !== "succeeded" || (amount ?? left) > left || (amount ?? left) <= 0) {
      return undefined;
    }
    const made = {
      id: id("re"),
      object: "refund",
      amount: amount ?? left,
      currency: paid.currency,
      payment_intent: intentId,
      charge: paid.latest_charge,
      status: "succeeded",
      reason: null,
      metadata: {},
      created: now(),
      ...extra,
    };
    refunds.push(made);
    return made;
  }

  function route(
    method: string,
    path: string,
    query: URLSearchParams,
    params: FormFields,
    onAccount: string | null,
  ) {
    const [, version, resource, resourceId, more] = path.split("/");
    if (version !== "v1") return notFound(path);
    if (onAccount !== null && !accounts.has(onAccount)) {
      return {
        status: 403,
        body: {
          error: {
            type: "invalid_request_error",
            code: "account_invalid",
            message: `The provided key does not have access to account '${onAccount}'.`,
          },
        },
      };
    }
    const visible = (intentId: string) =>
      intents.has(intentId) && (intentAccounts.get(intentId) ?? null) === onAccount;
    if (method === "POST" && resource === "payment_intents" && !resourceId) {
      const created = createIntent(params);
      if (onAccount !== null) intentAccounts.set(created.id, onAccount);
      return { status: 200, body: created };
    }
    if (method === "GET" && resource === "payment_intents" && resourceId) {
      const found = visible(resourceId) ? intents.get(resourceId) : undefined;
      return found ? { status: 200, body: found } : notFound(`payment_intent: '${resourceId}'`);
    }
    if (method === "POST" && resource === "accounts" && !resourceId) {
      return { status: 200, body: createAccount(params) };
    }
    if (method === "GET" && resource === "accounts" && resourceId && !more) {
      const found = accounts.get(resourceId);
      return found ? { status: 200, body: found } : notFound(`account: '${resourceId}'`);
    }
    if (method === "POST" && resource === "account_links" && !resourceId) {
      const linked = String(params.account);
      if (!accounts.has(linked)) return notFound(`account: '${linked}'`);
      return {
        status: 200,
        body: {
          object: "account_link",
          created: now(),
          expires_at: now() + 300,
          url: `https://connect.stripe.test/setup/e/${linked}/${randomBytes(8).toString("hex")}`,
          type: params.type,
          return_url: params.return_url,
          refresh_url: params.refresh_url,
        },
      };
    }
    if (method === "POST" && resource === "refunds") {
      const intentId = String(params.payment_intent);
      if (!visible(intentId)) return notFound(`payment_intent: '${intentId}'`);
      const amount = params.amount === undefined ? undefined : Number(params.amount);
      const made = refund(intentId, amount, {
        metadata: params.metadata ?? {},
        ...(params.reverse_transfer !== undefined && {
          reverse_transfer: params.reverse_transfer === "true",
        }),
        ...(params.refund_application_fee !== undefined && {
          refund_application_fee: params.refund_application_fee === "true",
        }),
      });
      return made ? { status: 200, body: made } : invalid("This refund is not possible.");
    }
    if (method === "GET" && resource === "refunds") {
      const data = refunds.filter((r) => r.payment_intent === query.get("payment_intent"));
      return { status: 200, body: { object: "list", data, has_more: false, url: "/v1/refunds" } };
    }
    if (method === "POST" && resource === "checkout" && resourceId === "sessions" && !more) {
      const customer = params.customer === undefined ? undefined : String(params.customer);
      if (customer !== undefined && !customers.has(customer)) {
        return notFound(`customer: '${customer}'`);
      }
      return { status: 200, body: createSession(params) };
    }
    if (method === "POST" && resource === "customers" && !resourceId) {
      const customerId = id("cus");
      const created = {
        id: customerId,
        object: "customer",
        email: null,
        metadata: params.metadata ?? {},
        created: now(),
        livemode: false,
      };
      customers.set(customerId, created);
      return { status: 200, body: created };
    }
    if (resource === "subscriptions" && resourceId && !more) {
      const found = subscriptions.get(resourceId);
      if (!found) return notFound(`subscription: '${resourceId}'`);
      if (method === "GET") return { status: 200, body: found };
      if (method === "POST") return { status: 200, body: updateSubscription(found, params) };
    }
    if (method === "POST" && resource === "billing_portal" && resourceId === "sessions") {
      const customer = String(params.customer);
      if (!customers.has(customer)) return notFound(`customer: '${customer}'`);
      const portalId = id("bps");
      return {
        status: 200,
        body: {
          id: portalId,
          object: "billing_portal.session",
          customer,
          return_url: params.return_url,
          url: `https://billing.stripe.test/p/session/${portalId}`,
          created: now(),
          livemode: false,
        },
      };
    }
    return notFound(path);
  }

  function updateSubscription(updating: FakeSubscription, params: FormFields) {
    for (const change of (params.items as FormFields[] | undefined) ?? []) {
      const item = updating.items.data.find((candidate) => candidate.id === change.id);
      if (item && change.price !== undefined) item.price = price(String(change.price));
    }
    if (params.cancel_at_period_end !== undefined) {
      updating.cancel_at_period_end = params.cancel_at_period_end === "true";
    }
    return updating;
  }

  function createSubscription(customer: string, priceId: string, metadata: FormFields) {
    const subscriptionId = id("sub");
    const created: FakeSubscription = {
      id: subscriptionId,
      object: "subscription",
      customer,
      status: "active",
      cancel_at_period_end: false,
      canceled_at: null,
      metadata: metadata as Record<string, string>,
      items: {
        object: "list",
        data: [
          {
            id: id("si"),
            object: "subscription_item",
            price: price(priceId),
            quantity: 1,
            current_period_start: now(),
            current_period_end: now() + MONTH_SECONDS,
          },
        ],
      },
      created: now(),
      livemode: false,
    };
    subscriptions.set(subscriptionId, created);
    return created;
  }

  function createSession(params: FormFields) {
    const sessionId = id("cs_test");
    const [item] = (params.line_items as FormFields[] | undefined) ?? [];
    const priceData = (item?.price_data ?? {}) as FormFields;
    const created = {
      id: sessionId,
      object: "checkout.session",
      mode: params.mode,
      url: `https://checkout.stripe.test/c/pay/${sessionId}`,
      status: "open",
      payment_status: "unpaid",
      payment_intent: null,
      subscription: null,
      customer: params.customer ?? null,
      amount_total:
        priceData.unit_amount === undefined
          ? null
          : Number(priceData.unit_amount) * Number(item?.quantity ?? 1),
      currency: priceData.currency ?? null,
      line_items: params.line_items,
      customer_email: params.customer_email,
      client_reference_id: params.client_reference_id,
      success_url: params.success_url,
      cancel_url: params.cancel_url,
      expires_at: Number(params.expires_at),
      metadata: params.metadata ?? {},
      intentMetadata: ((params.payment_intent_data as FormFields | undefined)?.metadata ??
        {}) as Record<string, string>,
      subscriptionMetadata: ((params.subscription_data as FormFields | undefined)?.metadata ??
        {}) as FormFields,
    };
    sessions.set(sessionId, created);
    return visibleSession(created);
  }

  const server: RunningServer = await serve(
    async (request) => {
      const url = new URL(request.url);
      const key = request.headers.get("idempotency-key");
      const text = await request.text();
      const params = parseForm(text);
      const onAccount = request.headers.get("stripe-account");
      requests.push({
        method: request.method,
        path: url.pathname,
        idempotencyKey: key,
        params,
        ...(onAccount !== null && { account: onAccount }),
      });
      if (request.headers.get("authorization") !== `Bearer ${secretKey}`) {
        return reply(401, { error: { type: "invalid_request_error", message: "Invalid API Key" } });
      }
      const fingerprint = `${request.method} ${url.pathname} ${onAccount ?? ""}\n${text}`;
      const earlier = key === null ? undefined : replies.get(key);
      if (earlier) {
        return earlier.fingerprint === fingerprint
          ? reply(earlier.status, earlier.body, { "idempotent-replayed": "true" })
          : reply(400, {
              error: {
                type: "idempotency_error",
                message: "Keys for idempotent requests can only be used with the same parameters.",
              },
            });
      }
      const answer = route(request.method, url.pathname, url.searchParams, params, onAccount);
      if (key !== null && request.method === "POST") replies.set(key, { fingerprint, ...answer });
      return reply(answer.status, answer.body);
    },
    { port: 0 },
  );

  return {
    url: server.url,
    secretKey,
    requests,
    intent,
    pay,
    account,
    setAccountStatus(accountId, status) {
      const updating = account(accountId);
      Object.assign(updating, status, {
        requirements: status.details_submitted
          ? { currently_due: [], disabled_reason: null }
          : { currently_due: ["external_account"], disabled_reason: "requirements.past_due" },
      });
      return updating;
    },
    intentAccount: (intentId) => intentAccounts.get(intentId),
    decline(intentId) {
      return Object.assign(intent(intentId), {
        status: "requires_payment_method",
        last_payment_error: { code: "card_declined", decline_code: "insufficient_funds" },
      });
    },
    completeCheckout(sessionId) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`the fake has no session ${sessionId}`);
      const paid = createIntent({
        amount: String(session.amount_total),
        currency: String(session.currency),
        metadata: session.intentMetadata,
      });
      pay(paid.id);
      Object.assign(session, {
        status: "complete",
        payment_status: "paid",
        payment_intent: paid.id,
      });
      return { session: visibleSession(session), intent: paid };
    },
    completeSubscriptionCheckout(sessionId) {
      const session = sessions.get(sessionId);
      if (session?.mode !== "subscription") {
        throw new Error(`the fake has no subscription session ${sessionId}`);
      }
      const [item] = (session.line_items as FormFields[] | undefined) ?? [];
      const created = createSubscription(
        String(session.customer),
        String(item?.price),
        session.subscriptionMetadata,
      );
      Object.assign(session, {
        status: "complete",
        payment_status: "paid",
        subscription: created.id,
      });
      return { session: visibleSession(session), subscription: created };
    },
    subscription,
    renew(subscriptionId, paid) {
      const renewing = subscription(subscriptionId);
      const [item] = renewing.items.data;
      if (paid && item) {
        item.current_period_start = now();
        item.current_period_end = now() + MONTH_SECONDS;
      }
      renewing.status = paid ? "active" : "past_due";
      return renewing;
    },
    endPeriod(subscriptionId) {
      return Object.assign(subscription(subscriptionId), {
        status: "canceled",
        canceled_at: now(),
        ended_at: now(),
      });
    },
    invoice(subscriptionId) {
      const billed = subscription(subscriptionId);
      return {
        id: id("in"),
        object: "invoice",
        customer: billed.customer,
        status: billed.status === "past_due" ? "open" : "paid",
        parent: {
          type: "subscription_details",
          quote_details: null,
          subscription_details: { subscription: subscriptionId, metadata: billed.metadata },
        },
        customer_email: "subscriber@example.test",
      };
    },
    dashboardRefund(intentId, amount) {
      const made = refund(intentId, amount, { reason: "requested_by_customer" });
      if (!made) throw new Error(`the fake cannot refund ${intentId}`);
      return made;
    },
    charge(intentId) {
      const paid = intent(intentId);
      const refunded = refunds
        .filter((r) => r.payment_intent === intentId && r.status === "succeeded")
        .reduce((sum, r) => sum + Number(r.amount), 0);
      return {
        id: paid.latest_charge,
        object: "charge",
        amount: paid.amount_received,
        amount_refunded: refunded,
        currency: paid.currency,
        payment_intent: intentId,
        refunded: refunded === paid.amount_received,
        billing_details: { email: "payer@example.test", name: "Asha Rao" },
      };
    },
    close: () => server.close(),
  };
}

type FormFields = { [key: string]: string | FormFields | FormFields[] | undefined };

const price = (priceId: string) => ({
  id: priceId,
  object: "price",
  recurring: { interval: "month" },
});

/** A session as Stripe shows it, without what the fake keeps for the objects it creates later. */
function visibleSession(session: StripeObject): StripeObject {
  const { intentMetadata: _, subscriptionMetadata: __, ...visible } = session;
  return visible;
}

/** `a[b][0][c]=1` → { a: { b: [{ c: "1" }] } }, as Stripe reads the SDK's bodies. */
function parseForm(text: string): FormFields {
  const root: FormFields = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const keys = name.split(/\[|\]\[|\]/).filter(Boolean);
    let node: Record<string, unknown> = root;
    keys.forEach((key, index) => {
      if (index === keys.length - 1) {
        node[key] = value;
        return;
      }
      const nextIsIndex = /^\d+$/.test(keys[index + 1] ?? "");
      node[key] ??= nextIsIndex ? [] : {};
      node = node[key] as Record<string, unknown>;
    });
  }
  return root;
}

function reply(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "request-id": id("req"), ...headers } });
}

function notFound(what: string) {
  return {
    status: 404,
    body: {
      error: {
        type: "invalid_request_error",
        code: "resource_missing",
        message: `No such ${what}`,
      },
    },
  };
}

function invalid(message: string) {
  return { status: 400, body: { error: { type: "invalid_request_error", message } } };
}
