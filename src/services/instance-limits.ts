// An instance's work-limit overrides (request bytes, pipeline commands, reply size, streams): the limits in
// force and the patch an input makes, checked against the operator's ceilings. Each field's D1 column is
// storage's (LIMIT_COLUMNS in storage/instances.ts).
import { type Config, effectiveLimits, WORK_LIMIT_NAMES, WORK_LIMITS, type WorkLimitName } from "../env";
import { AppError } from "../errors";
import { type InstanceRow, LIMIT_COLUMNS, limitFields } from "../storage/instances";

export type LimitOverrides = { [K in WorkLimitName]?: number | null | undefined };

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
