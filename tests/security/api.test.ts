// The security matrix over every function in api/, and the staff-scope cases over its data.
import { REPO_ROOT } from "../helpers/api.js";
import { securityMatrix } from "./matrix.js";
import { staffScopeMatrix } from "./staff-scope.js";

await securityMatrix(REPO_ROOT);
await staffScopeMatrix(REPO_ROOT);
