/**
 * The same-AZ and termination paths against canned SDK responses only (no
 * in-memory EC2), so the handler's calls are checked independently of the
 * fake the other specs share.
 */
import { strict as assert } from "assert";
import { AutoScalingClient, CompleteLifecycleActionCommand, CreateOrUpdateTagsCommand } from "@aws-sdk/client-auto-scaling";
import {
    AssociateAddressCommand,
    AttachVolumeCommand,
    CreateSnapshotCommand,
    CreateTagsCommand,
    DescribeAddressesCommand,
    DescribeInstancesCommand,
    DescribeSnapshotsCommand,
    DescribeVolumesCommand,
    EC2Client,
} from "@aws-sdk/client-ec2";
import { ChangeResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { TAG } from "../../components/aws/failover/contract";
import { LAUNCHING, TERMINATING, createHandler } from "../../components/aws/failover/handler";
import { BASE_ENV, event } from "./harness";

describe("failover handler against canned SDK responses", () => {
    let ec2: AwsClientStub<EC2Client>;
    let asg: AwsClientStub<AutoScalingClient>;
    let r53: AwsClientStub<Route53Client>;
    let sns: AwsClientStub<SNSClient>;
    before(() => {
        ec2 = mockClient(EC2Client);
        asg = mockClient(AutoScalingClient);
        r53 = mockClient(Route53Client);
        sns = mockClient(SNSClient);
    });
    const tags = [
        { Key: TAG.tier, Value: "app-dev" },
        { Key: TAG.role, Value: "data" },
        { Key: TAG.state, Value: "active" },
        { Key: TAG.backup, Value: "app-dev" },
    ];
    let clock = 0;
    const handler = createHandler({
        env: BASE_ENV,
        now: () => clock,
        sleep: async (ms) => {
            clock += ms;
        },
        log: () => undefined,
    });

    beforeEach(() => {
        for (const m of [ec2, asg, r53, sns]) m.reset();
        asg.on(CompleteLifecycleActionCommand).resolves({});
        asg.on(CreateOrUpdateTagsCommand).resolves({});
        r53.on(ChangeResourceRecordSetsCommand).resolves({});
        sns.on(PublishCommand).resolves({ MessageId: "m" });
        ec2.on(DescribeInstancesCommand).resolves({
            Reservations: [
                {
                    Instances: [
                        {
                            InstanceId: "i-new",
                            State: { Name: "running" },
                            Placement: { AvailabilityZone: "eu-west-1a" },
                            NetworkInterfaces: [{ Attachment: { DeviceIndex: 0 }, Ipv6Addresses: [{ Ipv6Address: "2001:db8::5" }] }],
                        },
                    ],
                },
            ],
        });
    });
    after(() => {
        for (const m of [ec2, asg, r53, sns]) m.restore();
    });

    it("launch in the volume's AZ: attach, tag, address, DNS, continue", async () => {
        ec2.on(DescribeVolumesCommand, { Filters: [{ Name: `tag:${TAG.tier}`, Values: ["app-dev"] }, { Name: `tag:${TAG.role}`, Values: ["data"] }] })
            .resolves({ Volumes: [{ VolumeId: "vol-1", AvailabilityZone: "eu-west-1a", State: "available", CreateTime: new Date(0), Tags: tags }] })
            .on(DescribeVolumesCommand, { VolumeIds: ["vol-1"] })
            .resolves({
                Volumes: [
                    {
                        VolumeId: "vol-1",
                        AvailabilityZone: "eu-west-1a",
                        State: "in-use",
                        Attachments: [{ InstanceId: "i-new", State: "attached" }],
                        CreateTime: new Date(0),
                        Tags: tags,
                    },
                ],
            });
        ec2.on(CreateTagsCommand).resolves({});
        ec2.on(AttachVolumeCommand).resolves({ State: "attaching" });
        ec2.on(AssociateAddressCommand).resolves({ AssociationId: "eipassoc-1" });
        ec2.on(DescribeAddressesCommand).resolves({ Addresses: [{ PublicIp: "203.0.113.7" }] });

        const r = await handler(event(LAUNCHING, "i-new", "tok-1"));

        assert.deepEqual(r, { outcome: "CONTINUE", branch: "attach", volumeId: "vol-1" });
        assert.equal(ec2.commandCalls(AttachVolumeCommand, { VolumeId: "vol-1", InstanceId: "i-new", Device: "/dev/sdf" }).length, 1);
        assert.equal(ec2.commandCalls(CreateTagsCommand, { Resources: ["i-new"], Tags: [{ Key: TAG.dataVolumeId, Value: "vol-1" }] }).length, 1);
        assert.equal(ec2.commandCalls(CreateSnapshotCommand).length, 0);
        assert.equal(ec2.commandCalls(AssociateAddressCommand, { AllocationId: "eipalloc-0abc", InstanceId: "i-new", AllowReassociation: true }).length, 1);
        const changes = r53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input.ChangeBatch!.Changes!;
        assert.deepEqual(
            changes.map((c) => [c.ResourceRecordSet!.Type, c.ResourceRecordSet!.ResourceRecords![0].Value]),
            [
                ["A", "203.0.113.7"],
                ["AAAA", "2001:db8::5"],
            ],
        );
        assert.equal(
            asg.commandCalls(CompleteLifecycleActionCommand, {
                AutoScalingGroupName: "app-dev-asg",
                LifecycleHookName: "app-dev-launch",
                LifecycleActionToken: "tok-1",
                InstanceId: "i-new",
                LifecycleActionResult: "CONTINUE",
            }).length,
            1,
        );
    });

    it("termination: snapshot the attached volume, tagged, then continue", async () => {
        ec2.on(DescribeVolumesCommand).resolves({
            Volumes: [
                {
                    VolumeId: "vol-1",
                    AvailabilityZone: "eu-west-1a",
                    State: "in-use",
                    Attachments: [{ InstanceId: "i-old", State: "attached" }],
                    CreateTime: new Date(0),
                    Tags: tags,
                },
            ],
        });
        ec2.on(DescribeSnapshotsCommand, { OwnerIds: ["self"] })
            .resolves({ Snapshots: [] })
            .on(DescribeSnapshotsCommand, { SnapshotIds: ["snap-1"] })
            .resolves({ Snapshots: [{ SnapshotId: "snap-1", State: "completed", VolumeId: "vol-1" }] });
        ec2.on(CreateSnapshotCommand).resolves({ SnapshotId: "snap-1", State: "pending", VolumeId: "vol-1" });

        const r = await handler(event(TERMINATING, "i-old", "tok-2"));

        assert.deepEqual(r, { outcome: "CONTINUE", volumeId: "vol-1", snapshotId: "snap-1" });
        const input = ec2.commandCalls(CreateSnapshotCommand)[0].args[0].input;
        assert.equal(input.VolumeId, "vol-1");
        const snapTags = input.TagSpecifications![0];
        assert.equal(snapTags.ResourceType, "snapshot");
        assert.ok(snapTags.Tags!.some((t) => t.Key === TAG.origin && t.Value === "termination"));
        assert.ok(snapTags.Tags!.some((t) => t.Key === TAG.tier && t.Value === "app-dev"));
        assert.equal(asg.commandCalls(CompleteLifecycleActionCommand, { LifecycleActionResult: "CONTINUE", InstanceId: "i-old" }).length, 1);
    });
});
