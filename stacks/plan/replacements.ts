/**
 * The plan's replace-on-change section: per config key, which planned
 * resources a change of that key would replace (delete and re-create), and
 * which it updates in place. From the config feeds (stacks/config/feeds.ts)
 * and the providers' replace rules (components/replace). Inputs a resource
 * lists in `ignoreChanges` are not diffed by the engine, so they neither
 * replace nor update. Pure.
 */
import { replaceRuleFor } from "../../components/replace";
import { CONFIG_FEEDS, fullKeyOf } from "../config/feeds";

export interface ReplacementResource { type: string; name: string; ignoreChanges?: readonly string[] }

export interface ConfigKeyReplacements {
    /** Full config key, e.g. "landing-zone:server.failover" (or "policy:cost-monthly-cap.monthlyCapUsd", the policy config's cap). */
    key: string;
    /** Routine tuning: must replace none of the server group, its data or a VPN gateway. */
    routine: boolean;
    /** Resources a change would replace, with the inputs that cause it. */
    replaces: Array<{ type: string; name: string; inputs: string[]; kind: "replace" | "refused" }>;
    /** Resource types updated in place, with the inputs and how many resources. */
    updates: Array<{ type: string; inputs: string[]; count: number }>;
}

const ignored = (r: ReplacementResource, path: string) => (r.ignoreChanges ?? []).some((i) => i === path || path.startsWith(`${i}.`) || path.startsWith(`${i}[`));

/** Per config key that reaches a planned resource: what a change replaces and what it updates in place. */
export function replacementsByConfigKey(resources: readonly ReplacementResource[]): ConfigKeyReplacements[] {
    const out: ConfigKeyReplacements[] = [];
    for (const feed of CONFIG_FEEDS) {
        const entry: ConfigKeyReplacements = { key: fullKeyOf(feed), routine: feed.routine === true, replaces: [], updates: [] };
        for (const input of feed.inputs) {
            const planned = resources.filter((r) => r.type === input.type);
            if (planned.length === 0) continue;
            const updated = new Set<string>();
            let count = 0;
            for (const r of planned) {
                const paths = input.paths.filter((p) => !ignored(r, p));
                const replacing = paths.map((p) => ({ p, rule: replaceRuleFor(r.type, p) })).filter((x) => x.rule !== undefined);
                if (replacing.length > 0) {
                    entry.replaces.push({ type: r.type, name: r.name, inputs: replacing.map((x) => x.p), kind: replacing.some((x) => x.rule!.kind === "replace") ? "replace" : "refused" });
                }
                const inPlace = paths.filter((p) => !replacing.some((x) => x.p === p));
                if (inPlace.length > 0) {
                    inPlace.forEach((p) => updated.add(p));
                    count++;
                }
            }
            if (updated.size > 0) entry.updates.push({ type: input.type, inputs: [...updated], count });
        }
        if (entry.replaces.length > 0 || entry.updates.length > 0) out.push(entry);
    }
    return out;
}

const short = (type: string) => type.split(":").pop() ?? type;

/** The report's lines. */
export function renderReplacements(entries: readonly ConfigKeyReplacements[]): string[] {
    if (entries.length === 0) return [];
    const lines = ["Replace on change (per config key; sources in components/replace/table.ts):"];
    for (const e of entries) {
        // One part per type: the name when it is one resource, the count when several.
        const byType = new Map<string, ConfigKeyReplacements["replaces"]>();
        for (const r of e.replaces) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
        const parts = [...byType.entries()].map(([type, rs]) => {
            const inputs = [...new Set(rs.flatMap((r) => r.inputs))].join(", ");
            const who = rs.length === 1 ? `${short(type)} ${rs[0].name}` : `${rs.length} × ${short(type)}`;
            return `${who} (${inputs}${rs.every((r) => r.kind === "refused") ? ": the API refuses it in place" : ""})`;
        });
        const what = parts.length === 0 ? "updates in place" : `REPLACES ${parts.join("; ")}`;
        lines.push(`  ${e.key}${e.routine ? " [routine]" : ""}: ${what}`);
    }
    return lines;
}
