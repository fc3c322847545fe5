// Slots of one practitioner's local day: working intervals, DST, buffers, exceptions, bookings,
// minimum notice and horizon.
import { describe, expect, it } from "vitest";
import { computeSlots, type SlotInput, type TimeRange } from "../../../lib/scheduling/slots.js";

const ALL_WEEK = [1, 2, 3, 4, 5, 6, 7];

/** Working hours start–end on every weekday. */
function everyDay(...intervals: [string, string][]) {
  return ALL_WEEK.flatMap((weekday) => intervals.map(([start, end]) => ({ weekday, start, end })));
}

function input(overrides: Partial<SlotInput>): SlotInput {
  return {
    date: "2026-06-01", // a Monday
    timeZone: "Asia/Kolkata",
    workingHours: everyDay(["09:00", "17:00"]),
    exceptions: [],
    busy: [],
    durationMinutes: 30,
    bufferMinutes: 0,
    slotStepMinutes: 30,
    now: new Date("2026-01-01T00:00:00Z"),
    minimumNoticeMinutes: 0,
    horizonDays: 365,
    ...overrides,
  };
}

/** In Asia/Kolkata (+05:30) on 2026-06-01: "10:00" -> that instant. */
function ist(time: string, date = "2026-06-01"): Date {
  return new Date(`${date}T${time}:00+05:30`);
}

const range = (start: Date, end: Date): TimeRange => ({ start, end });

/** time -> available, for compact expectations. */
function availability(slots: ReturnType<typeof computeSlots>): Record<string, boolean> {
  return Object.fromEntries(slots.map((s) => [s.time, s.available]));
}

describe("computeSlots: the grid", () => {
  it("lists slots on a 30-minute local grid that fit inside the interval", () => {
    const slots = computeSlots(
      input({ workingHours: [{ weekday: 1, start: "09:00", end: "10:30" }], durationMinutes: 60 }),
    );
    expect(slots).toEqual([
      {
        time: "9:00 AM",
        start: "2026-06-01T03:30:00.000Z",
        end: "2026-06-01T04:30:00.000Z",
        available: true,
      },
      {
        time: "9:30 AM",
        start: "2026-06-01T04:00:00.000Z",
        end: "2026-06-01T05:00:00.000Z",
        available: true,
      },
    ]);
  });

  it("steps 30 minutes by default, whatever the duration", () => {
    const slots = computeSlots(
      input({
        workingHours: [{ weekday: 1, start: "11:00", end: "13:00" }],
        durationMinutes: 50,
        bufferMinutes: 10,
        slotStepMinutes: undefined,
      }),
    );
    expect(slots.map((s) => s.time)).toEqual(["11:00 AM", "11:30 AM", "12:00 PM"]);
  });

  it("returns nothing on a day without working hours", () => {
    const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "09:00", end: "17:00" }));
    expect(computeSlots(input({ date: "2026-06-06", workingHours: weekdays }))).toEqual([]); // Sat
    expect(computeSlots(input({ date: "2026-06-07", workingHours: weekdays }))).toEqual([]); // Sun
    expect(computeSlots(input({ date: "2026-06-05", workingHours: weekdays }))).toHaveLength(16);
  });

  it("uses only the intervals of the date's ISO weekday", () => {
    const hours = [
      { weekday: 1, start: "09:00", end: "10:00" },
      { weekday: 2, start: "15:00", end: "16:00" },
    ];
    expect(computeSlots(input({ workingHours: hours })).map((s) => s.time)).toEqual([
      "9:00 AM",
      "9:30 AM",
    ]);
    expect(
      computeSlots(input({ date: "2026-06-02", workingHours: hours })).map((s) => s.time),
    ).toEqual(["3:00 PM", "3:30 PM"]);
  });

  it("never lets a slot cross the gap between two intervals", () => {
    const slots = computeSlots(
      input({
        workingHours: [
          { weekday: 1, start: "14:00", end: "18:00" },
          { weekday: 1, start: "10:00", end: "13:00" },
        ],
        durationMinutes: 60,
      }),
    );
    expect(slots.map((s) => s.time)).toEqual([
      "10:00 AM",
      "10:30 AM",
      "11:00 AM",
      "11:30 AM",
      "12:00 PM",
      "2:00 PM",
      "2:30 PM",
      "3:00 PM",
      "3:30 PM",
      "4:00 PM",
      "4:30 PM",
      "5:00 PM",
    ]);
    expect(
      slots.every(
        (s) => s.end <= ist("13:00").toISOString() || s.start >= ist("14:00").toISOString(),
      ),
    ).toBe(true);
  });

  it("runs an interval to 24:00, the next midnight", () => {
    const slots = computeSlots(
      input({ workingHours: everyDay(["22:00", "24:00"]), durationMinutes: 60 }),
    );
    expect(slots.map((s) => s.time)).toEqual(["10:00 PM", "10:30 PM", "11:00 PM"]);
    expect(slots.at(-1)?.end).toBe(ist("00:00", "2026-06-02").toISOString());
  });

  it("labels midnight and noon in 12-hour time", () => {
    const slots = computeSlots(
      input({ workingHours: everyDay(["00:00", "01:00"], ["12:00", "13:00"]) }),
    );
    expect(slots.map((s) => s.time)).toEqual(["12:00 AM", "12:30 AM", "12:00 PM", "12:30 PM"]);
  });

  it("rejects malformed input", () => {
    expect(() => computeSlots(input({ date: "2026-06-31" }))).toThrow(RangeError);
    expect(() => computeSlots(input({ timeZone: "Nowhere/Land" }))).toThrow(RangeError);
    expect(() => computeSlots(input({ durationMinutes: 0 }))).toThrow(RangeError);
    expect(() => computeSlots(input({ slotStepMinutes: 7.5 }))).toThrow(RangeError);
    expect(() => computeSlots(input({ now: new Date(Number.NaN) }))).toThrow(RangeError);
    expect(() =>
      computeSlots(input({ workingHours: [{ weekday: 1, start: "10:00", end: "09:00" }] })),
    ).toThrow(RangeError);
    expect(() => computeSlots(input({ busy: [range(ist("11:00"), ist("10:00"))] }))).toThrow(
      RangeError,
    );
  });
});

describe("computeSlots: daylight saving time", () => {
  const NY = "America/New_York";

  it("New York spring forward (2026-03-08): working hours after the change are on EDT", () => {
    const slots = computeSlots(
      input({ date: "2026-03-08", timeZone: NY, workingHours: everyDay(["09:00", "12:00"]) }),
    );
    expect(slots.map((s) => [s.time, s.start])).toEqual([
      ["9:00 AM", "2026-03-08T13:00:00.000Z"],
      ["9:30 AM", "2026-03-08T13:30:00.000Z"],
      ["10:00 AM", "2026-03-08T14:00:00.000Z"],
      ["10:30 AM", "2026-03-08T14:30:00.000Z"],
      ["11:00 AM", "2026-03-08T15:00:00.000Z"],
      ["11:30 AM", "2026-03-08T15:30:00.000Z"],
    ]);
  });

  it("New York spring forward: 00:00–04:00 skips the missing hour", () => {
    // 00:00 EST is 05:00Z and 04:00 EDT is 08:00Z: three real hours; 02:00 and 02:30 never happen.
    const slots = computeSlots(
      input({ date: "2026-03-08", timeZone: NY, workingHours: everyDay(["00:00", "04:00"]) }),
    );
    expect(slots.map((s) => [s.time, s.start])).toEqual([
      ["12:00 AM", "2026-03-08T05:00:00.000Z"],
      ["12:30 AM", "2026-03-08T05:30:00.000Z"],
      ["1:00 AM", "2026-03-08T06:00:00.000Z"],
      ["1:30 AM", "2026-03-08T06:30:00.000Z"],
      ["3:00 AM", "2026-03-08T07:00:00.000Z"],
      ["3:30 AM", "2026-03-08T07:30:00.000Z"],
    ]);
    // An hour-long session from 1:30 AM takes a real hour and ends at 3:30 AM EDT.
    const hour = computeSlots(
      input({
        date: "2026-03-08",
        timeZone: NY,
        workingHours: everyDay(["00:00", "04:00"]),
        durationMinutes: 60,
      }),
    );
    expect(hour.map((s) => [s.time, s.end])).toEqual([
      ["12:00 AM", "2026-03-08T06:00:00.000Z"],
      ["12:30 AM", "2026-03-08T06:30:00.000Z"],
      ["1:00 AM", "2026-03-08T07:00:00.000Z"],
      ["1:30 AM", "2026-03-08T07:30:00.000Z"],
      ["3:00 AM", "2026-03-08T08:00:00.000Z"],
    ]);
  });

  it("New York spring forward: an interval starting inside the gap starts when the clock jumps", () => {
    const slots = computeSlots(
      input({ date: "2026-03-08", timeZone: NY, workingHours: everyDay(["02:30", "04:00"]) }),
    );
    expect(slots.map((s) => [s.time, s.start])).toEqual([
      ["3:00 AM", "2026-03-08T07:00:00.000Z"],
      ["3:30 AM", "2026-03-08T07:30:00.000Z"],
    ]);
  });

  it("New York fall back (2026-11-01): 00:00–03:00 holds four real hours, eight slots", () => {
    // 00:00 EDT is 04:00Z and 03:00 EST is 08:00Z; 1:00 and 1:30 AM happen twice.
    const slots = computeSlots(
      input({ date: "2026-11-01", timeZone: NY, workingHours: everyDay(["00:00", "03:00"]) }),
    );
    expect(slots.map((s) => [s.time, s.start])).toEqual([
      ["12:00 AM", "2026-11-01T04:00:00.000Z"],
      ["12:30 AM", "2026-11-01T04:30:00.000Z"],
      ["1:00 AM", "2026-11-01T05:00:00.000Z"],
      ["1:30 AM", "2026-11-01T05:30:00.000Z"],
      ["1:00 AM", "2026-11-01T06:00:00.000Z"],
      ["1:30 AM", "2026-11-01T06:30:00.000Z"],
      ["2:00 AM", "2026-11-01T07:00:00.000Z"],
      ["2:30 AM", "2026-11-01T07:30:00.000Z"],
    ]);
  });

  it("New York fall back: working hours after the change are on EST", () => {
    const slots = computeSlots(
      input({ date: "2026-11-01", timeZone: NY, workingHours: everyDay(["09:00", "10:00"]) }),
    );
    expect(slots.map((s) => s.start)).toEqual([
      "2026-11-01T14:00:00.000Z",
      "2026-11-01T14:30:00.000Z",
    ]);
  });

  it("an interval ending inside the repeated hour ends the first time the clock reads it", () => {
    const slots = computeSlots(
      input({ date: "2026-11-01", timeZone: NY, workingHours: everyDay(["00:00", "01:30"]) }),
    );
    expect(slots.map((s) => s.start)).toEqual([
      "2026-11-01T04:00:00.000Z",
      "2026-11-01T04:30:00.000Z",
      "2026-11-01T05:00:00.000Z",
    ]);
  });

  it.each([
    ["America/New_York", "2026-03-08", 23],
    ["America/New_York", "2026-11-01", 25],
    ["Europe/London", "2026-03-29", 23],
    ["Europe/London", "2026-10-25", 25],
    ["Asia/Kolkata", "2026-03-08", 24],
  ])(
    "%s %s: a whole working day has one slot per real half hour, no more, no less",
    (timeZone, date, hours) => {
      const slots = computeSlots(
        input({ date, timeZone, workingHours: everyDay(["00:00", "24:00"]) }),
      );
      expect(slots).toHaveLength(hours * 2);
      const starts = slots.map((s) => Date.parse(s.start));
      for (let i = 1; i < starts.length; i++) {
        expect((starts[i] ?? 0) - (starts[i - 1] ?? 0)).toBe(30 * 60_000);
      }
      expect(new Set(slots.map((s) => s.start)).size).toBe(slots.length);
    },
  );

  it("Europe/London spring forward (2026-03-29): 01:00–02:00 does not exist", () => {
    const slots = computeSlots(
      input({
        date: "2026-03-29",
        timeZone: "Europe/London",
        workingHours: everyDay(["00:00", "03:00"], ["09:00", "10:00"]),
      }),
    );
    expect(slots.map((s) => [s.time, s.start])).toEqual([
      ["12:00 AM", "2026-03-29T00:00:00.000Z"],
      ["12:30 AM", "2026-03-29T00:30:00.000Z"],
      ["2:00 AM", "2026-03-29T01:00:00.000Z"],
      ["2:30 AM", "2026-03-29T01:30:00.000Z"],
      ["9:00 AM", "2026-03-29T08:00:00.000Z"],
      ["9:30 AM", "2026-03-29T08:30:00.000Z"],
    ]);
  });

  it("Europe/London fall back (2026-10-25): 01:00–02:00 happens twice", () => {
    const slots = computeSlots(
      input({
        date: "2026-10-25",
        timeZone: "Europe/London",
        workingHours: everyDay(["00:00", "03:00"], ["09:00", "10:00"]),
      }),
    );
    expect(slots.map((s) => [s.time, s.start])).toEqual([
      ["12:00 AM", "2026-10-24T23:00:00.000Z"],
      ["12:30 AM", "2026-10-24T23:30:00.000Z"],
      ["1:00 AM", "2026-10-25T00:00:00.000Z"],
      ["1:30 AM", "2026-10-25T00:30:00.000Z"],
      ["1:00 AM", "2026-10-25T01:00:00.000Z"],
      ["1:30 AM", "2026-10-25T01:30:00.000Z"],
      ["2:00 AM", "2026-10-25T02:00:00.000Z"],
      ["2:30 AM", "2026-10-25T02:30:00.000Z"],
      ["9:00 AM", "2026-10-25T09:00:00.000Z"],
      ["9:30 AM", "2026-10-25T09:30:00.000Z"],
    ]);
  });

  it("Asia/Kolkata: +05:30 all year", () => {
    for (const date of ["2026-01-05", "2026-07-06"]) {
      const slots = computeSlots(input({ date, workingHours: everyDay(["09:00", "10:00"]) }));
      expect(slots.map((s) => s.start)).toEqual([`${date}T03:30:00.000Z`, `${date}T04:00:00.000Z`]);
    }
  });
});

describe("computeSlots: availability", () => {
  it("treats a booking that only touches a slot as no overlap", () => {
    const slots = computeSlots(
      input({
        workingHours: everyDay(["09:00", "12:00"]),
        durationMinutes: 60,
        busy: [range(ist("10:00"), ist("11:00"))],
      }),
    );
    expect(availability(slots)).toEqual({
      "9:00 AM": true,
      "9:30 AM": false,
      "10:00 AM": false,
      "10:30 AM": false,
      "11:00 AM": true,
    });
  });

  it("keeps the buffer free after the slot and after each booking", () => {
    const at = (bufferMinutes: number) =>
      availability(
        computeSlots(
          input({
            workingHours: everyDay(["09:00", "12:00"]),
            durationMinutes: 50,
            bufferMinutes,
            slotStepMinutes: 10,
            busy: [range(ist("10:00"), ist("10:50"))],
          }),
        ),
      );
    const buffered = at(10);
    expect(buffered["9:00 AM"]).toBe(true); // 9:00–9:50, then the buffer until 10:00
    expect(buffered["9:10 AM"]).toBe(false); // its buffer would run into the booking
    expect(buffered["10:50 AM"]).toBe(false); // inside the booking's buffer
    expect(buffered["11:00 AM"]).toBe(true);
    const unbuffered = at(0);
    expect(unbuffered["9:10 AM"]).toBe(true);
    expect(unbuffered["9:20 AM"]).toBe(false);
    expect(unbuffered["10:50 AM"]).toBe(true);
  });

  it("lets the buffer run past the end of working hours", () => {
    const slots = computeSlots(
      input({ workingHours: everyDay(["09:00", "10:00"]), durationMinutes: 60, bufferMinutes: 15 }),
    );
    expect(availability(slots)).toEqual({ "9:00 AM": true });
  });

  it("blocks the slots an exception covers, for part of the day", () => {
    const slots = computeSlots(
      input({
        workingHours: everyDay(["09:00", "15:00"]),
        durationMinutes: 60,
        bufferMinutes: 15,
        exceptions: [range(ist("11:00"), ist("12:30"))],
      }),
    );
    const open = slots.filter((s) => s.available).map((s) => s.time);
    expect(open).toEqual([
      "9:00 AM",
      "9:30 AM",
      "10:00 AM", // ends at 11:00 as the exception starts; the buffer may fall in it
      "12:30 PM",
      "1:00 PM",
      "1:30 PM",
      "2:00 PM",
    ]);
    expect(slots).toHaveLength(11); // the blocked ones are listed, unavailable
  });

  it("blocks every slot under an exception covering several days", () => {
    const slots = computeSlots(
      input({ exceptions: [range(ist("00:00", "2026-05-30"), ist("00:00", "2026-06-03"))] }),
    );
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.some((s) => s.available)).toBe(false);
  });

  it("needs the minimum notice, and lists past slots as unavailable", () => {
    const slots = computeSlots(
      input({
        workingHours: everyDay(["09:00", "12:00"]),
        now: ist("09:10"),
        minimumNoticeMinutes: 60,
      }),
    );
    expect(availability(slots)).toEqual({
      "9:00 AM": false, // past
      "9:30 AM": false,
      "10:00 AM": false, // only 50 minutes' notice
      "10:30 AM": true,
      "11:00 AM": true,
      "11:30 AM": true,
    });
    const exact = computeSlots(
      input({
        workingHours: everyDay(["09:00", "12:00"]),
        now: ist("09:00"),
        minimumNoticeMinutes: 60,
      }),
    );
    expect(availability(exact)["9:30 AM"]).toBe(false);
    expect(availability(exact)["10:00 AM"]).toBe(true);
  });

  it("offers nothing that starts at or beyond now + the horizon", () => {
    const slots = computeSlots(
      input({
        workingHours: everyDay(["09:00", "11:00"]),
        now: ist("10:00", "2026-05-02"),
        horizonDays: 30,
      }),
    );
    expect(availability(slots)).toEqual({
      "9:00 AM": true,
      "9:30 AM": true,
      "10:00 AM": false,
      "10:30 AM": false,
    });
    const later = computeSlots(input({ now: ist("10:00", "2026-04-01"), horizonDays: 30 }));
    expect(later.some((s) => s.available)).toBe(false);
  });

  it("is right with a thousand busy ranges", () => {
    // A deterministic pseudo-random generator, so a failure can be reproduced.
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const dayStart = ist("00:00").getTime();
    const busy: TimeRange[] = [];
    for (let i = 0; i < 1000; i++) {
      // Spread over 60 days around the date (some land on it, most do not, as with a real
      // calendar), 5 to 60 minutes long, in whole minutes.
      const start = dayStart + Math.floor((random() * 60 - 30) * 24 * 60) * 60_000;
      const minutes = 5 + Math.floor(random() * 56);
      busy.push(range(new Date(start), new Date(start + minutes * 60_000)));
    }
    const buffer = 15 * 60_000;
    const slots = computeSlots(
      input({
        workingHours: everyDay(["00:00", "24:00"]),
        durationMinutes: 45,
        bufferMinutes: 15,
        slotStepMinutes: 1,
        busy,
      }),
    );
    expect(slots).toHaveLength(24 * 60 - 45 + 1);
    const open = slots.filter((s) => s.available).length;
    expect(open).toBeGreaterThan(0);
    expect(open).toBeLessThan(slots.length);
    // The slow, obvious check.
    for (const slot of slots) {
      const start = Date.parse(slot.start);
      const end = Date.parse(slot.end) + buffer;
      const free = busy.every((b) => b.end.getTime() + buffer <= start || end <= b.start.getTime());
      expect(slot.available, slot.time).toBe(free);
    }
  });

  it("finds free slots among a thousand sparse bookings", () => {
    // Bookings of 50 minutes every 90 minutes over ~62 days: the gaps of 40 minutes leave room
    // for 30-minute sessions only when the buffer fits.
    const base = ist("00:00", "2026-05-01").getTime();
    const busy = Array.from({ length: 1000 }, (_, i) => {
      const start = base + i * 90 * 60_000;
      return range(new Date(start), new Date(start + 50 * 60_000));
    });
    const open = (bufferMinutes: number, slotStepMinutes: number) =>
      computeSlots(
        input({
          workingHours: everyDay(["00:00", "24:00"]),
          durationMinutes: 30,
          bufferMinutes,
          slotStepMinutes,
          busy,
        }),
      )
        .filter((s) => s.available)
        .map((s) => s.time);
    // 2026-06-01 00:00 is 31 × 16 = 496 periods after 05-01 00:00: bookings at 00:00, 01:30, …
    expect(open(0, 10).slice(0, 4)).toEqual(["12:50 AM", "1:00 AM", "2:20 AM", "2:30 AM"]);
    expect(open(0, 10)).toHaveLength(32);
    // 5 minutes after the booking, 30 of session, 5 before the next: exactly 40 minutes.
    expect(open(5, 5).slice(0, 2)).toEqual(["12:55 AM", "2:25 AM"]);
    expect(open(5, 5)).toHaveLength(16);
    expect(open(5, 10)).toEqual([]);
    expect(open(10, 5)).toEqual([]);
  });
});
