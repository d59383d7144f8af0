// How the edge and the management side reach an organization's UsageMeter and an instance's StreamSlots.
import type { StreamSlots } from "./stream-slots";
import type { UsageMeter } from "./usage-meter";

export type MeterNamespace = DurableObjectNamespace<UsageMeter>;

export function meterFor(namespace: MeterNamespace, orgId: string): DurableObjectStub<UsageMeter> {
  return namespace.get(namespace.idFromName(orgId));
}

export type StreamSlotsNamespace = DurableObjectNamespace<StreamSlots>;

/** The instance's stream-slot counter (one object per instance, shared by every isolate). */
export function streamSlotsFor(namespace: StreamSlotsNamespace, instanceId: string): DurableObjectStub<StreamSlots> {
  return namespace.get(namespace.idFromName(instanceId));
}
