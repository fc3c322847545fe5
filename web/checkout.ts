// Paying for a hold. The server creates the order for the hold's own amount; the browser only
// opens the provider's checkout and hands its answer back for verification:
// - locally, without keys, the sandbox's pay page (`checkoutUrl`), which returns here;
// - with Razorpay keys, Razorpay Checkout from Razorpay's own script;
// - with only Stripe configured (create-order answers provider_not_configured), Stripe Checkout,
//   to which the browser is sent and from which Stripe's webhook confirms the booking.
// A redirect carries the booking id in the return URL; `resumeCheckout` finishes on the way back.
// A guest (no account) pays the same way, presenting the booking's manage token as
// X-Booking-Token, and comes back to the booking's own page (/bookings/:id).
import { ApiProblem } from "../client/api-problem.js";
import { type BastionClient, type Schemas, unwrap } from "../client/bastion-client.js";

type Booking = Schemas["Booking"];
type CheckoutAnswer = {
  razorpay_order_id: string;
  razorpay_payment_id: string;
  razorpay_signature: string;
};
declare global {
  interface Window {
    Razorpay?: new (
      options: Record<string, unknown>,
    ) => { open(): void; on(event: string, listener: (response: unknown) => void): void };
  }
}

const RAZORPAY_CHECKOUT_SCRIPT = "https://checkout.razorpay.com/v1/checkout.js";
/** How long to wait for Stripe's webhook to confirm a booking after Stripe Checkout returns. */
const CONFIRMATION_POLLS = 10;
const CONFIRMATION_POLL_INTERVAL_MS = 1500;

/** A guest's booking: the manage token its confirmation link carries (`#token=…`). */
export interface GuestAccess {
  token: string;
}

/** The header a guest's calls about their booking carry; none for a signed-in customer. */
export function guestHeaders(guest: GuestAccess | undefined): Record<string, string> {
  return guest ? { "X-Booking-Token": guest.token } : {};
}

/** Resolves with the confirmed booking, or never when the browser is sent to a checkout page. */
export async function payForHold(
  client: BastionClient,
  booking: Booking,
  guest?: GuestAccess,
): Promise<Booking> {
  const id = encodeURIComponent(booking.id);
  const returnPath = guest ? `/bookings/${id}?booking=${id}` : `/?booking=${id}`;
  let order: Schemas["Order"];
  try {
    order = unwrap(
      await client.api.POST("/api/payments/create-order", {
        params: { header: { "Idempotency-Key": crypto.randomUUID() } },
        body: { sessionType: booking.sessionType, format: booking.format, bookingId: booking.id },
        headers: guestHeaders(guest),
      }),
    );
  } catch (error) {
    if (error instanceof ApiProblem && error.code === "provider_not_configured") {
      return stripeCheckout(client, booking, returnPath, guest);
    }
    throw error;
  }
  if (order.checkoutUrl) {
    const sandbox = new URL(order.checkoutUrl, location.origin);
    sandbox.searchParams.set("return", returnPath);
    return redirect(sandbox);
  }
  const answer = await razorpayCheckout(order, booking);
  await verify(client, answer);
  return readBooking(client, booking.id, guest);
}

/** After a checkout sent the browser back: the booking it paid for, or why it was not paid. */
export async function resumeCheckout(
  client: BastionClient,
  params: URLSearchParams,
  guest?: GuestAccess,
): Promise<Booking | undefined> {
  const bookingId = params.get("booking");
  if (!bookingId) return undefined;
  if (params.get("payment_failed") || params.get("checkout") === "cancelled") {
    throw new Error(
      "The payment did not go through, and nothing was charged. The time stays held for you for a few minutes: pay for it from My bookings.",
    );
  }
  const orderId = params.get("razorpay_order_id");
  const paymentId = params.get("razorpay_payment_id");
  const signature = params.get("razorpay_signature");
  if (orderId && paymentId && signature) {
    await verify(client, {
      razorpay_order_id: orderId,
      razorpay_payment_id: paymentId,
      razorpay_signature: signature,
    });
    return readBooking(client, bookingId, guest);
  }
  return awaitConfirmation(client, bookingId, guest);
}

async function verify(client: BastionClient, answer: CheckoutAnswer): Promise<void> {
  unwrap(await client.api.POST("/api/payments/verify", { body: answer }));
}

export async function readBooking(
  client: BastionClient,
  id: string,
  guest?: GuestAccess,
): Promise<Booking> {
  return unwrap(
    await client.api.GET("/api/bookings/{id}", {
      params: { path: { id } },
      headers: guestHeaders(guest),
    }),
  );
}

/** Stripe's webhook, not the browser, confirms a Stripe Checkout payment: wait a little for it. */
async function awaitConfirmation(
  client: BastionClient,
  id: string,
  guest?: GuestAccess,
): Promise<Booking> {
  let booking = await readBooking(client, id, guest);
  for (let poll = 1; poll < CONFIRMATION_POLLS && booking.status === "held"; poll++) {
    await new Promise((resolve) => setTimeout(resolve, CONFIRMATION_POLL_INTERVAL_MS));
    booking = await readBooking(client, id, guest);
  }
  return booking;
}

async function stripeCheckout(
  client: BastionClient,
  booking: Booking,
  returnPath: string,
  guest?: GuestAccess,
): Promise<Booking> {
  const session = unwrap(
    await client.api.POST("/api/payments/create-checkout", {
      params: { header: { "Idempotency-Key": crypto.randomUUID() } },
      headers: guestHeaders(guest),
      body: {
        sessionType: booking.sessionType,
        format: booking.format,
        bookingId: booking.id,
        customer: { email: booking.customer?.email ?? client.session?.user.email ?? "" },
        successUrl: new URL(`${returnPath}&checkout=complete`, location.origin).toString(),
        cancelUrl: new URL(`${returnPath}&checkout=cancelled`, location.origin).toString(),
      },
    }),
  );
  return redirect(new URL(session.url));
}

function redirect(url: URL): Promise<never> {
  location.assign(url);
  return new Promise<never>(() => {});
}

async function razorpayCheckout(
  order: Schemas["Order"],
  booking: Booking,
): Promise<CheckoutAnswer> {
  await loadScript(RAZORPAY_CHECKOUT_SCRIPT);
  const Razorpay = window.Razorpay;
  if (!Razorpay) throw new Error("Razorpay Checkout did not load; try again.");
  return new Promise((resolve, reject) => {
    const checkout = new Razorpay({
      key: order.keyId,
      order_id: order.orderId,
      amount: order.amount,
      currency: order.currency,
      name: "Bastion demo",
      description: booking.sessionType,
      prefill: { name: booking.customer?.name, email: booking.customer?.email },
      handler: resolve,
      modal: {
        ondismiss: () => reject(new Error("The payment window was closed; nothing was charged.")),
      },
    });
    checkout.on("payment.failed", () =>
      reject(new Error("The payment did not go through, and nothing was charged.")),
    );
    checkout.open();
  });
}

function loadScript(src: string): Promise<void> {
  if (document.querySelector(`script[src="${src}"]`)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`Could not load ${new URL(src).host}.`));
    document.head.append(script);
  });
}
