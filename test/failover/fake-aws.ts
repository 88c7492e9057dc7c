/**
 * An in-memory model of the EC2 volumes, snapshots, instances and the other
 * calls the failover handler makes, plugged into the real SDK clients with
 * aws-sdk-client-mock. Time is a number the handler's injected sleep moves
 * forward; states change when their time comes (volume creation, attachment,
 * snapshot completion) unless the AZ is down.
 *
 * It has the behaviours of the real services that a failover must survive
 * (../../../shared/reference/aws-failover-semantics.md): instances pass
 * through shutting-down (stuck there while their AZ is down, until EC2
 * force-terminates them) before terminated, and their volumes through
 * detaching; a terminating instance keeps running, and its app writing,
 * until it quiesces itself (the QUIESCED tag) or shuts down; Describe calls
 * lag behind creates; a call can be applied and its response lost; snapshot
 * progress stops while the AZ is down and a snapshot can fail; CreateSnapshot
 * is rate-limited per volume; lifecycle actions time out with their default
 * result unless completed or heartbeaten; DLM runs within an hour of its
 * schedule and keeps a count per volume; Route 53 can reject a change and a
 * DELETE must match the record exactly.
 *
 * Data is modelled as a history of write ids: a copy holds another's data if
 * that history is a prefix of its own. DeleteVolume and DeleteSnapshot check
 * the "nothing is lost" rule (and DeleteSnapshot that the snapshot is the
 * handler's, completed, not the newest, not a running instance's restore
 * point) and record violations.
 */
import {
    AutoScalingClient,
    CompleteLifecycleActionCommand,
    CreateOrUpdateTagsCommand,
    DescribeTagsCommand,
    RecordLifecycleActionHeartbeatCommand,
} from "@aws-sdk/client-auto-scaling";
import {
    AssociateAddressCommand,
    AttachVolumeCommand,
    CreateSnapshotCommand,
    CreateTagsCommand,
    CreateVolumeCommand,
    DeleteSnapshotCommand,
    DeleteTagsCommand,
    DeleteVolumeCommand,
    DescribeAddressesCommand,
    DescribeInstancesCommand,
    DescribeSnapshotsCommand,
    DescribeVolumesCommand,
    DescribeVolumeStatusCommand,
    EC2Client,
    Filter,
    Tag,
} from "@aws-sdk/client-ec2";
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { dlmSnapshotTags } from "../../components/aws/failover/contract";
import type { Clients } from "../../components/aws/failover/runtime";

export type History = readonly number[];

export interface FInstance {
    id: string;
    az: string;
    state: "pending" | "running" | "stopping" | "stopped" | "shutting-down" | "terminated";
    /** In Terminating:Wait (still running; the app writes until it quiesces). */
    terminating?: boolean;
    /** The app was stopped and the data unmounted by the instance's quiesce service. */
    quiesced?: boolean;
    quiesceAt?: number;
    shutdownAt?: number;
    terminatedAt?: number;
    publicIpv4?: string;
    ipv6?: string;
    tags: Record<string, string>;
}

export interface FVolume {
    id: string;
    az: string;
    state: "creating" | "available" | "in-use" | "error";
    sizeGiB: number;
    type: string;
    encrypted: boolean;
    kmsKeyId?: string;
    iops?: number;
    throughput?: number;
    createTime: number;
    readyAt: number;
    snapshotId?: string;
    attachment?: { instanceId: string; device: string; state: "attaching" | "attached" | "detaching"; readyAt: number };
    tags: Record<string, string>;
    history: History;
    /** Written to since it was created (a never-written copy holds only its source snapshot's data). */
    written?: boolean;
    visibleAt?: number;
}

export interface FSnapshot {
    id: string;
    volumeId: string;
    state: "pending" | "completed" | "error";
    startTime: number;
    doneAt: number;
    /** Work left (ms of an up AZ); progress stops while the source's AZ is down. */
    remainingMs?: number;
    /** Goes to `error` instead of completing. */
    fails?: boolean;
    sizeGiB: number;
    tags: Record<string, string>;
    history: History;
    visibleAt?: number;
}

export function awsError(code: string, message = code): Error {
    const e = new Error(message);
    e.name = code;
    Object.assign(e, { Code: code, $fault: "client", $metadata: { httpStatusCode: 400 } });
    return e;
}

const toTags = (m: Record<string, string>): Tag[] => Object.entries(m).map(([Key, Value]) => ({ Key, Value }));
const fromTags = (t: readonly Tag[] | undefined): Record<string, string> =>
    Object.fromEntries((t ?? []).map((x) => [x.Key ?? "", x.Value ?? ""]));
export const isPrefix = (a: History, b: History) => a.length <= b.length && a.every((x, i) => b[i] === x);

export const HOUR = 3_600_000;
export const START = Date.parse("2030-01-01T00:00:00Z");

export interface FakeOptions {
    azs?: string[];
    /** How long EBS takes; all well inside the handler's timeouts by default. */
    snapshotMs?: number;
    volumeCreateMs?: number;
    attachMs?: number;
    /** How an AZ outage shows: volumes "impaired" and CreateSnapshot refused, or everything just hangs. */
    outageMode?: "impaired" | "hang";
    /** DLM: snapshot every volume carrying `backup`=tier every `everyMs` (within `windowMs` after), keep `retain` per volume. */
    dlm?: { tier: string; everyMs: number; retain: number; windowMs?: number };
    /** shutting-down → terminated, when the AZ is up. */
    shutdownMs?: number;
    /** detaching → detached, when the AZ is up. */
    detachMs?: number;
    /** How long after the terminate hook starts the instance quiesces (Infinity: its quiesce service is broken). */
    quiesceMs?: number;
    /** How long a new volume or snapshot is invisible to Describe calls. */
    describeLagMs?: number;
    /** Lifecycle hooks' HeartbeatTimeout. */
    heartbeatTimeoutMs?: number;
    /** A stuck shutting-down instance is force-terminated after this (EC2: "hours"). */
    forceTerminateMs?: number;
    /** Seed of the fake's own randomness (DLM start window). */
    seed?: number;
}

export class FakeAws {
    now = START;
    readonly azs: string[];
    readonly instances = new Map<string, FInstance>();
    readonly volumes = new Map<string, FVolume>();
    readonly snapshots = new Map<string, FSnapshot>();
    readonly downAzs = new Set<string>();
    readonly asgTags = new Map<string, string>();
    readonly addresses = new Map<string, { publicIp: string; instanceId?: string }>();
    readonly dns = new Map<string, string>();
    readonly published: { subject: string; message: string }[] = [];
    readonly lifecycle = new Map<
        string,
        { instanceId: string; kind: "launch" | "terminate"; expiresAt: number; result?: string; expired?: boolean; completedAt?: number }
    >();
    private readonly openActions = new Set<string>();
    /** Commands whose next call is applied but whose response is lost (the SDK sees a timeout). */
    readonly loseNext = new Set<string>();
    readonly violations: string[] = [];
    readonly deletedVolumes: string[] = [];
    readonly deletedSnapshots: string[] = [];
    /** Pending faults: command name -> errors to throw on its next calls. */
    readonly faults = new Map<string, Error[]>();
    snapshotsNeverComplete = false;
    /** Restored copies that were committed (made the live copy), in order, and the copy each replaced. */
    readonly committedRestores: string[] = [];
    readonly restoreParents = new Map<string, string>();
    /** The AZ of every volume ever created (deleted ones included). */
    readonly volumeAzs = new Map<string, string>();
    /** The next N snapshots created go to `error` instead of completing. */
    failSnapshots = 0;
    /** Every command name sent, in order. */
    readonly calls: string[] = [];
    /** Commands whose next call never returns (a Lambda killed mid-call). */
    readonly hangNext = new Set<string>();
    outageMode: "impaired" | "hang";
    private readonly opts: Required<Omit<FakeOptions, "dlm" | "azs" | "outageMode">> & Pick<FakeOptions, "dlm">;
    private lastRefresh = START;
    private rand: number;
    private readonly dlmDue: number[] = [];
    private seq = 0;
    private writeSeq = 0;
    readonly writeTimes = new Map<number, number>();
    private nextDlmTick: number;
    /** CreateVolume client token → the volume it made and the request's parameters (all but the AZ and the token). */
    private readonly clientTokens = new Map<string, { volumeId: string; params: string }>();

    constructor(o: FakeOptions = {}) {
        this.azs = o.azs ?? ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
        this.outageMode = o.outageMode ?? "impaired";
        this.opts = {
            snapshotMs: o.snapshotMs ?? 120_000,
            volumeCreateMs: o.volumeCreateMs ?? 8_000,
            attachMs: o.attachMs ?? 4_000,
            shutdownMs: o.shutdownMs ?? 20_000,
            detachMs: o.detachMs ?? 5_000,
            quiesceMs: o.quiesceMs ?? 10_000,
            describeLagMs: o.describeLagMs ?? 0,
            heartbeatTimeoutMs: o.heartbeatTimeoutMs ?? 900_000,
            forceTerminateMs: o.forceTerminateMs ?? 3 * HOUR,
            seed: o.seed ?? 1,
            ...(o.dlm !== undefined ? { dlm: o.dlm } : {}),
        };
        this.rand = this.opts.seed;
        this.nextDlmTick = o.dlm !== undefined ? Math.ceil((START + 1) / o.dlm.everyMs) * o.dlm.everyMs : Infinity;
        this.addresses.set("eipalloc-0abc", { publicIp: "203.0.113.10" });
    }

    private id(prefix: string) {
        return `${prefix}-${(++this.seq).toString(16).padStart(8, "0")}`;
    }

    // ── time ────────────────────────────────────────────────────────────────

    /** The handler's sleep. */
    readonly sleep = async (ms: number): Promise<void> => this.advance(ms);

    advance(ms: number): void {
        const until = this.now + ms;
        for (;;) {
            const next = Math.min(this.nextDlmTick, ...this.dlmDue);
            if (next > until) break;
            this.now = next;
            this.refresh();
            if (next === this.nextDlmTick) {
                const w = this.opts.dlm!.windowMs ?? 0;
                this.dlmDue.push(this.now + Math.floor(this.random() * w));
                this.nextDlmTick += this.opts.dlm!.everyMs;
            } else {
                this.dlmDue.splice(this.dlmDue.indexOf(next), 1);
                this.dlmRun();
            }
        }
        this.now = until;
        this.refresh();
    }

    /** The fake's own seeded randomness (a 32-bit LCG), so a run is reproducible from its seed. */
    random(): number {
        this.rand = (Math.imul(this.rand, 1664525) + 1013904223) >>> 0;
        return this.rand / 2 ** 32;
    }

    private up(az: string): boolean {
        return !this.downAzs.has(az);
    }

    /** Applies every state change whose time has come. */
    refresh(): void {
        const elapsed = this.now - this.lastRefresh;
        this.lastRefresh = this.now;
        for (const i of this.instances.values()) {
            if (i.state === "pending" && this.up(i.az)) i.state = "running";
            if (i.terminating && !i.quiesced && i.quiesceAt !== undefined && this.now >= i.quiesceAt && this.up(i.az) && i.state === "running") {
                i.quiesced = true;
                i.tags["landing-zone:quiesced"] = new Date(this.now).toISOString();
            }
            if (i.state === "shutting-down" && i.shutdownAt !== undefined) {
                const forced = this.now >= i.shutdownAt + this.opts.forceTerminateMs;
                if ((this.up(i.az) && this.now >= i.shutdownAt) || forced) {
                    i.state = "terminated";
                    i.terminatedAt = this.now;
                    // Terminate disassociates an Elastic IP (it stays allocated).
                    for (const a of this.addresses.values()) if (a.instanceId === i.id) delete a.instanceId;
                }
            }
            // Terminated instances stay visible "approximately one hour" (and hold no volume by then unless their AZ is down).
            if (i.state === "terminated" && this.now - (i.terminatedAt ?? this.now) > HOUR && ![...this.volumes.values()].some((v) => v.attachment?.instanceId === i.id)) {
                this.instances.delete(i.id);
            }
            if (i.state === "stopping" && this.up(i.az)) i.state = "stopped";
        }
        for (const v of this.volumes.values()) {
            const up = this.up(v.az);
            if (v.state === "creating" && up && this.now >= v.readyAt) v.state = "available";
            if (v.attachment?.state === "attaching" && up && this.now >= v.attachment.readyAt) v.attachment.state = "attached";
            const holder = v.attachment && this.instances.get(v.attachment.instanceId);
            if (v.attachment && v.attachment.state !== "detaching" && holder?.state === "terminated" && up) {
                v.attachment.state = "detaching";
                v.attachment.readyAt = this.now + this.opts.detachMs;
            }
            if (v.attachment?.state === "detaching" && up && this.now >= v.attachment.readyAt) {
                delete v.attachment;
                v.state = "available";
            }
        }
        for (const s of this.snapshots.values()) {
            const source = this.volumes.get(s.volumeId);
            const up = source === undefined || this.up(source.az);
            if (s.state !== "pending" || this.snapshotsNeverComplete || !up) continue;
            s.remainingMs = Math.max(0, (s.remainingMs ?? s.doneAt - s.startTime) - elapsed);
            if (s.remainingMs === 0) s.state = s.fails ? "error" : "completed";
        }
        for (const token of this.openActions) {
            const a = this.lifecycle.get(token)!;
            if (a.result !== undefined) this.openActions.delete(token);
            else if (this.now > a.expiresAt) {
                this.openActions.delete(token);
                // The hook's DefaultResult: ABANDON for launches, CONTINUE for terminations.
                a.result = a.kind === "launch" ? "ABANDON" : "CONTINUE";
                a.expired = true;
            }
        }
    }

    private dlmRun(): void {
        const dlm = this.opts.dlm!;
        for (const v of this.volumes.values()) {
            if (v.tags["landing-zone:backup"] !== dlm.tier || this.downAzs.has(v.az)) continue;
            this.addSnapshot({ volumeId: v.id, tags: { ...dlmSnapshotTags(dlm.tier), "dlm:managed": "true" } });
        }
        // DLM's own retention (count-based, per volume), never the handler's business.
        const byVolume = new Map<string, FSnapshot[]>();
        for (const s of this.snapshots.values()) {
            if (s.tags["dlm:managed"] !== "true" || s.state !== "completed") continue;
            byVolume.set(s.volumeId, [...(byVolume.get(s.volumeId) ?? []), s]);
        }
        for (const list of byVolume.values()) {
            for (const s of list.sort((a, b) => b.startTime - a.startTime).slice(dlm.retain)) this.snapshots.delete(s.id);
        }
    }

    // ── world changes (not API calls) ───────────────────────────────────────

    addInstance(az: string, state: FInstance["state"] = "running"): FInstance {
        const n = this.seq + 1;
        const i: FInstance = {
            id: this.id("i"),
            az,
            state,
            publicIpv4: `198.51.100.${n % 250}`,
            ipv6: `2001:db8:${this.azs.indexOf(az)}::${n.toString(16)}`,
            tags: {},
        };
        this.instances.set(i.id, i);
        return i;
    }

    /** Auto Scaling marks the instance for termination (Terminating:Wait): it keeps running; its quiesce service reacts. */
    beginTermination(instanceId: string): void {
        const i = this.instances.get(instanceId);
        if (i === undefined || i.terminating) return;
        i.terminating = true;
        i.quiesceAt = this.now + this.opts.quiesceMs;
        this.refresh();
    }

    /** EC2 TerminateInstances (after the hook): shutting-down, then terminated once the AZ processes it. */
    terminate(instanceId: string): void {
        const i = this.instances.get(instanceId);
        if (i === undefined || i.state === "terminated" || i.state === "shutting-down") return;
        i.state = "shutting-down";
        i.shutdownAt = this.now + this.opts.shutdownMs;
        this.refresh();
    }

    addVolume(v: Partial<FVolume> & { az: string }): FVolume {
        const vol: FVolume = {
            id: this.id("vol"),
            state: "available",
            sizeGiB: 20,
            type: "gp3",
            encrypted: true,
            createTime: this.now,
            readyAt: this.now,
            tags: {},
            history: [],
            visibleAt: this.now + this.opts.describeLagMs,
            ...v,
        };
        this.volumes.set(vol.id, vol);
        this.volumeAzs.set(vol.id, vol.az);
        return vol;
    }

    attachNow(volumeId: string, instanceId: string): void {
        const v = this.volumes.get(volumeId)!;
        v.state = "in-use";
        v.attachment = { instanceId, device: "/dev/sdf", state: "attached", readyAt: this.now };
    }

    addSnapshot(s: Partial<FSnapshot> & { volumeId: string }): FSnapshot {
        const source = this.volumes.get(s.volumeId);
        const snap: FSnapshot = {
            id: this.id("snap"),
            state: "pending",
            startTime: this.now,
            doneAt: this.now + this.opts.snapshotMs,
            sizeGiB: source?.sizeGiB ?? 20,
            tags: {},
            history: source?.history ?? [],
            visibleAt: this.now + this.opts.describeLagMs,
            ...s,
        };
        this.snapshots.set(snap.id, snap);
        return snap;
    }

    /** The app writes once to the volume attached to `instanceId`; returns the write id if it was acknowledged. */
    write(instanceId: string): number | undefined {
        const i = this.instances.get(instanceId);
        if (i === undefined || i.state !== "running" || i.quiesced) return undefined;
        const v = [...this.volumes.values()].find((x) => x.attachment?.instanceId === instanceId && x.attachment.state === "attached");
        if (v === undefined || this.downAzs.has(v.az)) return undefined;
        const w = ++this.writeSeq;
        this.writeTimes.set(w, this.now);
        v.history = [...v.history, w];
        v.written = true;
        return w;
    }

    azDown(az: string): void {
        this.downAzs.add(az);
    }

    azUp(az: string): void {
        this.downAzs.delete(az);
        this.refresh();
    }

    openLifecycleAction(instanceId: string, kind: "launch" | "terminate" = "launch"): string {
        const token = `${(++this.seq).toString(16).padStart(8, "0")}-1111-2222-3333-444455556666`;
        this.lifecycle.set(token, { instanceId, kind, expiresAt: this.now + this.opts.heartbeatTimeoutMs });
        this.openActions.add(token);
        return token;
    }

    failNext(command: string, ...errors: Error[]): void {
        this.faults.set(command, [...(this.faults.get(command) ?? []), ...errors]);
    }

    volumeAttachedTo(instanceId: string): FVolume | undefined {
        return [...this.volumes.values()].find((v) => v.attachment?.instanceId === instanceId);
    }

    // ── the API ────────────────────────────────────────────────────────────

    private fault(command: string): void {
        const queue = this.faults.get(command);
        const err = queue?.shift();
        if (err !== undefined) throw err;
    }

    private matches(tags: Record<string, string>, filters: readonly Filter[] | undefined): boolean {
        for (const f of filters ?? []) {
            if (!f.Name?.startsWith("tag:")) throw new Error(`fake: unsupported filter ${f.Name}`);
            const v = tags[f.Name.slice(4)];
            if (v === undefined || !(f.Values ?? []).includes(v)) return false;
        }
        return true;
    }

    /** Pages of 4, so the handler's pagination is exercised. */
    private page<T>(items: T[], token: string | undefined): { items: T[]; next?: string } {
        const from = token === undefined ? 0 : Number(token);
        const next = from + 4 < items.length ? String(from + 4) : undefined;
        return { items: items.slice(from, from + 4), ...(next !== undefined ? { next } : {}) };
    }

    private volumeOut(v: FVolume) {
        return {
            VolumeId: v.id,
            AvailabilityZone: v.az,
            State: v.state,
            Size: v.sizeGiB,
            VolumeType: v.type,
            Encrypted: v.encrypted,
            CreateTime: new Date(v.createTime),
            ...(v.snapshotId !== undefined ? { SnapshotId: v.snapshotId } : {}),
            Attachments: v.attachment
                ? [{ InstanceId: v.attachment.instanceId, VolumeId: v.id, Device: v.attachment.device, State: v.attachment.state }]
                : [],
            Tags: toTags(v.tags),
        };
    }

    private snapshotOut(s: FSnapshot) {
        return {
            SnapshotId: s.id,
            VolumeId: s.volumeId,
            State: s.state,
            StartTime: new Date(s.startTime),
            VolumeSize: s.sizeGiB,
            Progress: s.state === "completed" ? "100%" : `${Math.floor(100 * (1 - (s.remainingMs ?? s.doneAt - s.startTime) / Math.max(1, s.doneAt - s.startTime)))}%`,
            Tags: toTags(s.tags),
        };
    }

    describeInstances(input: { InstanceIds?: string[] }) {
        this.fault("DescribeInstances");
        this.refresh();
        const found = (input.InstanceIds ?? []).map((id) => this.instances.get(id)).filter((i) => i !== undefined);
        if (found.length === 0) throw awsError("InvalidInstanceID.NotFound");
        return {
            Reservations: found.map((i) => ({
                Instances: [
                    {
                        InstanceId: i.id,
                        Placement: { AvailabilityZone: i.az },
                        State: { Name: i.state },
                        ...(i.publicIpv4 !== undefined ? { PublicIpAddress: i.publicIpv4 } : {}),
                        NetworkInterfaces: [
                            {
                                Attachment: { DeviceIndex: 0 },
                                Ipv6Addresses: i.ipv6 !== undefined ? [{ Ipv6Address: i.ipv6, IsPrimaryIpv6: true }] : [],
                            },
                        ],
                        Tags: toTags(i.tags),
                    },
                ],
            })),
        };
    }

    describeVolumes(input: { VolumeIds?: string[]; Filters?: Filter[]; NextToken?: string }) {
        this.fault("DescribeVolumes");
        this.refresh();
        const visible = [...this.volumes.values()].filter((v) => this.now >= (v.visibleAt ?? 0));
        for (const id of input.VolumeIds ?? []) {
            if (!visible.some((v) => v.id === id)) throw awsError("InvalidVolume.NotFound", `The volume '${id}' does not exist.`);
        }
        const all = visible.filter(
            (v) => (input.VolumeIds === undefined || input.VolumeIds.includes(v.id)) && this.matches(v.tags, input.Filters),
        );
        const p = this.page(all, input.NextToken);
        return { Volumes: p.items.map((v) => this.volumeOut(v)), ...(p.next !== undefined ? { NextToken: p.next } : {}) };
    }

    describeVolumeStatus(input: { VolumeIds?: string[] }) {
        this.fault("DescribeVolumeStatus");
        return {
            VolumeStatuses: (input.VolumeIds ?? []).map((id) => {
                const v = this.volumes.get(id);
                const impaired = v !== undefined && this.downAzs.has(v.az) && this.outageMode === "impaired";
                return { VolumeId: id, VolumeStatus: { Status: impaired ? "impaired" : "ok" } };
            }),
        };
    }

    describeSnapshots(input: { SnapshotIds?: string[]; Filters?: Filter[]; OwnerIds?: string[]; NextToken?: string }) {
        this.fault("DescribeSnapshots");
        this.refresh();
        if (input.SnapshotIds === undefined && !(input.OwnerIds ?? []).includes("self")) {
            throw new Error("fake: DescribeSnapshots without OwnerIds=self would list public snapshots");
        }
        const visible = [...this.snapshots.values()].filter((s) => this.now >= (s.visibleAt ?? 0));
        for (const id of input.SnapshotIds ?? []) {
            if (!visible.some((s) => s.id === id)) throw awsError("InvalidSnapshot.NotFound", `The snapshot '${id}' does not exist.`);
        }
        const all = visible.filter(
            (s) => (input.SnapshotIds === undefined || input.SnapshotIds.includes(s.id)) && this.matches(s.tags, input.Filters),
        );
        const p = this.page(all, input.NextToken);
        return { Snapshots: p.items.map((s) => this.snapshotOut(s)), ...(p.next !== undefined ? { NextToken: p.next } : {}) };
    }

    createSnapshot(input: { VolumeId?: string; TagSpecifications?: { Tags?: Tag[] }[] }) {
        this.fault("CreateSnapshot");
        const v = this.volumes.get(input.VolumeId ?? "");
        if (v === undefined) throw awsError("InvalidVolume.NotFound");
        if (v.state === "error" || (this.downAzs.has(v.az) && this.outageMode === "impaired")) {
            throw awsError("IncorrectState", `volume ${v.id} cannot be snapshotted`);
        }
        const recent = [...this.snapshots.values()].some((x) => x.volumeId === v.id && this.now - x.startTime < 15_000);
        if (recent) throw awsError("SnapshotCreationPerVolumeRateExceeded", "Wait at least 15 seconds between concurrent volume snapshots.");
        const s = this.addSnapshot({ volumeId: v.id, tags: fromTags(input.TagSpecifications?.[0]?.Tags) });
        if (this.failSnapshots > 0) {
            this.failSnapshots--;
            s.fails = true;
        }
        return this.snapshotOut(s);
    }

    createVolume(input: {
        AvailabilityZone?: string;
        Size?: number;
        SnapshotId?: string;
        VolumeType?: string;
        Encrypted?: boolean;
        KmsKeyId?: string;
        Iops?: number;
        Throughput?: number;
        ClientToken?: string;
        TagSpecifications?: { Tags?: Tag[] }[];
    }) {
        this.fault("CreateVolume");
        const az = input.AvailabilityZone ?? "";
        // Same token: the same parameters (other than the Region/AZ) are a no-op success, any other difference is refused.
        const { AvailabilityZone: _az, ClientToken: _token, ...rest } = input;
        const params = JSON.stringify(rest);
        const earlier = input.ClientToken === undefined ? undefined : this.clientTokens.get(input.ClientToken);
        if (earlier !== undefined) {
            if (earlier.params !== params) throw awsError("IdempotentParameterMismatch");
            return this.volumeOut(this.volumes.get(earlier.volumeId)!);
        }
        if (!this.azs.includes(az) || this.downAzs.has(az)) throw awsError("Unavailable", `${az} is not available`);
        let history: History = [];
        if (input.SnapshotId !== undefined) {
            const s = this.snapshots.get(input.SnapshotId);
            if (s === undefined) throw awsError("InvalidSnapshot.NotFound");
            if (s.state !== "completed") throw awsError("IncorrectState", `snapshot ${s.id} is ${s.state}`);
            if ((input.Size ?? 0) < s.sizeGiB) throw awsError("InvalidParameterValue", "volume smaller than snapshot");
            history = s.history;
        }
        const v = this.addVolume({
            az,
            state: "creating",
            sizeGiB: input.Size ?? 0,
            type: input.VolumeType ?? "gp2",
            encrypted: input.Encrypted === true,
            ...(input.KmsKeyId !== undefined ? { kmsKeyId: input.KmsKeyId } : {}),
            ...(input.Iops !== undefined ? { iops: input.Iops } : {}),
            ...(input.Throughput !== undefined ? { throughput: input.Throughput } : {}),
            ...(input.SnapshotId !== undefined ? { snapshotId: input.SnapshotId } : {}),
            readyAt: this.now + this.opts.volumeCreateMs,
            tags: fromTags(input.TagSpecifications?.[0]?.Tags),
            history,
        });
        if (input.ClientToken !== undefined) this.clientTokens.set(input.ClientToken, { volumeId: v.id, params });
        return this.volumeOut(v);
    }

    attachVolume(input: { VolumeId?: string; InstanceId?: string; Device?: string }) {
        this.fault("AttachVolume");
        this.refresh();
        const v = this.volumes.get(input.VolumeId ?? "");
        const i = this.instances.get(input.InstanceId ?? "");
        if (v === undefined) throw awsError("InvalidVolume.NotFound");
        if (i === undefined) throw awsError("InvalidInstanceID.NotFound");
        if (v.az !== i.az) throw awsError("InvalidVolume.ZoneMismatch");
        if (v.state !== "available") throw awsError("VolumeInUse", `volume ${v.id} is ${v.state}`);
        if (i.state !== "running") throw awsError("IncorrectState", `instance ${i.id} is ${i.state}`);
        v.state = "in-use";
        v.attachment = { instanceId: i.id, device: input.Device ?? "", state: "attaching", readyAt: this.now + this.opts.attachMs };
        return { VolumeId: v.id, InstanceId: i.id, State: "attaching" };
    }

    private resource(id: string): { tags: Record<string, string> } {
        const r = this.volumes.get(id) ?? this.snapshots.get(id) ?? this.instances.get(id);
        if (r === undefined) throw awsError("InvalidID", `no resource ${id}`);
        return r;
    }

    createTags(input: { Resources?: string[]; Tags?: Tag[] }) {
        this.fault("CreateTags");
        for (const id of input.Resources ?? []) {
            const r = this.resource(id);
            Object.assign(r.tags, fromTags(input.Tags));
            // Every restore that became the live copy, even if the copy is gone by the time anyone looks.
            if (r.tags["landing-zone:origin"] === "restore" && r.tags["landing-zone:state"] === "active" && !this.committedRestores.includes(id)) {
                this.committedRestores.push(id);
                this.restoreParents.set(id, r.tags["landing-zone:parent-volume-id"] ?? "");
            }
        }
        return {};
    }

    deleteTags(input: { Resources?: string[]; Tags?: Tag[] }) {
        this.fault("DeleteTags");
        for (const id of input.Resources ?? []) for (const t of input.Tags ?? []) delete this.resource(id).tags[t.Key ?? ""];
        return {};
    }

    deleteVolume(input: { VolumeId?: string }) {
        this.fault("DeleteVolume");
        this.refresh();
        const v = this.volumes.get(input.VolumeId ?? "");
        if (v === undefined) throw awsError("InvalidVolume.NotFound");
        // A volume that failed while being created (state error) can be deleted, like an available one.
        if (v.state !== "available" && v.state !== "error") throw awsError("VolumeInUse");
        // Nothing is lost: a completed snapshot and a live copy (attached, or the committed one) must hold this
        // volume's data; a copy never written holds only its source snapshot's data, which must still be there.
        const inSnapshot = [...this.snapshots.values()].some((s) => s.state === "completed" && isPrefix(v.history, s.history));
        const inLive = [...this.volumes.values()].some(
            (x) =>
                x.id !== v.id &&
                (x.attachment?.state === "attached" || x.tags["landing-zone:state"] === "active") &&
                isPrefix(v.history, x.history),
        );
        const source = v.snapshotId !== undefined ? this.snapshots.get(v.snapshotId) : undefined;
        const unwritten = !v.written && (v.history.length === 0 || (source?.state === "completed" && isPrefix(v.history, source.history)));
        if (!unwritten && (!inSnapshot || !inLive)) {
            this.violations.push(`DeleteVolume ${v.id} without a newer copy (snapshot: ${inSnapshot}, live copy: ${inLive})`);
        }
        this.volumes.delete(v.id);
        this.deletedVolumes.push(v.id);
        return {};
    }

    deleteSnapshot(input: { SnapshotId?: string }) {
        this.fault("DeleteSnapshot");
        this.refresh();
        const s = this.snapshots.get(input.SnapshotId ?? "");
        if (s === undefined) throw awsError("InvalidSnapshot.NotFound");
        const problems = this.snapshotDeletionProblems(s);
        if (problems.length > 0) this.violations.push(`DeleteSnapshot ${s.id}: ${problems.join("; ")}`);
        this.snapshots.delete(s.id);
        this.deletedSnapshots.push(s.id);
        return {};
    }

    /**
     * Why deleting `s` would lose data or overstep the handler, judged on the
     * data itself (write histories), not on tags the handler reasons with.
     */
    snapshotDeletionProblems(s: FSnapshot): string[] {
        const problems: string[] = [];
        const origin = s.tags["landing-zone:origin"];
        if (origin !== "failover" && origin !== "termination") problems.push(`not handler-made (origin ${origin ?? "none"}): DLM's to expire`);
        if (s.tags["dlm:managed"] === "true") problems.push("made by DLM");
        // A failed snapshot holds no data: deleting it loses nothing (and frees the pending-snapshot quota it counts against).
        if (s.state === "error") return problems;
        if (s.state !== "completed") problems.push(`it is ${s.state}`);
        const completed = [...this.snapshots.values()].filter((x) => x.state === "completed");
        const newest = completed.reduce<FSnapshot | undefined>((a, x) => (a === undefined || x.startTime > a.startTime ? x : a), undefined);
        if (newest?.id === s.id) problems.push("the newest completed snapshot");
        if (!completed.some((t) => t.id !== s.id && t.startTime > s.startTime && isPrefix(s.history, t.history))) {
            problems.push("no newer completed snapshot holds its data");
        }
        // Each running instance's data: its restore point is the newest completed snapshot holding a prefix of it.
        for (const v of this.volumes.values()) {
            const holder = v.attachment && this.instances.get(v.attachment.instanceId);
            // The live data is on an instance that may still write; a copy left attached to a dying one is a fork.
            if (holder === undefined || !["pending", "running", "stopping", "stopped"].includes(holder.state)) continue;
            const restorePoint = completed
                .filter((t) => isPrefix(t.history, v.history))
                .reduce<FSnapshot | undefined>((a, x) => (a === undefined || x.startTime > a.startTime ? x : a), undefined);
            if (restorePoint?.id === s.id) problems.push(`the restore point of ${v.id}, attached to ${holder.id}`);
        }
        for (const v of this.volumes.values()) {
            if (v.snapshotId === s.id && v.state === "creating") problems.push(`volume ${v.id} is being created from it`);
        }
        return problems;
    }

    associateAddress(input: { AllocationId?: string; InstanceId?: string; AllowReassociation?: boolean }) {
        this.fault("AssociateAddress");
        const a = this.addresses.get(input.AllocationId ?? "");
        if (a === undefined) throw awsError("InvalidAllocationID.NotFound");
        this.refresh();
        const i = this.instances.get(input.InstanceId ?? "");
        if (i === undefined) throw awsError("InvalidInstanceID.NotFound");
        if (i.state !== "running") throw awsError("IncorrectInstanceState", `instance ${i.id} is ${i.state}`);
        if (a.instanceId !== undefined && a.instanceId !== input.InstanceId && input.AllowReassociation !== true) {
            throw awsError("Resource.AlreadyAssociated");
        }
        a.instanceId = input.InstanceId!;
        return { AssociationId: `eipassoc-${input.InstanceId}` };
    }

    describeAddresses(input: { AllocationIds?: string[] }) {
        this.fault("DescribeAddresses");
        return {
            Addresses: (input.AllocationIds ?? []).map((id) => ({
                AllocationId: id,
                PublicIp: this.addresses.get(id)?.publicIp,
                InstanceId: this.addresses.get(id)?.instanceId,
            })),
        };
    }

    completeLifecycleAction(input: { LifecycleActionToken?: string; LifecycleActionResult?: string; InstanceId?: string }) {
        this.fault("CompleteLifecycleAction");
        this.refresh();
        const a = this.lifecycle.get(input.LifecycleActionToken ?? "");
        if (a === undefined || a.result !== undefined || a.instanceId !== input.InstanceId) {
            throw awsError("ValidationError", `No active Lifecycle Action found with token ${input.LifecycleActionToken}`);
        }
        a.result = input.LifecycleActionResult!;
        a.completedAt = this.now;
        return {};
    }

    recordLifecycleActionHeartbeat(input: { LifecycleActionToken?: string; InstanceId?: string }) {
        this.fault("RecordLifecycleActionHeartbeat");
        this.refresh();
        const a = this.lifecycle.get(input.LifecycleActionToken ?? "");
        if (a === undefined || a.result !== undefined || a.instanceId !== input.InstanceId) {
            throw awsError("ValidationError", `No active Lifecycle Action found with token ${input.LifecycleActionToken}`);
        }
        a.expiresAt = this.now + this.opts.heartbeatTimeoutMs;
        return {};
    }

    describeTags(input: { Filters?: { Name?: string; Values?: string[] }[] }) {
        this.fault("DescribeTags");
        const keys = input.Filters?.find((f) => f.Name === "key")?.Values ?? [];
        return {
            Tags: [...this.asgTags.entries()]
                .filter(([k]) => keys.length === 0 || keys.includes(k))
                .map(([Key, Value]) => ({ Key, Value, ResourceType: "auto-scaling-group" })),
        };
    }

    createOrUpdateTags(input: { Tags?: { Key?: string; Value?: string }[] }) {
        this.fault("CreateOrUpdateTags");
        for (const t of input.Tags ?? []) this.asgTags.set(t.Key ?? "", t.Value ?? "");
        return {};
    }

    changeRecordSets(input: { ChangeBatch?: { Changes?: { Action?: string; ResourceRecordSet?: { Type?: string; ResourceRecords?: { Value?: string }[] } }[] } }) {
        this.fault("ChangeResourceRecordSets");
        const changes = input.ChangeBatch?.Changes ?? [];
        // All or nothing: a DELETE must match the record as it is.
        for (const c of changes) {
            const type = c.ResourceRecordSet?.Type ?? "";
            if (c.Action === "DELETE" && this.dns.get(type) !== c.ResourceRecordSet?.ResourceRecords?.[0]?.Value) {
                throw awsError("InvalidChangeBatch", `Tried to delete resource record set ${type} but it was not found`);
            }
        }
        for (const c of changes) {
            const type = c.ResourceRecordSet?.Type ?? "";
            if (c.Action === "DELETE") this.dns.delete(type);
            else this.dns.set(type, c.ResourceRecordSet?.ResourceRecords?.[0]?.Value ?? "");
        }
        return { ChangeInfo: { Id: "C1", Status: "PENDING", SubmittedAt: new Date(this.now) } };
    }

    listRecordSets(input: { StartRecordName?: string; StartRecordType?: string }) {
        this.fault("ListResourceRecordSets");
        const types = ["A", "AAAA"].filter((t) => t >= (input.StartRecordType ?? "") && this.dns.has(t));
        return {
            ResourceRecordSets: types.map((Type) => ({ Name: `${input.StartRecordName}.`, Type, TTL: 60, ResourceRecords: [{ Value: this.dns.get(Type) }] })),
            IsTruncated: false,
            MaxItems: 1,
        };
    }

    publish(input: { Subject?: string; Message?: string }) {
        this.fault("Publish");
        this.published.push({ subject: input.Subject ?? "", message: input.Message ?? "" });
        return { MessageId: `m-${this.published.length}` };
    }
}

export interface Mocks {
    ec2: AwsClientStub<EC2Client>;
    autoscaling: AwsClientStub<AutoScalingClient>;
    route53: AwsClientStub<Route53Client>;
    sns: AwsClientStub<SNSClient>;
}

/** The command name -> fake method table, shared by both ways of plugging the fake in. */
function routes(fake: FakeAws): Record<string, (input: never) => unknown> {
    return {
        DescribeInstances: (i) => fake.describeInstances(i),
        DescribeVolumes: (i) => fake.describeVolumes(i),
        DescribeVolumeStatus: (i) => fake.describeVolumeStatus(i),
        DescribeSnapshots: (i) => fake.describeSnapshots(i),
        CreateSnapshot: (i) => fake.createSnapshot(i),
        CreateVolume: (i) => fake.createVolume(i),
        AttachVolume: (i) => fake.attachVolume(i),
        CreateTags: (i) => fake.createTags(i),
        DeleteTags: (i) => fake.deleteTags(i),
        DeleteVolume: (i) => fake.deleteVolume(i),
        DeleteSnapshot: (i) => fake.deleteSnapshot(i),
        AssociateAddress: (i) => fake.associateAddress(i),
        DescribeAddresses: (i) => fake.describeAddresses(i),
        CompleteLifecycleAction: (i) => fake.completeLifecycleAction(i),
        DescribeTags: (i) => fake.describeTags(i),
        CreateOrUpdateTags: (i) => fake.createOrUpdateTags(i),
        ChangeResourceRecordSets: (i) => fake.changeRecordSets(i),
        ListResourceRecordSets: (i) => fake.listRecordSets(i),
        RecordLifecycleActionHeartbeat: (i) => fake.recordLifecycleActionHeartbeat(i),
        Publish: (i) => fake.publish(i),
    };
}

/** Runs one fake call the way the SDK would: async, or never returning if asked to hang. */
async function call(fake: FakeAws, name: string, input: unknown): Promise<unknown> {
    fake.calls.push(name);
    if (fake.hangNext.delete(name)) return new Promise(() => undefined);
    const route = routes(fake)[name];
    if (route === undefined) throw new Error(`fake: unexpected command ${name}`);
    const out = route(input as never);
    if (fake.loseNext.delete(name)) throw awsError("TimeoutError", `${name}: applied, but the response was lost`);
    return out;
}

/**
 * Plugs the fake in with aws-sdk-client-mock (so tests can assert
 * commandCalls); anything not routed fails loudly.
 */
export function installFake(fake: FakeAws): Mocks {
    const m: Mocks = {
        ec2: mockClient(EC2Client),
        autoscaling: mockClient(AutoScalingClient),
        route53: mockClient(Route53Client),
        sns: mockClient(SNSClient),
    };
    for (const stub of Object.values(m) as AwsClientStub<EC2Client>[]) {
        stub.onAnyCommand().callsFake((input) => {
            throw new Error(`fake: unexpected command ${JSON.stringify(input)}`);
        });
    }
    const on = <I extends object>(stub: { on: (c: never) => { callsFake: (fn: (input: I) => unknown) => unknown } }, command: { name: string }) =>
        stub.on(command as never).callsFake((input: I) => call(fake, command.name.replace(/Command$/, ""), input));
    for (const c of [
        DescribeInstancesCommand,
        DescribeVolumesCommand,
        DescribeVolumeStatusCommand,
        DescribeSnapshotsCommand,
        CreateSnapshotCommand,
        CreateVolumeCommand,
        AttachVolumeCommand,
        CreateTagsCommand,
        DeleteTagsCommand,
        DeleteVolumeCommand,
        DeleteSnapshotCommand,
        AssociateAddressCommand,
        DescribeAddressesCommand,
    ]) {
        on(m.ec2 as never, c);
    }
    for (const c of [CompleteLifecycleActionCommand, DescribeTagsCommand, CreateOrUpdateTagsCommand, RecordLifecycleActionHeartbeatCommand]) {
        on(m.autoscaling as never, c);
    }
    on(m.route53 as never, ChangeResourceRecordSetsCommand);
    on(m.route53 as never, ListResourceRecordSetsCommand);
    on(m.sns as never, PublishCommand);
    return m;
}

/**
 * The same fake behind real SDK clients whose `send` goes straight to it: no
 * sinon matching per call, for the simulation's thousands of calls. Calls are
 * recorded in `fake.calls`.
 */
export function directClients(fake: FakeAws): Clients {
    // SDK clients are costly to build: one set per process, pointed at the fake of the moment.
    target = fake;
    shared ??= (() => {
        const plug = <T extends { send: unknown }>(client: T): T => {
            Object.defineProperty(client, "send", {
                value: (command: { constructor: { name: string }; input: unknown }) =>
                    call(target!, command.constructor.name.replace(/Command$/, ""), command.input),
            });
            return client;
        };
        return {
            ec2: plug(new EC2Client({ region: "eu-west-1" })),
            autoscaling: plug(new AutoScalingClient({ region: "eu-west-1" })),
            route53: plug(new Route53Client({ region: "eu-west-1" })),
            sns: plug(new SNSClient({ region: "eu-west-1" })),
        };
    })();
    return shared;
}
let shared: Clients | undefined;
let target: FakeAws | undefined;

export function restoreMocks(m: Mocks): void {
    for (const stub of Object.values(m) as AwsClientStub<EC2Client>[]) stub.restore();
}
