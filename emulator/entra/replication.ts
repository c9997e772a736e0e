// Replication of new directory objects: an app registration, a secret, a federated credential or a service's
// resource principal created moments ago is not yet seen by the token endpoint, which answers as if it did not exist.
import type { World } from '../world.ts'

/** True once an object with this delay exists for the token endpoint: delays count from when the scenario took effect. */
export function replicated(world: World, object: { readonly effectiveAfterMs?: number }): boolean {
  return (object.effectiveAfterMs ?? 0) <= world.now() - world.scenarioSince
}
