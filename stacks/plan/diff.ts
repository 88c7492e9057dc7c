/**
 * The plan diff (`npm run plan -- --base BASE.json`): what a change adds,
 * removes and modifies against an earlier plan document, what it replaces,
 * what it costs more or less, which policy violations it brings or resolves,
 * and how IPv6 readiness moves. Pure: two plan documents in, one diff out.
 *
 * Resources are matched by type and name (what a URN holds besides the
 * parent's type chain). Inputs are compared leaf by leaf; arrays of plain
 * values compare whole. Secrets are "[secret]" in both documents and so are
 * never compared in clear: a changed key shows no change here.
 */
import * as fs from "fs";
import type { PlanDocument, PolicyViolation } from "./report";
import { isReplaceOnChange } from "../../components/replace";
import { dollars } from "../../components/cost";

export interface ResourceRef { type: string; name: string }
/** One changed input; `before` / `after` are absent when the input was added / removed. */
export interface FieldChange { path: string; before?: unknown; after?: unknown; replace: boolean }
export interface ResourceChange extends ResourceRef { replace: boolean; fields: FieldChange[] }
/** A replacement or deletion a reviewer must read first, in their words. */
export interface Callout extends ResourceRef { action: "replace" | "delete"; stateful: boolean; consequence: string; because: string[] }
export interface CostLineChange extends ResourceRef { before: number; after: number; delta: number; basis: string }
export interface Ipv6Summary {
    reachableOverIpv6: number;
    total: number;
    share: number | null;
    ipv4Only: { networks: number; subnets: number; interfaces: number; endpoints: number };
}

export interface PlanDiff {
    /** The base document's stack name. */
    base: string;
    unchanged: boolean;
    added: ResourceRef[];
    removed: ResourceRef[];
    changed: ResourceChange[];
    /** Stateful replacements first, then stateful deletions, then other replacements. */
    callouts: Callout[];
    cost: { before: number; after: number; delta: number; cap: { before: number | null; after: number | null }; lines: CostLineChange[] };
    policies: { new: PolicyViolation[]; resolved: PolicyViolation[] };
    ipv6: { before: Ipv6Summary | null; after: Ipv6Summary | null; nowIpv4Only: ResourceRef[]; noLongerIpv4Only: ResourceRef[] };
}

/** What an older (or newer) plan document must have to be diffed; the rest is optional. */
export type BasePlan = Pick<PlanDocument, "stack" | "resources"> & Partial<Pick<PlanDocument, "cost" | "policies" | "ipv6">>;

export class BasePlanError extends Error {}

/** Reads `--base FILE`: an earlier `--json` plan. Problems are one line naming the flag. */
export function readBasePlan(file: string): BasePlan {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new BasePlanError(`--base ${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (err as Error).message}`);
    }
    let doc: unknown;
    try {
        // Tolerate a banner before the document (npm run without --silent).
        doc = JSON.parse(text.slice(Math.max(0, text.indexOf("{"))));
    } catch (err) {
        throw new BasePlanError(`--base ${file}: not JSON (${(err as Error).message})`);
    }
    const d = doc as Partial<BasePlan> | null;
    if (!d || typeof d !== "object" || typeof d.stack !== "string" || !Array.isArray(d.resources)
        || !d.resources.every((r) => r && typeof r.type === "string" && typeof r.name === "string")) {
        throw new BasePlanError(`--base ${file}: not a plan document (expected the output of npm run plan -- --json)`);
    }
    return d as BasePlan;
}

type Resource = PlanDocument["resources"][number];

/** The diff of `head` against `base`. */
export function diffPlans(base: BasePlan, head: BasePlan): PlanDiff {
    const before = byKey(base.resources);
    const after = byKey(head.resources);
    const added: ResourceRef[] = [];
    const removed: ResourceRef[] = [];
    const changed: ResourceChange[] = [];
    for (const [key, r] of after) {
        const old = before.get(key);
        if (!old) {
            added.push(ref(r));
            continue;
        }
        const fields: FieldChange[] = [];
        diffValues(old.inputs ?? {}, r.inputs ?? {}, "", fields, r.type);
        if (fields.length > 0) changed.push({ ...ref(r), replace: fields.some((f) => f.replace), fields });
    }
    for (const [key, r] of before) if (!after.has(key)) removed.push(ref(r));

    const cost = diffCost(base.cost, head.cost);
    const policies = diffViolations(base.policies?.violations ?? [], head.policies?.violations ?? []);
    const ipv6 = diffIpv6(base.ipv6, head.ipv6);
    const unchanged = added.length === 0 && removed.length === 0 && changed.length === 0 && cost.lines.length === 0
        && Math.abs(cost.delta) < 0.005 && policies.new.length === 0 && policies.resolved.length === 0
        && ipv6.nowIpv4Only.length === 0 && ipv6.noLongerIpv4Only.length === 0 && sameIpv6(ipv6.before, ipv6.after);
    return { base: base.stack, unchanged, added, removed, changed, callouts: callouts(changed, removed), cost, policies, ipv6 };
}

function ref(r: ResourceRef): ResourceRef {
    return { type: r.type, name: r.name };
}

/** Resources by type and name; a repeated pair (not possible in one Pulumi stack) gets a counter. */
function byKey(resources: readonly Resource[]): Map<string, Resource> {
    const map = new Map<string, Resource>();
    for (const r of resources) {
        let key = `${r.type}::${r.name}`;
        for (let n = 2; map.has(key); n++) key = `${r.type}::${r.name}#${n}`;
        map.set(key, r);
    }
    return map;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const child = (path: string, key: string) => (IDENTIFIER.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`);

/** Leaf-by-leaf differences; arrays holding objects compare by index, other arrays whole. */
function diffValues(before: unknown, after: unknown, path: string, out: FieldChange[], type: string): void {
    if (before === after) return;
    if (isRecord(before) && isRecord(after)) {
        const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
        for (const key of [...keys].sort()) diffValues(before[key], after[key], child(path, key), out, type);
        return;
    }
    if (Array.isArray(before) && Array.isArray(after) && (before.some(isRecord) || after.some(isRecord))) {
        for (let i = 0; i < Math.max(before.length, after.length); i++) diffValues(before[i], after[i], `${path}[${i}]`, out, type);
        return;
    }
    if (deepEqual(before, after)) return;
    const change: FieldChange = { path, replace: isReplaceOnChange(type, path) };
    if (before !== undefined) change.before = before;
    if (after !== undefined) change.after = after;
    out.push(change);
}

function deepEqual(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
    if (isRecord(a) && isRecord(b)) {
        const keys = Object.keys(a);
        return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
    }
    return false;
}

/**
 * What replacing (or deleting) a resource that holds data or carries traffic
 * means to the people who run it. Types not listed are replaced without a
 * stateful consequence (the callout still names them).
 */
const STATEFUL: Readonly<Record<string, { replace: string; delete: string }>> = {
    "aws:autoscaling/group:Group": {
        replace: "replaces the server's Auto Scaling group: the server restarts (its instance is terminated and a new one launched)",
        delete: "deletes the server's Auto Scaling group: the server stops",
    },
    "aws:ebs/volume:Volume": {
        replace: "replaces a data volume: the new volume starts empty unless restored from a snapshot",
        delete: "deletes a data volume: its data is gone except for snapshots",
    },
    "aws:ec2/eip:Eip": {
        replace: "replaces the server's Elastic IP: its public IPv4 address changes",
        delete: "releases the server's Elastic IP: the public IPv4 address is lost for good",
    },
    "aws:ec2/vpnGateway:VpnGateway": {
        replace: "replaces the virtual private gateway: the cross-cloud tunnels go down and come back with new outside addresses",
        delete: "deletes the virtual private gateway: the cross-cloud link goes down",
    },
    "aws:ec2/customerGateway:CustomerGateway": {
        replace: "replaces a customer gateway of the cross-cloud link: its VPN connection and two tunnels are rebuilt",
        delete: "deletes a customer gateway of the cross-cloud link: its tunnels go down",
    },
    "aws:ec2/vpnConnection:VpnConnection": {
        replace: "replaces a cross-cloud VPN connection: its two tunnels drop and get new outside addresses",
        delete: "deletes a cross-cloud VPN connection: its two tunnels go down",
    },
    "aws:ec2/vpc:Vpc": {
        replace: "replaces the VPC: every subnet, route and the server in it are rebuilt",
        delete: "deletes the VPC and everything in it",
    },
    "aws:ec2/subnet:Subnet": {
        replace: "replaces a subnet: what runs in it (possibly the server) is stopped first",
        delete: "deletes a subnet: what runs in it stops",
    },
    "azure-native:network:VirtualWan": {
        replace: "replaces the Virtual WAN: the hub, its gateway and every connection are rebuilt",
        delete: "deletes the Virtual WAN and everything on it",
    },
    "azure-native:network:VirtualHub": {
        replace: "replaces the Virtual WAN hub: every branch, spoke and cross-cloud connection drops while it is rebuilt (about 30 minutes)",
        delete: "deletes the Virtual WAN hub: every branch, spoke and cross-cloud connection goes down",
    },
    "azure-native:network:VpnGateway": {
        replace: "replaces the hub's VPN gateway: every branch and cross-cloud tunnel drops while it is rebuilt (30 minutes or more), and routers must learn its new public IPs",
        delete: "deletes the hub's VPN gateway: every branch and cross-cloud tunnel goes down",
    },
    "azure-native:network:VpnSite": {
        replace: "replaces a VPN site: its tunnel drops while it is rebuilt",
        delete: "deletes a VPN site: that office loses its tunnel",
    },
    "azure-native:network:VpnConnection": {
        replace: "replaces a VPN connection: its tunnel drops while it is rebuilt",
        delete: "deletes a VPN connection: that site loses its tunnel",
    },
    "azure-native:network:VirtualNetwork": {
        replace: "replaces a VNet: everything in it is rebuilt",
        delete: "deletes a VNet and everything in it",
    },
    "azure-native:network:HubVirtualNetworkConnection": {
        replace: "replaces the hub's spoke connection: the spoke loses its routes to the hub while it is rebuilt",
        delete: "deletes the hub's spoke connection: the spoke loses its routes to the hub and the branches",
    },
};

function callouts(changed: readonly ResourceChange[], removed: readonly ResourceRef[]): Callout[] {
    const replaced = changed.filter((c) => c.replace).map((c): Callout => {
        const words = STATEFUL[c.type];
        return {
            ...ref(c),
            action: "replace",
            stateful: words !== undefined,
            consequence: words?.replace ?? `replaces ${shortType(c.type)} ${c.name}`,
            because: c.fields.filter((f) => f.replace).map((f) => f.path),
        };
    });
    const deleted = removed.filter((r) => STATEFUL[r.type]).map((r): Callout => ({ ...ref(r), action: "delete", stateful: true, consequence: STATEFUL[r.type].delete, because: [] }));
    return [...replaced.filter((c) => c.stateful), ...deleted, ...replaced.filter((c) => !c.stateful)];
}

export function shortType(type: string): string {
    return type.split(":").pop() ?? type;
}

const cents = (n: number) => Math.round(n * 100) / 100;

function diffCost(base: BasePlan["cost"], head: BasePlan["cost"]): PlanDiff["cost"] {
    const key = (i: ResourceRef) => `${i.type}::${i.name}`;
    const before = new Map((base?.items ?? []).map((i) => [key(i), i]));
    const after = new Map((head?.items ?? []).map((i) => [key(i), i]));
    const lines: CostLineChange[] = [];
    for (const k of new Set([...before.keys(), ...after.keys()])) {
        const b = before.get(k);
        const a = after.get(k);
        const delta = cents((a?.monthly ?? 0) - (b?.monthly ?? 0));
        if (delta === 0) continue;
        const item = (a ?? b)!;
        lines.push({ type: item.type, name: item.name, before: cents(b?.monthly ?? 0), after: cents(a?.monthly ?? 0), delta, basis: (a ?? b)!.basis });
    }
    lines.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.name.localeCompare(y.name));
    const b = cents(base?.monthly ?? 0);
    const a = cents(head?.monthly ?? 0);
    return { before: b, after: a, delta: cents(a - b), cap: { before: base?.cap ?? null, after: head?.cap ?? null }, lines };
}

/**
 * New and resolved violations. A violation that is still there with a
 * reworded message (a cost figure in it moved) is neither: exact matches
 * pair first, then the same policy, level and resource.
 */
function diffViolations(base: readonly PolicyViolation[], head: readonly PolicyViolation[]): PlanDiff["policies"] {
    const remaining = [...base];
    const unmatched: PolicyViolation[] = [];
    const take = (v: PolicyViolation, same: (a: PolicyViolation, b: PolicyViolation) => boolean) => {
        const i = remaining.findIndex((r) => same(r, v));
        if (i < 0) return false;
        remaining.splice(i, 1);
        return true;
    };
    const where = (a: PolicyViolation, b: PolicyViolation) => a.policy === b.policy && a.level === b.level && a.resource === b.resource;
    for (const v of head) if (!take(v, (a, b) => where(a, b) && a.message === b.message)) unmatched.push(v);
    const fresh = unmatched.filter((v) => !take(v, where));
    return { new: fresh, resolved: remaining };
}

interface ReadinessLike {
    internetFacing?: { total: number; reachableOverIpv6: number; share: number | null };
    networks?: { ipv4Only: number }; subnets?: { ipv4Only: number }; interfaces?: { ipv4Only: number }; endpoints?: { ipv4Only: number };
    items?: Array<{ kind: string; type: string; name: string; stack: string }>;
}

function summary(readiness: ReadinessLike | null | undefined): Ipv6Summary | null {
    if (!readiness?.internetFacing) return null;
    return {
        reachableOverIpv6: readiness.internetFacing.reachableOverIpv6,
        total: readiness.internetFacing.total,
        share: readiness.internetFacing.share,
        ipv4Only: {
            networks: readiness.networks?.ipv4Only ?? 0,
            subnets: readiness.subnets?.ipv4Only ?? 0,
            interfaces: readiness.interfaces?.ipv4Only ?? 0,
            endpoints: readiness.endpoints?.ipv4Only ?? 0,
        },
    };
}

function diffIpv6(base: unknown, head: unknown): PlanDiff["ipv6"] {
    const ipv4Only = (r: unknown) => {
        const items = (r as ReadinessLike | null | undefined)?.items ?? [];
        return new Map(items.filter((i) => i.stack === "ipv4-only").map((i) => [`${i.kind}::${i.type}::${i.name}`, { type: i.type, name: i.name }]));
    };
    const before = ipv4Only(base);
    const after = ipv4Only(head);
    return {
        before: summary(base as ReadinessLike),
        after: summary(head as ReadinessLike),
        nowIpv4Only: [...after].filter(([k]) => !before.has(k)).map(([, r]) => r),
        noLongerIpv4Only: [...before].filter(([k]) => !after.has(k)).map(([, r]) => r),
    };
}

function sameIpv6(a: Ipv6Summary | null, b: Ipv6Summary | null): boolean {
    return deepEqual(a, b);
}

// ---------------------------------------------------------------- text report

const signed = (n: number) => `${n < 0 ? "−" : "+"}$${Math.abs(n).toFixed(2)}`;
/** An input value for one line: short JSON, cut at 80 characters. */
export function valueText(value: unknown): string {
    if (value === undefined) return "(none)";
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function ipv6Text(s: Ipv6Summary | null): string {
    if (!s) return "not reported";
    return `${s.reachableOverIpv6} of ${s.total} internet-facing endpoints over IPv6${s.share === null ? "" : ` (${Math.round(s.share * 100)} %)`}`;
}

/** The "Changes against the base" section of the human report. */
export function renderDiffText(diff: PlanDiff): string[] {
    const lines = [`Changes against the base (stack "${diff.base}")`];
    if (diff.unchanged) return [...lines, "  none: same resources, inputs, cost, policy results and IPv6 readiness", ""];
    for (const c of diff.callouts) {
        lines.push(`  ! ${c.consequence} (${shortType(c.type)} ${c.name}${c.because.length ? `; replace-on-change: ${c.because.join(", ")}` : ""})`);
    }
    lines.push(`  ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed (${diff.changed.filter((c) => c.replace).length} replaced)`);
    for (const r of diff.added) lines.push(`  + ${r.name}  (${r.type})`);
    for (const r of diff.removed) lines.push(`  - ${r.name}  (${r.type})`);
    for (const c of diff.changed) {
        lines.push(`  ${c.replace ? "±" : "~"} ${c.name}  (${c.type})${c.replace ? " REPLACED" : ""}`);
        for (const f of c.fields) lines.push(`      ${f.path}: ${valueText(f.before)} → ${valueText(f.after)}${f.replace ? "  [replaces]" : ""}`);
    }
    const { cost } = diff;
    lines.push(`  Monthly cost: ${dollars(cost.before)} → ${dollars(cost.after)} (${signed(cost.delta)})${cost.cap.after !== null ? `, cap ${dollars(cost.cap.after)}` : ""}`);
    for (const l of cost.lines) lines.push(`      ${signed(l.delta).padStart(10)}  ${shortType(l.type)} ${l.name}: ${dollars(l.before)} → ${dollars(l.after)}; ${l.basis}`);
    lines.push(`  Policies: ${diff.policies.new.length} new violation(s), ${diff.policies.resolved.length} resolved`);
    for (const v of diff.policies.new) lines.push(`      new [${v.level}] ${v.policy}${v.resource ? ` (${v.resource})` : ""}: ${v.message}`);
    for (const v of diff.policies.resolved) lines.push(`      resolved [${v.level}] ${v.policy}${v.resource ? ` (${v.resource})` : ""}`);
    lines.push(`  IPv6: ${ipv6Text(diff.ipv6.before)} → ${ipv6Text(diff.ipv6.after)}`);
    for (const r of diff.ipv6.nowIpv4Only) lines.push(`      now IPv4-only: ${r.name} (${shortType(r.type)})`);
    for (const r of diff.ipv6.noLongerIpv4Only) lines.push(`      no longer IPv4-only: ${r.name} (${shortType(r.type)})`);
    lines.push("");
    return lines;
}
