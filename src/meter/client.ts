// How the edge and the management side reach an organization's UsageMeter.
import type { UsageMeter } from "./usage-meter";

export type MeterNamespace = DurableObjectNamespace<UsageMeter>;

export function meterFor(namespace: MeterNamespace, orgId: string): DurableObjectStub<UsageMeter> {
  return namespace.get(namespace.idFromName(orgId));
}
