// The browser extension's tiers. Free needs no subscription; pro and premium are recurring Stripe
// prices named in the environment (STRIPE_PRICE_PRO, STRIPE_PRICE_PREMIUM), so a price can change
// without new code: the first price of a tier is sold, and older ones that subscribers still pay
// keep counting as that tier. Premium gives everything pro gives.
import { requireConfig } from "../env.js";

export const PAID_TIERS = ["pro", "premium"] as const;
export const TIERS = ["free", ...PAID_TIERS] as const;
export type PaidTier = (typeof PAID_TIERS)[number];
export type Tier = (typeof TIERS)[number];

/** Whether `tier` gives at least what `minimum` gives. */
export function meetsTier(tier: Tier, minimum: Tier): boolean {
  return TIERS.indexOf(tier) >= TIERS.indexOf(minimum);
}

/** Each paid tier's prices, the sold one first, or 503 provider_not_configured without them. */
export function tierPrices(): Record<PaidTier, string[]> {
  const { STRIPE_PRICE_PRO, STRIPE_PRICE_PREMIUM } = requireConfig(
    "Subscriptions",
    "STRIPE_PRICE_PRO",
    "STRIPE_PRICE_PREMIUM",
  );
  return { pro: STRIPE_PRICE_PRO, premium: STRIPE_PRICE_PREMIUM };
}

/** The price a new subscriber to the tier pays. */
export function soldPrice(tier: PaidTier): string {
  return tierPrices()[tier][0] as string;
}

/** The tier a Stripe price sells; undefined for a price that is no tier's. */
export function tierOfPrice(priceId: string): PaidTier | undefined {
  const prices = tierPrices();
  return PAID_TIERS.find((tier) => prices[tier].includes(priceId));
}
