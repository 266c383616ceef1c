/** Public surface of the config package (the Pulumi loader lives in `pulumiConfig.ts`). */

export { crossCheck } from "./crossChecks.ts";
export { CONFIG_NAMESPACE } from "./namespaces.ts";
export { parseFleetConfig } from "./parse.ts";
export { type ConfigProblem, FleetConfigError, formatPath } from "./problems.ts";
export {
  type Duration,
  formatBytes,
  formatCpu,
  parseBytes,
  parseCpu,
  parseDuration,
  parseTimeOfDay,
  seconds,
  wholeSeconds,
} from "./quantity.ts";
export {
  applyReceiverSecrets,
  backendSecretsNote,
  missingReceiverSecrets,
  type ReceiverSecret,
  receiverSecrets,
} from "./receiverSecrets.ts";
export { type Agent, type Cluster, type FleetConfig, isReleased, type ResolvedStrategy } from "./resolve.ts";
export * from "./schema.ts";
export { isSecretKey, SECRET_KEYS, type SecretKey, SecretRef, secretPlaceholder } from "./secrets.ts";
export { type LoadedStack, loadStack, loadStackFile, stackFilePath } from "./stackFile.ts";
