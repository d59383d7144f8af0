// Sends the redis driver's isolation probes (./isolation-probes.ts) through an instance's own
// credentials, on two throwaway connections: one for the command probes, one for the channel
// probe (a subscribed connection can run nothing else). Never throws for the upstream's sake.
import type { UpstreamTarget } from "../driver";
import type { IsolationFindings, ProbeFinding } from "../isolation";
import { transportReason } from "./check";
import { withConnection } from "./connection";
import { redisAddress } from "./endpoint";
import {
  channelProbe,
  connectionProbes,
  failedFinding,
  findingFromReply,
  identityFromInfo,
  type Probe,
  serverAddress,
} from "./isolation-probes";
import { RespError, type RespValue } from "./resp";

/** Runs the command probes in one round trip on a connection of their own. */
async function runCommandProbes(target: UpstreamTarget, probes: Probe[]): Promise<(RespValue | string)[]> {
  try {
    return await withConnection(target, (c) => c.exchange(probes.map((p) => p.command)));
  } catch (error) {
    const reason = transportReason(target, error);
    return probes.map(() => reason);
  }
}

/** PSUBSCRIBE on a connection of its own; PUNSUBSCRIBE when allowed, then the connection closes. */
async function runChannelProbe(target: UpstreamTarget, probe: Probe): Promise<RespValue | string> {
  try {
    return await withConnection(target, async (c) => {
      const [reply] = await c.exchange([probe.command]);
      if (!(reply instanceof RespError)) await c.exchange([["PUNSUBSCRIBE", ...probe.command.slice(1)]]);
      return reply as RespValue;
    });
  } catch (error) {
    return transportReason(target, error);
  }
}

const toFinding = (probe: Probe, reply: RespValue | string | undefined): ProbeFinding =>
  typeof reply === "string" ? failedFinding(probe, reply) : findingFromReply(probe, reply);

/**
 * What these credentials can reach beyond their database, and which server answered. Each probe
 * is harmless: it reads configuration, selects on a throwaway connection, or subscribes to a
 * pattern no channel matches. Connection failures become `failed` findings, never exceptions.
 */
export async function probeRedisIsolation(target: UpstreamTarget): Promise<IsolationFindings> {
  const address = redisAddress(target.endpoint);
  const probes = connectionProbes(address.db);
  const channel = channelProbe(crypto.randomUUID());
  const [replies, channelReply] = await Promise.all([runCommandProbes(target, probes), runChannelProbe(target, channel)]);
  const findings = probes.map((p, i) => toFinding(p, replies[i]));
  const info = replies[probes.findIndex((p) => p.name === "server_info")];
  return {
    server: identityFromInfo(serverAddress(address), typeof info === "string" ? undefined : info),
    probes: [...findings, toFinding(channel, channelReply)],
  };
}
