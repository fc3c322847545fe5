// Imports function modules (TypeScript included) so that a change to any file they import is
// picked up: each generation of modules is imported under its own tsx namespace, which gives every
// module in the graph — lib/ files and packages alike — a fresh URL and so a fresh evaluation.
// Nothing restarts, so the rest of the local stack (and its in-memory database) stays up.
import { pathToFileURL } from "node:url";
import { type NamespacedUnregister, register } from "tsx/esm/api";

export type FunctionModule = Record<string, unknown>;

export interface FunctionLoader {
  load(file: string): Promise<FunctionModule>;
  /** Forgets every loaded module; the next load imports afresh. */
  invalidate(): void;
  close(): Promise<void>;
}

/**
 * Counted per process, not per loader: modules are cached by URL, so two servers in one process
 * (tests that start the API twice, with other configuration) must never share a namespace.
 */
let generation = 0;

export function createFunctionLoader(): FunctionLoader {
  let current:
    | { tsx: NamespacedUnregister; modules: Map<string, Promise<FunctionModule>> }
    | undefined;

  const retire = async () => {
    const old = current;
    current = undefined;
    await old?.tsx.unregister();
  };

  return {
    load(file) {
      if (!current) {
        generation += 1;
        current = { tsx: register({ namespace: `api-${generation}` }), modules: new Map() };
      }
      const { tsx, modules } = current;
      let module = modules.get(file);
      if (!module) {
        module = tsx.import(pathToFileURL(file).href, import.meta.url) as Promise<FunctionModule>;
        // A module that failed to import (a syntax error mid-edit) is retried on the next request.
        module.catch(() => modules.delete(file));
        modules.set(file, module);
      }
      return module;
    },
    invalidate() {
      retire().catch((error: unknown) => console.warn("[api] could not unload old modules", error));
    },
    close: retire,
  };
}
