/**
 * The AWS server tier of a plan against the conventional highly available
 * design (conventional-ha.ts), like with like: the conventional instances are
 * the type the tier's estimate priced its group at (the dearest on-demand of
 * the allowed types in the region, by the same catalogue and the same
 * `dearestInstanceType` the estimator uses), with the tier's root and data
 * volume sizes. Pure; the README's comparison and its tests both use it.
 */
import { CATALOGUE, Catalogue, findLine } from "./catalogue";
import { compareConventionalHa } from "./conventional-ha";
import { CostEstimate, ResourceLike, dearestInstanceType, estimateMonthlyCost } from "./estimator";

/** The parts of a plan run (stacks/plan/run.ts `PlanRun`) the comparison reads. */
export interface ServerTierRun {
    config: {
        aws: { region: string };
        azure: { location: string };
        /** Absent: the stack has no server tier (nothing to compare). */
        server?: {
            /** `<environment>-<name>`: every resource of the tier is named with it as a prefix. */
            tierName: string;
            /** The group's interchangeable types, as configured. */
            instanceTypes: readonly string[];
            /** Root volume per instance, GiB. */
            rootVolumeSizeGiB: number;
            /** The data volume that follows the instance; each conventional instance keeps its own copy of this size. */
            dataVolume: { sizeGiB: number };
        };
    };
    /** The planned resources (type, name, inputs). */
    resources: readonly ResourceLike[];
}

export interface ServerTierComparison {
    /** Estimate of the tier's resources only (those named with the tier's prefix). */
    tier: CostEstimate;
    /** Estimate of the conventional design (two on-demand instances, ALB + 1 LCU, a NAT gateway and EIP per AZ). */
    conventional: CostEstimate;
    /** conventional.monthly ÷ tier.monthly: above 5 means the tier costs under a fifth of the conventional design (Infinity if the tier is free). */
    ratio: number;
    /** The type both designs are priced at. */
    instanceType: string;
}

/**
 * Prices a run's server tier and the conventional design at the same
 * instance type; undefined when the run has no server tier. Throws when an
 * allowed type has no on-demand price in the region (the tier's own line
 * would be unpriced, so there is nothing to compare).
 */
export function compareServerTier(run: ServerTierRun, catalogue: Catalogue = CATALOGUE): ServerTierComparison | undefined {
    const server = run.config.server;
    if (!server) return undefined;
    const awsRegion = run.config.aws.region;
    const tier = estimateMonthlyCost(run.resources.filter((r) => r.name.startsWith(server.tierName)), { awsRegion, azureLocation: run.config.azure.location, catalogue });
    const { type: instanceType } = dearestInstanceType(server.instanceTypes, (t) => {
        const line = findLine(catalogue, "aws", awsRegion, `ec2.instance.${t}`);
        if (!line) throw new Error(`compareServerTier: no on-demand price for ${t} in ${awsRegion} in the catalogue`);
        return line;
    });
    const conventional = compareConventionalHa({ awsRegion, instanceType, rootVolumeGiB: server.rootVolumeSizeGiB, dataVolumeGiB: server.dataVolume.sizeGiB, catalogue });
    return { tier, conventional, ratio: tier.monthly > 0 ? conventional.monthly / tier.monthly : Infinity, instanceType };
}
