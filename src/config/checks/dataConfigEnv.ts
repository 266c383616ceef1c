/**
 * `dataProcessing` keys reach the container as `DATA_CONFIG_<KEY>` variables, and the conversion
 * folds case and camelCase into one upper snake case: `batchSize`, `batch_size` and `BATCH_SIZE`
 * are the same variable. The container would get it twice and only one value would count.
 */
import { dataConfigEnvName } from "../../contract/names.ts";
import type { ConfigProblem } from "../problems.ts";
import type { FleetConfig } from "../resolve.ts";

export function dataConfigEnvCollisions(fleet: FleetConfig): ConfigProblem[] {
  return fleet.agents.flatMap((agent, index) => {
    const firstKeyOf = new Map<string, string>();
    return Object.keys(agent.dataProcessing).flatMap((key): ConfigProblem[] => {
      const variable = dataConfigEnvName(key);
      const first = firstKeyOf.get(variable);
      if (first === undefined) {
        firstKeyOf.set(variable, key);
        return [];
      }
      return [
        {
          path: ["agents", index, "dataProcessing", key],
          message:
            `"${key}" becomes the environment variable ${variable}, as does "${first}" ` +
            `(agents[${index}].dataProcessing.${first}): the container would get the variable twice ` +
            "and only one value would count; rename or remove one of the keys",
        },
      ];
    });
  });
}
