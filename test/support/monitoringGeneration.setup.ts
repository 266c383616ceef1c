/**
 * Vitest setup of every test file: the sandbox started in-process runs the selected generation's
 * Prometheus and Alertmanager (AGENT_FLEET_MONITORING_GENERATION, harness/monitoringGeneration.ts),
 * the same ones promtool/amtool come from.
 */
import { generationBinaries, sandboxEnvironment } from "../../harness/monitoringGeneration.ts";

// Paths only: a file that never starts Prometheus does not need it installed; the sandbox checks
// the binary when it starts one, naming the variable.
Object.assign(process.env, sandboxEnvironment(generationBinaries()));
