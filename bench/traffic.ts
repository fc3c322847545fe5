// How many cold starts a day of traffic causes with one function per route and with the grouped
// functions, under Fluid compute's instance reuse. A simulation over a generated request
// sequence, with these assumptions (none of them measured on Vercel):
//
// - One day of a small practice's traffic, generated with a fixed seed: arrivals are a Poisson
//   process whose rate follows office hours (the rate between 08:00 and 20:00 is 6× the night's),
//   each request's route drawn from ROUTE_MIX (browsing availability and the catalogue most,
//   then sign-in, bookings, payments, their webhooks), plus the machine traffic on its own clock:
//   an uptime monitor on /api/health every minute, pg_cron's calls to /api/cron/* (delivery
//   every minute, reminders and owed refunds every 15 minutes) and Vercel Cron's daily runs.
// - An instance of a function serves every request that arrives while it is warm (Fluid compute
//   serves concurrent requests on one instance: no concurrency limit is modelled), and stays warm
//   for IDLE_MINUTES after its last request; after that the next request is a cold start.
// - A request is for one route; in the grouped shape a warm group instance serves it even if that
//   route's chunk was never loaded there (that first use still imports the chunk: the bench's
//   grouped import figures include it, but it is not counted as a cold start here).
import { groupOf } from "../dev/build/groups.js";

export const IDLE_MINUTES = 5;

/** Relative weights of the human traffic by route (others not listed get weight 0.2 each). */
const ROUTE_MIX: Record<string, number> = {
  "api/availability": 22,
  "api/services": 10,
  "api/auth/me": 8,
  "api/auth/login": 4,
  "api/auth/refresh": 6,
  "api/users/me": 6,
  "api/bookings/index": 6,
  "api/bookings/[id]": 5,
  "api/consent": 2,
  "api/payments/create-order": 2,
  "api/payments/verify": 2,
  "api/payments/create-intent": 1,
  "api/payments/confirm": 1,
  "api/webhooks/razorpay": 2,
  "api/webhooks/stripe": 1,
  "api/webhooks/resend": 2,
  "api/sync/pull": 3,
  "api/sync/push": 1,
};

export interface TrafficResult {
  requestsPerDay: number;
  requests: number;
  idleMinutes: number;
  coldStarts: { perRoute: number; grouped: number };
  /** Cold starts × each route's (or group route's) measured cold start p50, seconds a day. */
  coldSeconds?: { perRoute: number; grouped: number };
}

interface Request {
  atMs: number;
  route: string;
}

export function simulateTraffic(
  routes: string[],
  humanRequestsPerDay: number,
  coldMs?: { perRoute: Map<string, number>; grouped: Map<string, number> },
): TrafficResult {
  const requests = generateDay(routes, humanRequestsPerDay);
  const perRoute = countColdStarts(requests, (route) => route);
  const grouped = countColdStarts(requests, groupOf);
  const result: TrafficResult = {
    requestsPerDay: humanRequestsPerDay,
    requests: requests.length,
    idleMinutes: IDLE_MINUTES,
    coldStarts: { perRoute: perRoute.count, grouped: grouped.count },
  };
  if (coldMs) {
    const seconds = (cold: Request[], ms: Map<string, number>) =>
      Math.round(cold.reduce((sum, request) => sum + (ms.get(request.route) ?? 0), 0) / 100) / 10;
    result.coldSeconds = {
      perRoute: seconds(perRoute.cold, coldMs.perRoute),
      grouped: seconds(grouped.cold, coldMs.grouped),
    };
  }
  return result;
}

function countColdStarts(
  requests: Request[],
  functionOf: (route: string) => string,
): { count: number; cold: Request[] } {
  const lastUsed = new Map<string, number>();
  const cold: Request[] = [];
  for (const request of requests) {
    const fn = functionOf(request.route);
    const last = lastUsed.get(fn);
    if (last === undefined || request.atMs - last > IDLE_MINUTES * 60_000) cold.push(request);
    lastUsed.set(fn, request.atMs);
  }
  return { count: cold.length, cold };
}

function generateDay(routes: string[], humanRequestsPerDay: number): Request[] {
  const random = mulberry32(16);
  const day = 24 * 60 * 60_000;
  const weights = routes.map((route) => ROUTE_MIX[route] ?? 0.2);
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const pick = () => {
    let at = random() * totalWeight;
    for (let i = 0; i < routes.length; i++) {
      at -= weights[i] as number;
      if (at <= 0) return routes[i] as string;
    }
    return routes[routes.length - 1] as string;
  };
  // Office hours (12 of 24 hours) at 6× the night's rate.
  const nightRate = humanRequestsPerDay / (12 * 6 + 12) / (60 * 60_000);
  const rateAt = (ms: number) => {
    const hour = ms / (60 * 60_000);
    return hour >= 8 && hour < 20 ? 6 * nightRate : nightRate;
  };
  const requests: Request[] = [];
  // Thinning: candidates at the peak rate, kept with probability rate / peak.
  const peak = 6 * nightRate;
  for (let at = 0; ; ) {
    at += -Math.log(1 - random()) / peak;
    if (at >= day) break;
    if (random() < rateAt(at) / peak) requests.push({ atMs: at, route: pick() });
  }
  const every = (minutes: number, route: string, offsetMs = 0) => {
    if (!routes.includes(route)) return;
    for (let at = offsetMs; at < day; at += minutes * 60_000) requests.push({ atMs: at, route });
  };
  every(1, "api/health", 7_000);
  every(1, "api/cron/deliver-notifications", 0);
  every(15, "api/cron/reminders", 1_000);
  every(15, "api/cron/settle-payments", 2_000);
  for (const route of routes.filter((route) => route.startsWith("api/cron/"))) {
    every(24 * 60, route, 3 * 60 * 60_000);
  }
  return requests.sort((a, b) => a.atMs - b.atMs);
}

function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
