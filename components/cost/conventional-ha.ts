/**
 * Prices the conventional highly available design the README compares the
 * landing zone with: two on-demand instances behind an internet-facing
 * Application Load Balancer, in private subnets with a NAT gateway (and its
 * Elastic IP) per AZ, priced by the same catalogue and estimator.
 */
import { CATALOGUE, Catalogue, findLine } from "./catalogue";
import { CostEstimate, CostItem, ResourceLike, cents, estimateMonthlyCost, usd } from "./estimator";

export interface ConventionalHaOptions {
    awsRegion: string;
    /** Instance type of each of the instances. */
    instanceType: string;
    /** Default 2. */
    instances?: number;
    /** AZs, each with a NAT gateway and an ALB node. Default 2. */
    availabilityZones?: number;
    /** gp3 root volume per instance. Default 8 GiB. */
    rootVolumeGiB?: number;
    /** gp3 data volume per instance (each keeps its own copy). Default 0: none. */
    dataVolumeGiB?: number;
    /** Average ALB capacity units in use. Default 1. */
    albLcu?: number;
    /** Default 730. */
    hoursPerMonth?: number;
    catalogue?: Catalogue;
}

/** The resources of the conventional design, as the plan would collect them. */
export function conventionalHaResources(options: ConventionalHaOptions): ResourceLike[] {
    const azs = options.availabilityZones ?? 2;
    const subnets = Array.from({ length: azs }, (_, k) => `public-${k + 1}`);
    const resources: ResourceLike[] = [];
    for (let k = 1; k <= (options.instances ?? 2); k++) {
        resources.push({
            type: "aws:ec2/instance:Instance",
            name: `app-${k}`,
            inputs: {
                instanceType: options.instanceType,
                rootBlockDevice: { volumeSize: options.rootVolumeGiB ?? 8, volumeType: "gp3" },
                ...(options.dataVolumeGiB ? { ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: options.dataVolumeGiB, volumeType: "gp3" }] } : {}),
            },
        });
    }
    resources.push({ type: "aws:lb/loadBalancer:LoadBalancer", name: "alb", inputs: { loadBalancerType: "application", internal: false, subnets } });
    for (let k = 1; k <= azs; k++) {
        resources.push({ type: "aws:ec2/eip:Eip", name: `nat-${k}-ip`, inputs: { domain: "vpc" } });
        resources.push({ type: "aws:ec2/natGateway:NatGateway", name: `nat-${k}`, inputs: { subnetId: subnets[k - 1], connectivityType: "public" } });
    }
    return resources;
}

export function compareConventionalHa(options: ConventionalHaOptions): CostEstimate {
    const catalogue = options.catalogue ?? CATALOGUE;
    const hours = options.hoursPerMonth ?? 730;
    const estimate = estimateMonthlyCost(conventionalHaResources(options), { awsRegion: options.awsRegion, azureLocation: "", hoursPerMonth: hours, catalogue });
    const lcu = options.albLcu ?? 1;
    const line = findLine(catalogue, "aws", options.awsRegion, "elb.alb.lcu");
    const item: CostItem = line
        ? { type: "aws:lb/loadBalancer:LoadBalancer", name: "alb LCU usage", priced: true, monthly: cents(lcu * hours * line.price), basis: `${lcu} LCU (assumed average), ${hours} h × ${usd(line.price)}` }
        : { type: "aws:lb/loadBalancer:LoadBalancer", name: "alb LCU usage", priced: false, monthly: 0, basis: `unpriced: no catalogue price for elb.alb.lcu in ${options.awsRegion}` };
    const items = [...estimate.items, item];
    return { ...estimate, items, monthly: cents(items.reduce((s, i) => s + i.monthly, 0)), unpriced: items.filter((i) => !i.priced).length };
}
