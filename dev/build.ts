// npm run build: the demo app into public/ (as `npm run build:web`, vercel.json's build command),
// then .vercel/output in Vercel's Build Output API from the api/ files (dev/build/output.ts).
// BASTION_FUNCTIONS=grouped builds at most 12 functions (Vercel's Hobby plan); unset or
// "per-route", one bundled function per route. Deploy the result with `vercel deploy --prebuilt`.
import { join, resolve } from "node:path";
import { buildOutput, SHAPES, type Shape } from "./build/output.js";
import { buildWeb } from "./build-web.js";

const ROOT = resolve(import.meta.dirname, "..");

async function main(): Promise<void> {
  const shape = (process.env.BASTION_FUNCTIONS || "per-route") as Shape;
  if (!SHAPES.includes(shape)) {
    throw new Error(`BASTION_FUNCTIONS is "${shape}"; it takes ${SHAPES.join(" or ")}`);
  }
  await buildWeb();
  const outDir = join(ROOT, ".vercel", "output");
  const manifest = await buildOutput({ rootDir: ROOT, outDir, shape });
  const routes = manifest.functions.reduce((sum, fn) => sum + fn.routes.length, 0);
  const megabytes = manifest.functions.reduce((sum, fn) => sum + fn.bytes, 0) / 1e6;
  console.log(
    `Built ${outDir} (${shape}): ${manifest.functions.length} functions serving ${routes} routes,` +
      ` ${megabytes.toFixed(1)} MB, ${manifest.runtime}, in ${manifest.seconds} s`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
