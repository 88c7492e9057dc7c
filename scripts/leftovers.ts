/**
 * `npm run teardown:leftovers -- --stack <env> [--delete]`
 *
 * What `pulumi destroy` leaves behind, listed by tag: the failover handler
 * creates the server tier's data volumes and its own snapshots at run time,
 * and Data Lifecycle Manager creates the scheduled snapshots, so none of
 * them is in the Pulumi state and destroy cannot remove them. Every one
 * carries `landing-zone:tier=<env>-<server.name>` and `landing-zone:role=data`.
 * The handler also writes the Route 53 A/AAAA records (server.dns). Each is
 * printed with what it costs a month; with `--delete` (and only then) they
 * are deleted, never while a volume is still attached.
 * Exit status: 0 done; 1 something could not be deleted; 2 usage or config.
 */
import { DeleteSnapshotCommand, DeleteVolumeCommand, DescribeSnapshotsCommand, DescribeVolumesCommand, EC2Client, Filter, Snapshot, Volume } from "@aws-sdk/client-ec2";
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, ResourceRecordSet, Route53Client } from "@aws-sdk/client-route-53";
import { CATALOGUE, findLine } from "../components/cost";
import { ROLE_DATA, TAG } from "../components/aws/failover/contract";
import { namespaceConfig, resolveConfig } from "../stacks/config/resolve";
import { stackFileOf } from "../stacks/environments";
import { readStackFile, StackFileError } from "../stacks/plan/stack-file";

export interface LeftoverOptions {
    stack: string;
    delete: boolean;
}

export interface Leftover {
    kind: "volume" | "snapshot" | "dns-record";
    id: string;
    detail: string;
    /** USD a month while it is kept; for snapshots an upper bound (the API gives the volume's size, not the blocks stored). */
    monthly: number;
    /** Why it must not be deleted now, if so. */
    blocked?: string;
}

export class LeftoverUsageError extends Error {}

export function parseLeftoverArgs(argv: readonly string[]): LeftoverOptions {
    const options: LeftoverOptions = { stack: "", delete: false };
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--stack" || argv[i] === "-s") options.stack = argv[++i] ?? "";
        else if (argv[i] === "--delete") options.delete = true;
        else throw new LeftoverUsageError(`unknown argument ${argv[i]} (usage: npm run teardown:leftovers -- --stack NAME [--delete])`);
    }
    if (!options.stack) throw new LeftoverUsageError("--stack NAME is required (usage: npm run teardown:leftovers -- --stack NAME [--delete])");
    return options;
}

export interface TierTarget {
    region: string;
    tierName: string;
    dns?: { hostedZoneId: string; recordName: string };
}

/** The tier a stack's server runs as, from its stack file. */
export function tierTargetOf(stack: string, file = stackFileOf(stack)): TierTarget {
    let raw;
    try {
        raw = namespaceConfig(readStackFile(file, undefined).config);
    } catch (err) {
        if (err instanceof StackFileError) throw new LeftoverUsageError(err.message);
        throw err;
    }
    const resolved = resolveConfig(raw);
    if (!resolved.ok) throw new LeftoverUsageError(resolved.problems.join("\n"));
    const server = resolved.config.server;
    if (!server) throw new LeftoverUsageError(`landing-zone:server: stack ${stack} has no server tier, so nothing is left behind by it`);
    return { region: resolved.config.aws.region, tierName: server.tierName, ...(server.dns ? { dns: { hostedZoneId: server.dns.hostedZoneId, recordName: server.dns.recordName } } : {}) };
}

const price = (region: string, id: string) => findLine(CATALOGUE, "aws", region, id)?.price;

/** Every leftover of a tier, priced. */
export async function findLeftovers(target: TierTarget, ec2: EC2Client, route53: Route53Client): Promise<Leftover[]> {
    const filters: Filter[] = [{ Name: `tag:${TAG.tier}`, Values: [target.tierName] }, { Name: `tag:${TAG.role}`, Values: [ROLE_DATA] }];
    const volumes: Volume[] = [];
    let token: string | undefined;
    do {
        const page = await ec2.send(new DescribeVolumesCommand({ Filters: filters, NextToken: token }));
        volumes.push(...(page.Volumes ?? []));
        token = page.NextToken;
    } while (token);
    const snapshots: Snapshot[] = [];
    do {
        const page = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters: filters, NextToken: token }));
        snapshots.push(...(page.Snapshots ?? []));
        token = page.NextToken;
    } while (token);

    const snapshotPrice = price(target.region, "ebs.snapshot") ?? 0;
    const leftovers: Leftover[] = [
        ...volumes.map((v): Leftover => {
            const gb = v.Size ?? 0;
            const state = v.Tags?.find((t) => t.Key === TAG.state)?.Value ?? "untagged";
            return {
                kind: "volume", id: v.VolumeId ?? "?",
                detail: `${gb} GiB ${v.VolumeType ?? "?"} in ${v.AvailabilityZone ?? "?"}, ${v.State ?? "?"}, ${state}`,
                monthly: gb * (price(target.region, `ebs.${v.VolumeType}`) ?? 0),
                ...(v.State === "in-use" || (v.Attachments ?? []).length > 0 ? { blocked: "attached to an instance: destroy the stack first" } : {}),
            };
        }),
        ...snapshots.map((s): Leftover => ({
            kind: "snapshot", id: s.SnapshotId ?? "?",
            detail: `of ${s.VolumeId ?? "?"} (${s.VolumeSize ?? 0} GiB), ${s.State ?? "?"}, ${s.StartTime?.toISOString().slice(0, 16) ?? "?"}`,
            monthly: (s.VolumeSize ?? 0) * snapshotPrice,
            ...(s.State === "pending" ? { blocked: "still being taken" } : {}),
        })),
    ];
    if (target.dns) {
        const name = `${target.dns.recordName.replace(/\.$/, "")}.`;
        const page = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: target.dns.hostedZoneId, StartRecordName: name }));
        for (const record of (page.ResourceRecordSets ?? []).filter((r) => r.Name === name && (r.Type === "A" || r.Type === "AAAA"))) {
            leftovers.push({ kind: "dns-record", id: `${record.Type} ${name}`, detail: `→ ${(record.ResourceRecords ?? []).map((r) => r.Value).join(", ")} (points at released addresses once the stack is gone)`, monthly: 0 });
        }
    }
    return leftovers;
}

/** Deletes what may be deleted; returns the ids that failed or were blocked. */
export async function deleteLeftovers(target: TierTarget, leftovers: readonly Leftover[], ec2: EC2Client, route53: Route53Client): Promise<string[]> {
    const failed: string[] = [];
    for (const item of leftovers) {
        if (item.blocked) {
            failed.push(`${item.id}: ${item.blocked}`);
            continue;
        }
        try {
            if (item.kind === "volume") await ec2.send(new DeleteVolumeCommand({ VolumeId: item.id }));
            else if (item.kind === "snapshot") await ec2.send(new DeleteSnapshotCommand({ SnapshotId: item.id }));
            else if (target.dns) {
                const [type, name] = item.id.split(" ");
                const page = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: target.dns.hostedZoneId, StartRecordName: name, StartRecordType: type as ResourceRecordSet["Type"], MaxItems: 1 }));
                const record = page.ResourceRecordSets?.[0];
                if (record && record.Name === name && record.Type === type) {
                    await route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: target.dns.hostedZoneId, ChangeBatch: { Changes: [{ Action: "DELETE", ResourceRecordSet: record }] } }));
                }
            }
        } catch (err) {
            failed.push(`${item.id}: ${(err as Error).message}`);
        }
    }
    return failed;
}

export function renderLeftovers(target: TierTarget, leftovers: readonly Leftover[]): string[] {
    if (leftovers.length === 0) return [`nothing tagged ${TAG.tier}=${target.tierName} in ${target.region}${target.dns ? `, no record ${target.dns.recordName}` : ""}: nothing is left behind`];
    const total = leftovers.reduce((s, l) => s + l.monthly, 0);
    return [
        `kept after pulumi destroy (tagged ${TAG.tier}=${target.tierName}, ${TAG.role}=${ROLE_DATA}, in ${target.region}): about $${total.toFixed(2)} a month at most`,
        ...leftovers.map((l) => `  ${l.kind.padEnd(10)} ${l.id.padEnd(24)} $${l.monthly.toFixed(2).padStart(7)}/month  ${l.detail}${l.blocked ? ` [not deletable now: ${l.blocked}]` : ""}`),
    ];
}

export async function leftoversMain(argv: readonly string[], clients?: { ec2: EC2Client; route53: Route53Client }): Promise<number> {
    let options: LeftoverOptions;
    let target: TierTarget;
    try {
        options = parseLeftoverArgs(argv);
        target = tierTargetOf(options.stack);
    } catch (err) {
        if (!(err instanceof LeftoverUsageError)) throw err;
        process.stderr.write(`${err.message}\n`);
        return 2;
    }
    const ec2 = clients?.ec2 ?? new EC2Client({ region: target.region });
    const route53 = clients?.route53 ?? new Route53Client({ region: "us-east-1" });
    const leftovers = await findLeftovers(target, ec2, route53);
    process.stdout.write(`${renderLeftovers(target, leftovers).join("\n")}\n`);
    if (!options.delete) {
        if (leftovers.length > 0) process.stdout.write(`to delete them: npm run teardown:leftovers -- --stack ${options.stack} --delete\n`);
        return 0;
    }
    const failed = await deleteLeftovers(target, leftovers, ec2, route53);
    process.stdout.write(failed.length === 0 ? `deleted ${leftovers.length}\n` : `not deleted:\n${failed.map((f) => `  ${f}`).join("\n")}\n`);
    return failed.length === 0 ? 0 : 1;
}

if (require.main === module) {
    leftoversMain(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err: Error | undefined) => {
            process.stderr.write(`teardown:leftovers failed: ${String((err && err.message) || err)}\n`);
            process.exit(3);
        },
    );
}
