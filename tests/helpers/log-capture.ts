// Collects the JSON lines lib/log.ts writes (one console call per event), so tests can assert
// what was logged, and that nothing personal was, without printing them.
import { vi } from "vitest";

export interface LogLine {
  level: string;
  event: string;
  [field: string]: unknown;
}

/** Starts capturing; vi.restoreAllMocks() stops it. */
export function captureLogs(): LogLine[] {
  const lines: LogLine[] = [];
  const collect = (line: unknown) => {
    lines.push(JSON.parse(String(line)) as LogLine);
  };
  for (const level of ["info", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation(collect);
  }
  return lines;
}
