/**
 * The teardown listing: what `pulumi destroy` leaves (data volumes and
 * snapshots made at run time, DNS records the handler wrote), found by tag,
 * priced, and deleted only with --delete, never while attached.
 */
import { strict as assert } from "assert";
import { DeleteSnapshotCommand, DeleteVolumeCommand, DescribeSnapshotsCommand, DescribeVolumesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { mockClient } from "aws-sdk-client-mock";
import { leftoversMain, tierTargetOf } from "../../scripts/leftovers";
import { captureOutput } from "../helpers/stacks";

function fakes(attached = false) {
    const ec2 = mockClient(EC2Client);
    const route53 = mockClient(Route53Client);
    ec2.on(DescribeVolumesCommand).resolves({ Volumes: [
        { VolumeId: "vol-live", Size: 100, VolumeType: "gp3", AvailabilityZone: "ap-southeast-2a", State: attached ? "in-use" : "available", Attachments: attached ? [{ InstanceId: "i-1" }] : [], Tags: [{ Key: "landing-zone:state", Value: "live" }] },
        { VolumeId: "vol-old", Size: 100, VolumeType: "gp3", AvailabilityZone: "ap-southeast-2b", State: "available", Tags: [{ Key: "landing-zone:state", Value: "superseded" }] },
    ] });
    ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [{ SnapshotId: "snap-1", VolumeId: "vol-live", VolumeSize: 100, State: "completed", StartTime: new Date("2026-11-01T03:00:00Z") }] });
    ec2.on(DeleteVolumeCommand).resolves({});
    ec2.on(DeleteSnapshotCommand).resolves({});
    const record = { Name: "app.example.org.", Type: "A" as const, TTL: 60, ResourceRecords: [{ Value: "203.0.113.7" }] };
    route53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [record] });
    route53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: "c", Status: "PENDING", SubmittedAt: new Date() } });
    return { ec2, route53, clients: { ec2: ec2 as unknown as EC2Client, route53: route53 as unknown as Route53Client } };
}

describe("teardown leftovers", () => {
    afterEach(() => { mockClient(EC2Client).restore(); mockClient(Route53Client).restore(); });

    it("lists the tier's volumes, snapshots and DNS records by tag with their monthly cost, deleting nothing", async () => {
        const { ec2, route53, clients } = fakes();
        const { result, stdout } = await captureOutput(() => leftoversMain(["--stack", "prod"], clients));
        assert.equal(result, 0);
        const filters = ec2.commandCalls(DescribeVolumesCommand)[0].args[0].input.Filters;
        assert.deepEqual(filters, [{ Name: "tag:landing-zone:tier", Values: ["prod-app"] }, { Name: "tag:landing-zone:role", Values: ["data"] }]);
        assert.match(stdout, /volume +vol-live .*100 GiB gp3/);
        assert.match(stdout, /snapshot +snap-1/);
        assert.match(stdout, /dns-record +A app\.example\.org\./);
        // 2 × 100 GB gp3 + 100 GB of snapshot at most, at Sydney's catalogue prices.
        assert.match(stdout, /about \$26\.50 a month at most/);
        assert.match(stdout, /--stack prod --delete/);
        assert.equal(ec2.commandCalls(DeleteVolumeCommand).length + ec2.commandCalls(DeleteSnapshotCommand).length + route53.commandCalls(ChangeResourceRecordSetsCommand).length, 0);
    });

    it("with --delete deletes them, but never a volume still attached (exit 1 naming it)", async () => {
        const { ec2, route53, clients } = fakes(true);
        const { result, stdout } = await captureOutput(() => leftoversMain(["--stack", "prod", "--delete"], clients));
        assert.equal(result, 1);
        assert.deepEqual(ec2.commandCalls(DeleteVolumeCommand).map((c) => c.args[0].input.VolumeId), ["vol-old"]);
        assert.deepEqual(ec2.commandCalls(DeleteSnapshotCommand).map((c) => c.args[0].input.SnapshotId), ["snap-1"]);
        assert.equal(route53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input.ChangeBatch?.Changes?.[0].Action, "DELETE");
        assert.match(stdout, /vol-live: attached to an instance: destroy the stack first/);
    });

    it("reads the tier from the stack file, and refuses a missing stack (exit 2)", async () => {
        assert.deepEqual(tierTargetOf("dev"), { region: "us-east-1", tierName: "dev-app" });
        const { result, stderr } = await captureOutput(() => leftoversMain(["--stack", "nope"], fakes().clients));
        assert.equal(result, 2);
        assert.match(stderr, /cannot read stack config/);
    });
});
