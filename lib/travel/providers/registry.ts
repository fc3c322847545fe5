// The configured flight provider: FLIGHT_PROVIDER names it, else the one whose key is set, else
// the sandbox on the local stack. Without any, the flight endpoints answer 503
// provider_not_configured; the sandbox never runs outside the local stack.
import { env, localStackEnabled, requireConfig } from "../../env.js";
import { ApiError } from "../../http/errors.js";
import type { FlightProviderName } from "../offer.js";
import type { FlightProvider } from "./types.js";

const FEATURE = "Flight search";

export function configuredFlightProviderName(): FlightProviderName {
  const config = env();
  if (config.FLIGHT_PROVIDER !== undefined) return config.FLIGHT_PROVIDER;
  if (config.KIWI_API_KEY !== undefined) return "kiwi";
  if (config.DUFFEL_ACCESS_TOKEN !== undefined) return "duffel";
  if (localStackEnabled()) return "sandbox";
  requireConfig(FEATURE, "FLIGHT_PROVIDER");
  throw new ApiError("provider_not_configured");
}

/** The provider an offer came from, or the configured one; adapters load on first use. */
export async function flightProvider(
  name: FlightProviderName = configuredFlightProviderName(),
): Promise<FlightProvider> {
  switch (name) {
    case "kiwi": {
      const { KIWI_API_KEY } = requireConfig(FEATURE, "KIWI_API_KEY");
      return (await import("./kiwi.js")).kiwiFlightProvider(KIWI_API_KEY);
    }
    case "duffel": {
      const { DUFFEL_ACCESS_TOKEN } = requireConfig(FEATURE, "DUFFEL_ACCESS_TOKEN");
      return (await import("./duffel.js")).duffelFlightProvider(DUFFEL_ACCESS_TOKEN);
    }
    case "sandbox": {
      if (!localStackEnabled()) {
        throw new ApiError(
          "provider_not_configured",
          `${FEATURE} is not configured on this server.`,
        );
      }
      return (await import("./sandbox.js")).sandboxFlightProvider();
    }
  }
}
