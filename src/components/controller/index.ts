/** Public surface of the rollout controller component. */
export {
  createRolloutControllerResources,
  type DefineRolloutControllerOptions,
  defineRolloutController,
  RolloutController,
  type RolloutControllerArgs,
} from "./rolloutController.ts";
