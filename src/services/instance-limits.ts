// An instance's work-limit overrides (request bytes, pipeline commands, reply size, streams): how each API field
// maps to its D1 column, and the patch an input makes, checked against the operator's ceilings.
import { type Config, effectiveLimits, WORK_LIMIT_NAMES, WORK_LIMITS, type WorkLimitName } from "../env";
import { AppError } from "../errors";
import type { InstanceRow } from "../storage/instances";

/** The row column behind each work-limit field. */
const LIMIT_COLUMNS = {
  max_request_bytes: "maxRequestBytes",
  max_pipeline_commands: "maxPipelineCommands",
  max_reply_bytes: "maxReplyBytes",
  max_reply_elements: "maxReplyElements",
  max_streams_per_key: "maxStreamsPerKey",
  max_streams_per_instance: "maxStreamsPerInstance",
  max_stream_seconds: "maxStreamSeconds",
} as const satisfies Record<WorkLimitName, keyof InstanceRow>;

type LimitColumn = (typeof LIMIT_COLUMNS)[WorkLimitName];

/** Every override column empty: a new instance takes the deployment's defaults. */
export function noLimitOverrides(): Pick<InstanceRow, LimitColumn> {
  return Object.fromEntries(WORK_LIMIT_NAMES.map((name) => [LIMIT_COLUMNS[name], null])) as Pick<InstanceRow, LimitColumn>;
}

export type LimitOverrides = { [K in WorkLimitName]?: number | null | undefined };

/** The instance's work-limit overrides as API fields (null: the deployment's default). */
export function limitFields(row: InstanceRow): Record<WorkLimitName, number | null> {
  const out = {} as Record<WorkLimitName, number | null>;
  for (const name of WORK_LIMIT_NAMES) out[name] = row[LIMIT_COLUMNS[name]];
  return out;
}

/** One limit as it stands: the value the edge applies, the deployment's default, and the range an override may take. */
export type LimitInForce = { value: number; default: number; floor: number; ceiling: number };

/** Every work limit of the instance as the edge applies it, with the default and range of each. */
export function limitsInForce(config: Config, row: InstanceRow): Record<WorkLimitName, LimitInForce> {
  const value = effectiveLimits(config, limitFields(row));
  const out = {} as Record<WorkLimitName, LimitInForce>;
  for (const name of WORK_LIMIT_NAMES) {
    out[name] = {
      value: value[name],
      default: config.limits.defaults[name],
      floor: WORK_LIMITS[name].min,
      ceiling: config.limits.ceilings[name],
    };
  }
  return out;
}

/**
 * The row patch for the overrides the input sets (null clears one).
 * @throws AppError invalid_request naming each field above the operator's ceiling.
 */
export function limitPatch(config: Config, input: LimitOverrides): Partial<InstanceRow> {
  const patch: Partial<InstanceRow> = {};
  const issues: { path: string; message: string }[] = [];
  for (const name of WORK_LIMIT_NAMES) {
    const value = input[name];
    if (value === undefined) continue;
    const ceiling = config.limits.ceilings[name];
    if (value !== null && value > ceiling) {
      issues.push({ path: name, message: `must be at most ${ceiling} (this deployment's ${WORK_LIMITS[name].env}_CEILING)` });
    }
    patch[LIMIT_COLUMNS[name]] = value;
  }
  if (issues.length > 0) throw new AppError("invalid_request", "A work limit is above what this deployment allows.", issues);
  return patch;
}
