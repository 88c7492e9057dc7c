/**
 * What the multi-AZ server tier is told to build, fully defaulted: the shape
 * the stack config resolves to and the MultiAzServer component takes (plus
 * the network it lands in). Pure: no Pulumi imports, so the config code and
 * the RTO/RPO estimate share it.
 */
import { Architecture } from "./server-instance-types";

/** The snapshot intervals Data Lifecycle Manager accepts (CreateRule.Interval, in hours). */
export const DLM_INTERVAL_HOURS = [1, 2, 3, 4, 6, 8, 12, 24] as const;
export type DlmIntervalHours = (typeof DLM_INTERVAL_HOURS)[number];

export type Market = "spot" | "on-demand";
export type SpotAllocationStrategy = "price-capacity-optimized" | "capacity-optimized" | "lowest-price";
export type Filesystem = "xfs" | "ext4";

/** One inbound rule, opened from anywhere on both IPv4 and IPv6 (never one family alone). */
export interface ServerIngressRule {
    /** Rule name (the security group rules' description). */
    name: string;
    protocol: "tcp" | "udp";
    fromPort: number;
    toPort: number;
}

export interface ServerSettings {
    /**
     * The tier's name (`<environment>-<server.name>`): the Lambda's TIER_NAME,
     * the `landing-zone:tier` tag value on every volume, snapshot, instance and
     * address of the tier (the IAM policies are scoped by it), and the Auto
     * Scaling group's name.
     */
    tierName: string;
    /** Interchangeable instance types, one architecture; the first is preferred for on-demand. */
    instanceTypes: string[];
    /** Their architecture (picks the Amazon Linux 2023 image). */
    architecture: Architecture;
    /** spot: Spot only (onDemandBaseCapacity 0). on-demand: on-demand only. */
    market: Market;
    /** How Spot capacity is chosen across the instance types. Default price-capacity-optimized. */
    spotAllocationStrategy: SpotAllocationStrategy;
    /** Replace a Spot instance proactively on a rebalance recommendation. Default: on with Spot. */
    capacityRebalance: boolean;
    /** Seconds after the instance goes InService (the lifecycle hook done) before health checks count: app start time. */
    healthCheckGracePeriodSeconds: number;
    /** Root volume (gp3, encrypted), GiB. */
    rootVolumeSizeGiB: number;
    dataVolume: {
        /** gp3 size in GiB. */
        sizeGiB: number;
        /** gp3 IOPS (3000 is free). */
        iops: number;
        /** gp3 throughput in MiB/s (125 is free). */
        throughputMiBps: number;
        /** A customer-managed KMS key ARN; absent: the account's default EBS key. Volumes are always encrypted. */
        kmsKeyArn?: string;
        /** Where the user data mounts it. */
        mountPoint: string;
        /** The filesystem made on the very first (empty) volume. */
        filesystem: Filesystem;
    };
    app: {
        /** The systemd unit started once the data volume is mounted (made to require the mount). */
        systemdUnit?: string;
        /** dnf packages installed at boot, while the handler brings the data volume. */
        packages: string[];
    };
    /** Inbound from the internet. Empty: nothing is open (administration is through Session Manager, never port 22). */
    ingress: ServerIngressRule[];
    /** An Elastic IP moved to each new instance by the handler. Off: IPv6 only (no public IPv4 charge). */
    elasticIp: boolean;
    /** A Route 53 record the handler keeps pointed at the instance (A with the Elastic IP, AAAA always). */
    dns?: { hostedZoneId: string; recordName: string; ttl: number };
    snapshots: {
        /** Data Lifecycle Manager interval: the worst-case data loss when the instance's AZ is lost. */
        intervalHours: DlmIntervalHours;
        /** Scheduled snapshots kept. */
        retainCount: number;
        /** UTC start of the schedule, hh:mm. */
        startTime: string;
    };
    failover: {
        /** The handler's bound on waiting for a snapshot to complete. */
        snapshotWaitTimeoutSeconds: number;
        /** The handler's bound on each volume wait (available, attached, released). */
        volumeWaitTimeoutSeconds: number;
        /** Superseded data volumes kept after a failover (their data is also in a snapshot). */
        supersededVolumeRetention: number;
        /** Newest completed handler-made (failover, termination) snapshots kept; DLM expires its own. */
        handlerSnapshotRetention: number;
        /**
         * Minutes the live copy's AZ must be seen unable to serve it, across
         * attempts, before the handler restores an older snapshot and loses the
         * writes after it (an operator's accept-data-loss skips the wait); 0 = at once.
         */
        restoreAfterUnreachableMinutes: number;
        /** Seconds the terminate handler waits for the instance to stop its app and unmount (the quiesced tag). */
        quiesceWaitSeconds: number;
        /** The handler's log retention, days. */
        logRetentionDays: number;
    };
    /** Email told of every replacement and every handler failure (confirm the subscription once). */
    alertEmail?: string;
}
