// Whether Cal.com schedules a session type (issue 17, item 4): only with CALCOM_API_KEY and the
// type's event type id in CALCOM_EVENT_TYPE_IDS. Without them scheduling is Bastion's own.
import { env } from "../../env.js";

export interface CalcomConfig {
  apiKey: string;
  eventTypes: Readonly<Record<string, number>>;
}

/** The configuration, or undefined when Cal.com is not set up (the built-in scheduling). */
export function calcomConfig(): CalcomConfig | undefined {
  const { CALCOM_API_KEY, CALCOM_EVENT_TYPE_IDS } = env();
  if (CALCOM_API_KEY === undefined || CALCOM_EVENT_TYPE_IDS === undefined) return undefined;
  return { apiKey: CALCOM_API_KEY, eventTypes: CALCOM_EVENT_TYPE_IDS };
}

/** The API key and the Cal.com event type that schedules `sessionType`, if Cal.com does. */
export function calcomEventType(
  sessionType: string,
): { apiKey: string; eventTypeId: number } | undefined {
  const config = calcomConfig();
  const eventTypeId =
    config && Object.hasOwn(config.eventTypes, sessionType)
      ? config.eventTypes[sessionType]
      : undefined;
  return config && eventTypeId !== undefined ? { apiKey: config.apiKey, eventTypeId } : undefined;
}
