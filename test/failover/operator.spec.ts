import { strict as assert } from "assert";
import { CreateTagsCommand, DescribeSnapshotsCommand, DescribeVolumesCommand, EC2Client, Snapshot, Volume } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { TAG } from "../../components/aws/failover/contract";
import { toTags as tags } from "../../components/aws/failover/inventory";
import { OperatorIo, USAGE, parseArgs, runFailoverCommand } from "../../scripts/failover";

const NOW = new Date("2026-03-01T12:00:00Z");
const TIER = "prod-app";

const live: Volume = {
    VolumeId: "vol-0a11ce",
    AvailabilityZone: "ap-southeast-2a",
    State: "in-use",
    CreateTime: new Date("2026-02-28T00:00:00Z"),
    Attachments: [{ InstanceId: "i-0old", State: "attached" }],
    Tags: tags({
        [TAG.tier]: TIER,
        [TAG.role]: "data",
        [TAG.state]: "active",
        [TAG.sequence]: "3",
        [TAG.sourceSnapshotId]: "snap-0source",
        [TAG.parentVolumeId]: "vol-0b0b",
        [TAG.unreachableSince]: "2026-03-01T11:20:00Z",
        [TAG.unreachableEvidence]: "holder i-0old running, volume impaired",
    }),
};
const superseded: Volume = {
    VolumeId: "vol-0b0b",
    AvailabilityZone: "ap-southeast-2b",
    State: "available",
    CreateTime: new Date("2026-02-01T00:00:00Z"),
    Tags: tags({ [TAG.tier]: TIER, [TAG.role]: "data", [TAG.state]: "superseded", [TAG.sequence]: "2" }),
};
const foreign: Volume = { ...live, VolumeId: "vol-0c0c", Tags: tags({ [TAG.tier]: "dev-app", [TAG.role]: "data", [TAG.state]: "active" }) };
const snap = (id: string, start: string, state: string, extra: Partial<Snapshot> = {}): Snapshot => ({
    SnapshotId: id,
    VolumeId: "vol-0a11ce",
    State: state as Snapshot["State"],
    StartTime: new Date(start),
    Progress: state === "completed" ? "100%" : "40%",
    VolumeSize: 20,
    Tags: tags({ [TAG.tier]: TIER, [TAG.role]: "data", [TAG.origin]: "schedule" }),
    ...extra,
});
const snapshots = [
    snap("snap-0older", "2026-03-01T04:00:00Z", "completed"),
    snap("snap-0newest", "2026-03-01T08:00:00Z", "completed"),
    snap("snap-0pending", "2026-03-01T11:00:00Z", "pending"),
];

const ec2 = mockClient(EC2Client);

/** Volumes and snapshots answered by the filters the command sends, as EC2 would. */
function world(volumes: Volume[], snaps: Snapshot[]) {
    ec2.reset();
    ec2.on(DescribeVolumesCommand).callsFake((input: { Filters?: Array<{ Name: string; Values: string[] }> }) => ({
        Volumes: volumes.filter((v) => (input.Filters ?? []).every((f) => f.Values.includes(filterValue(v, f.Name) ?? ""))),
    }));
    ec2.on(DescribeSnapshotsCommand).callsFake((input: { Filters?: Array<{ Name: string; Values: string[] }>; OwnerIds?: string[] }) => {
        assert.deepEqual(input.OwnerIds, ["self"], "only the account's own snapshots");
        return { Snapshots: snaps.filter((s) => (input.Filters ?? []).every((f) => f.Values.includes(filterValue(s, f.Name) ?? ""))) };
    });
    ec2.on(CreateTagsCommand).resolves({});
}

function filterValue(r: Volume | Snapshot, name: string): string | undefined {
    if (name.startsWith("tag:")) return r.Tags?.find((t) => t.Key === name.slice(4))?.Value;
    if (name === "volume-id") return r.VolumeId;
    if (name === "snapshot-id") return (r as Snapshot).SnapshotId;
    throw new Error(`unexpected filter ${name}`);
}

async function run(argv: string[], env: Record<string, string> = { AWS_REGION: "ap-southeast-2" }) {
    const out: string[] = [];
    const err: string[] = [];
    const regions: string[] = [];
    const io: OperatorIo = {
        out: (l) => out.push(...l.split("\n")),
        err: (l) => err.push(l),
        env,
        now: () => NOW,
        ec2: (region) => {
            regions.push(region);
            return new EC2Client({ region });
        },
    };
    const code = await runFailoverCommand(argv, io);
    return { code, out: out.join("\n"), err, regions };
}

describe("operator command: npm run failover", () => {
    after(() => ec2.restore());

    it("--help documents both subcommands and the aws one-liner; usage mistakes are one line, exit 2, no AWS call", async () => {
        world([], []);
        const help = await run(["--help"]);
        assert.equal(help.code, 0);
        assert.equal(help.out, USAGE);
        assert.match(help.out, /status --tier/);
        assert.match(help.out, /accept-data-loss --tier <tier> --volume/);
        assert.match(help.out, /aws ec2 create-tags --resources <vol-…> --tags Key=landing-zone:accept-data-loss,Value=/);
        const cases: Array<[string[], RegExp, Record<string, string>?]> = [
            [[], /a subcommand is required/],
            [["restore"], /unknown subcommand "restore": expected status or accept-data-loss/],
            [["status"], /status needs --tier/],
            [["status", "--tier"], /--tier needs a value/],
            [["status", "--tier", TIER, "--force"], /unknown option --force/],
            [["accept-data-loss", "--tier", TIER], /accept-data-loss needs --volume/],
            [["accept-data-loss", "--tier", TIER, "--volume", "snap-1"], /expected a volume id vol-/],
            [["status", "--tier", TIER], /no region: pass --region <region> or set AWS_REGION/, {}],
            [["status", "--tier", TIER, "--region", "eu-west-9"], /--region: "eu-west-9" is not an AWS region; did you mean "eu-west-\d"\?/],
            [["status", "--tier", TIER], /AWS_REGION: "ap-southeast 2" is not an AWS region/, { AWS_REGION: "ap-southeast 2" }],
        ];
        for (const [argv, message, env] of cases) {
            const r = await run(argv, env);
            assert.equal(r.code, 2, argv.join(" "));
            assert.equal(r.err.length, 1, argv.join(" "));
            assert.match(r.err[0], /^failover: /);
            assert.match(r.err[0], message);
        }
        assert.equal(ec2.calls().length, 0);
    });

    it("parses --flag value and --flag=value alike", () => {
        assert.deepEqual(parseArgs(["accept-data-loss", "--tier=prod-app", "--volume", "vol-1", "--yes", "--region=eu-west-1"]), {
            command: "accept-data-loss", tier: "prod-app", volume: "vol-1", region: "eu-west-1", yes: true, help: false,
        });
    });

    it("status lists the tier's volumes (newest in the lineage first, with the handler's evidence) and snapshots, found by tag", async () => {
        world([superseded, live, foreign], snapshots);
        const r = await run(["status", "--tier", TIER, "--region", "eu-west-1"]);
        assert.equal(r.code, 0, r.err.join("\n"));
        assert.deepEqual(r.regions, ["eu-west-1"], "--region wins over AWS_REGION");
        const volumeCall = ec2.commandCalls(DescribeVolumesCommand)[0].args[0].input;
        assert.deepEqual(volumeCall.Filters, [{ Name: `tag:${TAG.tier}`, Values: [TIER] }, { Name: `tag:${TAG.role}`, Values: ["data"] }]);
        const lines = r.out.split("\n");
        const liveLine = lines.findIndex((l) => l.includes("vol-0a11ce"));
        const oldLine = lines.findIndex((l) => l.includes("vol-0b0b"));
        assert.ok(liveLine > 0 && liveLine < oldLine, "sequence 3 before sequence 2");
        assert.match(lines[liveLine], /vol-0a11ce\s+active\s+in-use\s+3\s+ap-southeast-2a\s+i-0old \(attached\)\s+2026-02-28T00:00:00Z\s+2026-03-01T11:20:00Z\s+holder i-0old running, volume impaired\s+-$/);
        assert.match(lines[oldLine], /vol-0b0b\s+superseded\s+available\s+2\s+ap-southeast-2b\s+-/);
        assert.ok(!r.out.includes("vol-0c0c"), "another tier's volume");
        for (const id of ["snap-0older", "snap-0newest", "snap-0pending"]) assert.ok(r.out.includes(id), id);
        assert.ok(r.out.indexOf("snap-0pending") < r.out.indexOf("snap-0newest"), "newest snapshot first");
        assert.match(r.out, /snap-0pending\s+pending\s+40%/);
    });

    it("status says so when the tier has nothing, and when several copies claim to be live", async () => {
        world([], []);
        assert.match((await run(["status", "--tier", "nope"])).out, /No data volumes or snapshots tagged landing-zone:tier=nope in ap-southeast-2/);
        world([live, { ...live, VolumeId: "vol-0d0d" }], []);
        assert.match((await run(["status", "--tier", TIER])).out, /2 volumes are tagged as the live copy/);
        // Two tagged active at different sequences (a half-finished commit): the handler takes the higher, and status says so.
        world([live, { ...superseded, Tags: tags({ [TAG.tier]: TIER, [TAG.role]: "data", [TAG.state]: "active", [TAG.sequence]: "2" }) }], []);
        const halfCommitted = (await run(["status", "--tier", TIER])).out;
        assert.doesNotMatch(halfCommitted, /refuses to choose/);
        assert.match(halfCommitted, /The live copy, as the handler chooses it: vol-0a11ce\./);
    });

    it("accept-data-loss without --yes prints what will be lost (writes after the newest completed snapshot) and changes nothing", async () => {
        world([live, superseded], snapshots);
        const r = await run(["accept-data-loss", "--tier", TIER, "--volume", "vol-0a11ce"]);
        assert.equal(r.code, 1);
        assert.deepEqual(r.err, ["failover: nothing changed; run again with --yes to accept this loss"]);
        assert.match(r.out, /restore snapshot snap-0newest \(of it, origin schedule, taken 2026-03-01T08:00:00Z\)/);
        assert.match(r.out, /every write to vol-0a11ce after 2026-03-01T08:00:00Z \(4 h 0 min before now/);
        assert.match(r.out, /snapshot snap-0pending of it, taken 2026-03-01T11:00:00Z, is still pending/);
        assert.match(r.out, /seen its AZ unable to serve it since 2026-03-01T11:20:00Z: holder i-0old running/);
        assert.match(r.out, /vol-0a11ce itself is kept/);
        assert.equal(ec2.commandCalls(CreateTagsCommand).length, 0);
    });

    it("accept-data-loss --yes tags the live copy with the time, and only that", async () => {
        world([live], snapshots);
        const r = await run(["accept-data-loss", "--tier", TIER, "--volume", "vol-0a11ce", "--yes"]);
        assert.equal(r.code, 0, r.err.join("\n"));
        const calls = ec2.commandCalls(CreateTagsCommand);
        assert.equal(calls.length, 1);
        assert.deepEqual(calls[0].args[0].input, { Resources: ["vol-0a11ce"], Tags: [{ Key: TAG.acceptDataLoss, Value: NOW.toISOString() }] });
        assert.match(r.out, /Tagged vol-0a11ce landing-zone:accept-data-loss=2026-03-01T12:00:00\.000Z/);
        // Already accepted: said, and not tagged again.
        world([{ ...live, Tags: [...live.Tags!, { Key: TAG.acceptDataLoss, Value: "2026-03-01T11:59:00Z" }] }], snapshots);
        const again = await run(["accept-data-loss", "--tier", TIER, "--volume", "vol-0a11ce", "--yes"]);
        assert.equal(again.code, 0);
        assert.match(again.out, /already carries landing-zone:accept-data-loss=2026-03-01T11:59:00Z/);
        assert.equal(ec2.commandCalls(CreateTagsCommand).length, 0);
    });

    it("without a completed snapshot of its own, names the handler's choice in its lineage; with none, refuses", async () => {
        const source = snap("snap-0source", "2026-02-27T23:50:00Z", "completed", { VolumeId: "vol-0b0b", Tags: tags({ [TAG.tier]: TIER, [TAG.role]: "data", [TAG.origin]: "failover" }) });
        // A newer snapshot of a copy outside the lineage (a fork, another parent) is never the restore point.
        const fork = snap("snap-0fork", "2026-02-28T06:00:00Z", "completed", { VolumeId: "vol-0c0c" });
        world([live, superseded], [source, fork, snap("snap-0pending", "2026-03-01T11:00:00Z", "pending")]);
        const r = await run(["accept-data-loss", "--tier", TIER, "--volume", "vol-0a11ce"]);
        assert.match(r.out, /restore snapshot snap-0source \(of vol-0b0b, an earlier copy in its lineage, origin failover, taken 2026-02-27T23:50:00Z\)/);
        assert.match(r.out, /after 2026-02-27T23:50:00Z \(36 h 10 min before now/);
        world([live], []);
        const none = await run(["accept-data-loss", "--tier", TIER, "--volume", "vol-0a11ce", "--yes"]);
        assert.equal(none.code, 1);
        assert.equal(none.err.length, 1);
        assert.match(none.err[0], /^failover: volume vol-0a11ce has no completed snapshot in its lineage .*: there is nothing older to restore/);
        assert.equal(ec2.commandCalls(CreateTagsCommand).length, 0);
    });

    it("refuses, in one line and without tagging, a volume that is missing, of another tier, or not the live copy", async () => {
        world([live, superseded, foreign, { ...live, VolumeId: "vol-0f0f", Tags: tags({ [TAG.tier]: TIER, [TAG.role]: "data" }) }], snapshots);
        const cases: Array<[string, RegExp]> = [
            ["vol-0e0e", /^failover: volume vol-0e0e not found in ap-southeast-2$/],
            ["vol-0c0c", /^failover: volume vol-0c0c is not a data volume of tier prod-app \(its landing-zone:tier is "dev-app"/],
            ["vol-0b0b", /^failover: volume vol-0b0b is not the live copy of tier prod-app \(the handler's live copy is vol-0a11ce; this one's landing-zone:state is superseded\)/],
            ["vol-0f0f", /^failover: volume vol-0f0f is not the live copy of tier prod-app \(the handler's live copy is vol-0a11ce; this one's landing-zone:state is missing\)/],
        ];
        for (const [volume, message] of cases) {
            const r = await run(["accept-data-loss", "--tier", TIER, "--volume", volume, "--yes"]);
            assert.equal(r.code, 1, volume);
            assert.equal(r.err.length, 1, volume);
            assert.match(r.err[0], message);
        }
        assert.equal(ec2.commandCalls(CreateTagsCommand).length, 0);
    });

    it("accepts the loss on the copy the handler treats as live even when it lost its state tag", async () => {
        const { [TAG.state]: _state, ...rest } = Object.fromEntries(live.Tags!.map((t) => [t.Key!, t.Value!]));
        const untagged = { ...live, Tags: tags(rest) };
        world([untagged, superseded], snapshots);
        const r = await run(["accept-data-loss", "--tier", TIER, "--volume", "vol-0a11ce", "--yes"]);
        assert.equal(r.code, 0, r.err.join("\n"));
        assert.deepEqual(ec2.commandCalls(CreateTagsCommand).map((c) => c.args[0].input.Resources), [["vol-0a11ce"]]);
        // Two copies claiming to be live: the handler chooses neither, and neither does the command.
        world([live, { ...live, VolumeId: "vol-0d0d" }], snapshots);
        const conflict = await run(["accept-data-loss", "--tier", TIER, "--volume", "vol-0a11ce", "--yes"]);
        assert.equal(conflict.code, 1);
        assert.match(conflict.err[0], /the handler finds 2 copies claiming to be live \(vol-0a11ce, vol-0d0d\) and chooses none/);
        assert.equal(ec2.commandCalls(CreateTagsCommand).length, 0);
    });

    it("an AWS error is one line, exit 1", async () => {
        ec2.reset();
        ec2.on(DescribeVolumesCommand).rejects(Object.assign(new Error("You are not authorized to perform this operation.\nEncoded message: xyz"), { name: "UnauthorizedOperation" }));
        ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
        const r = await run(["status", "--tier", TIER]);
        assert.equal(r.code, 1);
        assert.deepEqual(r.err, ["failover: AWS error UnauthorizedOperation: You are not authorized to perform this operation."]);
    });
});
