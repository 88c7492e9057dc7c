/**
 * MultiAzServer: one server (a stateful or legacy app that cannot scale out)
 * that survives the loss of its instance or of a whole Availability Zone, for
 * the price of one small instance: no load balancer, no NAT gateway, no
 * standby.
 *
 *   - An Auto Scaling group of exactly one instance spanning one subnet in
 *     every AZ replaces the instance wherever capacity is.
 *   - Lifecycle hooks hold each launch (and termination) until the failover
 *     handler (a Lambda, ./failover) has moved the data volume into the new
 *     instance's AZ (attach, snapshot-and-copy, or restore), moved the Elastic
 *     IP and updated DNS. The user data mounts the volume by its id.
 *   - Data Lifecycle Manager snapshots the live data volume on a schedule:
 *     the worst-case data loss when an AZ is lost.
 *   - SNS tells a human of every replacement and failure; an alarm fires when
 *     the group has no instance in service.
 */
import * as autoscaling from "@pulumi/aws/autoscaling";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as dlm from "@pulumi/aws/dlm";
import * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import * as sns from "@pulumi/aws/sns";
import * as vpc from "@pulumi/aws/vpc";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import * as pulumi from "@pulumi/pulumi";
import { bundleHandler } from "./failover/bundle";
import { DEFAULTS, LIFECYCLE, ROLE_DATA, TAG, dlmSnapshotTags, dlmTargetTags, lifecycleEventPattern, settingsToEnvironment } from "./failover/contract";
import { alertTopicPolicy, assumeRolePolicy, failoverHandlerPolicy, serverInstancePolicy } from "./server-iam";
import { al2023ImageId, instanceArchitecture } from "./server-instance-types";
import { RecoveryEstimate, estimateRecovery } from "./server-recovery";
import { ServerSettings } from "./server-settings";
import { serverUserData } from "./server-user-data";
import { AcmeDirectory, acmeDnsPolicyStatements, serverTlsUserData, tlsSummary } from "./server-tls";

/** Allowance on top of the launch hook's heartbeat for an instance to launch and boot, for the first create's capacity wait. */
export const FIRST_LAUNCH_BOOT_SECONDS = 300;

/** The EventBridge detail types of failed launches and terminations, forwarded to SNS. */
export const FAILURE_DETAIL_TYPES = ["EC2 Instance Launch Unsuccessful", "EC2 Instance Terminate Unsuccessful"] as const;

export interface MultiAzServerArgs extends ServerSettings {
    /** The VPC of the subnets (for the security group). */
    vpcId: pulumi.Input<string>;
    /**
     * The subnets the group spans, one per AZ: every AZ of the plan, or an AZ
     * outage can leave nowhere to launch. At least two.
     */
    subnets: ReadonlyArray<{ availabilityZone: string; subnetId: pulumi.Input<string> }>;
    /**
     * Tags for the instance, its volumes and interface. The provider's default
     * tags do not reach launch-template tag specifications, so pass them here.
     */
    tags?: Record<string, string>;
    /** The handler's Lambda runtime. Default nodejs22.x. */
    lambdaRuntime?: "nodejs20.x" | "nodejs22.x";
    /**
     * HTTPS with a Let's Encrypt certificate by DNS-01 (./server-tls.ts); only
     * with `dns` (the certificate's name and zone). Default: none, HTTP only.
     */
    tls?: { email: string; acmeDirectory?: AcmeDirectory };
}

export class MultiAzServer extends pulumi.ComponentResource {
    readonly groupName: pulumi.Output<string>;
    /** The Elastic IP's address, when there is one. */
    readonly elasticIp?: pulumi.Output<string>;
    /** DNS names the handler keeps pointed at the instance. */
    readonly dnsNames: string[];
    /** The tags that mark the tier's data volumes and snapshots. */
    readonly dataVolumeTags: Record<string, string>;
    readonly snapshotSchedule: { intervalHours: number; retainCount: number; startTime: string; description: string };
    /** Estimated RTO and worst-case RPO from the settings (see server-recovery.ts). */
    readonly recovery: RecoveryEstimate;
    readonly securityGroupId: pulumi.Output<string>;
    readonly launchTemplateId: pulumi.Output<string>;
    readonly handlerFunctionName: pulumi.Output<string>;
    readonly alertTopicArn: pulumi.Output<string>;
    /** Size of the handler bundle deployed as the Lambda's index.js. */
    readonly handlerBundleBytes: number;
    /** HTTPS or HTTP only, in one line. */
    readonly tls: string;

    constructor(name: string, args: MultiAzServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("landing-zone:aws:MultiAzServer", name, {}, opts);
        checkArgs(name, args);
        if (args.tls && !args.dns) throw new Error(`MultiAzServer ${name}: tls needs dns (the certificate's name and the zone for the DNS-01 challenge)`);
        const parent = { parent: this };
        const tier = args.tierName;
        const tierTags = { [TAG.tier]: tier };
        // The provider's default tags reach every resource but not launch-template tag specifications: those get args.tags.
        const tags = (suffix: string, extra: Record<string, string> = {}) => ({ Name: `${tier}-${suffix}`, ...tierTags, ...extra });
        const launchTags = (suffix: string, extra: Record<string, string> = {}) => ({ ...args.tags, ...tags(suffix, extra) });

        const partition = getPartitionOutput({}, parent).partition;
        const region = getRegionOutput({}, parent).region;
        const accountId = getCallerIdentityOutput({}, parent).accountId;

        this.recovery = estimateRecovery(args);
        const heartbeat = this.recovery.lifecycleHeartbeatSeconds;

        // ── alerting ──────────────────────────────────────────────────────
        // Not KMS-encrypted: EventBridge cannot publish to a topic under the AWS-managed SNS key, and alerts hold no secrets.
        const topic = new sns.Topic(`${name}-alerts`, { name: `${tier}-alerts`, displayName: `${tier} server failover`, tags: tags("alerts") }, parent);
        if (args.alertEmail !== undefined) {
            new sns.TopicSubscription(`${name}-alerts-email`, { topic: topic.arn, protocol: "email", endpoint: args.alertEmail }, parent);
        }

        // ── address ───────────────────────────────────────────────────────
        const eip = args.elasticIp ? new ec2.Eip(`${name}-eip`, { domain: "vpc", tags: tags("eip") }, parent) : undefined;
        const eipAllocationId = eip?.allocationId ?? pulumi.output<string | undefined>(undefined);

        // ── the failover handler ──────────────────────────────────────────
        const functionName = `${tier}-failover`;
        const logGroup = new cloudwatch.LogGroup(`${name}-failover-logs`, {
            name: `/aws/lambda/${functionName}`,
            retentionInDays: args.failover.logRetentionDays,
            tags: tags("failover-logs"),
        }, parent);
        const handlerRole = new iam.Role(`${name}-failover`, {
            description: `${tier} failover handler: moves the data volume and address to each new instance`,
            assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com"),
            tags: tags("failover"),
        }, parent);
        const handlerPolicy = new iam.RolePolicy(`${name}-failover`, {
            role: handlerRole.name,
            policy: pulumi
                .all([partition, region, accountId, topic.arn, logGroup.arn, eipAllocationId])
                .apply(([partition, region, accountId, snsTopicArn, logGroupArn, allocationId]) =>
                    JSON.stringify(failoverHandlerPolicy({
                        partition,
                        region,
                        accountId,
                        tierName: tier,
                        groupName: tier,
                        snsTopicArn,
                        logGroupArn,
                        ...(allocationId !== undefined ? { elasticIpAllocationId: allocationId } : {}),
                        ...(args.dns !== undefined ? { dns: args.dns } : {}),
                        ...(args.dataVolume.kmsKeyArn !== undefined ? { kmsKeyArn: args.dataVolume.kmsKeyArn } : {}),
                    })),
                ),
        }, parent);

        // Bundled once per process (bundleHandler caches it).
        const bundled = bundleHandler();
        this.handlerBundleBytes = bundled.bytes;
        const environment = pulumi
            .all([topic.arn, eipAllocationId])
            .apply(([snsTopicArn, allocationId]) => settingsToEnvironment({
                tierName: tier,
                volume: {
                    sizeGiB: args.dataVolume.sizeGiB,
                    type: "gp3",
                    iops: args.dataVolume.iops,
                    throughputMiBps: args.dataVolume.throughputMiBps,
                    ...(args.dataVolume.kmsKeyArn !== undefined ? { kmsKeyId: args.dataVolume.kmsKeyArn } : {}),
                    deviceName: DEFAULTS.deviceName,
                },
                ...(allocationId !== undefined ? { elasticIpAllocationId: allocationId } : {}),
                ...(args.dns !== undefined ? { dns: args.dns } : {}),
                snsTopicArn,
                supersededVolumeRetention: args.failover.supersededVolumeRetention,
                handlerSnapshotRetention: args.failover.handlerSnapshotRetention,
                snapshotWaitTimeoutSeconds: args.failover.snapshotWaitTimeoutSeconds,
                volumeWaitTimeoutSeconds: args.failover.volumeWaitTimeoutSeconds,
                heartbeatTimeoutSeconds: heartbeat,
                restoreAfterUnreachableSeconds: args.failover.restoreAfterUnreachableMinutes * 60,
                quiesceWaitSeconds: args.failover.quiesceWaitSeconds,
            }));
        const handler = new lambda.Function(`${name}-failover`, {
            name: functionName,
            description: `${tier}: lifecycle hooks -> data volume, Elastic IP and DNS follow the instance`,
            runtime: args.lambdaRuntime ?? "nodejs22.x",
            architectures: ["arm64"],
            handler: "index.handler",
            code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundled.code) }),
            // Lambda's maximum; the handler bounds its own waits inside it.
            timeout: 900,
            memorySize: 256,
            role: handlerRole.arn,
            environment: { variables: environment },
            loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
            tags: tags("failover"),
        }, { parent: this, dependsOn: [handlerPolicy, logGroup] });
        // No async retries: a failed run leaves the hook to time out (ABANDON), and the group launches afresh.
        const invokeConfig = new lambda.FunctionEventInvokeConfig(`${name}-failover`, {
            functionName: handler.name,
            maximumRetryAttempts: 0,
            maximumEventAgeInSeconds: Math.max(60, heartbeat),
        }, parent);

        const lifecycleRule = new cloudwatch.EventRule(`${name}-lifecycle`, {
            description: `${tier}: lifecycle actions of the server group, to the failover handler`,
            // The detail types the handler dispatches on.
            eventPattern: JSON.stringify(lifecycleEventPattern(tier)),
            tags: tags("lifecycle"),
        }, parent);
        const permission = new lambda.Permission(`${name}-lifecycle`, {
            action: "lambda:InvokeFunction",
            function: handler.name,
            principal: "events.amazonaws.com",
            sourceArn: lifecycleRule.arn,
        }, parent);
        const lifecycleTarget = new cloudwatch.EventTarget(`${name}-lifecycle`, { rule: lifecycleRule.name, arn: handler.arn }, { parent: this, dependsOn: [permission] });

        // ── the instance ──────────────────────────────────────────────────
        const sg = new ec2.SecurityGroup(`${name}-sg`, {
            vpcId: args.vpcId,
            description: `${tier} server: inbound only on the named ports, both families`,
            tags: tags("sg"),
        }, parent);
        for (const rule of args.ingress) {
            for (const [family, cidr] of [["ipv4", "0.0.0.0/0"], ["ipv6", "::/0"]] as const) {
                new vpc.SecurityGroupIngressRule(`${name}-in-${rule.name}-${family}`, {
                    securityGroupId: sg.id,
                    description: rule.name,
                    ipProtocol: rule.protocol,
                    fromPort: rule.fromPort,
                    toPort: rule.toPort,
                    ...(family === "ipv4" ? { cidrIpv4: cidr } : { cidrIpv6: cidr }),
                    tags: tags(`in-${rule.name}-${family}`),
                }, parent);
            }
        }
        // Updates, Session Manager and the app's own calls; IPv6 egress is free, IPv4 needs the Elastic IP.
        new vpc.SecurityGroupEgressRule(`${name}-out-ipv4`, { securityGroupId: sg.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "all egress", tags: tags("out-ipv4") }, parent);
        new vpc.SecurityGroupEgressRule(`${name}-out-ipv6`, { securityGroupId: sg.id, ipProtocol: "-1", cidrIpv6: "::/0", description: "all egress", tags: tags("out-ipv6") }, parent);

        const instanceRole = new iam.Role(`${name}-instance`, {
            description: `${tier} server instance: Systems Manager access, and marking itself quiesced`,
            assumeRolePolicy: assumeRolePolicy("ec2.amazonaws.com"),
            tags: tags("instance"),
        }, parent);
        new iam.RolePolicyAttachment(`${name}-instance-ssm`, {
            role: instanceRole.name,
            policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
        }, parent);
        // The quiesce watcher (user data) tags its own instance once its app is stopped and the data unmounted.
        const instancePolicy = new iam.RolePolicy(`${name}-instance-quiesce`, {
            role: instanceRole.name,
            policy: pulumi.all([partition, region, accountId]).apply(([partition, region, accountId]) =>
                JSON.stringify(serverInstancePolicy({ partition, region, accountId, tierName: tier }))),
        }, parent);
        const profile = new iam.InstanceProfile(`${name}-instance`, { role: instanceRole.name, tags: tags("instance") }, { parent: this, dependsOn: [instancePolicy] });
        const tls = args.tls && args.dns
            ? { domain: args.dns.recordName, hostedZoneId: args.dns.hostedZoneId, email: args.tls.email, mountPoint: args.dataVolume.mountPoint, ...(args.app.systemdUnit !== undefined ? { systemdUnit: args.app.systemdUnit } : {}), ...(args.tls.acmeDirectory ? { acmeDirectory: args.tls.acmeDirectory } : {}) }
            : undefined;
        if (tls) {
            new iam.RolePolicy(`${name}-instance-acme`, {
                role: instanceRole.name,
                policy: partition.apply((partition) => JSON.stringify({ Version: "2012-10-17", Statement: acmeDnsPolicyStatements({ partition, hostedZoneId: tls.hostedZoneId, domain: tls.domain }) })),
            }, parent);
        }

        const userData = serverUserData({
            tierName: tier,
            deviceName: DEFAULTS.deviceName,
            mountPoint: args.dataVolume.mountPoint,
            filesystem: args.dataVolume.filesystem,
            ...(args.app.systemdUnit !== undefined ? { systemdUnit: args.app.systemdUnit } : {}),
            packages: args.app.packages,
            waitSeconds: heartbeat,
            ...(tls ? { afterMount: serverTlsUserData(tls) } : {}),
        });
        const launchTemplate = new ec2.LaunchTemplate(`${name}-lt`, {
            description: `${tier} server (Amazon Linux 2023 ${args.architecture})`,
            updateDefaultVersion: true,
            imageId: al2023ImageId(args.architecture),
            iamInstanceProfile: { arn: profile.arn },
            metadataOptions: {
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: 1,
                // The user data reads the data volume id from the instance's tags.
                instanceMetadataTags: "enabled",
            },
            blockDeviceMappings: [{
                deviceName: "/dev/xvda",
                ebs: { volumeSize: args.rootVolumeSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
            }],
            networkInterfaces: [{
                deviceIndex: 0,
                ipv6AddressCount: 1,
                // The handler associates the Elastic IP; no auto-assigned (and billed) public IPv4.
                associatePublicIpAddress: "false",
                securityGroups: [sg.id],
                deleteOnTermination: "true",
            }],
            userData: Buffer.from(userData, "utf8").toString("base64"),
            // The tier tag is what lets the handler attach to, tag and move the address to the instance.
            tagSpecifications: [
                { resourceType: "instance", tags: launchTags("server", { [TAG.role]: "server" }) },
                { resourceType: "volume", tags: launchTags("root", { [TAG.role]: "root" }) },
                { resourceType: "network-interface", tags: launchTags("eni") },
            ],
            tags: tags("lt"),
        }, parent);

        const spot = args.market === "spot";
        const launchHook = { name: `${tier}-launching`, lifecycleTransition: LIFECYCLE.launching, heartbeatTimeout: heartbeat, defaultResult: "ABANDON" };
        const terminateHook = { name: `${tier}-terminating`, lifecycleTransition: LIFECYCLE.terminating, heartbeatTimeout: heartbeat, defaultResult: "CONTINUE" };
        const group = new autoscaling.Group(`${name}-asg`, {
            // A fixed name: the EventBridge rules and the handler's policy refer to it before the group exists.
            name: tier,
            minSize: 1,
            maxSize: 1,
            desiredCapacity: 1,
            vpcZoneIdentifiers: args.subnets.map((s) => s.subnetId),
            healthCheckType: "EC2",
            healthCheckGracePeriod: args.healthCheckGracePeriodSeconds,
            capacityRebalance: args.capacityRebalance,
            // Terminate, then launch: the one data volume cannot serve two instances, so never overlap them.
            instanceMaintenancePolicy: { minHealthyPercentage: 0, maxHealthyPercentage: 100 },
            mixedInstancesPolicy: {
                instancesDistribution: spot
                    ? { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0, spotAllocationStrategy: args.spotAllocationStrategy }
                    : { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 100, onDemandAllocationStrategy: "prioritized" },
                launchTemplate: {
                    launchTemplateSpecification: { launchTemplateId: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
                    overrides: args.instanceTypes.map((instanceType) => ({ instanceType })),
                },
            },
            // The launch hook is created with the group, so even the very first
            // instance waits for its data volume; it is ignored after creation
            // (see ignoreChanges and the LifecycleHook resources below).
            initialLifecycleHooks: [launchHook],
            // The engine waits for the first instance to be InService, which
            // needs the launch hook to complete: wait for one whole launch
            // attempt (the hook's heartbeat plus boot) instead of the
            // provider's default 10 minutes, shorter than the heartbeat, which
            // would fail the first `pulumi up` on a slow but healthy launch.
            // Source: Pulumi aws.autoscaling.Group `waitForCapacityTimeout`
            // (default "10m"; capacity = instances InService and healthy);
            // AWS Auto Scaling user guide, "Amazon EC2 Auto Scaling lifecycle
            // hooks": an instance stays Pending:Wait until the hook completes
            // or its heartbeat times out.
            waitForCapacityTimeout: `${heartbeat + FIRST_LAUNCH_BOOT_SECONDS}s`,
            enabledMetrics: ["GroupInServiceInstances", "GroupPendingInstances", "GroupTerminatingInstances", "GroupDesiredCapacity"],
            metricsGranularity: "1Minute",
            tags: [
                { key: "Name", value: tier, propagateAtLaunch: false },
                { key: TAG.tier, value: tier, propagateAtLaunch: false },
            ],
        }, {
            parent: this,
            // The handler must be ready to catch the first launch.
            dependsOn: [handler, handlerPolicy, invokeConfig, permission, lifecycleTarget],
            deleteBeforeReplace: true,
            // The handler marks the group `landing-zone:data-initialized`; an update must not strip it.
            // initialLifecycleHooks is replace-on-change (ForceNew in the Terraform
            // AWS provider's aws_autoscaling_group, which the bridged provider runs):
            // it only seeds the launch hook at creation; the hooks' settings are
            // owned by the LifecycleHook resources below, updated in place.
            ignoreChanges: ["tags", "initialLifecycleHooks"],
        });

        // The hooks as their own resources (PutLifecycleHook creates or updates
        // a hook by name, so the launch hook seeded above is taken over, not
        // duplicated): hook timing follows the failover settings without
        // touching the group. Decision and source: the Terraform/Pulumi docs of
        // aws_autoscaling_lifecycle_hook warn that hooks added this way only
        // exist after the group is created, "after the initial instances have
        // been launched", and say to use initial_lifecycle_hook "if you need
        // hooks to run on all instances"; initial_lifecycle_hook is ForceNew.
        // So: the launch hook is seeded through initialLifecycleHooks (the first
        // instance is held) and then ignored; both hooks are managed here.
        for (const [suffix, hook] of [["launching", launchHook], ["terminating", terminateHook]] as const) {
            new autoscaling.LifecycleHook(`${name}-${suffix}`, {
                name: hook.name,
                autoscalingGroupName: group.name,
                lifecycleTransition: hook.lifecycleTransition,
                heartbeatTimeout: hook.heartbeatTimeout,
                defaultResult: hook.defaultResult,
            }, parent);
        }

        // ── scheduled snapshots ───────────────────────────────────────────
        const dlmRole = new iam.Role(`${name}-dlm`, {
            description: `${tier}: Data Lifecycle Manager snapshots of the data volume`,
            assumeRolePolicy: assumeRolePolicy("dlm.amazonaws.com"),
            tags: tags("dlm"),
        }, parent);
        new iam.RolePolicyAttachment(`${name}-dlm`, {
            role: dlmRole.name,
            policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole`,
        }, parent);
        const { intervalHours, retainCount, startTime } = args.snapshots;
        // DLM descriptions and schedule names allow only letters, digits, spaces, _ and -.
        const scheduleDescription = `${tier} data volume every ${intervalHours} hours keep ${retainCount}`;
        new dlm.LifecyclePolicy(`${name}-snapshots`, {
            description: scheduleDescription,
            executionRoleArn: dlmRole.arn,
            state: "ENABLED",
            policyDetails: {
                policyType: "EBS_SNAPSHOT_MANAGEMENT",
                resourceTypes: ["VOLUME"],
                // Only the live volume carries this tag (the handler moves it), so stale copies are not snapshotted.
                targetTags: dlmTargetTags(tier),
                schedules: [{
                    name: `every ${intervalHours} hours keep ${retainCount}`,
                    createRule: { interval: intervalHours, intervalUnit: "HOURS", times: startTime },
                    retainRule: { count: retainCount },
                    copyTags: false,
                    // The handler restores from snapshots found by these tags.
                    tagsToAdd: dlmSnapshotTags(tier),
                }],
            },
            tags: tags("snapshots"),
        }, parent);

        // ── failures and "no instance" to a human ─────────────────────────
        const failureRule = new cloudwatch.EventRule(`${name}-failures`, {
            description: `${tier}: failed launches and terminations of the server group`,
            eventPattern: JSON.stringify({
                source: ["aws.autoscaling"],
                "detail-type": FAILURE_DETAIL_TYPES,
                detail: { AutoScalingGroupName: [tier] },
            }),
            tags: tags("failures"),
        }, parent);
        new sns.TopicPolicy(`${name}-alerts`, {
            arn: topic.arn,
            policy: pulumi.all([topic.arn, accountId, failureRule.arn]).apply(([topicArn, account, eventRuleArn]) =>
                JSON.stringify(alertTopicPolicy({ topicArn, accountId: account, eventRuleArn }))),
        }, parent);
        new cloudwatch.EventTarget(`${name}-failures`, { rule: failureRule.name, arn: topic.arn }, parent);
        new cloudwatch.MetricAlarm(`${name}-no-instance`, {
            alarmDescription: `${tier}: no server instance in service for 5 minutes (a failover in progress or failing)`,
            namespace: "AWS/AutoScaling",
            metricName: "GroupInServiceInstances",
            dimensions: { AutoScalingGroupName: group.name },
            statistic: "Minimum",
            period: 60,
            evaluationPeriods: 5,
            threshold: 1,
            comparisonOperator: "LessThanThreshold",
            // No data means no metrics from the group: treat as down.
            treatMissingData: "breaching",
            alarmActions: [topic.arn],
            okActions: [topic.arn],
            tags: tags("no-instance"),
        }, parent);

        this.groupName = group.name;
        this.elasticIp = eip?.publicIp;
        this.dnsNames = args.dns ? [args.dns.recordName] : [];
        this.tls = tlsSummary(tls);
        this.dataVolumeTags = { [TAG.tier]: tier, [TAG.role]: ROLE_DATA };
        this.snapshotSchedule = { intervalHours, retainCount, startTime, description: `every ${intervalHours} h from ${startTime} UTC, keep ${retainCount}` };
        this.securityGroupId = sg.id;
        this.launchTemplateId = launchTemplate.id;
        this.handlerFunctionName = handler.name;
        this.alertTopicArn = topic.arn;
        this.registerOutputs({
            groupName: this.groupName,
            elasticIp: this.elasticIp,
            dnsNames: this.dnsNames,
            tls: this.tls,
            dataVolumeTags: this.dataVolumeTags,
            snapshotSchedule: this.snapshotSchedule,
            recovery: this.recovery,
            securityGroupId: this.securityGroupId,
            launchTemplateId: this.launchTemplateId,
            handlerFunctionName: this.handlerFunctionName,
            alertTopicArn: this.alertTopicArn,
        });
    }
}

/** Programming errors the config validation should already have caught; fail before declaring anything. */
function checkArgs(name: string, args: MultiAzServerArgs): void {
    const problem = (what: string) => new Error(`MultiAzServer ${name}: ${what}`);
    const azs = args.subnets.map((s) => s.availabilityZone);
    if (new Set(azs).size !== azs.length) throw problem(`one subnet per AZ expected, got ${azs.join(", ")}`);
    if (azs.length < 2) throw problem("needs subnets in at least 2 AZs to survive the loss of one");
    if (args.instanceTypes.length === 0) throw problem("needs at least one instance type");
    for (const type of args.instanceTypes) {
        if (instanceArchitecture(type) !== args.architecture) throw problem(`instance type ${type} is not ${args.architecture}`);
    }
}
