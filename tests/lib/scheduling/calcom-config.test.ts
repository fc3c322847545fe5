// Cal.com's settings (lib/env.ts, lib/scheduling/calcom/config.ts): CALCOM_EVENT_TYPE_IDS is a
// JSON object from session-type slug to a positive event type id; anything else counts as not
// configured (named in the log, never its value), and so does a key without the map. Each case
// reads the environment afresh, as a cold start would.
import { afterEach, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../../helpers/log-capture.js";

async function configWith(settings: Record<string, string>) {
  vi.resetModules();
  for (const name of ["CALCOM_API_KEY", "CALCOM_EVENT_TYPE_IDS"]) {
    vi.stubEnv(name, settings[name] ?? "");
  }
  return import("../../../lib/scheduling/calcom/config.js");
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const KEY = "cal_live_0123456789abcdef";

describe("Cal.com's configuration", () => {
  it("maps each named session type to its event type", async () => {
    const { calcomConfig, calcomEventType } = await configWith({
      CALCOM_API_KEY: KEY,
      CALCOM_EVENT_TYPE_IDS: '{"individual": 1234567, "couples": 7654321}',
    });
    expect(calcomConfig()?.eventTypes).toEqual({ individual: 1234567, couples: 7654321 });
    expect(calcomEventType("couples")).toEqual({ apiKey: KEY, eventTypeId: 7654321 });
    // A session type not named stays with Bastion's own scheduling.
    expect(calcomEventType("group")).toBeUndefined();
  });

  it.each([
    ["not JSON", "individual=1234567"],
    ["a list", "[1234567]"],
    ["an id that is not a positive integer", '{"individual": "1234567"}'],
    ["a negative id", '{"individual": -1}'],
    ["a slug no session type can have", '{"Individual Session": 1}'],
    ["an empty map", "{}"],
  ])("counts %s as not configured, naming the setting only", async (_, value) => {
    const lines = captureLogs();
    const { calcomConfig } = await configWith({
      CALCOM_API_KEY: KEY,
      CALCOM_EVENT_TYPE_IDS: value,
    });
    expect(calcomConfig()).toBeUndefined();
    expect(lines).toContainEqual(
      expect.objectContaining({
        event: "configuration_invalid",
        variables: ["CALCOM_EVENT_TYPE_IDS"],
      }),
    );
    expect(JSON.stringify(lines)).not.toContain(KEY);
  });

  it("is off without the key, or without the map", async () => {
    expect(
      (await configWith({ CALCOM_EVENT_TYPE_IDS: '{"individual": 1}' })).calcomConfig(),
    ).toBeUndefined();
    expect((await configWith({ CALCOM_API_KEY: KEY })).calcomConfig()).toBeUndefined();
  });
});
