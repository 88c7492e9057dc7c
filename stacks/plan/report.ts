/**
 * Turns a plan run into the JSON document of DESIGN.md and into the human
 * report: resource tree, address plan tables, outputs (then cost and
 * policies, filled by their own modules).
 */
import type { PreflightResult } from "../../components/preflight/types";
import { renderBaseline } from "./report-baseline";
import type { Ipv6Readiness } from "../../policy/ipv6-readiness";
import type { CostAdvice, CostShare } from "./cost-advice";
import { PlanDiff, renderDiffText } from "./diff";
import { Reachability, renderReachability } from "./reachability";
import { ConfigKeyReplacements, renderReplacements } from "./replacements";
import { PlanRun, PlannedResource } from "./run";
import { NOT_A_SETTING } from "./violation-keys";
import { wrapLine, wrapText } from "./wrap";

export interface CostItem {
    type: string; name: string; monthly: number; basis: string;
    /** As-of dates and sources ("<letter>: <description> (<reference>)") of the prices used. */
    asOf?: string; source?: string[];
    /** Where sources disagree or a price is derived: the monthly figure at the low and high bounds. */
    range?: { low: number; high: number };
}
export interface PolicyViolation {
    policy: string; level: "mandatory" | "advisory"; resource: string | null; message: string;
    /** The config key to change (stacks/plan/violation-keys.ts); null when no setting causes it. */
    configKey?: string | null;
}

export interface PlanDocument {
    stack: string;
    resources: Array<{ type: string; name: string; parent: string | null; inputs: Record<string, unknown> }>;
    addressing: {
        aws: {
            region: string;
            vpcIpv4Cidr: string;
            vpcIpv6: string;
            /** The /56 the offline plan's mocks assigned, to show derived /64s. */
            plannedVpcIpv6Block: string | null;
            subnets: Array<{ tier: string; availabilityZone: string; ipv4Cidr: string; ipv6NetworkIndex: number; ipv6Cidr: string | null }>;
        };
        azure: {
            location: string;
            vnet: { ipv4Cidr: string; ipv6Cidr?: string; subnets: Array<{ name: string; ipv4Cidr: string; ipv6Cidr?: string }> };
            spoke?: { ipv4Cidr: string; subnets: Array<{ name: string; ipv4Cidr: string }> };
            hubPrefix: string | null;
        };
        sites: Array<{ name: string; addressSpaces: string[] }>;
    };
    cost: {
        currency: "USD"; monthly: number; range?: { low: number; high: number }; cap: number | null; items: CostItem[];
        /** The bill by family, largest first (stacks/plan/cost-advice.ts). */
        shares?: CostShare[];
        /** Over the cap only: each alternative the config has, with its computed monthly saving. */
        advice?: CostAdvice[];
    };
    policies: { violations: PolicyViolation[] };
    /** The providers' own rules checked offline (components/preflight); absent for older readers. */
    preflight?: PreflightResult;
    /** IPv6 readiness: what is dual-stack, what is IPv4-only and why (policy/ipv6-readiness.ts). */
    ipv6: unknown;
    /** The policy pack config the policies and the cap came from (policy/config/<stack>.json), as given to `--policy-pack-config`. */
    policyConfig?: string;
    /** Per config key: what a change would replace, what it updates in place (stacks/plan/replacements.ts). */
    replacements?: ConfigKeyReplacements[];
    /** Who reaches what, over which family and path (stacks/plan/reachability.ts). */
    reachability?: Reachability;
    outputs: Record<string, unknown>;
    /** Only with `--base`: the changes against an earlier plan (stacks/plan/diff.ts). */
    diff?: PlanDiff;
}

export function buildPlanDocument(run: PlanRun, extra?: { cost?: PlanDocument["cost"]; policies?: PlanDocument["policies"]; ipv6?: unknown; policyConfig?: string; replacements?: ConfigKeyReplacements[]; preflight?: PreflightResult; reachability?: Reachability }): PlanDocument {
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const parentName = (r: PlannedResource) => {
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        return parent && parent.type !== "pulumi:pulumi:Stack" ? parent.name : null;
    };
    const subnetInputs = new Map(
        run.resources
            .filter((r) => r.type === "aws:ec2/subnet:Subnet")
            .map((r) => [`${String(r.inputs.availabilityZone)}/${(r.inputs.tags as Record<string, string> | undefined)?.["landing-zone:tier"]}`, r.inputs]),
    );
    const plan = run.addressPlan;
    return {
        stack: run.stack,
        resources: run.resources
            .filter((r) => r.type !== "pulumi:pulumi:Stack")
            .map((r) => ({ type: r.type, name: r.name, parent: parentName(r), inputs: r.inputs })),
        addressing: {
            aws: {
                region: run.config.aws.region,
                vpcIpv4Cidr: plan.aws.vpcIpv4Cidr,
                vpcIpv6: plan.aws.vpcIpv6,
                plannedVpcIpv6Block: ((run.outputs.aws as { vpcIpv6CidrBlock?: string } | undefined)?.vpcIpv6CidrBlock) ?? null,
                subnets: plan.aws.subnets.map((s) => ({
                    tier: s.tier,
                    availabilityZone: s.availabilityZone,
                    ipv4Cidr: s.ipv4Cidr,
                    ipv6NetworkIndex: s.ipv6NetworkIndex,
                    ipv6Cidr: (subnetInputs.get(`${s.availabilityZone}/${s.tier}`)?.ipv6CidrBlock as string | undefined) ?? null,
                })),
            },
            azure: {
                location: run.config.azure.location,
                vnet: plan.azure.vnet,
                ...(plan.azure.spoke ? { spoke: plan.azure.spoke } : {}),
                hubPrefix: plan.hub?.prefix ?? null,
            },
            sites: plan.sites,
        },
        cost: extra?.cost ?? { currency: "USD", monthly: 0, cap: null, items: [] },
        policies: extra?.policies ?? { violations: [] },
        ...(extra?.preflight ? { preflight: extra.preflight } : {}),
        ipv6: extra?.ipv6 ?? null,
        ...(extra?.policyConfig !== undefined ? { policyConfig: extra.policyConfig } : {}),
        ...(extra?.replacements !== undefined ? { replacements: extra.replacements } : {}),
        ...(extra?.reachability ? { reachability: extra.reachability } : {}),
        outputs: run.outputs,
    };
}

/** The human report, wrapped at `width` columns. */
export function renderReport(doc: PlanDocument, width = Infinity): string {
    const lines: string[] = [];
    lines.push(`Landing zone plan — stack "${doc.stack}" (offline, Pulumi mocks; no cloud calls)`, "");
    if (doc.diff) lines.push(...renderDiffText(doc.diff));
    lines.push(`Resources (${doc.resources.length}):`);
    lines.push(...renderTree(doc.resources), "");

    const a = doc.addressing;
    lines.push(`Address plan`);
    lines.push(`  AWS ${a.aws.region}: VPC ${a.aws.vpcIpv4Cidr}, IPv6 ${a.aws.vpcIpv6}${a.aws.plannedVpcIpv6Block ? ` (planned as ${a.aws.plannedVpcIpv6Block})` : ""}`);
    lines.push(...table(["tier", "AZ", "IPv4", "/64 #", "IPv6"], a.aws.subnets.map((s) => [s.tier, s.availabilityZone, s.ipv4Cidr, String(s.ipv6NetworkIndex), s.ipv6Cidr ?? "-"])).map((l) => `    ${l}`));
    lines.push(`  Azure ${a.azure.location}: workload VNet ${a.azure.vnet.ipv4Cidr} + ${a.azure.vnet.ipv6Cidr ?? "(IPv4-only)"}`);
    lines.push(...table(["subnet", "IPv4", "IPv6"], a.azure.vnet.subnets.map((s) => [s.name, s.ipv4Cidr, s.ipv6Cidr ?? "-"])).map((l) => `    ${l}`));
    if (a.azure.spoke) {
        lines.push(`  Azure hub-attached spoke VNet ${a.azure.spoke.ipv4Cidr} (IPv4-only: Virtual WAN cannot attach a VNet with IPv6)`);
        lines.push(...table(["subnet", "IPv4"], a.azure.spoke.subnets.map((s) => [s.name, s.ipv4Cidr])).map((l) => `    ${l}`));
    }
    lines.push(`  Virtual WAN hub prefix: ${a.azure.hubPrefix ?? "(no hub)"}`);
    if (a.sites.length > 0) {
        lines.push(`  Branch sites (IPv4 ranges advertised to the hub):`);
        lines.push(...table(["site", "ranges"], a.sites.map((s) => [s.name, s.addressSpaces.join(", ") || "(BGP)"])).map((l) => `    ${l}`));
    }
    lines.push("");

    lines.push(...renderServerTier(doc.outputs.server));
    lines.push(...renderBaseline(doc.outputs.baseline));
    lines.push(...renderRouterSheets(doc.outputs.branchRouterSheets));

    const cap = doc.cost.cap;
    const capText = cap !== null ? ` against a cap of $${cap.toFixed(2)} (${doc.cost.monthly <= cap ? `${((doc.cost.monthly / cap) * 100).toFixed(0)} % used` : `OVER by $${(doc.cost.monthly - cap).toFixed(2)}`}${doc.policyConfig ? `, from ${doc.policyConfig}` : ""})` : " (no cap set)";
    const range = (r: { low: number; high: number } | undefined) => (r ? `${r.low.toFixed(2)}–${r.high.toFixed(2)}` : "");
    lines.push(`Monthly cost estimate: $${doc.cost.monthly.toFixed(2)}${capText}`);
    if (doc.cost.range) lines.push(`  range $${range(doc.cost.range).replace("–", "–$")} (where sources disagree or a price is derived)`);
    const charged = doc.cost.items.filter((i) => i.monthly !== 0 || i.basis.startsWith("unpriced")).sort((a, b) => b.monthly - a.monthly);
    const letters = (i: CostItem) => (i.source ?? []).map((s) => s.split(":")[0]);
    const provenance = (i: CostItem) => (i.asOf ? ` (as of ${i.asOf}; ${letters(i).join(", ")})` : "");
    lines.push(...table(["USD/month", "range", "resource", "basis (as of; sources)"], charged.map((i) => [i.monthly.toFixed(2), range(i.range), `${shortType(i.type)} ${i.name}`, i.basis + provenance(i)]), width - 2).map((l) => `  ${l}`));
    const sources = [...new Set(charged.flatMap((i) => i.source ?? []))];
    if (sources.length > 0) lines.push(`  Sources: ${sources.join("; ")}`);
    if (doc.cost.shares?.length) {
        lines.push(`  Where it goes: ${doc.cost.shares.map((s) => `${s.what} ${(s.share * 100).toFixed(0)} % ($${s.monthly.toFixed(2)})`).join("; ")}`);
    }
    if (doc.cost.advice) {
        lines.push(doc.cost.advice.length === 0
            ? "  Over the cap, and no single change this config offers lowers the estimate: raise the cap or redesign."
            : "  Over the cap. Alternatives this config has, each alone, priced with the change made:");
        for (const a of doc.cost.advice) {
            lines.push(`    ${a.key}: ${a.change}: saves $${a.monthlySaving.toFixed(2)} a month → $${a.monthlyAfter.toFixed(2)}${a.fitsCap ? " (under the cap)" : ""}; trade-off: ${a.tradeOff}`);
        }
    }
    const free = doc.cost.items.length - charged.length;
    if (free > 0) lines.push(`  (+ ${free} resources priced at $0: networks, routes, IAM, free-tier Lambda and rules; see --json for each basis)`);
    lines.push("");
    lines.push(`Policies${doc.policyConfig ? ` (config ${doc.policyConfig})` : ""}: ${doc.policies.violations.length === 0 ? "no violations" : `${doc.policies.violations.length} violation(s)`}`);
    for (const v of doc.policies.violations) {
        const change = v.configKey === undefined ? "" : ` → change ${v.configKey ?? `nothing in the config (${NOT_A_SETTING})`}`;
        lines.push(`  [${v.level}] ${v.policy}${change}${v.resource ? ` (${v.resource})` : ""}: ${v.message}`);
    }
    lines.push("");
    if (doc.preflight) {
        lines.push(`Provider preflight: ${doc.preflight.rules} rules checked, ${doc.preflight.violations.length === 0 ? "no violations" : `${doc.preflight.violations.length} violation(s) (the clouds would refuse these)`}`);
        for (const v of doc.preflight.violations) lines.push(`  ${v.rule}: ${v.message} (${v.input} = ${JSON.stringify(v.value)}; source: ${v.source})`);
        lines.push("");
    }
    lines.push(...renderIpv6(doc.ipv6 as Ipv6Readiness | null));
    lines.push("");
    if (doc.reachability) lines.push(...renderReachability(doc.reachability), "");
    const replacements = renderReplacements(doc.replacements ?? []);
    if (replacements.length > 0) lines.push(...replacements, "");
    lines.push("Outputs:");
    for (const [key, value] of Object.entries(doc.outputs)) {
        if (key === "addressPlan" || key === "branchRouterSheets") continue;
        lines.push(`  ${key}: ${JSON.stringify(value)}`);
    }
    return lines.flatMap((line) => wrapLine(line, width)).join("\n");
}

/** The branch router sheets (stack output `branchRouterSheets`): what each office's router needs. */
function renderRouterSheets(sheets: unknown): string[] {
    if (!sheets || typeof sheets !== "object" || Object.keys(sheets).length === 0) return [];
    type Sheet = {
        device: string; siteAddress: string; isp: string; linkSpeedMbps: number; siteRanges: string[]; remoteRanges: string[]; branchToBranch: string;
        hubPeers: Array<{ instance: string; publicIp: string; bgpPeeringAddress: string }> | string;
        routing: { mode: string; hubAsn?: number; siteAsn?: number; sitePeeringAddress?: string };
        ipsec: { ikeVersion: string; phase1: { encryption: string; integrity: string; dhGroup: string; lifetimeSeconds: number }; phase2: { encryption: string; integrity: string; pfsGroup: string; lifetimeSeconds: number; lifetimeKilobytes: number } };
        preSharedKey: string;
        alerts?: string[];
    };
    const lines = ["Branch router sheets (stack output branchRouterSheets; the pre-shared key is a secret: pulumi stack output --show-secrets)"];
    for (const [site, sheet] of Object.entries(sheets as Record<string, Sheet>)) {
        const peers = Array.isArray(sheet.hubPeers) ? sheet.hubPeers.map((p) => `${p.instance} ${p.publicIp} (BGP ${p.bgpPeeringAddress})`).join(", ") : String(sheet.hubPeers);
        const routing = sheet.routing.mode === "bgp"
            ? `BGP: site AS${sheet.routing.siteAsn} at ${sheet.routing.sitePeeringAddress}, hub AS${sheet.routing.hubAsn}`
            : "static";
        const { phase1, phase2 } = sheet.ipsec;
        lines.push(`  ${site}: ${sheet.device} at ${sheet.siteAddress} (${sheet.isp}, ${sheet.linkSpeedMbps} Mbps)`);
        lines.push(`    hub peers: ${peers}`);
        lines.push(`    routing: ${routing}; site ranges ${sheet.siteRanges.join(", ") || "(BGP only)"}; remote ranges ${sheet.remoteRanges.join(", ")}; branch-to-branch ${sheet.branchToBranch.split(":")[0]}`);
        lines.push(`    ${sheet.ipsec.ikeVersion} phase 1: ${phase1.encryption}, ${phase1.integrity}, ${phase1.dhGroup}, ${phase1.lifetimeSeconds} s; phase 2 (ESP): ${phase2.encryption}, integrity ${phase2.integrity}, PFS ${phase2.pfsGroup}, ${phase2.lifetimeSeconds} s / ${phase2.lifetimeKilobytes} KB`);
        lines.push(`    pre-shared key: ${sheet.preSharedKey}`);
        if (sheet.alerts?.length) lines.push(`    alerts when the link is down: ${sheet.alerts.join(", ")}`);
    }
    lines.push("");
    return lines;
}

/** The multi-AZ server tier (stack output `server`): what runs where, and what a failure costs. */
function renderServerTier(server: unknown): string[] {
    if (!server || typeof server !== "object") return [];
    const s = server as {
        groupName: string; subnetTier: string; availabilityZones: string[]; instanceTypes: string[]; market: string;
        elasticIp: string | null; dnsNames: string[]; snapshotSchedule: string; recovery: { summary: string; explanation?: string[] }; tls?: string;
    };
    return [
        `Server tier ${s.groupName}: 1 instance (${s.market}: ${s.instanceTypes.join(", ")}) in the ${s.subnetTier} subnet of any of ${s.availabilityZones.join(", ")}`,
        `  address: ${s.elasticIp ? `Elastic IP ${s.elasticIp} + IPv6` : "IPv6 only (no Elastic IP)"}${s.dnsNames.length ? `; DNS ${s.dnsNames.join(", ")}` : ""}`,
        `  data: one encrypted gp3 volume carried across AZs by the failover handler; snapshots ${s.snapshotSchedule}`,
        `  recovery: ${s.recovery.summary}`,
        // What the restore window means: when an older snapshot is restored and what that loses.
        ...(s.recovery.explanation ?? []).map((line) => `    ${line}`),
        ...(s.tls ? [`  ${s.tls}`] : []),
        "",
    ];
}

function renderIpv6(readiness: Ipv6Readiness | null): string[] {
    if (!readiness) return [];
    const counts = (label: string, c: Ipv6Readiness["networks"]) =>
        `  ${label.padEnd(11)} ${c.dualStack} dual-stack, ${c.ipv4Only} IPv4-only${c.ipv6Only ? `, ${c.ipv6Only} IPv6-only` : ""}${c.unknown ? `, ${c.unknown} unknown` : ""}`;
    const share = readiness.internetFacing.share;
    const lines = [
        `IPv6 readiness: ${readiness.internetFacing.reachableOverIpv6} of ${readiness.internetFacing.total} internet-facing endpoints reachable over IPv6${share === null ? "" : ` (${(share * 100).toFixed(0)} %)`}`,
        counts("networks", readiness.networks),
        counts("subnets", readiness.subnets),
        counts("interfaces", readiness.interfaces),
        counts("endpoints", readiness.endpoints),
    ];
    const ipv4Only = readiness.items.filter((i) => i.stack === "ipv4-only");
    if (ipv4Only.length > 0) {
        lines.push("  IPv4-only, and why:");
        for (const item of ipv4Only) lines.push(`    ${item.kind} ${item.name} (${shortType(item.type)}): ${item.reason ? `${item.reason.kind}: ${item.reason.detail}` : "no reason recorded"}`);
    }
    return lines;
}

function renderTree(resources: PlanDocument["resources"]): string[] {
    const children = new Map<string | null, PlanDocument["resources"]>();
    for (const r of resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const out: string[] = [];
    const walk = (parent: string | null, indent: string) => {
        for (const r of children.get(parent) ?? []) {
            out.push(`${indent}${r.name}  (${r.type})`);
            if (r.name !== parent) walk(r.name, `${indent}  `);
        }
    };
    walk(null, "  ");
    return out;
}

function shortType(type: string): string {
    return type.split(":").pop() ?? type;
}

/** A table; its last column wraps under itself to fit `width`. */
function table(header: string[], rows: string[][], width = Infinity): string[] {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const lastStart = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
    const fmt = (r: string[]) => {
        const line = r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
        return width === Infinity || width - lastStart < 20 ? [line] : wrapText(line, width, lastStart);
    };
    const rule = widths.map((w, i) => "-".repeat(i === widths.length - 1 && width !== Infinity ? Math.max(header[i].length, Math.min(w, width - lastStart)) : w));
    return [fmt(header), fmt(rule), ...rows.map(fmt)].flat();
}
