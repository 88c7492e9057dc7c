/**
 * The contract between the failover handler (a Lambda) and the Pulumi
 * component that deploys it: environment variable names, their parsing into
 * typed settings, and the tags the handler reads and writes.
 *
 * Pure: no SDK imports, so the component can use it under Pulumi mocks and the
 * handler bundle stays small.
 */

/** Environment variables the Lambda reads. */
export const ENV = {
    tierName: "TIER_NAME",
    volumeSizeGiB: "DATA_VOLUME_SIZE_GIB",
    volumeType: "DATA_VOLUME_TYPE",
    volumeIops: "DATA_VOLUME_IOPS",
    volumeThroughputMiBps: "DATA_VOLUME_THROUGHPUT_MIBPS",
    volumeKmsKeyId: "DATA_VOLUME_KMS_KEY_ID",
    volumeDeviceName: "DATA_VOLUME_DEVICE_NAME",
    elasticIpAllocationId: "ELASTIC_IP_ALLOCATION_ID",
    hostedZoneId: "HOSTED_ZONE_ID",
    recordName: "RECORD_NAME",
    recordTtl: "RECORD_TTL",
    snsTopicArn: "SNS_TOPIC_ARN",
    supersededVolumeRetention: "SUPERSEDED_VOLUME_RETENTION",
    handlerSnapshotRetention: "HANDLER_SNAPSHOT_RETENTION",
    snapshotWaitTimeoutSeconds: "SNAPSHOT_WAIT_TIMEOUT_SECONDS",
    volumeWaitTimeoutSeconds: "VOLUME_WAIT_TIMEOUT_SECONDS",
    /** The lifecycle hooks' HeartbeatTimeout: the handler completes (or heartbeats) before it runs out. */
    heartbeatTimeoutSeconds: "LIFECYCLE_HEARTBEAT_TIMEOUT_SECONDS",
    /**
     * How long the live copy's AZ must be seen unable to serve it (a dead
     * holder that never releases it, a snapshot that makes no progress),
     * across attempts, before the handler restores an older snapshot.
     */
    restoreAfterUnreachableSeconds: "RESTORE_AFTER_UNREACHABLE_SECONDS",
    /** How long the terminate handler waits for the instance to stop its app and unmount (the QUIESCED tag). */
    quiesceWaitSeconds: "QUIESCE_WAIT_SECONDS",
} as const;

/** Tag keys. Every volume and snapshot the handler makes carries TIER and ROLE. */
export const TAG = {
    /** Value: TIER_NAME. On volumes, snapshots (DLM's too), and ideally the EIP, instance and group. */
    tier: "landing-zone:tier",
    /** Value: ROLE_DATA. */
    role: "landing-zone:role",
    /** Volumes only. Value: VOLUME_STATE.* */
    state: "landing-zone:state",
    /** Volumes only: ISO time the volume stopped being the live copy. */
    supersededAt: "landing-zone:superseded-at",
    /**
     * The Data Lifecycle Manager target tag (value: TIER_NAME). Only the
     * active volume carries it, so DLM never snapshots a stale copy.
     */
    backup: "landing-zone:backup",
    /** Volume: the instance it was created for. Snapshot: the instance it was taken for (launch) or from (termination). Idempotency key. */
    instanceId: "landing-zone:instance-id",
    /** The lifecycle action token of the event that created the resource (diagnostics). */
    lifecycleToken: "landing-zone:lifecycle-token",
    /** Volume: empty | copy | restore. Snapshot: failover | termination | schedule. */
    origin: "landing-zone:origin",
    /** Snapshot: the volume it was taken from (EC2's VolumeId, repeated for tag filters). */
    sourceVolumeId: "landing-zone:source-volume-id",
    /** Volume: the snapshot it was created from. */
    sourceSnapshotId: "landing-zone:source-snapshot-id",
    /**
     * Volume: ISO time of the data it started with (its source snapshot's
     * start, or its creation if empty). Snapshots of the previous volume taken
     * after this are a fork the lineage left behind, never a restore point.
     */
    dataAsOf: "landing-zone:data-as-of",
    /**
     * Superseded volume: the data-as-of of the copy that replaced it, set when
     * it is superseded. Its snapshots started later are a fork (see
     * isLineageSnapshot); kept on the volume so the rule survives the
     * replacing copy being deleted in turn.
     */
    lineageUntil: "landing-zone:lineage-until",
    /**
     * Volume: the last instance it was attached to ("none" if never); set
     * before every attach. A failover snapshot records it as `generation`: the
     * snapshot holds the volume's final data while the two still match.
     */
    lastAttachedInstanceId: "landing-zone:last-attached-instance-id",
    /** Snapshot: the source volume's lastAttachedInstanceId when the snapshot was started. */
    generation: "landing-zone:generation",
    /** Instance: the data volume id, for the user data to mount. */
    dataVolumeId: "landing-zone:data-volume-id",
    /**
     * Auto Scaling group: set by the handler after it creates the very first
     * (empty) data volume. With it present, "no volume and no snapshot" means
     * data went missing and the handler refuses to start empty.
     */
    dataInitialized: "landing-zone:data-initialized",
    /**
     * Volume: the copy's place in the data lineage (the empty volume is 1; a
     * copy or restore of the volume with sequence n is n + 1). The live copy
     * is the committed one with the highest sequence; two at the top means a
     * copy this handler did not make (e.g. a test restore with copied tags).
     */
    sequence: "landing-zone:sequence",
    /** Volume: the copy it replaced (its predecessor in the lineage). */
    parentVolumeId: "landing-zone:parent-volume-id",
    /** Superseded volume: the copy that replaced it. */
    supersededBy: "landing-zone:superseded-by",
    /**
     * Superseded volume: the snapshot of its final data (taken after it was
     * released by a terminated instance) that its successor was made from.
     * Only with it may the volume ever be deleted: its writes live on.
     */
    finalSnapshotId: "landing-zone:final-snapshot-id",
    /** Volume: ISO time its AZ was first seen unable to serve it, across attempts (cleared on progress). */
    unreachableSince: "landing-zone:unreachable-since",
    /** Volume: what was seen (for the operator), with a snapshot's progress so a moving one resets the clock. */
    unreachableEvidence: "landing-zone:unreachable-evidence",
    /**
     * Volume, set by an operator (`npm run failover -- accept-data-loss`):
     * restore the newest snapshot now, losing the writes after it that only
     * this volume holds. The volume itself is kept.
     */
    acceptDataLoss: "landing-zone:accept-data-loss",
    /** Instance, set by the instance itself: its app is stopped and the data volume unmounted (value: ISO time). */
    quiesced: "landing-zone:quiesced",
} as const;

export const ROLE_DATA = "data";
export const NEVER_ATTACHED = "none";

/**
 * pending: a copy made by a launch, not yet the live one (never chosen, holds
 * only its source snapshot's data); active: the live copy (committed);
 * superseded: replaced by a newer copy.
 */
export const VOLUME_STATE = { pending: "pending", active: "active", superseded: "superseded" } as const;
export type VolumeStateTag = (typeof VOLUME_STATE)[keyof typeof VOLUME_STATE];

export const VOLUME_ORIGIN = { empty: "empty", copy: "copy", restore: "restore" } as const;
export const SNAPSHOT_ORIGIN = { failover: "failover", termination: "termination", schedule: "schedule" } as const;
/** Snapshots the handler makes itself, and so must expire itself (DLM only expires its own). */
export const HANDLER_SNAPSHOT_ORIGINS: readonly string[] = [SNAPSHOT_ORIGIN.failover, SNAPSHOT_ORIGIN.termination];

/** The EventBridge events the handler takes (Auto Scaling lifecycle actions). */
export const LIFECYCLE = {
    launchDetailType: "EC2 Instance-launch Lifecycle Action",
    terminateDetailType: "EC2 Instance-terminate Lifecycle Action",
    launching: "autoscaling:EC2_INSTANCE_LAUNCHING",
    terminating: "autoscaling:EC2_INSTANCE_TERMINATING",
} as const;

/** The EventBridge rule pattern for one group's lifecycle actions. */
export function lifecycleEventPattern(groupName: string) {
    return {
        source: ["aws.autoscaling"],
        "detail-type": [LIFECYCLE.launchDetailType, LIFECYCLE.terminateDetailType],
        detail: { AutoScalingGroupName: [groupName] },
    };
}

/** Tags the DLM policy must target (TargetTags). */
export function dlmTargetTags(tierName: string): Record<string, string> {
    return { [TAG.backup]: tierName };
}

/**
 * Tags every live data copy carries once the handler commits it (launch.ts),
 * whatever its history: what a snapshot policy can select it by. Without the
 * tier name, only the tier-independent ones.
 */
export function liveDataVolumeTags(tierName: string | undefined): Record<string, string> {
    const tierTags = tierName === undefined ? {} : { Name: `${tierName}-data`, [TAG.tier]: tierName, ...dlmTargetTags(tierName) };
    return { ...tierTags, [TAG.role]: ROLE_DATA, [TAG.state]: VOLUME_STATE.active };
}

/**
 * Tags the DLM policy must add to its snapshots (TagsToAdd, CopyTags false):
 * the handler finds restore candidates by TIER and ROLE.
 */
export function dlmSnapshotTags(tierName: string): Record<string, string> {
    return { [TAG.tier]: tierName, [TAG.role]: ROLE_DATA, [TAG.origin]: SNAPSHOT_ORIGIN.schedule };
}

export const VOLUME_TYPES = ["gp3", "gp2", "io1", "io2", "st1", "sc1", "standard"] as const;
export type VolumeType = (typeof VOLUME_TYPES)[number];

export interface DataVolumeSettings {
    sizeGiB: number;
    type: VolumeType;
    iops?: number;
    throughputMiBps?: number;
    /** Volumes are always encrypted; without a key, with the account's default EBS key. */
    kmsKeyId?: string;
    deviceName: string;
}

export interface DnsSettings {
    /** Bare zone id (a "/hostedzone/" prefix is stripped). */
    hostedZoneId: string;
    recordName: string;
    ttl: number;
}

export interface FailoverSettings {
    tierName: string;
    volume: DataVolumeSettings;
    elasticIpAllocationId?: string;
    dns?: DnsSettings;
    snsTopicArn?: string;
    supersededVolumeRetention: number;
    /** Newest completed handler-made (failover, termination) snapshots kept; older ones go when that loses nothing. */
    handlerSnapshotRetention: number;
    snapshotWaitTimeoutSeconds: number;
    volumeWaitTimeoutSeconds: number;
    /** The lifecycle hooks' HeartbeatTimeout. */
    heartbeatTimeoutSeconds: number;
    /** Evidence window before a restore that loses writes (see ENV.restoreAfterUnreachableSeconds). */
    restoreAfterUnreachableSeconds: number;
    /** The terminate handler's wait for the instance to quiesce. */
    quiesceWaitSeconds: number;
}

export const DEFAULTS = {
    volumeType: "gp3" as VolumeType,
    deviceName: "/dev/sdf",
    recordTtl: 60,
    supersededVolumeRetention: 1,
    handlerSnapshotRetention: 3,
    snapshotWaitTimeoutSeconds: 600,
    volumeWaitTimeoutSeconds: 300,
    heartbeatTimeoutSeconds: 900,
    restoreAfterUnreachableSeconds: 1800,
    quiesceWaitSeconds: 60,
} as const;

/** Every problem found, one line each naming the variable. */
export class FailoverSettingsError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid failover handler settings:\n${problems.map((p) => `  ${p}`).join("\n")}`);
        this.name = "FailoverSettingsError";
    }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses the Lambda environment; throws FailoverSettingsError listing every problem. */
export function parseFailoverSettings(env: Env): FailoverSettings {
    const problems: string[] = [];
    const text = (name: string): string | undefined => {
        const v = env[name]?.trim();
        return v === undefined || v === "" ? undefined : v;
    };
    const int = (name: string, min: number, max: number, fallback?: number): number | undefined => {
        const raw = text(name);
        if (raw === undefined) return fallback;
        if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
            problems.push(`${name}: expected an integer from ${min} to ${max}, got "${raw}"`);
            return fallback;
        }
        return Number(raw);
    };

    const tierName = text(ENV.tierName);
    if (tierName === undefined) problems.push(`${ENV.tierName}: required`);
    else if (!/^[A-Za-z0-9+\-=._:/@ ]{1,256}$/.test(tierName)) problems.push(`${ENV.tierName}: not a valid tag value`);

    const sizeGiB = int(ENV.volumeSizeGiB, 1, 65536);
    if (text(ENV.volumeSizeGiB) === undefined) problems.push(`${ENV.volumeSizeGiB}: required`);

    const rawType = text(ENV.volumeType) ?? DEFAULTS.volumeType;
    const type = (VOLUME_TYPES as readonly string[]).includes(rawType) ? (rawType as VolumeType) : undefined;
    if (type === undefined) problems.push(`${ENV.volumeType}: expected one of ${VOLUME_TYPES.join(", ")}, got "${rawType}"`);

    const iops = int(ENV.volumeIops, 100, 256000);
    if (iops !== undefined && type !== undefined && !["gp3", "io1", "io2"].includes(type)) {
        problems.push(`${ENV.volumeIops}: only gp3, io1 and io2 take provisioned IOPS (type is ${type})`);
    }
    if (iops === undefined && (type === "io1" || type === "io2") && text(ENV.volumeIops) === undefined) {
        problems.push(`${ENV.volumeIops}: required for ${type}`);
    }
    const throughputMiBps = int(ENV.volumeThroughputMiBps, 125, 2000);
    if (throughputMiBps !== undefined && type !== undefined && type !== "gp3") {
        problems.push(`${ENV.volumeThroughputMiBps}: only gp3 takes a throughput (type is ${type})`);
    }

    const deviceName = text(ENV.volumeDeviceName) ?? DEFAULTS.deviceName;
    if (!/^\/dev\/(sd[f-p]|xvd[f-p])$/.test(deviceName)) {
        problems.push(`${ENV.volumeDeviceName}: expected /dev/sd[f-p] or /dev/xvd[f-p], got "${deviceName}"`);
    }

    const elasticIpAllocationId = text(ENV.elasticIpAllocationId);
    if (elasticIpAllocationId !== undefined && !/^eipalloc-[0-9a-f]+$/.test(elasticIpAllocationId)) {
        problems.push(`${ENV.elasticIpAllocationId}: expected eipalloc-…, got "${elasticIpAllocationId}"`);
    }

    // Checked here so a hand-edited value is one line naming the variable, not an error from CreateVolume or Route 53 mid-failover.
    const kmsKeyId = text(ENV.volumeKmsKeyId);
    if (kmsKeyId !== undefined && !/^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_+=.@-]+|alias\/[A-Za-z0-9/_-]+|(mrk-)?[0-9a-f-]{32,36})$/.test(kmsKeyId)) {
        problems.push(`${ENV.volumeKmsKeyId}: expected a KMS key id, alias/… or key/alias ARN, got "${kmsKeyId}"`);
    }

    const zone = text(ENV.hostedZoneId)?.replace(/^\/hostedzone\//, "");
    if (zone !== undefined && !/^[A-Z0-9]{1,32}$/.test(zone)) problems.push(`${ENV.hostedZoneId}: expected a hosted zone id such as Z0123456789ABC, got "${zone}"`);
    const recordName = text(ENV.recordName);
    if (recordName !== undefined && (recordName.length > 254 || !/^(\*\.)?([A-Za-z0-9_-]{1,63}\.)*[A-Za-z0-9_-]{1,63}\.?$/.test(recordName))) {
        problems.push(`${ENV.recordName}: expected a DNS name such as app.example.com, got "${recordName}"`);
    }
    const ttl = int(ENV.recordTtl, 0, 2147483647, DEFAULTS.recordTtl);
    let dns: DnsSettings | undefined;
    if (zone !== undefined && recordName !== undefined) {
        dns = { hostedZoneId: zone, recordName, ttl: ttl ?? DEFAULTS.recordTtl };
    } else if (zone !== undefined || recordName !== undefined) {
        problems.push(`${ENV.hostedZoneId} and ${ENV.recordName}: set both or neither`);
    }

    const snsTopicArn = text(ENV.snsTopicArn);
    if (snsTopicArn !== undefined && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(snsTopicArn)) {
        problems.push(`${ENV.snsTopicArn}: expected an SNS topic ARN, got "${snsTopicArn}"`);
    }

    const supersededVolumeRetention = int(ENV.supersededVolumeRetention, 0, 100, DEFAULTS.supersededVolumeRetention);
    const handlerSnapshotRetention = int(ENV.handlerSnapshotRetention, 1, 1000, DEFAULTS.handlerSnapshotRetention);
    const snapshotWaitTimeoutSeconds = int(ENV.snapshotWaitTimeoutSeconds, 1, 900, DEFAULTS.snapshotWaitTimeoutSeconds);
    const volumeWaitTimeoutSeconds = int(ENV.volumeWaitTimeoutSeconds, 1, 900, DEFAULTS.volumeWaitTimeoutSeconds);
    // Auto Scaling's HeartbeatTimeout range.
    const heartbeatTimeoutSeconds = int(ENV.heartbeatTimeoutSeconds, 30, 7200, DEFAULTS.heartbeatTimeoutSeconds);
    const restoreAfterUnreachableSeconds = int(ENV.restoreAfterUnreachableSeconds, 0, 7 * 86400, DEFAULTS.restoreAfterUnreachableSeconds);
    const quiesceWaitSeconds = int(ENV.quiesceWaitSeconds, 0, 600, DEFAULTS.quiesceWaitSeconds);

    if (problems.length > 0) throw new FailoverSettingsError(problems);
    return {
        tierName: tierName!,
        volume: {
            sizeGiB: sizeGiB!,
            type: type!,
            ...(iops !== undefined ? { iops } : {}),
            ...(throughputMiBps !== undefined ? { throughputMiBps } : {}),
            ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
            deviceName,
        },
        ...(elasticIpAllocationId !== undefined ? { elasticIpAllocationId } : {}),
        ...(dns !== undefined ? { dns } : {}),
        ...(snsTopicArn !== undefined ? { snsTopicArn } : {}),
        supersededVolumeRetention: supersededVolumeRetention!,
        handlerSnapshotRetention: handlerSnapshotRetention!,
        snapshotWaitTimeoutSeconds: snapshotWaitTimeoutSeconds!,
        volumeWaitTimeoutSeconds: volumeWaitTimeoutSeconds!,
        heartbeatTimeoutSeconds: heartbeatTimeoutSeconds!,
        restoreAfterUnreachableSeconds: restoreAfterUnreachableSeconds!,
        quiesceWaitSeconds: quiesceWaitSeconds!,
    };
}

/** The inverse of parseFailoverSettings: what the component puts in the Lambda's environment. */
export function settingsToEnvironment(s: FailoverSettings): Record<string, string> {
    const env: Record<string, string> = {
        [ENV.tierName]: s.tierName,
        [ENV.volumeSizeGiB]: String(s.volume.sizeGiB),
        [ENV.volumeType]: s.volume.type,
        [ENV.volumeDeviceName]: s.volume.deviceName,
        [ENV.supersededVolumeRetention]: String(s.supersededVolumeRetention),
        [ENV.handlerSnapshotRetention]: String(s.handlerSnapshotRetention),
        [ENV.snapshotWaitTimeoutSeconds]: String(s.snapshotWaitTimeoutSeconds),
        [ENV.volumeWaitTimeoutSeconds]: String(s.volumeWaitTimeoutSeconds),
        [ENV.heartbeatTimeoutSeconds]: String(s.heartbeatTimeoutSeconds),
        [ENV.restoreAfterUnreachableSeconds]: String(s.restoreAfterUnreachableSeconds),
        [ENV.quiesceWaitSeconds]: String(s.quiesceWaitSeconds),
    };
    if (s.volume.iops !== undefined) env[ENV.volumeIops] = String(s.volume.iops);
    if (s.volume.throughputMiBps !== undefined) env[ENV.volumeThroughputMiBps] = String(s.volume.throughputMiBps);
    if (s.volume.kmsKeyId !== undefined) env[ENV.volumeKmsKeyId] = s.volume.kmsKeyId;
    if (s.elasticIpAllocationId !== undefined) env[ENV.elasticIpAllocationId] = s.elasticIpAllocationId;
    if (s.dns !== undefined) {
        env[ENV.hostedZoneId] = s.dns.hostedZoneId;
        env[ENV.recordName] = s.dns.recordName;
        env[ENV.recordTtl] = String(s.dns.ttl);
    }
    if (s.snsTopicArn !== undefined) env[ENV.snsTopicArn] = s.snsTopicArn;
    return env;
}

/** Lambda's hard limit; the handler bounds every wait by the time the invocation has left. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/**
 * The longest a launch can spend in the handler before it completes the
 * lifecycle action, for the component's RTO: the cross-AZ path waits for the
 * old instance to release the volume, the snapshot, the new volume and the
 * attachment, all capped by the Lambda timeout. RTO = detection + boot +
 * this; RPO (AZ lost) = the DLM schedule, both computed by the component.
 */
export function launchHandlerBudgetSeconds(
    s: Pick<FailoverSettings, "snapshotWaitTimeoutSeconds" | "volumeWaitTimeoutSeconds">,
): { sameAz: number; crossAz: number } {
    const cap = (n: number) => Math.min(n, LAMBDA_MAX_TIMEOUT_SECONDS);
    return {
        sameAz: cap(3 * s.volumeWaitTimeoutSeconds),
        crossAz: cap(s.snapshotWaitTimeoutSeconds + 4 * s.volumeWaitTimeoutSeconds),
    };
}
