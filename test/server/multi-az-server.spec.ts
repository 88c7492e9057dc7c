import { strict as assert } from "assert";
import { ENV, dlmSnapshotTags, dlmTargetTags, parseFailoverSettings } from "../../components/aws/failover/contract";
import { LAUNCH_DETAIL_TYPE, TERMINATE_DETAIL_TYPE } from "../../components/aws/failover/handler";
import { bundleHandler } from "../../components/aws/failover/bundle";
import { estimateRecovery } from "../../components/aws/server-recovery";
import { ofType, valueOf } from "../helpers/record";
import { AZS, TYPES, buildServer, serverArgs } from "./fixtures";

describe("MultiAzServer", () => {
    it("is one Auto Scaling group of exactly one instance over one subnet in every AZ, EC2 health checks, grace from settings", async () => {
        const { one } = await buildServer();
        const group = one(TYPES.group).inputs;
        assert.deepEqual([group.minSize, group.maxSize, group.desiredCapacity], [1, 1, 1]);
        assert.deepEqual(group.vpcZoneIdentifiers, AZS.map((_, i) => `subnet-0${i}`));
        assert.equal(group.healthCheckType, "EC2");
        assert.equal(group.healthCheckGracePeriod, 240);
        assert.equal(group.capacityRebalance, true);
        assert.equal(group.name, "test-app");
        // Terminate before launch: one data volume cannot serve two instances.
        assert.deepEqual(group.instanceMaintenancePolicy, { minHealthyPercentage: 0, maxHealthyPercentage: 100 });
        assert.ok(group.enabledMetrics.includes("GroupInServiceInstances"));
    });

    it("refuses subnets that do not cover at least two distinct AZs, and types of another architecture", async () => {
        const { MultiAzServer } = await import("../../components/aws/multi-az-server");
        assert.throws(() => new MultiAzServer("x", serverArgs({ subnets: [{ availabilityZone: "us-east-1a", subnetId: "s" }] })), /at least 2 AZs/);
        assert.throws(() => new MultiAzServer("y", serverArgs({ subnets: [{ availabilityZone: "us-east-1a", subnetId: "s" }, { availabilityZone: "us-east-1a", subnetId: "t" }] })), /one subnet per AZ/);
        assert.throws(() => new MultiAzServer("z", serverArgs({ instanceTypes: ["t4g.small", "t3.small"] })), /t3\.small is not arm64/);
    });

    it("launch template: AL2023 by architecture through resolve:ssm, IMDSv2 required with tags, encrypted gp3 root, one IPv6 address and no public IPv4", async () => {
        const { one } = await buildServer();
        const lt = one(TYPES.launchTemplate).inputs;
        assert.equal(lt.imageId, "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
        assert.equal(lt.metadataOptions.httpTokens, "required");
        assert.ok(lt.metadataOptions.httpPutResponseHopLimit >= 1 && lt.metadataOptions.httpPutResponseHopLimit <= 2);
        assert.equal(lt.metadataOptions.instanceMetadataTags, "enabled");
        assert.equal(lt.blockDeviceMappings.length, 1);
        assert.equal(lt.blockDeviceMappings[0].ebs.encrypted, "true");
        assert.equal(lt.blockDeviceMappings[0].ebs.volumeType, "gp3");
        assert.equal(lt.networkInterfaces.length, 1);
        assert.equal(lt.networkInterfaces[0].ipv6AddressCount, 1);
        assert.equal(lt.networkInterfaces[0].associatePublicIpAddress, "false");
        assert.equal(lt.keyName, undefined, "no SSH key pair");
        // The handler's IAM scope needs the tier tag on the instance, its interface and root volume.
        const tagged = Object.fromEntries(lt.tagSpecifications.map((t: { resourceType: string; tags: Record<string, string> }) => [t.resourceType, t.tags]));
        for (const type of ["instance", "network-interface", "volume"]) assert.equal(tagged[type]["landing-zone:tier"], "test-app", type);
        assert.equal(tagged.volume["landing-zone:role"], "root", "the root volume must not look like a data volume");
        assert.equal(tagged.instance.environment, "test", "caller tags reach the instance");
        const userData = Buffer.from(lt.userData, "base64").toString("utf8");
        assert.match(userData, /^#!\/bin\/bash/);
        assert.match(userData, /nginx\.service/);
    });

    it("picks the x86_64 image for x86 instance types", async () => {
        const { one } = await buildServer({ instanceTypes: ["t3.small", "t3a.small"], architecture: "x86_64" });
        assert.equal(one(TYPES.launchTemplate).inputs.imageId, "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
    });

    it("opens nothing inbound by default, and egress on both families", async () => {
        const { resources, one } = await buildServer();
        assert.equal(ofType(resources, TYPES.ingress).length, 0);
        assert.equal(one(TYPES.securityGroup).inputs.ingress, undefined, "no inline ingress either");
        const egress = ofType(resources, TYPES.egress).map((r) => r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6).sort();
        assert.deepEqual(egress, ["0.0.0.0/0", "::/0"]);
    });

    it("opens each named port on IPv4 and IPv6 alike, and only those", async () => {
        const { resources } = await buildServer({ ingress: [{ name: "https", protocol: "tcp", fromPort: 443, toPort: 443 }, { name: "dns", protocol: "udp", fromPort: 53, toPort: 53 }] });
        const rules = ofType(resources, TYPES.ingress).map((r) => `${r.inputs.ipProtocol}/${r.inputs.fromPort}-${r.inputs.toPort}/${r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6}`).sort();
        assert.deepEqual(rules, ["tcp/443-443/0.0.0.0/0", "tcp/443-443/::/0", "udp/53-53/0.0.0.0/0", "udp/53-53/::/0"]);
    });

    it("Spot: price-capacity-optimized over every listed type with no on-demand base", async () => {
        const { one } = await buildServer();
        const mip = one(TYPES.group).inputs.mixedInstancesPolicy;
        assert.deepEqual(mip.instancesDistribution, { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0, spotAllocationStrategy: "price-capacity-optimized" });
        assert.deepEqual(mip.launchTemplate.overrides.map((o: { instanceType: string }) => o.instanceType), ["t4g.small", "t4g.micro"]);
        assert.match(mip.launchTemplate.launchTemplateSpecification.launchTemplateId, /^lt-/);
        assert.equal(mip.launchTemplate.launchTemplateSpecification.version, "1");
    });

    it("on-demand: the whole (one-instance) group on-demand, types in priority order", async () => {
        const { one } = await buildServer({ market: "on-demand", capacityRebalance: false });
        const dist = one(TYPES.group).inputs.mixedInstancesPolicy.instancesDistribution;
        assert.equal(dist.onDemandBaseCapacity, 1);
        assert.equal(dist.onDemandPercentageAboveBaseCapacity, 100);
        assert.equal(dist.onDemandAllocationStrategy, "prioritized");
    });

    it("the instance profile carries AmazonSSMManagedInstanceCore and only the quiesce-tag policy besides", async () => {
        const { resources } = await buildServer();
        const instanceRole = ofType(resources, TYPES.role).find((r) => JSON.parse(r.inputs.assumeRolePolicy).Statement[0].Principal.Service === "ec2.amazonaws.com")!;
        const roleName = instanceRole.name; // the mocks name roles after the resource
        const attached = ofType(resources, TYPES.attachment).filter((a) => a.inputs.role === roleName).map((a) => a.inputs.policyArn);
        assert.deepEqual(attached, ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
        const inline = ofType(resources, TYPES.rolePolicy).filter((p) => p.inputs.role === roleName);
        assert.equal(inline.length, 1);
        const statements = JSON.parse(inline[0].inputs.policy).Statement;
        assert.deepEqual(statements.map((st: { Action: string[] }) => st.Action), [["ec2:CreateTags"]]);
    });

    it("lifecycle hooks: launching abandons by default and waits as long as the handler can take; terminating continues", async () => {
        const args = serverArgs();
        const { one, resources } = await buildServer();
        const hooks = ofType(resources, "aws:autoscaling/lifecycleHook:LifecycleHook").map((h) => h.inputs);
        assert.equal(hooks.length, 2, "both hooks are their own resources (updated in place, never replacing the group)");
        const launching = hooks.find((h) => h.lifecycleTransition === "autoscaling:EC2_INSTANCE_LAUNCHING")!;
        const terminating = hooks.find((h) => h.lifecycleTransition === "autoscaling:EC2_INSTANCE_TERMINATING")!;
        assert.equal(launching.defaultResult, "ABANDON");
        assert.equal(terminating.defaultResult, "CONTINUE");
        assert.ok(hooks.every((h) => h.autoscalingGroupName === "test-app"));
        const heartbeat = estimateRecovery(args).lifecycleHeartbeatSeconds;
        assert.equal(launching.heartbeatTimeout, heartbeat);
        assert.equal(terminating.heartbeatTimeout, heartbeat);
        // 600 s snapshot + 4 × 300 s volume waits exceed Lambda's 900 s, so the bound is the Lambda's.
        assert.equal(heartbeat, 900 + 120);
        // The very first instance is held too: the group is created with the launch hook (same name, so the resource takes it over).
        const group = one(TYPES.group).inputs;
        assert.deepEqual(group.initialLifecycleHooks, [{ name: launching.name, lifecycleTransition: launching.lifecycleTransition, heartbeatTimeout: heartbeat, defaultResult: "ABANDON" }]);
        // The first create waits for a whole launch attempt, not the provider's default 10 minutes.
        assert.equal(group.waitForCapacityTimeout, `${heartbeat + 300}s`);
    });

    it("the Lambda: arm64 Node.js, 900 s, the bundled handler, and an environment the handler's own parser accepts", async () => {
        const { one, server } = await buildServer({
            elasticIp: true,
            dns: { hostedZoneId: "Z123EXAMPLE", recordName: "app.example.org", ttl: 30 },
            failover: { ...serverArgs().failover, restoreAfterUnreachableMinutes: 45, quiesceWaitSeconds: 90 },
        });
        const fn = one(TYPES.lambda).inputs;
        assert.match(fn.runtime, /^nodejs(20|22)\.x$/);
        assert.deepEqual(fn.architectures, ["arm64"]);
        assert.equal(fn.timeout, 900);
        assert.equal(fn.handler, "index.handler");
        assert.equal(server.handlerBundleBytes, bundleHandler().bytes);
        const assets = await fn.code.assets;
        assert.deepEqual(Object.keys(assets), ["index.js"]);
        assert.equal(await assets["index.js"].text, bundleHandler().code, "the deployed index.js is the bundled handler");
        const env = fn.environment.variables as Record<string, string>;
        const eip = one(TYPES.eip);
        const topic = one(TYPES.topic);
        const settings = parseFailoverSettings(env);
        assert.equal(settings.tierName, "test-app");
        assert.deepEqual(settings.volume, { sizeGiB: 20, type: "gp3", iops: 3000, throughputMiBps: 125, deviceName: "/dev/sdf" });
        assert.match(settings.elasticIpAllocationId!, /^eipalloc-/);
        assert.equal(eip.inputs.domain, "vpc");
        assert.equal(eip.inputs.tags["landing-zone:tier"], "test-app");
        assert.deepEqual(settings.dns, { hostedZoneId: "Z123EXAMPLE", recordName: "app.example.org", ttl: 30 });
        assert.equal(settings.snsTopicArn, `arn:aws:sns:us-east-1:123456789012:${topic.inputs.name}`);
        assert.equal(settings.snapshotWaitTimeoutSeconds, 600);
        assert.equal(settings.volumeWaitTimeoutSeconds, 300);
        assert.equal(settings.supersededVolumeRetention, 1);
        assert.equal(settings.handlerSnapshotRetention, 3);
        // The restore window (config minutes, handler seconds) and the quiesce wait come from the settings.
        assert.equal(settings.restoreAfterUnreachableSeconds, 45 * 60);
        assert.equal(settings.quiesceWaitSeconds, 90);
        assert.equal(settings.heartbeatTimeoutSeconds, server.recovery.lifecycleHeartbeatSeconds);
        // Every variable set is one the contract knows.
        const known = new Set<string>(Object.values(ENV));
        for (const name of Object.keys(env)) assert.ok(known.has(name), `${name} is not in the contract`);
    });

    it("a customer-managed data volume key reaches the handler's settings and only its role's KMS statements", async () => {
        const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        const { resources, one } = await buildServer({ dataVolume: { ...serverArgs().dataVolume, kmsKeyArn: key } });
        assert.equal(parseFailoverSettings(one(TYPES.lambda).inputs.environment.variables).volume.kmsKeyId, key);
        const kms = ofType(resources, TYPES.rolePolicy)
            .flatMap((p) => JSON.parse(p.inputs.policy).Statement as Array<{ Action: string[]; Resource: string[] }>)
            .filter((s) => s.Action.some((a) => a.startsWith("kms:")));
        assert.ok(kms.length > 0, "the handler may use the key");
        for (const s of kms) assert.deepEqual(s.Resource, [key]);
    });

    it("without an Elastic IP or DNS the handler is told of neither, and no address is allocated", async () => {
        const { resources, one, server } = await buildServer();
        const env = one(TYPES.lambda).inputs.environment.variables;
        assert.equal(env[ENV.elasticIpAllocationId], undefined);
        assert.equal(env[ENV.hostedZoneId], undefined);
        assert.equal(ofType(resources, TYPES.eip).length, 0);
        assert.equal(server.elasticIp, undefined);
    });

    it("EventBridge sends the group's lifecycle actions (the detail types the handler expects) to the Lambda, with permission", async () => {
        const { resources, one } = await buildServer();
        const rules = ofType(resources, TYPES.eventRule).map((r) => ({ r, pattern: JSON.parse(r.inputs.eventPattern) }));
        const lifecycle = rules.find((x) => x.pattern["detail-type"].includes(LAUNCH_DETAIL_TYPE))!;
        assert.deepEqual(lifecycle.pattern.source, ["aws.autoscaling"]);
        assert.deepEqual(lifecycle.pattern["detail-type"].sort(), [LAUNCH_DETAIL_TYPE, TERMINATE_DETAIL_TYPE].sort());
        assert.deepEqual(lifecycle.pattern.detail.AutoScalingGroupName, [one(TYPES.group).inputs.name]);
        const fn = one(TYPES.lambda);
        const target = ofType(resources, TYPES.eventTarget).find((t) => t.inputs.arn.includes(":function:"))!;
        assert.equal(target.inputs.arn, `arn:aws:lambda:us-east-1:123456789012:function:${fn.inputs.name}`);
        const permission = one(TYPES.permission).inputs;
        assert.equal(permission.principal, "events.amazonaws.com");
        assert.equal(permission.function, fn.inputs.name);
        assert.match(permission.sourceArn, /^arn:aws:events:us-east-1:123456789012:rule\//);
        assert.equal(one(TYPES.invokeConfig).inputs.maximumRetryAttempts, 0);
    });

    it("Data Lifecycle Manager snapshots the live data volume (the handler's target tag) at the configured interval and keeps the configured count", async () => {
        const { one } = await buildServer();
        const dlm = one(TYPES.dlm).inputs;
        assert.equal(dlm.state, "ENABLED");
        assert.deepEqual(dlm.policyDetails.resourceTypes, ["VOLUME"]);
        assert.deepEqual(dlm.policyDetails.targetTags, dlmTargetTags("test-app"));
        const [schedule] = dlm.policyDetails.schedules;
        assert.deepEqual(schedule.createRule, { interval: 6, intervalUnit: "HOURS", times: "02:30" });
        assert.deepEqual(schedule.retainRule, { count: 9 });
        assert.deepEqual(schedule.tagsToAdd, dlmSnapshotTags("test-app"));
        // DLM accepts only letters, digits, spaces, underscores and dashes here.
        assert.match(dlm.description, /^[0-9A-Za-z _-]+$/);
        assert.match(schedule.name, /^[0-9A-Za-z _-]+$/);
    });

    it("alerting: failed launches and terminations and a no-instance alarm go to the SNS topic, which lets EventBridge and CloudWatch publish", async () => {
        const { resources, one } = await buildServer({ alertEmail: "ops@example.org" });
        const topic = one(TYPES.topic);
        const topicArn = `arn:aws:sns:us-east-1:123456789012:${topic.inputs.name}`;
        assert.deepEqual([one(TYPES.subscription).inputs.protocol, one(TYPES.subscription).inputs.endpoint], ["email", "ops@example.org"]);
        const failures = ofType(resources, TYPES.eventRule).find((r) => JSON.parse(r.inputs.eventPattern)["detail-type"].includes("EC2 Instance Launch Unsuccessful"))!;
        assert.ok(JSON.parse(failures.inputs.eventPattern)["detail-type"].includes("EC2 Instance Terminate Unsuccessful"));
        const toTopic = ofType(resources, TYPES.eventTarget).find((t) => t.inputs.arn === topicArn)!;
        assert.ok(toTopic.inputs.rule.startsWith(failures.name));
        const policy = JSON.parse(one(TYPES.topicPolicy).inputs.policy);
        const events = policy.Statement.find((s: { Principal: { Service?: string } }) => s.Principal.Service === "events.amazonaws.com");
        assert.deepEqual(events.Action, ["sns:Publish"]);
        assert.match(events.Condition.ArnEquals["aws:SourceArn"], new RegExp(`:rule/${failures.name}`));
        const alarm = one(TYPES.alarm).inputs;
        assert.equal(alarm.metricName, "GroupInServiceInstances");
        assert.equal(alarm.namespace, "AWS/AutoScaling");
        assert.equal(alarm.comparisonOperator, "LessThanThreshold");
        assert.equal(alarm.threshold, 1);
        assert.deepEqual(alarm.dimensions, { AutoScalingGroupName: "test-app" });
        assert.deepEqual(alarm.alarmActions, [topicArn]);
    });

    it("exposes the outputs: group, tags, schedule and the recovery estimate of its settings", async () => {
        const { server } = await buildServer({ dns: { hostedZoneId: "Z1", recordName: "app.example.org", ttl: 60 } });
        const name = await valueOf(server.groupName);
        assert.equal(name, "test-app");
        assert.deepEqual(server.dnsNames, ["app.example.org"]);
        assert.deepEqual(server.dataVolumeTags, { "landing-zone:tier": "test-app", "landing-zone:role": "data" });
        assert.equal(server.snapshotSchedule.intervalHours, 6);
        assert.deepEqual(server.recovery, estimateRecovery(serverArgs()));
        assert.equal(server.recovery.worstCaseRpoSeconds, 6 * 3600 + 3600 + 900);
    });
});
