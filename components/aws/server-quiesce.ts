/**
 * Quiescing on the server instance: a small systemd service, installed by
 * the user data, that makes the terminate handler's snapshot the final data.
 *
 * Auto Scaling keeps a terminating instance running (its app writing) while
 * the terminate hook waits. The instance can read its target state from
 * IMDSv2 (`meta-data/autoscaling/target-lifecycle-state`, 404 until Auto
 * Scaling sets one). The watcher polls it every few seconds; on `Terminated`
 * it
 *
 *   1. takes the data lock and leaves a marker, so a boot still in progress
 *      (the user data) never mounts the volume or starts the app afterwards;
 *   2. stops the app's systemd unit (if one is configured);
 *   3. runs `sync` and unmounts the data volume's mount point, retrying while
 *      it is busy; a lazy unmount only as a last resort, logged with the
 *      processes holding it;
 *   4. tags its own instance `landing-zone:quiesced=<ISO time>` with the AWS
 *      CLI (Amazon Linux 2023 ships it; credentials from the instance
 *      profile, region from IMDS), which the terminate handler waits for (up
 *      to QUIESCE_WAIT_SECONDS) before its snapshot.
 *
 * It never formats, writes or deletes anything on the data volume. If it
 * cannot tag, it exits non-zero and systemd runs it again (every step is
 * idempotent); the handler snapshots after its wait regardless (crash-
 * consistent then, as a snapshot of an in-use volume is).
 *
 * Pure: the generated text is a function of the settings, pinned by tests.
 */
import { TAG } from "./failover/contract";
import { shellQuote } from "./shell";

/** Where the user data installs the watcher and its unit. */
export const QUIESCE_PATHS = {
    script: "/usr/local/sbin/landing-zone-quiesce",
    unit: "/etc/systemd/system/landing-zone-quiesce.service",
    /** Held by the user data while it mounts and starts the app, and by the watcher while it quiesces. */
    lock: "/run/landing-zone-data.lock",
    /** Present once the watcher has begun quiescing: the user data then refuses to mount. */
    marker: "/run/landing-zone-quiesced",
} as const;

export const QUIESCE_UNIT_NAME = "landing-zone-quiesce.service";

/** Seconds between reads of the target lifecycle state. */
export const QUIESCE_POLL_SECONDS = 5;

export interface QuiesceOptions {
    tierName: string;
    /** The data volume's mount point. */
    mountPoint: string;
    /** The app's systemd unit, stopped first. None: only unmount. */
    systemdUnit?: string;
}

/** The watcher (bash), installed at QUIESCE_PATHS.script. */
export function quiesceWatcherScript(o: QuiesceOptions): string {
    return [
        "#!/bin/bash",
        `# landing-zone MultiAzServer ${o.tierName}: when Auto Scaling marks this instance for termination, stop the app,`,
        "# flush and unmount the data volume, then tag the instance so the terminate handler snapshots the final data.",
        "# Never formats, writes or deletes data.",
        "set -uo pipefail",
        "",
        `TAG_KEY=${shellQuote(TAG.quiesced)}`,
        `MOUNT_POINT=${shellQuote(o.mountPoint)}`,
        `UNIT=${shellQuote(o.systemdUnit ?? "")}`,
        `LOCK_FILE=${shellQuote(QUIESCE_PATHS.lock)}`,
        `MARKER=${shellQuote(QUIESCE_PATHS.marker)}`,
        `POLL_SECONDS=${QUIESCE_POLL_SECONDS}`,
        "",
        "log() { echo \"landing-zone-quiesce: $*\"; }",
        "imds() {",
        "  local token",
        "  token=$(curl -sf --max-time 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token) || return 1",
        "  curl -sf --max-time 2 -H \"X-aws-ec2-metadata-token: $token\" \"http://169.254.169.254/latest/meta-data/$1\"",
        "}",
        "",
        "# 404 until Auto Scaling sets a target state; InService while the instance serves.",
        "until [ \"$(imds autoscaling/target-lifecycle-state || true)\" = Terminated ]; do",
        "  sleep \"$POLL_SECONDS\"",
        "done",
        "log \"target lifecycle state is Terminated: quiescing\"",
        "",
        "# The user data mounts and starts the app under the same lock, and not at all once the marker is there.",
        "exec 9>\"$LOCK_FILE\"",
        "flock -w 120 9 || log \"the data lock is still held after 120 s; quiescing anyway\"",
        "date -u +%Y-%m-%dT%H:%M:%SZ > \"$MARKER\"",
        "",
        "if [ -n \"$UNIT\" ]; then",
        "  if systemctl stop \"$UNIT\"; then log \"stopped $UNIT\"; else log \"stopping $UNIT failed; unmounting anyway\"; fi",
        "fi",
        "sync",
        "",
        "if mountpoint -q \"$MOUNT_POINT\"; then",
        "  for attempt in 1 2 3 4 5; do",
        "    umount \"$MOUNT_POINT\" && break",
        "    log \"$MOUNT_POINT is busy (attempt $attempt of 5)\"",
        "    sleep 2",
        "  done",
        "  if mountpoint -q \"$MOUNT_POINT\"; then",
        "    if command -v fuser >/dev/null; then fuser -vm \"$MOUNT_POINT\" 2>&1 | while IFS= read -r line; do log \"holder: $line\"; done; fi",
        "    log \"WARNING: lazy unmount of $MOUNT_POINT as a last resort; its holders may still write, so the snapshot is crash-consistent for them\"",
        "    umount -l \"$MOUNT_POINT\" || log \"lazy unmount failed\"",
        "    sync",
        "  else",
        "    log \"unmounted $MOUNT_POINT\"",
        "  fi",
        "else",
        "  log \"$MOUNT_POINT is not mounted\"",
        "fi",
        "",
        "instance_id=$(imds instance-id) && region=$(imds placement/region) || { log \"cannot read the instance id or region from IMDS\"; exit 1; }",
        "for attempt in 1 2 3 4 5; do",
        "  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)",
        "  if aws ec2 create-tags --region \"$region\" --resources \"$instance_id\" --tags \"Key=$TAG_KEY,Value=$now\"; then",
        "    log \"tagged $instance_id $TAG_KEY=$now\"",
        "    exit 0",
        "  fi",
        "  log \"tagging failed (attempt $attempt of 5)\"",
        "  sleep 2",
        "done",
        "# systemd runs the watcher again (Restart=on-failure); every step above is idempotent.",
        "exit 1",
        "",
    ].join("\n");
}

/** The watcher's systemd unit. */
export function quiesceUnit(o: Pick<QuiesceOptions, "tierName">): string {
    return [
        "[Unit]",
        `Description=landing-zone ${o.tierName}: stop the app and unmount the data volume when Auto Scaling terminates this instance`,
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=simple",
        `ExecStart=${QUIESCE_PATHS.script}`,
        "Restart=on-failure",
        "RestartSec=5",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ].join("\n");
}

/** Heredoc delimiter; the generated texts never contain it as a line. */
const EOF = "LZ_QUIESCE_EOF";

/** User-data lines that install, enable and start the watcher (first thing at boot, so it also covers a launch that is abandoned). */
export function quiesceInstallLines(o: QuiesceOptions): string[] {
    const script = quiesceWatcherScript(o);
    const unit = quiesceUnit(o);
    for (const text of [script, unit]) {
        if (text.split("\n").includes(EOF)) throw new Error(`quiesce: generated text contains the heredoc delimiter ${EOF}`);
    }
    return [
        "# Quiesce watcher: stops the app and unmounts the data when Auto Scaling terminates this instance.",
        `cat > ${QUIESCE_PATHS.script} <<'${EOF}'`,
        ...script.replace(/\n$/, "").split("\n"),
        EOF,
        `chmod 0755 ${QUIESCE_PATHS.script}`,
        `cat > ${QUIESCE_PATHS.unit} <<'${EOF}'`,
        ...unit.replace(/\n$/, "").split("\n"),
        EOF,
        "systemctl daemon-reload",
        `systemctl enable --now ${QUIESCE_UNIT_NAME}`,
    ];
}

/**
 * User-data lines before the mount: take the data lock (held until the user
 * data exits, so through the mount and the app's start) and refuse to go on
 * once the watcher has begun quiescing.
 */
export function dataLockLines(): string[] {
    return [
        "# The quiesce watcher takes the same lock; once it has begun, never mount or start the app.",
        `exec 9>${QUIESCE_PATHS.lock}`,
        "flock 9",
        `[ ! -e ${QUIESCE_PATHS.marker} ] || give_up "the instance is being terminated (quiesced); not mounting the data volume"`,
    ];
}
