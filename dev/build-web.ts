// Builds what public/ serves but git does not keep: the demo app's bundle (web/ and the typed
// client in client/, TypeScript → one ES module), Swagger UI's files for /docs, copied
// from swagger-ui-dist so the reference loads nothing from a CDN, and /docs/errors. `npm run build:web` runs it
// (Vercel's build command, see vercel.json); `npm run dev` runs it in watch mode.
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { errorCodesPage } from "./error-codes-page.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SWAGGER_UI_FILES = [
  "swagger-ui-bundle.js",
  "swagger-ui-bundle.js.LICENSE.txt",
  "swagger-ui.css",
];

const appBuild: esbuild.BuildOptions = {
  entryPoints: [join(ROOT, "web/main.ts")],
  outdir: join(ROOT, "public/app"),
  bundle: true,
  format: "esm",
  // public/app/main.js, and what a page imports dynamically in chunks of its own: supabase-js
  // (the shop inbox's Realtime) loads only on /inbox, not with every page.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  platform: "browser",
  // Browsers from 2021 on: native modules, optional chaining, top-level await.
  target: ["chrome100", "firefox100", "safari15"],
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
};

export interface WebBuild {
  /** Stops watching (watch mode only). */
  close(): Promise<void>;
}

export async function buildWeb(options: { watch?: boolean } = {}): Promise<WebBuild> {
  await copySwaggerUi();
  await writeFile(join(ROOT, "public/docs/errors.html"), errorCodesPage());
  if (!options.watch) {
    await esbuild.build(appBuild);
    return { close: async () => {} };
  }
  const context = await esbuild.context(appBuild);
  await context.rebuild();
  await context.watch();
  return { close: () => context.dispose() };
}

async function copySwaggerUi(): Promise<void> {
  const swaggerUiDir = dirname(
    createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"),
  );
  const vendorDir = join(ROOT, "public/docs/vendor");
  await mkdir(vendorDir, { recursive: true });
  for (const file of SWAGGER_UI_FILES) {
    await copyFile(join(swaggerUiDir, file), join(vendorDir, file));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildWeb();
  console.info("built public/app/, public/docs/vendor/ and public/docs/errors.html");
}
