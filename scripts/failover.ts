/**
 * `npm run failover -- <subcommand>`: the operator's view of a server tier's
 * data, and the one decision the failover handler never takes on its own
 * before the restore window has run out: restoring an older snapshot, losing
 * the writes after it.
 *
 *   status --tier <tier>
 *       the tier's data volumes (state, lineage, AZ, attachment, the
 *       handler's evidence that an AZ cannot serve a copy, an accepted loss)
 *       and its snapshots, found by the tag `landing-zone:tier`.
 *   accept-data-loss --tier <tier> --volume vol-… [--yes]
 *       prints what would be lost (the writes to the live copy after the
 *       snapshot the handler would restore: the newest completed one in its
 *       lineage), then, with --yes, tags the volume
 *       `landing-zone:accept-data-loss=<ISO time>`: the handler's next launch
 *       restores that snapshot at once instead of waiting out the window.
 *       The volume itself is kept.
 *
 * The region comes from --region or AWS_REGION; credentials from the usual
 * AWS SDK chain. Exit status: 0 done, 1 refused or an AWS error, 2 usage.
 */
import {
    CreateTagsCommand,
    DescribeSnapshotsCommand,
    DescribeVolumesCommand,
    EC2Client,
    Filter,
    Snapshot,
    Volume,
} from "@aws-sdk/client-ec2";
import { ROLE_DATA, TAG } from "../components/aws/failover/contract";
// The handler's own inventory rules, so "what will be restored" is the handler's choice, not a guess.
import { chooseLive, restoreCandidate, sequenceOf, tierFilters, toDataSnapshot, toDataVolume } from "../components/aws/failover/inventory";
import { awsRegion, awsRegionCodes } from "../components/catalogue/aws-regions";
import { didYouMean } from "../components/catalogue/suggest";

export const USAGE = `Usage: npm run failover -- <subcommand> [options]

Subcommands:
  status --tier <tier>
      List the tier's data volumes (state, sequence, AZ, attachment, unreachable
      since / evidence, accepted data loss) and its snapshots.
  accept-data-loss --tier <tier> --volume <vol-…> [--yes]
      Show what restoring the newest completed snapshot of the live copy would
      lose; with --yes, tag the volume ${TAG.acceptDataLoss}=<now> so the failover
      handler restores at its next launch instead of waiting out
      server.failover.restoreAfterUnreachableMinutes. The volume is kept.

Options:
  --region <region>   AWS region (default: $AWS_REGION)
  --yes               confirm accept-data-loss
  -h, --help          this text

The same decision without this command:
  aws ec2 create-tags --resources <vol-…> --tags Key=${TAG.acceptDataLoss},Value=$(date -u +%Y-%m-%dT%H:%M:%SZ)
`;

/** A problem with the command line or the request: one line, exit status 2 (usage) or 1 (refused). */
export class OperatorError extends Error {
    constructor(message: string, readonly exitCode: 1 | 2) {
        super(message);
        this.name = "OperatorError";
    }
}

export interface OperatorIo {
    out: (line: string) => void;
    err: (line: string) => void;
    env: Readonly<Record<string, string | undefined>>;
    now: () => Date;
    /** The EC2 client for a region (tests pass a mocked one). */
    ec2: (region: string) => EC2Client;
}

interface Args {
    command?: string;
    tier?: string;
    volume?: string;
    region?: string;
    yes: boolean;
    help: boolean;
}

const SUBCOMMANDS = ["status", "accept-data-loss"] as const;
const VALUE_FLAGS = new Set(["--tier", "--volume", "--region"]);

export function parseArgs(argv: readonly string[]): Args {
    const args: Args = { yes: false, help: false };
    for (let i = 0; i < argv.length; i++) {
        const token = argv[i];
        const [flag, inline] = token.startsWith("--") && token.includes("=") ? [token.slice(0, token.indexOf("=")), token.slice(token.indexOf("=") + 1)] : [token, undefined];
        if (flag === "-h" || flag === "--help") args.help = true;
        else if (flag === "--yes") args.yes = true;
        else if (VALUE_FLAGS.has(flag)) {
            const value = inline ?? argv[++i];
            if (value === undefined || value === "" || value.startsWith("--")) throw new OperatorError(`${flag} needs a value`, 2);
            args[flag.slice(2) as "tier" | "volume" | "region"] = value;
        } else if (flag.startsWith("-")) {
            throw new OperatorError(`unknown option ${flag} (see --help)`, 2);
        } else if (args.command === undefined) {
            args.command = token;
        } else {
            throw new OperatorError(`unexpected argument "${token}" (see --help)`, 2);
        }
    }
    return args;
}

/** Runs one command; returns the exit status. Never throws. */
export async function runFailoverCommand(argv: readonly string[], io: OperatorIo): Promise<number> {
    try {
        const args = parseArgs(argv);
        if (args.help || args.command === undefined) {
            if (args.command === undefined && !args.help) throw new OperatorError(`a subcommand is required: ${SUBCOMMANDS.join(" or ")} (see --help)`, 2);
            io.out(USAGE);
            return 0;
        }
        if (!(SUBCOMMANDS as readonly string[]).includes(args.command)) {
            throw new OperatorError(`unknown subcommand "${args.command}": expected ${SUBCOMMANDS.join(" or ")} (see --help)`, 2);
        }
        if (args.tier === undefined) throw new OperatorError(`${args.command} needs --tier <tier> (the server tier's name, e.g. prod-app)`, 2);
        const region = args.region ?? io.env.AWS_REGION;
        if (region === undefined || region === "") throw new OperatorError("no region: pass --region <region> or set AWS_REGION", 2);
        // A typo would otherwise reach the SDK as an endpoint that does not resolve.
        if (awsRegion(region) === undefined) {
            const from = args.region !== undefined ? "--region" : "AWS_REGION";
            throw new OperatorError(`${from}: "${region}" is not an AWS region${didYouMean(region, awsRegionCodes())}`, 2);
        }
        const ec2 = io.ec2(region);
        if (args.command === "status") {
            await status(ec2, args.tier, region, io);
            return 0;
        }
        if (args.volume === undefined) throw new OperatorError("accept-data-loss needs --volume <vol-…> (the tier's live copy; see status)", 2);
        if (!/^vol-[0-9a-f]+$/.test(args.volume)) throw new OperatorError(`--volume: expected a volume id vol-…, got "${args.volume}"`, 2);
        return await acceptDataLoss(ec2, { tier: args.tier, volumeId: args.volume, region, yes: args.yes }, io);
    } catch (err) {
        if (err instanceof OperatorError) {
            io.err(`failover: ${err.message}`);
            return err.exitCode;
        }
        const e = err as { name?: string; message?: string };
        io.err(`failover: AWS error ${e.name ?? "Error"}: ${(e.message ?? String(err)).split("\n")[0]}`);
        return 1;
    }
}

// ── status ─────────────────────────────────────────────────────────────────

async function status(ec2: EC2Client, tier: string, region: string, io: OperatorIo): Promise<void> {
    const [volumes, snapshots] = await Promise.all([
        describeVolumes(ec2, tierFilters(tier)),
        describeSnapshots(ec2, tierFilters(tier)),
    ]);
    if (volumes.length === 0 && snapshots.length === 0) {
        io.out(`No data volumes or snapshots tagged ${TAG.tier}=${tier} in ${region}.`);
        return;
    }
    // The handler's reading of the sequence tag (a missing or malformed one is 0), so the sort never sees NaN.
    const sequence = (v: Volume) => sequenceOf(toDataVolume(v));
    volumes.sort((a, b) => sequence(b) - sequence(a) || time(b.CreateTime) - time(a.CreateTime));
    io.out(`Data volumes of tier ${tier} (${region}), newest in the lineage first:`);
    io.out(
        table(
            ["volume", "state", "ec2", "seq", "AZ", "attached to", "created", "unreachable since", "evidence", "accept-data-loss"],
            volumes.map((v) => [
                v.VolumeId ?? "?",
                tagOf(v, TAG.state) ?? "(none)",
                v.State ?? "?",
                tagOf(v, TAG.sequence) ?? "-",
                v.AvailabilityZone ?? "?",
                (v.Attachments ?? []).map((a) => `${a.InstanceId} (${a.State})`).join(", ") || "-",
                iso(v.CreateTime),
                tagOf(v, TAG.unreachableSince) ?? "-",
                tagOf(v, TAG.unreachableEvidence) ?? "-",
                tagOf(v, TAG.acceptDataLoss) ?? "-",
            ]),
        ),
    );
    // The handler's own choice (by lineage), so status never claims a refusal the handler would not make.
    const choice = chooseLive(volumes.map(toDataVolume));
    if (choice.kind === "none") io.out("No volume is the live copy (none is tagged active, attached, or was ever attached).");
    else if (choice.kind === "conflict") io.out(`${choice.volumes.length} volumes are tagged as the live copy: the handler refuses to choose; see its alerts.`);
    else io.out(`The live copy, as the handler chooses it: ${choice.volume.id}.`);
    io.out("");
    snapshots.sort((a, b) => time(b.StartTime) - time(a.StartTime));
    io.out(`Snapshots of tier ${tier}, newest first:`);
    io.out(
        table(
            ["snapshot", "state", "progress", "started", "origin", "from volume", "GiB"],
            snapshots.map((s) => [
                s.SnapshotId ?? "?",
                s.State ?? "?",
                s.Progress ?? "-",
                iso(s.StartTime),
                tagOf(s, TAG.origin) ?? "-",
                tagOf(s, TAG.sourceVolumeId) ?? s.VolumeId ?? "-",
                String(s.VolumeSize ?? "-"),
            ]),
        ),
    );
}

// ── accept-data-loss ───────────────────────────────────────────────────────

async function acceptDataLoss(
    ec2: EC2Client,
    a: { tier: string; volumeId: string; region: string; yes: boolean },
    io: OperatorIo,
): Promise<number> {
    const found = await describeVolumes(ec2, [{ Name: "volume-id", Values: [a.volumeId] }]);
    const volume = found[0];
    if (volume === undefined) throw new OperatorError(`volume ${a.volumeId} not found in ${a.region}`, 1);
    const volumeTier = tagOf(volume, TAG.tier);
    if (volumeTier !== a.tier || tagOf(volume, TAG.role) !== ROLE_DATA) {
        throw new OperatorError(
            `volume ${a.volumeId} is not a data volume of tier ${a.tier} (its ${TAG.tier} is ${volumeTier === undefined ? "missing" : `"${volumeTier}"`}, ${TAG.role} ${tagOf(volume, TAG.role) ?? "missing"})`,
            1,
        );
    }
    // The live copy is the handler's own choice (a copy that lost its state tag can still be it).
    const [tierVolumes, tierSnapshots] = await Promise.all([
        describeVolumes(ec2, tierFilters(a.tier)),
        describeSnapshots(ec2, tierFilters(a.tier)),
    ]);
    const volumes = tierVolumes.map(toDataVolume);
    const snapshots = tierSnapshots.map(toDataSnapshot);
    const choice = chooseLive(volumes);
    if (choice.kind !== "live" || choice.volume.id !== a.volumeId) {
        const handler = choice.kind === "live"
            ? `the handler's live copy is ${choice.volume.id}`
            : choice.kind === "conflict"
                ? `the handler finds ${choice.volumes.length} copies claiming to be live (${choice.volumes.map((v) => v.id).join(", ")}) and chooses none`
                : "the handler finds no live copy";
        throw new OperatorError(
            `volume ${a.volumeId} is not the live copy of tier ${a.tier} (${handler}; this one's ${TAG.state} is ${tagOf(volume, TAG.state) ?? "missing"}); accept the loss on the live copy (see status)`,
            1,
        );
    }
    const already = tagOf(volume, TAG.acceptDataLoss);
    if (already !== undefined) {
        io.out(`Volume ${a.volumeId} already carries ${TAG.acceptDataLoss}=${already}; nothing changed.`);
        return 0;
    }

    // What the handler will restore: its own choice (the newest completed snapshot in this copy's lineage).
    const restorePoint = restoreCandidate(snapshots, volumes, toDataVolume(volume));
    if (restorePoint === undefined) {
        throw new OperatorError(
            `volume ${a.volumeId} has no completed snapshot in its lineage (of it, or of the copies it was made from): there is nothing older to restore, so accepting the loss would not bring the tier back; nothing changed`,
            1,
        );
    }
    const now = io.now();
    const since = new Date(restorePoint.startTime);
    io.out(`Accepting data loss on ${a.volumeId}, the live copy of tier ${a.tier} in ${volume.AvailabilityZone}${tagOf(volume, TAG.sequence) ? ` (sequence ${tagOf(volume, TAG.sequence)})` : ""}:`);
    const evidenceSince = tagOf(volume, TAG.unreachableSince);
    io.out(
        evidenceSince !== undefined
            ? `  the handler has seen its AZ unable to serve it since ${evidenceSince}: ${tagOf(volume, TAG.unreachableEvidence) ?? "(no detail)"}`
            : "  the handler has recorded no evidence that its AZ cannot serve it: make sure the AZ really is lost",
    );
    const of = restorePoint.volumeId === a.volumeId ? "of it" : `of ${restorePoint.volumeId}, an earlier copy in its lineage`;
    io.out(`  the handler will restore snapshot ${restorePoint.id} (${of}, origin ${restorePoint.tags[TAG.origin] ?? "unknown"}, taken ${iso(since)}) into a new volume;`);
    io.out(`  every write to ${a.volumeId} after ${iso(since)} (${age(now.getTime() - since.getTime())} before now, and any until the restore) will be lost.`);
    const pending = snapshots.filter((s) => s.volumeId === a.volumeId && s.state === "pending" && s.startTime > restorePoint.startTime);
    for (const s of pending) io.out(`  snapshot ${s.id} of it, taken ${iso(new Date(s.startTime))}, is still pending (${s.progress || "?"}); if it completes first, less is lost.`);
    io.out(`  ${a.volumeId} itself is kept: if its AZ comes back, its data is still there.`);
    if (!a.yes) {
        io.err("failover: nothing changed; run again with --yes to accept this loss");
        return 1;
    }
    const value = now.toISOString();
    await ec2.send(new CreateTagsCommand({ Resources: [a.volumeId], Tags: [{ Key: TAG.acceptDataLoss, Value: value }] }));
    io.out(`Tagged ${a.volumeId} ${TAG.acceptDataLoss}=${value}: the failover handler restores at its next launch attempt.`);
    return 0;
}

// ── helpers ────────────────────────────────────────────────────────────────

async function describeVolumes(ec2: EC2Client, Filters: Filter[]): Promise<Volume[]> {
    const out: Volume[] = [];
    let NextToken: string | undefined;
    do {
        const r = await ec2.send(new DescribeVolumesCommand({ Filters, ...(NextToken ? { NextToken } : {}) }));
        out.push(...(r.Volumes ?? []));
        NextToken = r.NextToken;
    } while (NextToken);
    return out;
}

async function describeSnapshots(ec2: EC2Client, Filters: Filter[]): Promise<Snapshot[]> {
    const out: Snapshot[] = [];
    let NextToken: string | undefined;
    do {
        const r = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"], Filters, ...(NextToken ? { NextToken } : {}) }));
        out.push(...(r.Snapshots ?? []));
        NextToken = r.NextToken;
    } while (NextToken);
    return out;
}

function tagOf(r: { Tags?: Array<{ Key?: string; Value?: string }> }, key: string): string | undefined {
    return r.Tags?.find((t) => t.Key === key)?.Value;
}

const time = (d: Date | undefined) => d?.getTime() ?? 0;
const iso = (d: Date | undefined) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : "-");

function age(ms: number): string {
    const minutes = Math.max(0, Math.round(ms / 60000));
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} days ${hours % 24} h`;
}

function table(header: string[], rows: string[][]): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i])).join("  ")}`.trimEnd();
    return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

if (require.main === module) {
    void runFailoverCommand(process.argv.slice(2), {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
        env: process.env,
        now: () => new Date(),
        ec2: (region) => new EC2Client({ region }),
    }).then((code) => {
        process.exitCode = code;
    });
}
