// pg_cron's scheduler, played by the local stack: once a second it reads cron.job, runs each job
// that is due as SQL (its command, as the role that scheduled it), and records the run in
// cron.job_run_details as pg_cron does ('running', then 'succeeded' with the last statement's
// result or 'failed' with the error). Five-field schedules run once in each matching UTC minute,
// with pg_cron's (Vixie cron's) handling of a clock that moved on by more than a minute between
// ticks: up to 5 minutes late, every missed minute is run; up to 3 hours, missed fixed-time jobs
// are run but wildcard ones (`*` in the minute or hour) only for the current minute; further,
// only the current minute; backwards, only wildcard jobs until the clock has caught up.
// '[1-59] seconds' jobs run when that long has passed since their last start, and a job still
// running is not started again. The clock is injectable so tests can drive time.
import type { Database } from "../database.js";
import { parseSchedule, runsAt, type Schedule } from "./cron-schedule.js";

const MINUTE = 60_000;
/** pg_cron's (Vixie cron's) thresholds for a clock that moved by more than a minute. */
const CATCH_UP_MINUTES = 5;
const CLOCK_CHANGE_MINUTES = 180;

/** A minute to run jobs for, and whether wildcard and fixed-time jobs count in it. */
interface Slot {
  minute: number;
  wildcard: boolean;
  fixed: boolean;
}

export interface CronSchedulerOptions {
  /** The clock that decides what is due; defaults to the system's. */
  now?: () => Date;
}

export interface CronScheduler {
  /** Runs every job due by now() and resolves once they have finished: how many ran. */
  tick(): Promise<number>;
  /** Ticks every intervalMs until stop(). */
  start(intervalMs?: number): void;
  /** Stops ticking and waits for runs under way. */
  stop(): Promise<void>;
}

interface JobRow {
  jobid: string;
  schedule: string;
  command: string;
  username: string;
}

export function createCronScheduler(
  db: Database,
  options: CronSchedulerOptions = {},
): CronScheduler {
  const now = options.now ?? (() => new Date());
  const minuteOf = (time: Date) => Math.floor(time.getTime() / MINUTE) * MINUTE;
  let lastMinute = minuteOf(now());
  let lastBackwardMinute: number | undefined;
  const lastStart = new Map<string, number>();
  const running = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopped = false;

  /** The minutes to look at in this tick, and for which kind of job, as pg_cron decides. */
  const minutesToRun = (current: number): Slot[] => {
    const passed = (current - lastMinute) / MINUTE;
    if (passed === 0) return [];
    const missed = () =>
      Array.from({ length: passed }, (_, index) => lastMinute + (index + 1) * MINUTE);
    let slots: Slot[];
    if (passed < 0 && passed > -CLOCK_CHANGE_MINUTES) {
      // Backwards (a DST-like change): fixed-time jobs already ran; keep lastMinute until caught
      // up, and run wildcard jobs once per minute meanwhile.
      if (current === lastBackwardMinute) return [];
      lastBackwardMinute = current;
      return [{ minute: current, wildcard: true, fixed: false }];
    }
    if (passed > 0 && passed <= CATCH_UP_MINUTES) {
      slots = missed().map((minute) => ({ minute, wildcard: true, fixed: true }));
    } else if (passed > 0 && passed <= CLOCK_CHANGE_MINUTES) {
      slots = [
        ...missed().map((minute) => ({ minute, wildcard: false, fixed: true })),
        { minute: current, wildcard: true, fixed: false },
      ];
    } else {
      slots = [{ minute: current, wildcard: true, fixed: true }];
    }
    lastMinute = current;
    return slots;
  };

  const isDue = (job: JobRow, schedule: Schedule, time: Date, slots: Slot[]): boolean => {
    if (schedule.kind === "interval") {
      const last = lastStart.get(job.jobid);
      return last === undefined || time.getTime() - last >= schedule.seconds * 1000;
    }
    return slots.some(
      (slot) =>
        (schedule.wildcard ? slot.wildcard : slot.fixed) && runsAt(schedule, new Date(slot.minute)),
    );
  };

  const run = async (job: JobRow, startedAt: Date): Promise<void> => {
    running.add(job.jobid);
    lastStart.set(job.jobid, startedAt.getTime());
    try {
      const { rows } = await db.query<{ runid: string }>(
        `insert into cron.job_run_details (jobid, database, username, command, status, start_time)
         values ($1, current_database(), $2, $3, 'running', clock_timestamp())
         returning runid::text`,
        [job.jobid, job.username, job.command],
      );
      const runid = rows[0]?.runid ?? null;
      let status = "succeeded";
      let message: string | null;
      try {
        const outcome = await db.execute(
          `set local role ${quoteIdent(job.username)};\n${job.command}`,
        );
        message =
          outcome.rows === null
            ? outcome.tag
            : `${outcome.rows} row${outcome.rows === 1 ? "" : "s"}`;
      } catch (error) {
        status = "failed";
        message = `ERROR:  ${error instanceof Error ? error.message : String(error)}`;
      }
      await db.query(
        `update cron.job_run_details set status = $2, return_message = $3, end_time = clock_timestamp()
          where runid = $1`,
        [runid, status, message],
      );
    } finally {
      running.delete(job.jobid);
    }
  };

  const tick = async (): Promise<number> => {
    const time = now();
    const slots = minutesToRun(minuteOf(time));
    const { rows: jobs } = await db.query<JobRow>(
      `select jobid::text, schedule, command, username from cron.job
        where active and database = current_database() order by jobid`,
    );
    const due = jobs.filter((job) => {
      if (stopped || running.has(job.jobid)) return false;
      try {
        return isDue(job, parseSchedule(job.schedule), time, slots);
      } catch {
        // Written into cron.job by hand past cron.schedule's check: never run on a guess.
        return false;
      }
    });
    // A slow job holds up only itself: the next tick runs the others on time.
    const runs = due.map((job) => {
      const done = run(job, time).finally(() => inFlight.delete(done));
      inFlight.add(done);
      return done;
    });
    await Promise.all(runs);
    return due.length;
  };

  return {
    tick,
    start(intervalMs = 1000) {
      timer ??= setInterval(() => {
        tick().catch(() => undefined);
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await Promise.allSettled(inFlight);
    },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
