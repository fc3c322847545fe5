// The security matrix over the fixture app, whose endpoints use every part of the pipeline
// (user and role auth, JSON and raw bodies, path parameters, idempotency, custom rate limits),
// so the matrix itself is shown to bite before the product has such endpoints of its own.
import { PIPELINE_APP } from "../helpers/api.js";
import { FIXTURE_MIGRATIONS } from "../helpers/supabase.js";
import { securityMatrix } from "./matrix.js";

await securityMatrix(PIPELINE_APP, { migrationDirs: [FIXTURE_MIGRATIONS] });
