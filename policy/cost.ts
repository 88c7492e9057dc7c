/**
 * Cost guard rails: a monthly cap on the whole stack's estimate, and
 * resource rules for the usual ways a small budget gets blown (large or
 * on-demand instances, NAT gateways, VPN scale units, big volumes, idle
 * public IPv4 addresses).
 */
import * as autoscaling from "@pulumi/aws/autoscaling";
import * as ebs from "@pulumi/aws/ebs";
import * as ec2 from "@pulumi/aws/ec2";
import * as lambda from "@pulumi/aws/lambda";
import * as network from "@pulumi/azure-native/network";
import { checkCloudBudgets } from "./baseline";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { ENV as FAILOVER_ENV } from "../components/aws/failover/contract";
import { costEstimator } from "./cost-adapter";
import { unpulledLevers } from "./cost-levers";
import { asArray, checkKnown, configOf, isUnknownValueError, label, matchesAny, peek, PropsOf, reportAdvisory, reportCannotCheck, resolveReference, UNKNOWN, unknownPath } from "./lib";
import { display } from "../components/display";
import { dollars } from "../components/cost/estimator";

/** The failover handler's environment variables, which this pack reads. */
export { ENV as FAILOVER_ENV } from "../components/aws/failover/contract";

// ---------------------------------------------------------------------------

export interface MonthlyCapConfig {
    /** The environment's monthly cap in USD. Without it the policy does not apply. */
    monthlyCapUsd?: number;
    /** How many of the largest cost lines the message names (default 5). */
    topLines: number;
    /** Hours in a billing month (default 730). */
    hoursPerMonth: number;
    /** Region for AWS prices when no aws provider resource declares one. */
    awsRegion?: string;
    /** Location for Azure prices when no azure-native provider resource declares one. */
    azureLocation?: string;
    /** Resource types left out of the estimate (component resources and providers). Globs. */
    ignoreTypes: string[];
    /**
     * Resource types (globs) whose missing price is accepted: listed here on
     * purpose, they stay out of the estimate with an advisory. Any other
     * resource without a price fails the cap (mandatory): an estimate that
     * leaves out something billed cannot prove the cap. Default none.
     */
    ignoreUnpricedTypes: string[];
    /** Require an AWS and an Azure budget for exactly the cap (policy/baseline.ts checkCloudBudgets). Default true. */
    requireCloudBudgets: boolean;
}

const capDefaults: MonthlyCapConfig = {
    topLines: 5,
    hoursPerMonth: 730,
    ignoreTypes: ["pulumi:*", "landing-zone:*"],
    ignoreUnpricedTypes: [],
    requireCloudBudgets: true,
};

/** The estimator's basis for a line it cannot price until values known only at deploy are known. */
const PRICED_AT_DEPLOY = "unpriced: cannot price yet";

function providerSetting(resources: readonly PolicyResource[], providerType: string, key: string): string | undefined {
    for (const r of resources) {
        if (r.type !== providerType) continue;
        const value = peek((): unknown => r.props[key]);
        if (typeof value === "string" && value.length > 0) return value;
    }
    return undefined;
}

/** The levers this stack still has, or the hint that none of the usual ones is left. */
const levers = (resources: readonly PolicyResource[]) => {
    const open = unpulledLevers(resources);
    return open.length > 0 ? ` (levers left: ${open.join("; ")}; npm run plan prices each)` : " (the usual levers are all pulled)";
};

export const monthlyCostCap: StackValidationPolicy = {
    name: "cost-monthly-cap",
    description: "The stack's estimated monthly cost (from the price catalogue) stays under the environment's cap.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            monthlyCapUsd: { type: "number", exclusiveMinimum: 0, description: "Monthly cap in USD for this environment." },
            topLines: { type: "integer", minimum: 1, default: 5, description: "How many of the largest cost lines a violation names." },
            hoursPerMonth: { type: "number", minimum: 1, default: 730, description: "Hours in a billing month." },
            awsRegion: { type: "string", description: "AWS region for prices when no aws provider resource declares one." },
            azureLocation: { type: "string", description: "Azure location for prices when no azure-native provider resource declares one." },
            ignoreTypes: { type: "array", items: { type: "string" }, description: "Resource type globs left out of the estimate." },
            ignoreUnpricedTypes: {
                type: "array",
                items: { type: "string" },
                description: "Resource type globs allowed to have no price (advisory). Any other unpriced resource fails the cap: the estimate cannot prove it.",
            },
            requireCloudBudgets: { type: "boolean", default: true, description: "Require an AWS and an Azure budget for exactly the cap, alerting at forecast 100 % and actual 80 % and 100 %." },
        },
    },
    validateStack: (args, report) => {
        const config = configOf(args, capDefaults);
        if (config.monthlyCapUsd === undefined) args.notApplicable("no monthlyCapUsd in this environment's policy config");
        const cap = config.monthlyCapUsd!;
        // The cap is checked twice: predicted here, actual by the clouds' budgets, which must hold the same number.
        if (config.requireCloudBudgets) checkCloudBudgets(args.resources, cap, report);
        const estimate = costEstimator();
        const priced = args.resources.filter((r) => !matchesAny(r.type, config.ignoreTypes)).map((r) => ({ type: r.type, name: r.name, inputs: r.props }));
        const awsRegion = providerSetting(args.resources, "pulumi:providers:aws", "region") ?? config.awsRegion;
        const azureLocation = providerSetting(args.resources, "pulumi:providers:azure-native", "location") ?? config.azureLocation;
        // A region is only needed for a cloud the stack has resources in.
        const missing = [
            !awsRegion && priced.some((r) => r.type.startsWith("aws:")) ? "awsRegion" : "",
            !azureLocation && priced.some((r) => r.type.startsWith("azure-native:")) ? "azureLocation" : "",
        ].filter(Boolean);
        if (missing.length > 0) {
            reportCannotCheck(report, `no provider resource says where the resources run; set ${missing.join(" and ")} in the cost-monthly-cap policy config`);
            return;
        }
        let result;
        try {
            result = estimate(priced, { awsRegion: awsRegion ?? "", azureLocation: azureLocation ?? "", hoursPerMonth: config.hoursPerMonth });
        } catch (e) {
            if (!isUnknownValueError(e)) throw e;
            reportCannotCheck(report, `the estimate reads ${unknownPath(e)}, which is computed during the deployment`);
            return;
        }
        const unpriced = result.items.filter((i) => !i.priced);
        const accepted = unpriced.filter((i) => matchesAny(i.type, config.ignoreUnpricedTypes));
        const atDeploy = unpriced.filter((i) => !accepted.includes(i) && i.basis.startsWith(PRICED_AT_DEPLOY));
        const unchecked = unpriced.filter((i) => !accepted.includes(i) && !atDeploy.includes(i));
        if (result.monthly > cap) {
            const top = [...result.items].sort((a, b) => b.monthly - a.monthly).slice(0, config.topLines);
            const lines = top.map((i, n) => `  ${n + 1}. ${dollars(i.monthly)} ${i.type} "${i.name}" (${i.basis})`).join("\n");
            report(
                `Estimated ${dollars(result.monthly)}/month is ${dollars(result.monthly - cap)} over this environment's cap of ${dollars(cap)}. Largest lines:\n${lines}\n` +
                `Cut the largest lines${levers(args.resources)} ` +
                "or, if the spend is intended, raise monthlyCapUsd in policy/config/<stack>.json (the one place the cap is set).",
            );
        }
        const named = (items: typeof unpriced) => items.map((i) => `${i.type} "${i.name}" (${i.basis.replace(/^unpriced: /, "")})`).join(", ");
        // Unpriced means unchecked: a missing price must not lower the estimate into a pass.
        if (unchecked.length > 0) {
            report(
                `The cap of ${dollars(cap)} cannot be proven: ${unchecked.length} resource(s) have no price, so the estimate of ${dollars(result.monthly)} leaves them out: ${named(unchecked)}. ` +
                "Fix the region or location, add the prices to components/cost (npm run prices:refresh), or, if a type is free or billed only by usage, " +
                "list it in ignoreUnpricedTypes of cost-monthly-cap in policy/config/<stack>.json.",
            );
        }
        if (atDeploy.length > 0) reportCannotCheck(report, `the estimate cannot price ${named(atDeploy)} until the deployment`);
        if (accepted.length > 0) {
            reportAdvisory(report, `${accepted.length} resource(s) have no price and are accepted by ignoreUnpricedTypes, so the estimate of ${dollars(result.monthly)} leaves them out: ${named(accepted)}.`);
        }
    },
};

// ---------------------------------------------------------------------------

export interface AllowedInstanceTypesConfig {
    /** Instance type globs allowed in this environment, e.g. "t4g.*". */
    allowedInstanceTypes: string[];
}
const instanceTypeDefaults: AllowedInstanceTypesConfig = { allowedInstanceTypes: ["t4g.nano", "t4g.micro", "t4g.small", "t4g.medium"] };

function checkInstanceType(type: unknown, where: string, config: AllowedInstanceTypesConfig, report: (m: string) => void) {
    if (typeof type !== "string") return;
    if (!matchesAny(type, config.allowedInstanceTypes)) {
        report(`${where} is ${type}, which this environment does not allow (allowed: ${config.allowedInstanceTypes.join(", ")}). Pick an allowed type, or add it to allowedInstanceTypes in policy/config/<env>.json.`);
    }
}

export const allowedInstanceTypes: ResourceValidationPolicy = {
    name: "cost-allowed-instance-types",
    description: "EC2 instance types in launch templates, instances and Auto Scaling overrides are on the environment's allowed list.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowedInstanceTypes: { type: "array", items: { type: "string" }, minItems: 1, description: "Allowed instance type globs, e.g. \"t4g.*\"." },
        },
    },
    validateResource: [
        validateResourceOfType(ec2.LaunchTemplate, (lt, args, report) => {
            checkInstanceType(lt.instanceType, "instanceType", configOf(args, instanceTypeDefaults), report);
        }),
        validateResourceOfType(ec2.Instance, (instance, args, report) => {
            checkInstanceType(instance.instanceType, "instanceType", configOf(args, instanceTypeDefaults), report);
        }),
        validateResourceOfType(autoscaling.Group, (group, args, report) => {
            const config = configOf(args, instanceTypeDefaults);
            asArray(group.mixedInstancesPolicy?.launchTemplate?.overrides).forEach((o, i) =>
                checkInstanceType(o.instanceType, `mixedInstancesPolicy.launchTemplate.overrides[${i}].instanceType`, config, report));
        }),
    ],
};

// ---------------------------------------------------------------------------

type GroupProps = PropsOf<autoscaling.GroupArgs>;

/** Whether an Auto Scaling group's mixed instances policy runs every instance on Spot. */
function mixedPolicyIsAllSpot(group: GroupProps): boolean {
    const d = group.mixedInstancesPolicy?.instancesDistribution;
    // AWS defaults: onDemandBaseCapacity 0, onDemandPercentageAboveBaseCapacity 100.
    return (d?.onDemandBaseCapacity ?? 0) === 0 && (d?.onDemandPercentageAboveBaseCapacity ?? 100) === 0;
}

export const spotRequired: StackValidationPolicy = {
    name: "cost-spot-required",
    description: "Instances run on Spot capacity (about 70% cheaper); meant for budget environments such as dev.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const groups = args.resources.filter((r) => r.isType(autoscaling.Group));
        const instances = args.resources.filter((r) => r.isType(ec2.Instance));
        if (groups.length === 0 && instances.length === 0) args.notApplicable("no Auto Scaling groups or instances");
        const templates = args.resources.filter((r) => r.isType(ec2.LaunchTemplate));
        for (const r of groups) {
            checkKnown(report, label(r), () => {
                const group = r.props as GroupProps;
                if (group.mixedInstancesPolicy) {
                    if (!mixedPolicyIsAllSpot(group)) {
                        report(`Auto Scaling group "${r.name}" runs on-demand capacity. Set mixedInstancesPolicy.instancesDistribution.onDemandBaseCapacity = 0 and onDemandPercentageAboveBaseCapacity = 0 (spotAllocationStrategy "price-capacity-optimized").`, r.urn);
                    }
                    return;
                }
                const ref = group.launchTemplate;
                if (!ref) return;
                const lt = resolveReference(ref.id, templates, r, "launchTemplate")
                    ?? templates.find((t) => ref.name !== undefined && peek((): unknown => t.props.name) === ref.name);
                if (!lt) {
                    reportCannotCheck(report, `cannot tell which launch template Auto Scaling group "${r.name}" uses (launchTemplate ${ref.id ?? ref.name ?? "?"} matches none in the stack)`, r.urn);
                    return;
                }
                const market = peek(() => (lt.props as { instanceMarketOptions?: { marketType?: string } }).instanceMarketOptions?.marketType);
                if (market === UNKNOWN) {
                    reportCannotCheck(report, `the market type of launch template "${lt.name}" is computed during the deployment`, r.urn);
                } else if (market !== "spot") {
                    report(`Auto Scaling group "${r.name}" launches on-demand instances from launch template "${lt.name}". Set instanceMarketOptions: { marketType: "spot" } on the template, or use a mixedInstancesPolicy with 0% on-demand.`, r.urn);
                }
            }, r.urn);
        }
        for (const r of instances) {
            checkKnown(report, label(r), () => {
                const market = (r.props as { instanceMarketOptions?: { marketType?: string } }).instanceMarketOptions?.marketType;
                if (market !== "spot") report(`Instance "${r.name}" is on-demand. Set instanceMarketOptions: { marketType: "spot" }, or run it from an Auto Scaling group on Spot.`, r.urn);
            }, r.urn);
        }
    },
};

// ---------------------------------------------------------------------------

export interface NatGatewayConfig {
    /** Whether NAT gateways are allowed in this environment (default false). */
    allowNatGateway: boolean;
}

export const noNatGateway: ResourceValidationPolicy = {
    name: "cost-no-nat-gateway",
    description: "No NAT gateway unless the environment allows one: a NAT gateway bills by the hour and by the GB, while IPv6 egress through the egress-only internet gateway is free.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { allowNatGateway: { type: "boolean", default: false, description: "Allow NAT gateways in this environment." } } },
    validateResource: [
        validateResourceOfType(ec2.NatGateway, (_nat, args, report) => {
            if (!configOf<NatGatewayConfig>(args, { allowNatGateway: false }).allowNatGateway) {
                report("NAT gateways are not allowed in this environment (about $33/month each plus $0.045/GB). Egress over IPv6 through the egress-only internet gateway instead (set landing-zone:aws.natGateway to false), or set allowNatGateway: true in policy/config/<env>.json.");
            }
        }),
        validateResourceOfType(network.NatGateway, (_nat, args, report) => {
            if (!configOf<NatGatewayConfig>(args, { allowNatGateway: false }).allowNatGateway) {
                report("Azure NAT gateways are not allowed in this environment (billed hourly plus per GB). Remove it, or set allowNatGateway: true in policy/config/<env>.json.");
            }
        }),
    ],
};

// ---------------------------------------------------------------------------

export interface VpnScaleUnitsConfig {
    /** Highest Virtual WAN site-to-site VPN gateway scale unit count (default 1; 1 unit = 500 Mbps). */
    maxScaleUnits: number;
}

export const maxVpnScaleUnits: ResourceValidationPolicy = {
    name: "cost-max-vpn-scale-units",
    description: "Virtual WAN VPN gateways use no more scale units than the environment allows (each unit is billed by the hour).",
    enforcementLevel: "mandatory",
    configSchema: { properties: { maxScaleUnits: { type: "integer", minimum: 1, default: 1, description: "Maximum vpnGatewayScaleUnit." } } },
    validateResource: validateResourceOfType(network.VpnGateway, (gateway, args, report) => {
        const { maxScaleUnits } = configOf<VpnScaleUnitsConfig>(args, { maxScaleUnits: 1 });
        const units = gateway.vpnGatewayScaleUnit ?? 1;
        if (units > maxScaleUnits) {
            report(`vpnGatewayScaleUnit is ${units}; this environment allows at most ${maxScaleUnits} (each unit is 500 Mbps and billed hourly). Lower landing-zone:wan.vpnScaleUnits, or raise maxScaleUnits in policy/config/<env>.json.`);
        }
    }),
};

// ---------------------------------------------------------------------------

export interface EbsSizeConfig {
    /** Largest EBS volume in GiB (default 100). */
    maxSizeGiB: number;
}

function checkSize(size: unknown, where: string, max: number, report: (m: string) => void) {
    const n = typeof size === "string" ? Number(size) : size;
    if (typeof n === "number" && Number.isFinite(n) && n > max) {
        report(`${where} is ${n} GiB; this environment allows at most ${max} GiB per volume. Shrink it, or raise maxSizeGiB in policy/config/<env>.json.`);
    }
}

export const maxEbsSize: ResourceValidationPolicy = {
    name: "cost-max-ebs-size",
    description: "EBS volumes (declared, in launch templates and instances, and the failover handler's data volume) stay under the environment's size limit.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { maxSizeGiB: { type: "integer", minimum: 1, default: 100, description: "Largest EBS volume in GiB." } } },
    validateResource: [
        validateResourceOfType(ebs.Volume, (volume, args, report) => {
            checkSize(volume.size, "size", configOf<EbsSizeConfig>(args, { maxSizeGiB: 100 }).maxSizeGiB, report);
        }),
        validateResourceOfType(ec2.LaunchTemplate, (lt, args, report) => {
            const max = configOf<EbsSizeConfig>(args, { maxSizeGiB: 100 }).maxSizeGiB;
            asArray(lt.blockDeviceMappings).forEach((m, i) => checkSize(m.ebs?.volumeSize, `blockDeviceMappings[${i}] (${m.deviceName ?? "?"}) volumeSize`, max, report));
        }),
        validateResourceOfType(ec2.Instance, (instance, args, report) => {
            const max = configOf<EbsSizeConfig>(args, { maxSizeGiB: 100 }).maxSizeGiB;
            checkSize(instance.rootBlockDevice?.volumeSize, "rootBlockDevice.volumeSize", max, report);
            asArray(instance.ebsBlockDevices).forEach((d, i) => checkSize(d.volumeSize, `ebsBlockDevices[${i}].volumeSize`, max, report));
        }),
        validateResourceOfType(lambda.Function, (fn, args, report) => {
            // The failover handler creates the data volume at run time from this variable.
            const size = fn.environment?.variables?.[FAILOVER_ENV.volumeSizeGiB];
            checkSize(size, `the data volume (environment ${FAILOVER_ENV.volumeSizeGiB})`, configOf<EbsSizeConfig>(args, { maxSizeGiB: 100 }).maxSizeGiB, report);
        }),
    ],
};

// ---------------------------------------------------------------------------

export const noIdleElasticIp: StackValidationPolicy = {
    name: "cost-no-idle-eip",
    description: "Every Elastic IP is in use: associated with an instance or interface, used by a NAT gateway, or moved by the failover handler. AWS bills every public IPv4 address by the hour, idle or not.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const eips = args.resources.filter((r) => r.isType(ec2.Eip));
        if (eips.length === 0) args.notApplicable("no Elastic IPs");
        const used = new Set<string>();
        const unresolved: string[] = [];
        const use = (reference: unknown, referrer: PolicyResource, property: string, what: string) => {
            if (reference === undefined || reference === null || reference === "") return;
            const eip = resolveReference(reference, eips, referrer, property);
            if (eip) used.add(eip.urn);
            else unresolved.push(`${what} "${referrer.name}" (${display(reference)})`);
        };
        for (const eip of eips) {
            const direct = peek(() => {
                const p = eip.props as { instance?: string; networkInterface?: string };
                return Boolean(p.instance || p.networkInterface);
            });
            if (direct === true) used.add(eip.urn);
            if (direct === UNKNOWN) used.add(eip.urn); // an association computed at deploy time is an association
        }
        for (const r of args.resources) {
            const read = <T>(f: () => T) => {
                const v = peek(f);
                if (v === UNKNOWN) {
                    unresolved.push(`${label(r)} (value computed during the deployment)`);
                    return undefined;
                }
                return v;
            };
            if (r.isType(ec2.EipAssociation)) {
                use(read(() => (r.props as { allocationId?: string }).allocationId), r, "allocationId", "EIP association");
            } else if (r.isType(ec2.NatGateway)) {
                use(read(() => (r.props as { allocationId?: string }).allocationId), r, "allocationId", "NAT gateway");
                for (const id of asArray(read(() => (r.props as { secondaryAllocationIds?: string[] }).secondaryAllocationIds))) use(id, r, "secondaryAllocationIds", "NAT gateway");
            } else if (r.isType(lambda.Function)) {
                use(read(() => (r.props as { environment?: { variables?: Record<string, string> } }).environment?.variables?.[FAILOVER_ENV.elasticIpAllocationId]), r, "environment", "failover handler");
            }
        }
        for (const eip of eips) {
            if (used.has(eip.urn)) continue;
            if (unresolved.length > 0) {
                reportCannotCheck(report, `Elastic IP "${eip.name}" has no association this policy can see, and ${unresolved.join(", ")} refers to an Elastic IP it cannot match; check again at \`pulumi up\``, eip.urn);
            } else {
                report(`Elastic IP "${eip.name}" is idle: no instance, network interface, EIP association, NAT gateway or failover handler (${FAILOVER_ENV.elasticIpAllocationId}) uses it, yet it costs $3.65/month. Associate it or delete it; serve clients over IPv6 where you can.`, eip.urn);
            }
        }
    },
};

export const costPolicies = [monthlyCostCap, allowedInstanceTypes, spotRequired, noNatGateway, maxVpnScaleUnits, maxEbsSize, noIdleElasticIp];
