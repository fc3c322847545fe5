// A guest's booking with an Idempotency-Key, through the API with Upstash over a real Redis: what
// Redis holds afterwards is read byte for byte, and no personal data and no manage token is in
// it; a replay still answers the same booking (without the token, which is shown once).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { consentFor, futureWeekday } from "../helpers/booking-hold.js";
import { type LocalUpstash, startLocalUpstash } from "../helpers/local-upstash.js";
import { newPractitioner } from "../helpers/practitioner.js";
import { redisServerBinary } from "../helpers/redis.js";
import { expectJson, post } from "../helpers/requests.js";
import { announceSkipped } from "../helpers/skipped.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

const binary = redisServerBinary();

interface Created {
  bookingId: string;
  status: string;
  confirmationUrl: string;
  manageToken?: string;
  booking: { id: string; customer: unknown; notes: string | null };
}

if (!binary) {
  announceSkipped(
    "redis-server not found — the idempotency records of a guest booking were not read from Redis (apt-get install redis-server)",
  );
} else {
  describe("a guest booking with an Idempotency-Key, kept in Redis", () => {
    let upstash: LocalUpstash;
    let api: TestApi;

    beforeAll(async () => {
      upstash = await startLocalUpstash(binary);
      api = await startTestApi({
        seedFile: PROJECT_SEED,
        env: { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token },
      });
    });
    afterAll(async () => {
      await api?.close();
      await upstash?.stop();
    });

    /** Every key in Redis with its raw value, whatever its type. */
    async function everythingInRedis(): Promise<string> {
      const keys = await upstash.direct.keys("*");
      const dump: string[] = [];
      for (const key of keys) {
        const type = await upstash.direct.type(key);
        const value =
          type === "string"
            ? await upstash.direct.get(key)
            : type === "hash"
              ? JSON.stringify(await upstash.direct.hgetall(key))
              : type === "zset"
                ? JSON.stringify(await upstash.direct.zrange(key, "0", "-1", "WITHSCORES"))
                : type === "set"
                  ? JSON.stringify(await upstash.direct.smembers(key))
                  : type === "list"
                    ? JSON.stringify(await upstash.direct.lrange(key, 0, -1))
                    : `<${type}>`;
        dump.push(`${key} ${value}`);
      }
      return dump.join("\n");
    }

    it("keeps no name, email, phone, notes or manage token, and replays the same booking", async () => {
      const email = `guest-${crypto.randomUUID().slice(0, 8)}@example.test`;
      await consentFor(api, email);
      const customer = { name: "Meenakshi Sundaram", email, phone: "+91 98450 12345" };
      const notes = "Panic attacks since the accident in March";
      const body = {
        sessionType: "individual",
        format: "video",
        date: futureWeekday(),
        time: "4:00 PM",
        practitionerId: await newPractitioner(api.supabase),
        customer,
        consentAccepted: true,
        notes,
      };
      const key = { "idempotency-key": crypto.randomUUID() };

      const created = await expectJson<Created>(
        await post(api, "/api/bookings", body, { headers: key }),
        201,
      );
      const token = created.manageToken ?? "";
      expect(token).not.toBe("");
      expect(new URL(created.confirmationUrl).hash).toBe(`#token=${token}`);

      const stored = await everythingInRedis();
      expect(stored).toMatch(/^idempotency:/m);
      for (const secret of [
        customer.name,
        email,
        email.split("@")[0] ?? email,
        customer.phone,
        "98450",
        notes,
        "Panic attacks",
        token,
      ]) {
        expect(stored).not.toContain(secret);
      }

      const replay = await post(api, "/api/bookings", body, { headers: key });
      const replayed = await expectJson<Created>(replay, 201);
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      const { manageToken: _shownOnce, confirmationUrl, ...sameBooking } = created;
      expect(replayed).toEqual({
        ...sameBooking,
        confirmationUrl: `${new URL(confirmationUrl).origin}/bookings/${created.bookingId}`,
      });
      expect(replayed.booking).toMatchObject({ customer, notes });
      expect(JSON.stringify(replayed)).not.toContain(token);

      // One booking, and the token the first answer gave still manages it.
      const { rows } = await api.supabase.db.query(
        "select id from public.bookings where customer_email_hash = (select customer_email_hash from public.bookings where id = $1)",
        [created.bookingId],
      );
      expect(rows).toHaveLength(1);
      const read = await fetch(`${api.url}/api/bookings/${created.bookingId}`, {
        headers: { "x-booking-token": token },
      });
      expect(read.status).toBe(200);
    });
  });
}
