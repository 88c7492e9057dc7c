/**
 * The server's boot script (user data, bash). Runs while the instance is held
 * in Pending:Wait by the launching lifecycle hook, in parallel with the
 * failover handler:
 *
 *   1. install the app's packages (meanwhile the handler brings the volume);
 *   2. wait for the instance tag `landing-zone:data-volume-id`, read through
 *      IMDSv2 instance-metadata tags (no AWS API call, so the instance role
 *      needs nothing beyond Session Manager);
 *   3. wait for that volume's block device: on Nitro, the NVMe device whose
 *      serial is the volume id (/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_volXXXX);
 *      on Xen types, the attachment's device name;
 *   4. make a filesystem only when the device has none (the very first, empty
 *      volume: a restored or copied volume already has one), mount it by UUID
 *      (fstab, nofail), grow the filesystem if the volume is larger;
 *   5. make the app's systemd unit require the mount, enable and start it.
 *
 * First of all it installs the quiesce watcher (./server-quiesce), which stops
 * the app and unmounts the data when Auto Scaling terminates the instance;
 * steps 4 and 5 run under its lock and not at all once it has begun.
 *
 * Pure: the generated text is a function of the settings, pinned by tests.
 */
import { TAG } from "./failover/contract";
import { dataLockLines, quiesceInstallLines } from "./server-quiesce";
import { Filesystem } from "./server-settings";
import { shellQuote } from "./shell";

export interface UserDataOptions {
    tierName: string;
    /** The device name the handler attaches with (DATA_VOLUME_DEVICE_NAME), for Xen instance types. */
    deviceName: string;
    mountPoint: string;
    filesystem: Filesystem;
    systemdUnit?: string;
    packages: readonly string[];
    /** Give up (exit non-zero) after this long without the volume; the lifecycle hook will have abandoned the launch by then. */
    waitSeconds: number;
    /** Lines run once the data volume is mounted, before the app starts (the TLS fragment of server-tls.ts). Default none. */
    afterMount?: readonly string[];
}

export { shellQuote };

export function serverUserData(o: UserDataOptions): string {
    const xenDevice = o.deviceName.replace(/^\/dev\/sd/, "/dev/xvd");
    const grow = o.filesystem === "xfs" ? `xfs_growfs "$MOUNT_POINT"` : `resize2fs "$device"`;
    const lines = [
        "#!/bin/bash",
        `# landing-zone MultiAzServer ${o.tierName}: mount the data volume the failover handler attaches, then start the app.`,
        "set -euo pipefail",
        "exec > >(tee -a /var/log/landing-zone-data.log | logger -t landing-zone-data) 2>&1",
        "",
        `TAG_KEY=${shellQuote(TAG.dataVolumeId)}`,
        `MOUNT_POINT=${shellQuote(o.mountPoint)}`,
        `FS_TYPE=${shellQuote(o.filesystem)}`,
        `XEN_DEVICE=${shellQuote(xenDevice)}`,
        `UNIT=${shellQuote(o.systemdUnit ?? "")}`,
        `DEADLINE=$(( $(date +%s) + ${Math.floor(o.waitSeconds)} ))`,
        "",
        "imds() {",
        "  local token",
        "  token=$(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token) || return 1",
        "  curl -sf -H \"X-aws-ec2-metadata-token: $token\" \"http://169.254.169.254/latest/meta-data/$1\"",
        "}",
        "give_up() { echo \"landing-zone: $1\" >&2; exit 1; }",
        "",
        ...quiesceInstallLines({ tierName: o.tierName, mountPoint: o.mountPoint, ...(o.systemdUnit !== undefined ? { systemdUnit: o.systemdUnit } : {}) }),
        "",
        ...(o.packages.length > 0 ? [`dnf install -y ${o.packages.map(shellQuote).join(" ")}`, ""] : []),
        "# The handler tags the instance with its data volume, then attaches it.",
        "volume_id=''",
        "until volume_id=$(imds \"tags/instance/$TAG_KEY\") && [[ \"$volume_id\" =~ ^vol-[0-9a-f]+$ ]]; do",
        "  [ \"$(date +%s)\" -lt \"$DEADLINE\" ] || give_up \"no $TAG_KEY instance tag (is instance metadata tags access on?)\"",
        "  sleep 5",
        "done",
        "echo \"data volume: $volume_id\"",
        "",
        "# Nitro: the NVMe serial is the volume id without its dash. Xen: the attachment's device name.",
        "nvme_link=\"/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${volume_id/-/}\"",
        "device=''",
        "until [ -n \"$device\" ]; do",
        "  if [ -e \"$nvme_link\" ]; then device=$(readlink -f \"$nvme_link\")",
        "  elif ! compgen -G '/dev/nvme*' >/dev/null && [ -b \"$XEN_DEVICE\" ]; then device=\"$XEN_DEVICE\"",
        "  else",
        "    [ \"$(date +%s)\" -lt \"$DEADLINE\" ] || give_up \"volume $volume_id never appeared as a block device\"",
        "    sleep 2",
        "  fi",
        "done",
        "echo \"data device: $device\"",
        "",
        ...dataLockLines(),
        "",
        "# blkid -p exits 2 only when it finds no signature at all: the one case where formatting loses nothing.",
        "set +e; blkid -p \"$device\" >/dev/null 2>&1; probe=$?; set -e",
        "case \"$probe\" in",
        "  0) echo \"existing filesystem kept\" ;;",
        "  2) echo \"empty volume: making $FS_TYPE\"; mkfs -t \"$FS_TYPE\" -L lz-data \"$device\"; udevadm settle ;;",
        "  *) give_up \"blkid could not probe $device (exit $probe); refusing to format\" ;;",
        "esac",
        "",
        "uuid=$(blkid -s UUID -o value \"$device\")",
        "mkdir -p \"$MOUNT_POINT\"",
        "awk -v mp=\"$MOUNT_POINT\" '$2 != mp' /etc/fstab > /etc/fstab.landing-zone && cat /etc/fstab.landing-zone > /etc/fstab && rm -f /etc/fstab.landing-zone",
        "echo \"UUID=$uuid $MOUNT_POINT $FS_TYPE defaults,nofail 0 2\" >> /etc/fstab",
        "systemctl daemon-reload",
        "mountpoint -q \"$MOUNT_POINT\" || mount \"$MOUNT_POINT\"",
        `${grow} || echo "filesystem not grown"`,
        "",
        ...(o.afterMount ?? []),
        "if [ -n \"$UNIT\" ]; then",
        "  mkdir -p \"/etc/systemd/system/$UNIT.d\"",
        "  printf '[Unit]\\nRequiresMountsFor=%s\\n' \"$MOUNT_POINT\" > \"/etc/systemd/system/$UNIT.d/landing-zone-data.conf\"",
        "  systemctl daemon-reload",
        "  systemctl enable --now \"$UNIT\"",
        "fi",
        "echo \"landing-zone: data mounted at $MOUNT_POINT${UNIT:+, $UNIT started}\"",
        "",
    ];
    return lines.join("\n");
}
