/** Settings and a mock-run builder for the MultiAzServer specs. */
import { MultiAzServer, MultiAzServerArgs } from "../../components/aws/multi-az-server";
import { Recorded, ofType, recordResources } from "../helpers/record";

export const AZS = ["us-east-1a", "us-east-1b", "us-east-1c"];

export function serverArgs(overrides: Partial<MultiAzServerArgs> = {}): MultiAzServerArgs {
    return {
        tierName: "test-app",
        instanceTypes: ["t4g.small", "t4g.micro"],
        architecture: "arm64",
        market: "spot",
        spotAllocationStrategy: "price-capacity-optimized",
        capacityRebalance: true,
        healthCheckGracePeriodSeconds: 240,
        rootVolumeSizeGiB: 8,
        dataVolume: { sizeGiB: 20, iops: 3000, throughputMiBps: 125, mountPoint: "/srv/data", filesystem: "xfs" },
        app: { systemdUnit: "nginx.service", packages: ["nginx"] },
        ingress: [],
        elasticIp: false,
        snapshots: { intervalHours: 6, retainCount: 9, startTime: "02:30" },
        failover: { snapshotWaitTimeoutSeconds: 600, volumeWaitTimeoutSeconds: 300, supersededVolumeRetention: 1, handlerSnapshotRetention: 3, restoreAfterUnreachableMinutes: 30, quiesceWaitSeconds: 60, logRetentionDays: 30 },
        vpcId: "vpc-0123456789abcdef0",
        subnets: AZS.map((availabilityZone, i) => ({ availabilityZone, subnetId: `subnet-0${i}` })),
        tags: { environment: "test" },
        ...overrides,
    };
}

type Built = { resources: Recorded[]; server: MultiAzServer; one: (type: string) => Recorded };
const builds = new Map<string, Promise<Built>>();

/** Builds the component under mocks; one build per distinct set of overrides (the records are read-only). */
export function buildServer(overrides: Partial<MultiAzServerArgs> = {}): Promise<Built> {
    const key = JSON.stringify(overrides);
    let build = builds.get(key);
    if (!build) {
        build = build_(overrides);
        builds.set(key, build);
    }
    return build;
}

async function build_(overrides: Partial<MultiAzServerArgs>): Promise<Built> {
    const { resources, built } = await recordResources(() => new MultiAzServer("test-app", serverArgs(overrides)));
    const one = (type: string) => {
        const found = ofType(resources, type);
        if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
        return found[0];
    };
    return { resources, server: built, one };
}

export const TYPES = {
    group: "aws:autoscaling/group:Group",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    lambda: "aws:lambda/function:Function",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    role: "aws:iam/role:Role",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    dlm: "aws:dlm/lifecyclePolicy:LifecyclePolicy",
    eventRule: "aws:cloudwatch/eventRule:EventRule",
    eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
    permission: "aws:lambda/permission:Permission",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    eip: "aws:ec2/eip:Eip",
    invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
} as const;
