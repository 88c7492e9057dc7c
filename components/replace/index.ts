/**
 * Replace-on-change queries over the table (./table.ts), for the plan's
 * per-config-key report, the README table and the plan diff (which marks a
 * changed resource `replace: true`).
 *
 *   replacingPaths("aws:autoscaling/group:Group")       // ["name", "namePrefix", "initialLifecycleHooks"]
 *   isReplaceOnChange("aws:autoscaling/group:Group", "initialLifecycleHooks[0].heartbeatTimeout")  // true
 *   isReplaceOnChange("aws:autoscaling/group:Group", "mixedInstancesPolicy.launchTemplate.overrides")  // false
 *   isKnownType("aws:s3/bucket:Bucket")                // false: not in the table, nothing can be said
 *
 * A changed path replaces when it equals a replacing path, lies under one,
 * or contains one (a changed `policyDetails` object may hold a replacing
 * field: said to replace, erring on the side of warning).
 */
import { REPLACE_TABLE, ReplaceEntry, ReplaceRule } from "./table";

export { REPLACE_TABLE } from "./table";
export type { ReplaceEntry, ReplaceRule } from "./table";

const byType = new Map<string, ReplaceEntry>(REPLACE_TABLE.map((e) => [e.type, e]));

/** Whether the table covers the type (an unknown type: a change may or may not replace). */
export function isKnownType(type: string): boolean {
    return byType.has(type);
}

/** Input paths whose change replaces a resource of `type` (empty when none, or when the type is unknown). */
export function replacingPaths(type: string): string[] {
    return (byType.get(type)?.rules ?? []).map((rule) => rule.path);
}

/** Normalises `a[0].b` and `a.0.b` to segments ["a", "b"] (indexes do not matter to the rules). */
function segments(path: string): string[] {
    return path.replace(/\[\d+\]/g, "").split(".").filter((s) => s !== "" && !/^\d+$/.test(s));
}

function overlaps(a: string[], b: string[]): boolean {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
    return true;
}

/** The rule a change of `inputPath` triggers on `type`, if any. */
export function replaceRuleFor(type: string, inputPath: string): ReplaceRule | undefined {
    const changed = segments(inputPath);
    if (changed.length === 0) return undefined;
    return byType.get(type)?.rules.find((rule) => overlaps(segments(rule.path), changed));
}

/** True when changing `inputPath` of a `type` resource replaces it (delete and create). */
export function isReplaceOnChange(type: string, inputPath: string): boolean {
    return replaceRuleFor(type, inputPath) !== undefined;
}
