// The staff-scope cases over one practice's real data. A file of its own: functions read their
// configuration once per process, so two test APIs in one file would share the first's keys.
import { REPO_ROOT } from "../helpers/api.js";
import { staffScopeMatrix } from "./staff-scope.js";

await staffScopeMatrix(REPO_ROOT);
