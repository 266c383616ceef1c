#!/usr/bin/env node
// Shell completion of `kubectl agent-fleet …`: kubectl runs `kubectl_complete-agent_fleet <args…>
// <word>` and reads a candidate per line, then `:<directive>`. The launcher answers it.
process.argv.splice(2, 0, "rollout", "__complete");
await import("./agent-fleet.mjs");
