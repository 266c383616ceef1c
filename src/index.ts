/**
 * Pulumi entrypoint (`main` in Pulumi.yaml): every export becomes a stack output. Top-level await:
 * the preflight reads the cluster before the program registers anything.
 */
import { asRunError, deployFleet } from "./program.ts";

const fleet = await deployFleet().catch((error: unknown) => {
  throw asRunError(error);
});

export const environment = fleet.environment;
export const namespaces = fleet.namespaces;
export const agents = fleet.agents;
