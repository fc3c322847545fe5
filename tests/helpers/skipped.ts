// A suite that cannot run here says so loudly. Written to stderr directly: vitest shows console
// output only for failing tests, and a missing tool must be seen on a green run too.
export function announceSkipped(message: string): void {
  process.stderr.write(`\n\u001b[1;33mSKIPPED: ${message}\u001b[0m\n\n`);
}
