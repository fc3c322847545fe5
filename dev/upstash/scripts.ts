// Makes Upstash-flavoured Lua scripts run on an ordinary Redis.
//
// @upstash/ratelimit's scripts begin with `#!lua flags=allow-key-locking`. Upstash accepts that
// flag; Redis 7 rejects the script ("Unexpected flag in script shebang") and Redis 6 knows no
// shebang at all. So EVAL's script is rewritten before it reaches Redis, which changes its SHA1:
// the clients pin the SHA1 of the script they know, so EVALSHA's SHA1 is translated through a
// map from sha1(original) to sha1(rewritten).
import { createHash } from "node:crypto";
import type { RedisCommand } from "./request-body.js";

/** Shebang flags that Upstash accepts and Redis does not. */
const UPSTASH_ONLY_FLAGS = new Set(["allow-key-locking"]);

const SHEBANG = /^#!lua\b([^\n]*)/;

export interface ScriptTranslator {
  /** The command to send to Redis in place of `command` (a lowercase name, then arguments). */
  translate(command: RedisCommand): RedisCommand;
}

export function createScriptTranslator(redisMajorVersion: number): ScriptTranslator {
  const rewrittenShas = new Map<string, string>();
  return {
    translate(command) {
      const [name, script, ...rest] = command;
      if (script === undefined) return command;
      if (name === "eval" || name === "eval_ro") {
        const rewritten = rewriteShebang(script, redisMajorVersion);
        if (rewritten === script) return command;
        // Recorded before Redis has run the script, so an EVALSHA later in the same pipeline
        // is translated too; if the script then fails to load, Redis answers NOSCRIPT for it.
        rewrittenShas.set(sha1(script), sha1(rewritten));
        return [name, rewritten, ...rest];
      }
      if (name === "evalsha" || name === "evalsha_ro") {
        // An unknown SHA1 goes through as it is: Redis then answers "NOSCRIPT No matching
        // script. Please use EVAL." (what the clients wait for before sending EVAL), or runs it
        // if it is a script that needed no rewriting.
        const translated = rewrittenShas.get(script.toLowerCase());
        return translated === undefined ? command : [name, translated, ...rest];
      }
      return command;
    },
  };
}

/**
 * Drops the Upstash-only flags from the script's shebang line. Redis 6 has no shebang, so there
 * the line is emptied instead (its newline stays, keeping Redis's error line numbers right).
 */
export function rewriteShebang(script: string, redisMajorVersion: number): string {
  const match = SHEBANG.exec(script);
  if (!match) return script;
  const options = (match[1] ?? "").trim().split(/\s+/).filter(Boolean);
  const hasUpstashOnlyFlag = options.some((option) =>
    flagsOf(option).some((flag) => UPSTASH_ONLY_FLAGS.has(flag)),
  );
  if (redisMajorVersion >= 7 && !hasUpstashOnlyFlag) return script;
  const shebang =
    redisMajorVersion >= 7 ? ["#!lua", ...options.flatMap(withoutUpstashFlags)].join(" ") : "";
  return shebang + script.slice(match[0].length);
}

function flagsOf(option: string): string[] {
  return option.startsWith("flags=") ? option.slice("flags=".length).split(",") : [];
}

function withoutUpstashFlags(option: string): string[] {
  if (!option.startsWith("flags=")) return [option];
  const kept = flagsOf(option).filter((flag) => flag !== "" && !UPSTASH_ONLY_FLAGS.has(flag));
  return kept.length > 0 ? [`flags=${kept.join(",")}`] : [];
}

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}
