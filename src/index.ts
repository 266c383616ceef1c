/** Pulumi entrypoint (`main` in Pulumi.yaml): every export becomes a stack output. */
import { defineFleet } from "./program.ts";

const fleet = defineFleet();

export const environment = fleet.environment;
export const namespaces = fleet.namespaces;
export const agents = fleet.agents;
