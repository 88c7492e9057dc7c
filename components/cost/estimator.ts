/**
 * The monthly cost estimator: resources as the offline plan collects them
 * (Pulumi type token + resolved provider inputs, secrets "[secret]",
 * unknowns "[unknown]") → monthly USD per resource with a readable basis.
 * Pure; every price comes from the catalogue.
 *
 * - A type with a rule is priced, or priced 0 with the reason (free
 *   configuration objects, usage-billed services whose usage is not
 *   estimated, things priced on another line).
 * - A type without a rule, or an input the price depends on that is missing,
 *   unknown or has no catalogue price, gives an unpriced line (priced: false,
 *   monthly 0, basis "unpriced: <why>"), counted in `unpriced`; never a silent 0.
 * - Components (`landing-zone:*`), providers and the stack (`pulumi:*`) are
 *   not cloud resources and cost nothing themselves: they are skipped (no
 *   line) and counted in `skipped`, so the line-by-line list shows only
 *   things a cloud bills.
 *
 * Usage-based charges (data processed, transfer out, LCUs, requests) are not
 * estimated; the basis names their catalogue price where the catalogue has one.
 */
import { CATALOGUE, Catalogue, Cloud, PriceLine, findLine } from "./catalogue";
import { boundCatalogue, describeSources } from "./provenance";
import { DEFAULTS as FAILOVER_DEFAULTS, ENV as FAILOVER_ENV, liveDataVolumeTags } from "../aws/failover/contract";

export interface ResourceLike {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

/** How much of a volume its snapshots hold, for snapshot storage. */
export interface SnapshotAssumptions {
    /** Share of the volume holding data; the first snapshot stores this much. Default 0.5. */
    usedFraction: number;
    /** Share of the volume changed per day; each further snapshot stores this × its interval in days. Default 0.03. */
    dailyChangeRate: number;
}

export const SNAPSHOT_ASSUMPTIONS: Readonly<SnapshotAssumptions> = { usedFraction: 0.5, dailyChangeRate: 0.03 };

/** Root volume assumed when a launch template or instance leaves it to the AMI (Amazon Linux 2023: 8 GiB gp3). */
export const AMI_ROOT_VOLUME = { sizeGiB: 8, volumeType: "gp3" } as const;

export interface EstimateOptions {
    awsRegion: string;
    azureLocation: string;
    /** Hours in a month. Default 730. */
    hoursPerMonth?: number;
    /** Default: the shipped catalogue. */
    catalogue?: Catalogue;
    /** Default: SNAPSHOT_ASSUMPTIONS. */
    snapshots?: Partial<SnapshotAssumptions>;
    /** Compute each line's low–high range (default true; the range estimates themselves turn it off). */
    ranges?: boolean;
}

export interface CostItem {
    type: string;
    name: string;
    /** USD, rounded to cents. */
    monthly: number;
    basis: string;
    priced: boolean;
    /** As-of dates of the catalogue prices the line used ("; "-joined when they differ). */
    asOf?: string;
    /** The sources of those prices: "<letter>: <description> (<reference>)". */
    source?: string[];
    /** Present where the sources disagree or a price is derived: the monthly figure at the low and high bounds. */
    range?: { low: number; high: number };
}

export interface CostEstimate {
    currency: "USD";
    /** Sum of the items' rounded monthly figures. */
    monthly: number;
    /** The total at the items' low and high bounds; present when any item has a range. */
    range?: { low: number; high: number };
    items: CostItem[];
    /** Lines with priced: false (not included in `monthly`). */
    unpriced: number;
    /** Components, providers and the stack: not cloud resources, no line. */
    skipped: number;
}

/** Thrown inside a rule when the line cannot be priced; becomes an unpriced line. */
class Unpriced extends Error {}

interface Priced {
    monthly: number;
    basis: string;
    /** Extra lines for things the resource creates at run time (the failover handler's data volume). */
    extra?: CostItem[];
}

interface Context {
    resource: ResourceLike;
    /** The stack's resources of these types, in plan order (indexed once per estimate: rules that look across the stack stay linear). */
    ofType(...types: string[]): readonly ResourceLike[];
    hours: number;
    snapshots: SnapshotAssumptions;
    /** A catalogue price for this resource's region, or Unpriced. */
    price(cloud: Cloud, id: string): PriceLine;
    /** Whether a price exists (no throw). */
    has(cloud: Cloud, id: string): boolean;
    /** " [<region> price derived: …]" for the derived prices used since the last call, then forgets them. */
    takeNotes(): string;
    awsRegion: string;
    azureLocation: string;
}

type Rule = (ctx: Context) => Priced;

export function estimateMonthlyCost(resources: ReadonlyArray<ResourceLike>, options: EstimateOptions): CostEstimate {
    const catalogue = options.catalogue ?? CATALOGUE;
    const hours = options.hoursPerMonth ?? 730;
    const snapshots = { ...SNAPSHOT_ASSUMPTIONS, ...options.snapshots };
    const items: CostItem[] = [];
    let skipped = 0;
    const ofType = resourcesByType(resources);
    for (const resource of resources) {
        if (isSkipped(resource.type)) {
            skipped++;
            continue;
        }
        const awsRegion = str(resource.inputs.region) ?? options.awsRegion;
        // "global" resources (action groups, metric alerts) are billed at the stack's region's rates.
        const location = str(resource.inputs.location);
        const azureLocation = normaliseLocation(location && location !== "global" ? location : options.azureLocation);
        const derivedNotes = new Set<string>();
        const used: PriceLine[] = [];
        const regionOf = (cloud: Cloud) => (cloud === "aws" ? awsRegion : azureLocation);
        const ctx: Context = {
            resource, ofType, hours, snapshots, awsRegion, azureLocation,
            has: (cloud, id) => findLine(catalogue, cloud, regionOf(cloud), id) !== undefined,
            takeNotes: () => {
                const notes = derivedNotes.size ? ` [${[...derivedNotes].join("; ")}]` : "";
                derivedNotes.clear();
                return notes;
            },
            price: (cloud, id) => {
                const line = findLine(catalogue, cloud, regionOf(cloud), id);
                if (!line) throw new Unpriced(`no catalogue price for ${id} in ${regionOf(cloud)}`);
                if (line.derived) derivedNotes.add(`${line.region} price derived: ${line.derived.rule.split(";")[0]}`);
                used.push(line);
                return line;
            },
        };
        const rule = RULES[resource.type];
        if (!rule) {
            items.push(unpriced(resource, `no price rule for ${resource.type}`));
            continue;
        }
        try {
            const result = rule(ctx);
            const provenance = used.length > 0
                ? { asOf: [...new Set(used.map((l) => l.asOf))].join("; "), source: describeSources(used.flatMap((l) => l.source), catalogue) }
                : {};
            items.push({ type: resource.type, name: resource.name, monthly: cents(result.monthly), basis: result.basis + ctx.takeNotes(), priced: true, ...provenance });
            items.push(...(result.extra ?? []).map((extra) => ({ ...provenance, ...extra })));
        } catch (error) {
            if (!(error instanceof Unpriced)) throw error;
            items.push(unpriced(resource, error.message));
        }
    }
    const monthly = cents(items.reduce((sum, i) => sum + i.monthly, 0));
    let range: CostEstimate["range"];
    if (options.ranges !== false) {
        // The same rules over the catalogue at its low and its high bounds; lines match by position.
        const low = estimateMonthlyCost(resources, { ...options, catalogue: boundCatalogue(catalogue, "low"), ranges: false }).items;
        const high = estimateMonthlyCost(resources, { ...options, catalogue: boundCatalogue(catalogue, "high"), ranges: false }).items;
        items.forEach((item, i) => {
            const l = low[i]?.monthly ?? item.monthly;
            const h = high[i]?.monthly ?? item.monthly;
            if (l !== item.monthly || h !== item.monthly) item.range = { low: Math.min(l, item.monthly), high: Math.max(h, item.monthly) };
        });
        if (items.some((i) => i.range)) {
            const sum = (pick: (i: CostItem) => number) => cents(items.reduce((s, i) => s + pick(i), 0));
            range = { low: sum((i) => i.range?.low ?? i.monthly), high: sum((i) => i.range?.high ?? i.monthly) };
        }
    }
    return {
        currency: "USD",
        monthly,
        ...(range ? { range } : {}),
        items,
        unpriced: items.filter((i) => !i.priced).length,
        skipped,
    };
}

/** `ofType` for a stack: each distinct query filters the stack once. */
function resourcesByType(resources: ReadonlyArray<ResourceLike>): Context["ofType"] {
    const found = new Map<string, readonly ResourceLike[]>();
    return (...types) => {
        const key = types.join("\0");
        let list = found.get(key);
        if (!list) {
            list = resources.filter((r) => types.includes(r.type));
            found.set(key, list);
        }
        return list;
    };
}

function unpriced(resource: ResourceLike, why: string): CostItem {
    return { type: resource.type, name: resource.name, monthly: 0, basis: `unpriced: ${why}`, priced: false };
}

export function isSkipped(type: string): boolean {
    return type.startsWith("pulumi:") || type.startsWith("landing-zone:");
}

// ---------------------------------------------------------------- AWS compute

interface Volume { sizeGiB: number; volumeType: string; assumed: boolean }

/**
 * The type a group of interchangeable instance types is priced at: the
 * dearest on-demand price (the safe side for a cap), the earliest on a tie.
 * `price` gives a type's on-demand catalogue line (and may throw when it has
 * none). Exported so comparisons price other designs at the same type.
 */
export function dearestInstanceType<L extends { price: number }>(types: readonly string[], price: (type: string) => L): { type: string; line: L } {
    if (types.length === 0) throw new Error("dearestInstanceType: no instance types");
    const priced = types.map((t) => ({ type: t, line: price(t) }));
    return priced.reduce((a, b) => (b.line.price > a.line.price ? b : a));
}

/** Prices N instances of one type (some on Spot), their EBS volumes and public IPv4s. */
function instances(ctx: Context, count: { onDemand: number; spot: number }, types: string[], volumes: Volume[], publicIpv4: boolean): Priced {
    const h = ctx.hours;
    const n = count.onDemand + count.spot;
    const dearest = dearestInstanceType(types, (t) => ctx.price("aws", `ec2.instance.${t}`));
    const parts: string[] = [];
    let monthly = 0;
    const p = dearest.line.price;
    if (count.onDemand > 0) {
        monthly += count.onDemand * h * p;
        parts.push(`${count.onDemand} × ${dearest.type} on-demand, ${h} h × ${usd(p)}`);
    }
    if (count.spot > 0) {
        const d = ctx.price("aws", "ec2.spot-discount").price;
        monthly += count.spot * h * p * (1 - d);
        parts.push(`${count.spot} × ${dearest.type} spot, ${h} h × ${usd(p)} × (1 − ${d})`);
    }
    for (const v of volumes) {
        const line = ebsPrice(ctx, v.volumeType);
        monthly += n * v.sizeGiB * line.price;
        parts.push(`${n} × ${v.sizeGiB} GB ${v.volumeType}${v.assumed ? " (size or type assumed from the AMI)" : ""} × ${usd(line.price)}/GB-month`);
    }
    if (publicIpv4) {
        const ip = ctx.price("aws", "vpc.public-ipv4").price;
        monthly += n * h * ip;
        parts.push(`${n} × public IPv4, ${h} h × ${usd(ip)}`);
    }
    if (n === 0) return { monthly: 0, basis: "0 instances (desired capacity 0)" };
    const prefix = types.length > 1 ? `dearest of ${types.join(", ")}: ` : "";
    return { monthly, basis: prefix + parts.join(" + ") };
}

function ebsPrice(ctx: Context, volumeType: string): PriceLine {
    if (!ctx.has("aws", `ebs.${volumeType}`)) throw new Unpriced(`EBS ${volumeType} has no catalogue price in ${ctx.awsRegion}`);
    return ctx.price("aws", `ebs.${volumeType}`);
}

function ebsVolume(raw: unknown, what: string, fallbackSize?: number): Volume {
    const ebs = record(raw);
    const iops = num(ebs.iops);
    const throughput = num(ebs.throughput);
    const volumeType = str(ebs.volumeType) ?? str(ebs.type);
    const size = num(ebs.volumeSize) ?? num(ebs.size) ?? fallbackSize;
    if (size === undefined) throw new Unpriced(`${what}: volume size unknown`);
    if ((iops ?? 0) > 3000 || (throughput ?? 0) > 125) throw new Unpriced(`${what}: IOPS/throughput above the gp3 baseline have no catalogue price`);
    return { sizeGiB: size, volumeType: volumeType ?? AMI_ROOT_VOLUME.volumeType, assumed: volumeType === undefined || num(ebs.volumeSize) === undefined && num(ebs.size) === undefined };
}

function launchTemplateVolumes(lt: ResourceLike): Volume[] {
    const mappings = list(lt.inputs.blockDeviceMappings).map(record).filter((m) => m.ebs !== undefined);
    if (mappings.length === 0) return [{ ...AMI_ROOT_VOLUME, assumed: true }];
    return mappings.map((m) => ebsVolume(m.ebs, `launch template ${lt.name} ${str(m.deviceName) ?? "volume"}`, AMI_ROOT_VOLUME.sizeGiB));
}

function findLaunchTemplate(ctx: Context, ref: Record<string, unknown>): ResourceLike {
    const templates = ctx.ofType("aws:ec2/launchTemplate:LaunchTemplate");
    const name = str(ref.name) ?? str(ref.launchTemplateName);
    const byName = name ? templates.filter((t) => str(t.inputs.name) === name || t.name === name) : [];
    if (byName.length === 1) return byName[0];
    if (templates.length === 1) return templates[0];
    if (templates.length === 0) throw new Unpriced("no launch template in the plan");
    throw new Unpriced(`cannot tell which of ${templates.length} launch templates the group uses (reference it by name)`);
}

const autoScalingGroup: Rule = (ctx) => {
    const i = ctx.resource.inputs;
    const capacity = i.desiredCapacity ?? i.minSize;
    if (isUnknown(capacity)) throw new Unpriced("cannot price yet: desired capacity unknown until deploy");
    const n = num(capacity);
    if (n === undefined) throw new Unpriced("no desiredCapacity or minSize");
    const mixed = record(i.mixedInstancesPolicy);
    const mixedTemplate = record(mixed.launchTemplate);
    const lt = findLaunchTemplate(ctx, i.mixedInstancesPolicy ? record(mixedTemplate.launchTemplateSpecification) : record(i.launchTemplate));
    const overrides = list(mixedTemplate.overrides).map(record);
    if (overrides.some((o) => o.instanceRequirements !== undefined)) throw new Unpriced("attribute-based instance selection: types not known offline");
    const overrideTypes = overrides.map((o) => str(o.instanceType)).filter((t): t is string => t !== undefined);
    const ltType = str(lt.inputs.instanceType);
    const types = overrideTypes.length > 0 ? overrideTypes : ltType ? [ltType] : [];
    if (types.length === 0) throw new Unpriced("no instance type in the overrides or the launch template");
    let onDemand = n;
    if (i.mixedInstancesPolicy) {
        const dist = record(mixed.instancesDistribution);
        const base = num(dist.onDemandBaseCapacity) ?? 0;
        const pct = num(dist.onDemandPercentageAboveBaseCapacity) ?? 100;
        // Amazon rounds the on-demand share up.
        onDemand = Math.min(n, base) + Math.ceil((Math.max(0, n - base) * pct) / 100);
    } else if (str(record(lt.inputs.instanceMarketOptions).marketType) === "spot") {
        onDemand = 0;
    }
    const publicIpv4 = list(lt.inputs.networkInterfaces).map(record).some((nic) => String(nic.associatePublicIpAddress) === "true");
    return instances(ctx, { onDemand, spot: n - onDemand }, types, launchTemplateVolumes(lt), publicIpv4);
};

const instance: Rule = (ctx) => {
    const i = ctx.resource.inputs;
    const type = str(i.instanceType);
    if (!type) throw new Unpriced(isUnknown(i.instanceType) ? "cannot price yet: instance type unknown" : "no instanceType");
    const spot = str(record(i.instanceMarketOptions).marketType) === "spot";
    const root = i.rootBlockDevice === undefined ? { ...AMI_ROOT_VOLUME, assumed: true } : ebsVolume(i.rootBlockDevice, `${ctx.resource.name} root`, AMI_ROOT_VOLUME.sizeGiB);
    const volumes = [root, ...list(i.ebsBlockDevices).map((v, k) => ebsVolume(v, `${ctx.resource.name} volume ${k + 1}`))];
    return instances(ctx, { onDemand: spot ? 0 : 1, spot: spot ? 1 : 0 }, [type], volumes, i.associatePublicIpAddress === true);
};

const launchTemplate: Rule = (ctx) => {
    const users = ctx.ofType("aws:autoscaling/group:Group");
    return { monthly: 0, basis: users.length ? "no charge: a template; its instances and volumes are priced on the Auto Scaling group line" : "no charge: a template, and no Auto Scaling group in the plan launches it" };
};

// ---------------------------------------------------------------- AWS storage

const ebsVolumeRule: Rule = (ctx) => {
    const i = ctx.resource.inputs;
    const type = str(i.type) ?? "gp2";
    if (num(i.size) === undefined && str(i.snapshotId)) throw new Unpriced("size comes from a snapshot, unknown offline");
    const v = ebsVolume({ ...i, type }, ctx.resource.name);
    const line = ebsPrice(ctx, v.volumeType);
    return { monthly: v.sizeGiB * line.price, basis: `${v.sizeGiB} GB ${v.volumeType}${str(i.type) ? "" : " (the default type)"} × ${usd(line.price)}/GB-month` };
};

interface RuntimeDataVolume {
    sizeGiB: number;
    volumeType: string;
    typeAssumed: boolean;
    /** The tags a snapshot policy can select it by (the handler's live copy always carries them). */
    tags: Record<string, string>;
    /** How many of the handler's own snapshots it keeps (HANDLER_SNAPSHOT_RETENTION), if set. */
    handlerSnapshotRetention?: number;
}

/** Read once per function: every snapshot policy of the stack looks at every handler. */
const runtimeDataVolumes = new WeakMap<ResourceLike, RuntimeDataVolume | null>();

/** The failover handler's environment names the data volume it creates at run time. */
function runtimeDataVolume(fn: ResourceLike): RuntimeDataVolume | undefined {
    let known = runtimeDataVolumes.get(fn);
    if (known === undefined) {
        const vars = record(record(fn.inputs.environment).variables);
        const size = num(vars[FAILOVER_ENV.volumeSizeGiB]);
        const type = str(vars[FAILOVER_ENV.volumeType]);
        const tier = str(vars[FAILOVER_ENV.tierName]);
        known = size === undefined ? null : {
            sizeGiB: size,
            volumeType: type ?? "gp3",
            typeAssumed: type === undefined,
            tags: liveDataVolumeTags(tier),
            handlerSnapshotRetention: num(vars[FAILOVER_ENV.handlerSnapshotRetention]),
        };
        runtimeDataVolumes.set(fn, known);
    }
    return known ?? undefined;
}

const lambdaFunction: Rule = (ctx) => {
    const free = ctx.price("aws", "lambda.free-tier");
    const result: Priced = { monthly: free.price, basis: `${usd(free.price)}: ${free.item}; a handler invoked on failover stays far inside it${ctx.takeNotes()}` };
    const data = runtimeDataVolume(ctx.resource);
    if (data) {
        const name = `${ctx.resource.name} data volume`;
        const type = "aws:ebs/volume:Volume";
        let item: CostItem;
        try {
            const line = ebsPrice(ctx, data.volumeType);
            item = {
                type, name, priced: true,
                monthly: cents(data.sizeGiB * line.price),
                basis: `${data.sizeGiB} GB ${data.volumeType} × ${usd(line.price)}/GB-month; created at run time by ${ctx.resource.name} (DATA_VOLUME_SIZE_GIB${data.typeAssumed ? ", type assumed gp3" : ", DATA_VOLUME_TYPE"})${ctx.takeNotes()}`,
            };
        } catch (error) {
            if (!(error instanceof Unpriced)) throw error;
            item = { type, name, monthly: 0, priced: false, basis: `unpriced: ${error.message}` };
            ctx.takeNotes();
        }
        result.extra = [item];
    }
    return result;
};

const HOURS_PER: Record<string, number> = { HOURS: 1, DAYS: 24, WEEKS: 168, MONTHS: 730, YEARS: 8760 };

function createIntervalHours(createRule: Record<string, unknown>): number {
    const interval = num(createRule.interval);
    if (interval !== undefined) {
        const unit = str(createRule.intervalUnit) ?? "HOURS";
        const per = HOURS_PER[unit];
        if (!per) throw new Unpriced(`snapshot interval unit ${unit} not understood`);
        return interval * per;
    }
    const cron = str(createRule.cronExpression);
    // Daily at a fixed time: cron(M H * * ? *) or cron(M H ? * * *).
    if (cron && /^cron\(\s*\d+\s+\d+\s+[*?]\s+\*\s+[*?]\s+\*\s*\)$/.test(cron)) return 24;
    throw new Unpriced(cron ? `snapshot schedule ${cron}: only interval or daily cron schedules are priced` : "snapshot schedule has no interval");
}

function retainedCount(retainRule: Record<string, unknown>, intervalHours: number): number {
    const count = num(retainRule.count);
    if (count !== undefined) return count;
    const age = num(retainRule.interval);
    const per = HOURS_PER[str(retainRule.intervalUnit) ?? ""];
    if (age !== undefined && per) return Math.ceil((age * per) / intervalHours);
    throw new Unpriced("snapshot retention has neither a count nor an age");
}

/** A resource's tags as a plain object, read once (policy resources are proxies, slow to read over and over). */
const plainTags = new WeakMap<ResourceLike, Record<string, unknown>>();
function tagsOf(r: ResourceLike): Record<string, unknown> {
    let tags = plainTags.get(r);
    if (!tags) {
        tags = { ...record(r.inputs.tags) };
        plainTags.set(r, tags);
    }
    return tags;
}

function tagsMatch(tags: unknown, wanted: Record<string, unknown>): boolean {
    const have = record(tags);
    const keys = Object.keys(wanted);
    return keys.length > 0 && keys.every((k) => have[k] === wanted[k]);
}

const dlmPolicy: Rule = (ctx) => {
    const i = ctx.resource.inputs;
    if (str(i.state) === "DISABLED") return { monthly: 0, basis: "no charge: policy disabled" };
    const details = record(i.policyDetails);
    const policyType = str(details.policyType) ?? "EBS_SNAPSHOT_MANAGEMENT";
    if (policyType !== "EBS_SNAPSHOT_MANAGEMENT") throw new Unpriced(`${policyType} policies are not priced`);
    const targetTags = { ...record(details.targetTags) };
    // The policy's volumes: the runtime data volume(s) of the failover handlers whose live copy carries
    // the target tags (liveDataVolumeTags: a policy for another tier does not count them), plus declared
    // EBS volumes carrying the target tags.
    const sizes: Array<{ what: string; gib: number }> = [];
    // The failover handler's own snapshots (failover, termination), kept by count beside the schedule's.
    let handlerSnapshots = 0;
    const handlers: string[] = [];
    for (const r of ctx.ofType("aws:lambda/function:Function", "aws:ebs/volume:Volume")) {
        if (r.type === "aws:lambda/function:Function") {
            const data = runtimeDataVolume(r);
            if (data && tagsMatch(data.tags, targetTags)) {
                sizes.push({ what: `${r.name} data volume`, gib: data.sizeGiB });
                const kept = data.handlerSnapshotRetention;
                handlerSnapshots += kept ?? FAILOVER_DEFAULTS.handlerSnapshotRetention;
                handlers.push(`${FAILOVER_ENV.handlerSnapshotRetention} of ${r.name}${kept === undefined ? ", default" : ""}`);
            }
        } else if (r.type === "aws:ebs/volume:Volume" && tagsMatch(tagsOf(r), targetTags)) {
            const gib = num(r.inputs.size);
            if (gib === undefined) throw new Unpriced(`target volume ${r.name} has no size`);
            sizes.push({ what: r.name, gib });
        }
    }
    if (sizes.length === 0) throw new Unpriced("no target volume of known size (no failover data volume, no declared volume with the target tags)");
    const volumeGiB = sizes.reduce((s, v) => s + v.gib, 0);
    const snapshotPrice = ctx.price("aws", "ebs.snapshot").price;
    const { usedFraction, dailyChangeRate } = ctx.snapshots;
    let monthly = 0;
    const parts: string[] = [];
    for (const schedule of list(details.schedules).map(record)) {
        if (list(schedule.crossRegionCopyRules).length > 0) throw new Unpriced("cross-region snapshot copies are not priced");
        const every = createIntervalHours(record(schedule.createRule));
        const count = retainedCount(record(schedule.retainRule), every);
        const used = volumeGiB * usedFraction;
        const change = Math.min(used, volumeGiB * dailyChangeRate * (every / 24));
        const gb = used + Math.max(0, count - 1) * change;
        monthly += gb * snapshotPrice;
        parts.push(`${count} snapshots every ${every} h of ${volumeGiB} GB (${sizes.map((s) => s.what).join(", ")}): ` +
            `first ${fmt(used)} GB (${pct(usedFraction)} used) + ${Math.max(0, count - 1)} × ${fmt(change)} GB changed (${pct(dailyChangeRate)}/day) = ${fmt(gb)} GB × ${usd(snapshotPrice)}/GB-month`);
        if (handlerSnapshots > 0 && parts.length === 1) {
            // Each is incremental like a scheduled one (about one interval's change), on the first schedule only.
            const handlerGb = handlerSnapshots * change;
            monthly += handlerGb * snapshotPrice;
            parts.push(`${handlerSnapshots} handler snapshots kept (${handlers.join(", ")}) × ${fmt(change)} GB changed = ${fmt(handlerGb)} GB × ${usd(snapshotPrice)}/GB-month`);
        }
        const fast = record(schedule.fastRestoreRule);
        if (schedule.fastRestoreRule !== undefined) {
            const azs = list(fast.availabilityZones).length;
            const restorable = num(fast.count) ?? count;
            const fsr = ctx.price("aws", "ebs.fast-snapshot-restore").price;
            monthly += restorable * azs * ctx.hours * fsr;
            parts.push(`fast snapshot restore ${restorable} snapshots × ${azs} AZs × ${ctx.hours} h × ${usd(fsr)}`);
        }
    }
    if (parts.length === 0) throw new Unpriced("policy has no schedules");
    return { monthly, basis: parts.join(" + ") };
};

// ---------------------------------------------------------------- AWS network and services

/** One of something billed by the hour, with a usage note whose {catalogue.id} placeholders become prices. */
function hourlyWithUsage(id: string, what: string, usage: string): Rule {
    return (ctx) => {
        const p = ctx.price("aws", id).price;
        const note = usage.replace(/\{(\S+?)\}/g, (_, ref: string) => (ctx.has("aws", ref) ? usd(ctx.price("aws", ref).price) : "(no catalogue price)"));
        return { monthly: ctx.hours * p, basis: `1 ${what}, ${ctx.hours} h × ${usd(p)}; ${note}` };
    };
}

const elasticIp: Rule = (ctx) => {
    const p = ctx.price("aws", "vpc.public-ipv4").price;
    return { monthly: ctx.hours * p, basis: `1 public IPv4, ${ctx.hours} h × ${usd(p)} (billed in use or idle)` };
};

const natGateway: Rule = (ctx) => {
    if (str(ctx.resource.inputs.connectivityType) === "private") {
        return hourlyWithUsage("vpc.nat-gateway", "private NAT gateway", "+ {vpc.nat-gateway.data}/GB processed, not estimated")(ctx);
    }
    return hourlyWithUsage("vpc.nat-gateway", "NAT gateway", "+ {vpc.nat-gateway.data}/GB processed, not estimated; its public IPv4 is priced on its Elastic IP line")(ctx);
};

const loadBalancer: Rule = (ctx) => {
    const i = ctx.resource.inputs;
    const kind = str(i.loadBalancerType) ?? "application";
    if (kind !== "application") throw new Unpriced(`${kind} load balancers have no catalogue price`);
    const p = ctx.price("aws", "elb.alb").price;
    const lcu = ctx.price("aws", "elb.alb.lcu").price;
    let monthly = ctx.hours * p;
    let basis = `1 ALB, ${ctx.hours} h × ${usd(p)}`;
    const internetFacing = i.internal !== true;
    const azs = Math.max(list(i.subnets).length, list(i.subnetMappings).length);
    if (internetFacing && str(i.ipAddressType) !== "dualstack-without-public-ipv4") {
        if (azs === 0) throw new Unpriced("internet-facing ALB without subnets: its public IPv4 count is unknown");
        const ip = ctx.price("aws", "vpc.public-ipv4").price;
        monthly += azs * ctx.hours * ip;
        basis += ` + ${azs} × public IPv4 (one per AZ), ${ctx.hours} h × ${usd(ip)}`;
    }
    return { monthly, basis: `${basis}; + ${usd(lcu)}/LCU-hour, not estimated` };
};

const metricAlarm: Rule = (ctx) => {
    const period = num(ctx.resource.inputs.period);
    if (period !== undefined && period < 60) throw new Unpriced("high-resolution alarm (period under 60 s) has no catalogue price");
    const p = ctx.price("aws", "cloudwatch.alarm").price;
    return { monthly: p, basis: `1 standard-resolution alarm × ${usd(p)}/month` };
};

const eigw: Rule = (ctx) => {
    const line = ctx.price("aws", "vpc.egress-only-igw");
    return { monthly: line.price * ctx.hours, basis: `no charge: egress-only internet gateway is free (${line.source.join(", ")}); IPv6 data transfer out still billed` };
};

// ---------------------------------------------------------------- Azure

function azureHourly(ctx: Context, id: string, quantity: number, what: string): { monthly: number; basis: string } {
    const p = ctx.price("azure", id).price;
    return { monthly: quantity * ctx.hours * p, basis: `${quantity} × ${what}, ${ctx.hours} h × ${usd(p)}` };
}

function wanTypeFor(ctx: Context): { type: string; how: string } | undefined {
    const wans = ctx.ofType("azure-native:network:VirtualWan");
    const ref = str(record(ctx.resource.inputs.virtualWan).id) ?? "";
    const named = wans.filter((w) => {
        const n = str(w.inputs.virtualWANName) ?? w.name;
        return ref !== "" && (ref.endsWith(`/${n}`) || ref.includes(`/virtualWans/${n}`));
    });
    const wan = named.length === 1 ? named[0] : wans.length === 1 ? wans[0] : undefined;
    return wan ? { type: str(wan.inputs.type) ?? "Standard", how: `from Virtual WAN ${wan.name}` } : undefined;
}

const virtualWan: Rule = (ctx) => {
    const type = str(ctx.resource.inputs.type) ?? "Standard";
    return { monthly: 0, basis: `no charge: the ${type} Virtual WAN resource itself; its hubs and gateways are priced on their own lines` };
};

const virtualHub: Rule = (ctx) => {
    let sku = str(ctx.resource.inputs.sku);
    let how = "";
    if (!sku) {
        const wan = wanTypeFor(ctx);
        sku = wan?.type ?? "Standard";
        how = wan ? ` (sku ${wan.how})` : " (sku not set: assumed Standard)";
    }
    if (sku === "Basic") {
        const line = ctx.price("azure", "vwan.hub.basic");
        return { monthly: line.price * ctx.hours, basis: `no charge: Basic hub (${line.note ?? "no hub charge"})${how}` };
    }
    if (sku !== "Standard") throw new Unpriced(`hub sku ${sku} not understood`);
    const hub = azureHourly(ctx, "vwan.hub.standard", 1, "Standard hub");
    const dp = ctx.has("azure", "vwan.hub.data-processing") ? usd(ctx.price("azure", "vwan.hub.data-processing").price) : "(no catalogue price)";
    return { monthly: hub.monthly, basis: `${hub.basis}${how}; + ${dp}/GB VNet-to-VNet data processing, not estimated` };
};

/** Connection units of a VPN connection: one per link connection (a site with two links counts two), at least one. */
function connectionUnits(connection: Record<string, unknown>): number {
    return Math.max(1, list(connection.vpnLinkConnections).length);
}

const vpnGateway: Rule = (ctx) => {
    const i = ctx.resource.inputs;
    const raw = i.vpnGatewayScaleUnit;
    if (isUnknown(raw)) throw new Unpriced("cannot price yet: scale units unknown");
    const units = num(raw) ?? 1;
    const su = azureHourly(ctx, "vpn.s2s-scale-unit", units, `S2S VPN scale unit${units === 1 ? "" : "s"}${num(raw) === undefined ? " (default 1)" : ""}`);
    const inline = list(i.connections).map(record);
    if (inline.length === 0) return su;
    const count = inline.reduce((s, c) => s + connectionUnits(c), 0);
    const cu = azureHourly(ctx, "vpn.s2s-connection-unit", count, "S2S connection unit (inline connections, one per link)");
    return { monthly: su.monthly + cu.monthly, basis: `${su.basis} + ${cu.basis}` };
};

const vpnConnection: Rule = (ctx) => {
    const units = connectionUnits(ctx.resource.inputs);
    return azureHourly(ctx, "vpn.s2s-connection-unit", units, `S2S connection unit${units === 1 ? "" : "s"} (one per link connection)`);
};

const publicIp: Rule = (ctx) => {
    const i = ctx.resource.inputs;
    const version = str(i.publicIPAddressVersion) ?? "IPv4";
    const sku = str(record(i.sku).name);
    if (version !== "IPv4") throw new Unpriced(`${version} public IP has no catalogue price`);
    if (sku !== undefined && sku !== "Standard") throw new Unpriced(`${sku} public IP has no catalogue price`);
    const r = azureHourly(ctx, "public-ip.standard-ipv4-static", 1, "Standard static public IPv4");
    return { monthly: r.monthly, basis: `${r.basis}${sku ? "" : " (sku not set: assumed Standard)"}` };
};

const virtualMachine: Rule = (ctx) => {
    const size = str(record(ctx.resource.inputs.hardwareProfile).vmSize);
    if (!size) throw new Unpriced("no hardwareProfile.vmSize");
    const r = azureHourly(ctx, `vm.${size}`, 1, `${size} Linux VM`);
    return { monthly: r.monthly, basis: `${r.basis}; OS disk has no catalogue price, not included` };
};

const hubConnection: Rule = (ctx) => {
    const dp = ctx.has("azure", "vwan.hub.data-processing") ? usd(ctx.price("azure", "vwan.hub.data-processing").price) : "(no catalogue price)";
    return { monthly: 0, basis: `no hourly charge; Standard hub data processing ${dp}/GB, not estimated` };
};

// ---------------------------------------------------------------- the baseline (logs, trail, budgets, alerts)

/**
 * Usage the baseline's lines assume, stated in each basis. Flow-log volume
 * per VPC or VNet and month by traffic type (a small landing zone: one
 * server, a few branches); what the audit trail writes; requests and
 * e-mails. Tune them here, the README's cost tables are regenerated from them.
 */
export const BASELINE_ASSUMPTIONS = {
    /** GB of AWS flow-log records delivered per VPC a month, by traffic type. */
    awsFlowLogGbPerMonth: { REJECT: 0.5, ACCEPT: 5, ALL: 5 } as Record<string, number>,
    /** GB of CloudTrail management-event logs (and digests) a month for a small account, every region. */
    trailGbPerMonth: 0.25,
    /** PUT requests into the log archive a month (trail files and digests in every region, hourly flow-log objects). */
    archivePutsPerMonth: 25000,
    /** GB of VNet flow logs collected per VNet a month. */
    azureFlowLogGbPerMonth: 0.5,
    /** GB the Azure log storage account holds at steady state (flow logs and activity log within their retention). */
    azureLogStorageGb: 5,
    /** Alert e-mails an action group sends a month. */
    alertEmailsPerMonth: 20,
};

const DAYS_PER_MONTH = 30.4;

const awsFlowLog: Rule = (ctx) => {
    const i = ctx.resource.inputs;
    const type = str(i.trafficType) ?? "ALL";
    const gb = BASELINE_ASSUMPTIONS.awsFlowLogGbPerMonth[type];
    if (gb === undefined) throw new Unpriced(`traffic type ${type} not understood`);
    if ((str(i.logDestinationType) ?? "cloud-watch-logs") !== "s3") throw new Unpriced("flow logs to CloudWatch Logs have no catalogue price; deliver to S3");
    const p = ctx.price("aws", "vpc.flow-logs.s3").price;
    return { monthly: gb * p, basis: `usage: assumes ${gb} GB/month of ${type} records delivered to S3 × ${usd(p)}/GB (vended logs; Parquet conversion unpriced); stored in the log archive` };
};

/** The log archive's storage and requests, priced on its lifecycle configuration (which fixes how long logs stay). */
const archiveLifecycle: Rule = (ctx) => {
    const rules = list(ctx.resource.inputs.rules).map(record);
    const expire = Math.max(0, ...rules.map((r) => num(record(r.expiration).days) ?? 0));
    if (expire === 0) throw new Unpriced("no expiration: stored volume grows without bound");
    const flowGb = ctx.ofType("aws:ec2/flowLog:FlowLog")
        .filter((r) => str(r.inputs.logDestinationType) === "s3")
        .reduce((sum, r) => sum + (BASELINE_ASSUMPTIONS.awsFlowLogGbPerMonth[str(r.inputs.trafficType) ?? "ALL"] ?? 0), 0);
    const trailGb = ctx.ofType("aws:cloudtrail/trail:Trail").length > 0 ? BASELINE_ASSUMPTIONS.trailGbPerMonth : 0;
    const written = trailGb + flowGb;
    const stored = written * (expire / DAYS_PER_MONTH);
    const standard = ctx.price("aws", "s3.standard").price;
    const put = ctx.price("aws", "s3.put").price;
    const puts = BASELINE_ASSUMPTIONS.archivePutsPerMonth;
    return {
        monthly: stored * standard + (puts / 1000) * put,
        basis: `usage: assumes ${fmt(written)} GB/month written (trail ${trailGb} GB + flow logs ${fmt(flowGb)} GB), kept ${expire} days = ${fmt(Number(stored.toFixed(2)))} GB at steady state × ${usd(standard)}/GB-month (priced as S3 Standard throughout: an upper bound, S3 does not move objects under 128 KB, most trail files) + ${puts} PUTs × ${usd(put)}/1,000`,
    };
};

const cloudTrail: Rule = (ctx) => {
    const i = ctx.resource.inputs;
    const selectors = list(i.eventSelectors).map(record);
    const dataEvents = list(i.advancedEventSelectors).length > 0 || selectors.some((sel) => list(sel.dataResources).length > 0);
    const first = ctx.price("aws", "cloudtrail.management-events.first-copy");
    const data = ctx.price("aws", "cloudtrail.data-events").price;
    return {
        monthly: first.price,
        basis: `no charge: the first copy of management events per region (${first.source.join(", ")}); log files billed on the archive's lines${dataEvents ? `; data events ${usd(data)}/100,000, not estimated` : ""}`,
    };
};

const catalogueZero = (cloud: Cloud, id: string, what: string): Rule => (ctx) => {
    const line = ctx.price(cloud, id);
    return { monthly: line.price, basis: `${line.price === 0 ? "no charge" : usd(line.price)}: ${what} (${line.source.join(", ")})` };
};

const azureFlowLog: Rule = (ctx) => {
    const gb = BASELINE_ASSUMPTIONS.azureFlowLogGbPerMonth;
    const vnets = ctx.ofType("azure-native:network:FlowLog").length;
    const p = ctx.price("azure", "network-watcher.vnet-flow-logs").price;
    const total = gb * vnets;
    const billable = Math.max(0, total - 5);
    return {
        monthly: vnets > 0 ? (billable * p) / vnets : 0,
        basis: `usage: assumes ${gb} GB/month collected per VNet (${fmt(total)} GB for ${vnets} VNet flow logs); the first 5 GB a month per subscription are free, then ${usd(p)}/GB`,
    };
};

const azureLogStorage: Rule = (ctx) => {
    const gb = BASELINE_ASSUMPTIONS.azureLogStorageGb;
    const here = ctx.has("azure", "storage.blob.hot-lrs") ? usd(ctx.price("azure", "storage.blob.hot-lrs").price) : undefined;
    return {
        monthly: 0,
        basis: `usage, not estimated: no ${ctx.azureLocation} Blob price in the catalogue${here ? ` (${here}/GB-month)` : ""}; assumes ${gb} GB held, about $0.10/month at the westus Hot LRS figure of $0.0208/GB-month, shown for scale only`,
    };
};

const metricAlertAzure: Rule = (ctx) => {
    const criteria = list(record(ctx.resource.inputs.criteria).allOf).map(record);
    const series = criteria.reduce((n, c) => n * Math.max(1, ...list(c.dimensions).map((d) => list(record(d).values).length)), 1) * Math.max(1, criteria.length);
    const p = ctx.price("azure", "monitor.metric-alert").price;
    return { monthly: series * p, basis: `${series} monitored time series × ${usd(p)}/month` };
};

const actionGroup: Rule = (ctx) => {
    const n = BASELINE_ASSUMPTIONS.alertEmailsPerMonth;
    const p = ctx.price("azure", "monitor.action-group.email").price;
    const emails = list(ctx.resource.inputs.emailReceivers).length;
    return { monthly: n * emails * p, basis: `usage: assumes ${n} alert e-mails a month to ${emails} receiver(s) × ${usd(p)} each` };
};

// ---------------------------------------------------------------- the table

const free = (why: string): Rule => () => ({ monthly: 0, basis: `no charge: ${why}` });
const usageOnly = (what: string): Rule => () => ({ monthly: 0, basis: `no charge for the resource; ${what} billed per use, not estimated` });

const NETWORK_CONFIG = "network configuration, no meter of its own";
const IAM = "IAM is free";

const RULES: Record<string, Rule> = {
    "aws:autoscaling/group:Group": autoScalingGroup,
    "aws:ec2/launchTemplate:LaunchTemplate": launchTemplate,
    "aws:ec2/instance:Instance": instance,
    "aws:ebs/volume:Volume": ebsVolumeRule,
    "aws:ec2/eip:Eip": elasticIp,
    "aws:ec2/natGateway:NatGateway": natGateway,
    "aws:ec2/vpnConnection:VpnConnection": hourlyWithUsage("vpn.connection", "Site-to-Site VPN connection", "data transfer out billed per GB, not estimated"),
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": hourlyWithUsage("tgw.attachment", "Transit Gateway attachment", "+ {tgw.attachment.data}/GB processed, not estimated"),
    "aws:lb/loadBalancer:LoadBalancer": loadBalancer,
    "aws:alb/loadBalancer:LoadBalancer": loadBalancer,
    "aws:lambda/function:Function": lambdaFunction,
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": dlmPolicy,
    "aws:cloudwatch/metricAlarm:MetricAlarm": metricAlarm,
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": eigw,
    "aws:cloudwatch/eventRule:EventRule": usageOnly("events"),
    "aws:cloudwatch/eventTarget:EventTarget": free("part of its event rule"),
    "aws:cloudwatch/logGroup:LogGroup": usageOnly("log ingestion and storage"),
    "aws:sns/topic:Topic": usageOnly("publishes and deliveries"),
    "aws:sns/topicSubscription:TopicSubscription": free("part of its topic"),
    "aws:sns/topicPolicy:TopicPolicy": free("part of its topic"),
    "aws:lambda/permission:Permission": free("an access grant"),
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": free("retry and destination settings of an async invocation"),
    "aws:autoscaling/lifecycleHook:LifecycleHook": free("Auto Scaling configuration"),
    "aws:autoscaling/notification:Notification": free("Auto Scaling configuration"),
    "aws:ec2/vpc:Vpc": free(NETWORK_CONFIG),
    "aws:ec2/subnet:Subnet": (ctx) => ({
        monthly: 0,
        basis: `no charge: ${NETWORK_CONFIG}${ctx.resource.inputs.mapPublicIpOnLaunch === true ? "; instances launched here get a billed public IPv4" : ""}`,
    }),
    "aws:ec2/routeTable:RouteTable": free(NETWORK_CONFIG),
    "aws:ec2/route:Route": free(NETWORK_CONFIG),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": free(NETWORK_CONFIG),
    "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation": free(NETWORK_CONFIG),
    "aws:ec2/defaultRouteTable:DefaultRouteTable": free(NETWORK_CONFIG),
    "aws:ec2/internetGateway:InternetGateway": free("internet gateway has no hourly charge; data transfer out billed per GB"),
    "aws:ec2/vpcIpv6CidrBlockAssociation:VpcIpv6CidrBlockAssociation": free(NETWORK_CONFIG),
    "aws:ec2/securityGroup:SecurityGroup": free(NETWORK_CONFIG),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": free(NETWORK_CONFIG),
    "aws:ec2/securityGroupRule:SecurityGroupRule": free(NETWORK_CONFIG),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": free(NETWORK_CONFIG),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": free(NETWORK_CONFIG),
    "aws:ec2/networkAcl:NetworkAcl": free(NETWORK_CONFIG),
    "aws:ec2/networkAclRule:NetworkAclRule": free(NETWORK_CONFIG),
    "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": free(NETWORK_CONFIG),
    "aws:ec2/eipAssociation:EipAssociation": free("the address is priced on its Elastic IP line"),
    "aws:ec2/vpnGateway:VpnGateway": free("virtual private gateway; the VPN connections are priced per hour"),
    "aws:ec2/vpnGatewayAttachment:VpnGatewayAttachment": free(NETWORK_CONFIG),
    "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation": free(NETWORK_CONFIG),
    "aws:ec2/customerGateway:CustomerGateway": free("a record of the remote device; the VPN connection is priced"),
    "aws:ec2/vpnConnectionRoute:VpnConnectionRoute": free(NETWORK_CONFIG),
    "aws:iam/role:Role": free(IAM),
    "aws:iam/policy:Policy": free(IAM),
    "aws:iam/rolePolicy:RolePolicy": free(IAM),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": free(IAM),
    "aws:iam/instanceProfile:InstanceProfile": free(IAM),
    "aws:ec2/flowLog:FlowLog": awsFlowLog,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": archiveLifecycle,
    "aws:s3/bucket:Bucket": usageOnly("storage and requests (a log archive's are estimated on its lifecycle configuration line)"),
    "aws:s3/bucketPolicy:BucketPolicy": free("bucket configuration"),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": free("bucket configuration"),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": free("bucket configuration"),
    "aws:s3/bucketVersioning:BucketVersioning": free("bucket configuration; noncurrent versions are stored at the class rate"),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": free("bucket configuration (SSE-S3 has no charge)"),
    "aws:cloudtrail/trail:Trail": cloudTrail,
    "aws:budgets/budget:Budget": catalogueZero("aws", "budgets.budget", "an AWS Budgets cost budget, e-mail alerts included"),
    "azure-native:network:FlowLog": azureFlowLog,
    "azure-native:storage:StorageAccount": azureLogStorage,
    "azure-native:storage:ManagementPolicy": free("a storage lifecycle policy"),
    "azure-native:monitor:SubscriptionDiagnosticSetting": catalogueZero("azure", "monitor.activity-log-export", "the activity log's diagnostic setting; the storage account bills what it stores"),
    "azure-native:monitor:MetricAlert": metricAlertAzure,
    "azure-native:monitor:ActionGroup": actionGroup,
    "azure-native:consumption:Budget": catalogueZero("azure", "consumption.budget", "a Cost Management budget and its alerts"),
    "azure-native:network:VirtualWan": virtualWan,
    "azure-native:network:VirtualHub": virtualHub,
    "azure-native:network:VpnGateway": vpnGateway,
    "azure-native:network:VpnConnection": vpnConnection,
    "azure-native:network:VpnSite": free("a record of the branch device; connection units are priced on the VPN connection"),
    "azure-native:network:PublicIPAddress": publicIp,
    "azure-native:network:HubVirtualNetworkConnection": hubConnection,
    "azure-native:compute:VirtualMachine": virtualMachine,
    "azure-native:resources:ResourceGroup": free("a container"),
    "azure-native:network:VirtualNetwork": free("virtual network has no hourly charge; peering and transfer billed per GB"),
    "azure-native:network:Subnet": free(NETWORK_CONFIG),
    "azure-native:network:NetworkSecurityGroup": free(NETWORK_CONFIG),
    "azure-native:network:SecurityRule": free(NETWORK_CONFIG),
    "azure-native:network:RouteTable": free(NETWORK_CONFIG),
    "azure-native:network:Route": free(NETWORK_CONFIG),
};

/** The resource types the estimator has a rule for (anything else is reported unpriced). */
export const PRICED_TYPES: readonly string[] = Object.keys(RULES);

// ---------------------------------------------------------------- helpers

function record(value: unknown): Record<string, unknown> {
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

/** Placeholders the plan puts where a value is not known offline: "[unknown]", "[secret]", "[urn:…]". */
function isPlaceholder(value: unknown): boolean {
    return typeof value === "string" && value.startsWith("[") && value.endsWith("]");
}

function isUnknown(value: unknown): boolean {
    return isPlaceholder(value);
}

function str(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" && !isPlaceholder(value) ? value : undefined;
}

function num(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
    return undefined;
}

function normaliseLocation(location: string): string {
    return location.toLowerCase().replace(/\s+/g, "");
}

export function cents(value: number): number {
    return Math.round((value + Number.EPSILON) * 100) / 100;
}

/** $12.30: a monthly amount in dollars and cents, as reports and comments print totals. */
export function dollars(value: number): string {
    return `$${value.toFixed(2)}`;
}

/** $0.0106, $0.25: the catalogue's figure without trailing zeros. */
export function usd(value: number): string {
    return `$${fmt(value)}`;
}

function fmt(value: number): string {
    return String(Number(value.toFixed(6)));
}

function pct(fraction: number): string {
    return `${fmt(fraction * 100)} %`;
}
