/**
 * Reliability: the single-instance tier survives an AZ loss only if its
 * Auto Scaling group can launch in another AZ, and its data survives only
 * if the data volume is snapshotted on a schedule (snapshots are the
 * AZ-independent copy; their interval is the worst-case data loss).
 */
import * as autoscaling from "@pulumi/aws/autoscaling";
import * as dlm from "@pulumi/aws/dlm";
import * as ebs from "@pulumi/aws/ebs";
import * as lambda from "@pulumi/aws/lambda";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { FAILOVER_ENV } from "./cost";
import { asArray, checkKnown, configOf, peek, PropsOf, tagsOf, UNKNOWN } from "./lib";

export interface MultiAzConfig {
    /** Fewest AZs (subnets in vpcZoneIdentifiers, or availabilityZones) an Auto Scaling group spans (default 2). */
    minZones: number;
}

export const asgMultiAz: ResourceValidationPolicy = {
    name: "reliability-asg-multi-az",
    description: "Every Auto Scaling group can launch in at least two Availability Zones, so losing one AZ does not lose the tier.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { minZones: { type: "integer", minimum: 1, default: 2, description: "Fewest AZs a group spans." } } },
    validateResource: validateResourceOfType(autoscaling.Group, (group, args, report) => {
        const { minZones } = configOf<MultiAzConfig>(args, { minZones: 2 });
        const subnets = new Set(asArray(group.vpcZoneIdentifiers));
        const zones = new Set(asArray(group.availabilityZones));
        const spread = Math.max(subnets.size, zones.size);
        if (spread < minZones) {
            report(`The group spans ${spread} zone${spread === 1 ? "" : "s"} (vpcZoneIdentifiers: ${subnets.size}, availabilityZones: ${zones.size}); it needs at least ${minZones}. List one subnet per AZ in vpcZoneIdentifiers (landing-zone:aws.availabilityZones).`);
        }
    }),
};

export interface SnapshotScheduleConfig {
    /** Tag keys a DLM policy may target with the tier name as value (default landing-zone:backup, landing-zone:tier). */
    targetTagKeys: string[];
}
const snapshotDefaults: SnapshotScheduleConfig = { targetTagKeys: ["landing-zone:backup", "landing-zone:tier"] };

type DlmProps = PropsOf<dlm.LifecyclePolicyArgs>;

/** DLM policies that are enabled, snapshot volumes and have at least one schedule. */
function activeVolumeSchedules(resources: readonly PolicyResource[]): Array<{ resource: PolicyResource; targetTags: Record<string, string> }> {
    const out: Array<{ resource: PolicyResource; targetTags: Record<string, string> }> = [];
    for (const r of resources) {
        if (!r.isType(dlm.LifecyclePolicy)) continue;
        const p = peek(() => {
            const props = r.props as DlmProps;
            const details = props.policyDetails;
            const types = asArray(details?.resourceTypes);
            const active = props.state !== "DISABLED" && asArray(details?.schedules).length > 0 && (types.length === 0 || types.includes("VOLUME"));
            return active ? { ...(details?.targetTags ?? {}) } : undefined;
        });
        if (p && p !== UNKNOWN) out.push({ resource: r, targetTags: p });
    }
    return out;
}

export const dataVolumeSnapshots: StackValidationPolicy = {
    name: "reliability-data-volume-snapshots",
    description: "The failover handler's data volume (and any tier-tagged EBS volume) is covered by an enabled Data Lifecycle Manager snapshot schedule that targets the tier's tag.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { targetTagKeys: { type: "array", items: { type: "string" }, description: "Tag keys a DLM policy may target with the tier name." } },
    },
    validateStack: (args, report) => {
        const { targetTagKeys } = configOf(args, snapshotDefaults);
        const handlers = args.resources.filter((r) => r.isType(lambda.Function) && peek(() => (r.props as PropsOf<lambda.FunctionArgs>).environment?.variables?.[FAILOVER_ENV.volumeSizeGiB]) !== undefined);
        const volumes = args.resources.filter((r) => r.isType(ebs.Volume) && targetTagKeys.some((k) => peek(() => tagsOf(r.props)[k]) !== undefined));
        if (handlers.length === 0 && volumes.length === 0) args.notApplicable("no failover handler or tier-tagged data volume");
        const schedules = activeVolumeSchedules(args.resources);
        const covers = (key: string, value: string) => schedules.some((s) => s.targetTags[key] === value);
        for (const h of handlers) {
            checkKnown(report, `failover handler "${h.name}"`, () => {
                const tier = (h.props as PropsOf<lambda.FunctionArgs>).environment?.variables?.[FAILOVER_ENV.tierName];
                if (!tier) {
                    report(`Failover handler "${h.name}" has no ${FAILOVER_ENV.tierName}, so no snapshot schedule can target its data volume.`, h.urn);
                    return;
                }
                if (!targetTagKeys.some((k) => covers(k, tier))) {
                    report(`The data volume of tier "${tier}" (failover handler "${h.name}") has no snapshot schedule. Add an aws.dlm.LifecyclePolicy (state ENABLED, resourceTypes ["VOLUME"], a schedule with createRule and retainRule) whose policyDetails.targetTags is { "${targetTagKeys[0]}": "${tier}" }.`, h.urn);
                }
            }, h.urn);
        }
        for (const v of volumes) {
            checkKnown(report, `volume "${v.name}"`, () => {
                const tags = tagsOf(v.props);
                if (!Object.entries(tags).some(([k, value]) => covers(k, value))) {
                    report(`EBS volume "${v.name}" has no snapshot schedule targeting any of its tags. Add an aws.dlm.LifecyclePolicy whose policyDetails.targetTags matches one of them (e.g. ${targetTagKeys.filter((k) => tags[k]).map((k) => `"${k}": "${tags[k]}"`).join(", ")}).`, v.urn);
                }
            }, v.urn);
        }
    },
};

export const reliabilityPolicies = [asgMultiAz, dataVolumeSnapshots];
