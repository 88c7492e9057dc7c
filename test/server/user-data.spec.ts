import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TAG } from "../../components/aws/failover/contract";
import { QUIESCE_UNIT_NAME, quiesceUnit, quiesceWatcherScript } from "../../components/aws/server-quiesce";
import { UserDataOptions, serverUserData, shellQuote } from "../../components/aws/server-user-data";

const VOLUME = "vol-0123456789abcdef0";

interface Run { status: number | null; calls: string[]; fstab: string; dropIn?: string; output: string; dir: string }

/**
 * Runs the real script with its system paths moved into a temp dir and the
 * system commands (IMDS via curl, blkid, mkfs, mount, systemctl, …) replaced
 * by bash functions that log their calls.
 */
function runUserData(opts: Partial<UserDataOptions>, env: { blkidProbe: number; tagAfterPolls?: number; noTag?: boolean; quiescing?: boolean }): Run {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lz-userdata-"));
    fs.mkdirSync(path.join(dir, "systemd"));
    fs.mkdirSync(path.join(dir, "sbin"));
    if (env.quiescing) fs.writeFileSync(path.join(dir, "landing-zone-quiesced"), "2026-01-01T00:00:00Z\n");
    const byId = path.join(dir, "by-id");
    fs.mkdirSync(byId);
    fs.writeFileSync(path.join(dir, "nvme1n1"), "");
    fs.symlinkSync(path.join(dir, "nvme1n1"), path.join(byId, `nvme-Amazon_Elastic_Block_Store_${VOLUME.replace("-", "")}`));
    fs.mkdirSync(path.join(dir, "etc"));
    fs.writeFileSync(path.join(dir, "etc", "fstab"), "UUID=root / xfs defaults 0 0\nUUID=stale MOUNT xfs defaults,nofail 0 2\n".replace("MOUNT", path.join(dir, "mnt")));
    const script = serverUserData({
        tierName: "t",
        deviceName: "/dev/sdf",
        mountPoint: path.join(dir, "mnt"),
        filesystem: "xfs",
        systemdUnit: "app.service",
        packages: ["nginx"],
        waitSeconds: 30,
        ...opts,
    })
        .replace(/\/etc\/fstab/g, path.join(dir, "etc", "fstab"))
        .replace(/\/var\/log\/landing-zone-data\.log/g, path.join(dir, "log"))
        .replace(/\/etc\/systemd\/system/g, path.join(dir, "systemd"))
        .replace(/\/usr\/local\/sbin/g, path.join(dir, "sbin"))
        .replace(/\/run\/landing-zone-/g, path.join(dir, "landing-zone-"))
        .replace(/\/dev\/disk\/by-id/g, byId);
    fs.writeFileSync(path.join(dir, "user-data.sh"), script);
    const stubs = `
        log() { echo "$*" >> "$LZ_DIR/calls"; }
        polls=0
        curl() {
            case "$*" in
                *api/token*) echo token ;;
                *tags/instance/*)
                    [ "$LZ_NO_TAG" = 1 ] && return 22
                    n=$(cat "$LZ_DIR/polls" 2>/dev/null || echo 0); echo $((n + 1)) > "$LZ_DIR/polls"
                    [ "$n" -ge "$LZ_TAG_AFTER" ] && { log "imds $*"; echo "$LZ_VOLUME"; return 0; }
                    return 22 ;;
                *) return 22 ;;
            esac
        }
        blkid() { if [ "$1" = -p ]; then log "blkid-probe $*"; return "$LZ_PROBE"; fi; echo 1111-2222; }
        mkfs() { log "mkfs $*"; }
        dnf() { log "dnf $*"; }
        sleep() { :; }
        udevadm() { :; }
        mount() { log "mount $*"; }
        mountpoint() { return 1; }
        systemctl() { log "systemctl $*"; }
        xfs_growfs() { log "xfs_growfs $*"; }
        logger() { cat > /dev/null; }
        export -f log curl blkid mkfs dnf sleep udevadm mount mountpoint systemctl xfs_growfs logger
        bash "$LZ_DIR/user-data.sh"
    `;
    const result = spawnSync("bash", ["-c", stubs], {
        env: {
            PATH: process.env.PATH,
            LZ_DIR: dir,
            LZ_PROBE: String(env.blkidProbe),
            LZ_TAG_AFTER: String(env.tagAfterPolls ?? 0),
            LZ_NO_TAG: env.noTag ? "1" : "0",
            LZ_VOLUME: VOLUME,
        },
        encoding: "utf8",
        timeout: 10000,
        // No stdin: bash with a socket for stdin (Node's default pipe) and no SHLVL takes itself for an
        // ssh session and sources ~/.bashrc (Debian), which would run the developer's own rc file here.
        stdio: ["ignore", "pipe", "pipe"],
    });
    const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : "");
    return {
        status: result.status,
        calls: read("calls").split("\n").filter(Boolean),
        fstab: read("etc/fstab"),
        dropIn: fs.existsSync(path.join(dir, "systemd", "app.service.d")) ? read("systemd/app.service.d/landing-zone-data.conf") : undefined,
        output: `${result.stdout}${result.stderr}${read("log")}`,
        dir,
    };
}

describe("server user data", () => {
    it("is valid bash and reads the data volume id from the instance tag the handler sets, over IMDSv2", () => {
        const script = serverUserData({ tierName: "t", deviceName: "/dev/sdf", mountPoint: "/srv/data", filesystem: "xfs", packages: [], waitSeconds: 60 });
        const check = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
        assert.equal(check.status, 0, check.stderr);
        assert.ok(script.includes(shellQuote(TAG.dataVolumeId)));
        assert.match(script, /X-aws-ec2-metadata-token/);
        assert.match(script, /meta-data\/\$1/);
        assert.match(script, /tags\/instance\/\$TAG_KEY/);
    });

    it("on an empty volume: waits for the tag, finds the NVMe device by volume id, makes the filesystem, mounts by UUID and starts the unit", () => {
        const run = runUserData({}, { blkidProbe: 2, tagAfterPolls: 3 });
        assert.equal(run.status, 0, run.output);
        const mkfs = run.calls.filter((c) => c.startsWith("mkfs"));
        assert.equal(mkfs.length, 1, run.calls.join("\n"));
        assert.match(mkfs[0], /^mkfs -t xfs -L lz-data .*nvme1n1$/);
        assert.ok(run.calls.indexOf("dnf install -y nginx") < run.calls.findIndex((c) => c.startsWith("imds")), "packages install while the handler works");
        assert.ok(run.calls.some((c) => c.startsWith("mount ")));
        assert.ok(run.calls.includes("systemctl enable --now app.service"));
        assert.match(run.dropIn!, /RequiresMountsFor=.*\/mnt/);
        const lines = run.fstab.trim().split("\n");
        assert.equal(lines.length, 2, run.fstab);
        assert.equal(lines[0], "UUID=root / xfs defaults 0 0", "other entries kept");
        assert.match(lines[1], /^UUID=1111-2222 \S+\/mnt xfs defaults,nofail 0 2$/, "the stale entry for the mount point replaced");
    });

    it("never formats a volume that already has a filesystem (a copy or a restore)", () => {
        const run = runUserData({}, { blkidProbe: 0 });
        assert.equal(run.status, 0, run.output);
        assert.equal(run.calls.filter((c) => c.startsWith("mkfs")).length, 0);
        assert.ok(run.calls.includes("systemctl enable --now app.service"));
        assert.ok(run.calls.some((c) => c.startsWith("xfs_growfs")), "grows into a larger volume");
    });

    it("refuses to format when blkid cannot tell, and gives up without the tag", () => {
        const unsure = runUserData({}, { blkidProbe: 4 });
        assert.notEqual(unsure.status, 0);
        assert.equal(unsure.calls.filter((c) => c.startsWith("mkfs") || c === "systemctl enable --now app.service").length, 0);
        assert.match(unsure.output, /refusing to format/);
        const untagged = runUserData({ waitSeconds: 0 }, { blkidProbe: 2, noTag: true });
        assert.notEqual(untagged.status, 0);
        assert.match(untagged.output, /no landing-zone:data-volume-id instance tag/);
        assert.equal(untagged.calls.filter((c) => c.startsWith("mkfs") || c.startsWith("mount")).length, 0);
    });

    it("installs and starts the quiesce watcher before anything else, and mounts under its lock", () => {
        const run = runUserData({}, { blkidProbe: 0 });
        assert.equal(run.status, 0, run.output);
        const enable = run.calls.indexOf(`systemctl enable --now ${QUIESCE_UNIT_NAME}`);
        assert.ok(enable >= 0, run.calls.join("\n"));
        assert.ok(enable < run.calls.indexOf("dnf install -y nginx"), "the watcher runs before the packages install");
        // The installed files are exactly the generated watcher and unit (the test moved the system paths).
        const installed = fs.readFileSync(path.join(run.dir, "sbin", "landing-zone-quiesce"), "utf8");
        const expected = quiesceWatcherScript({ tierName: "t", mountPoint: path.join(run.dir, "mnt"), systemdUnit: "app.service" }).replace(/\/run\/landing-zone-/g, path.join(run.dir, "landing-zone-"));
        assert.equal(installed, expected);
        assert.equal(fs.statSync(path.join(run.dir, "sbin", "landing-zone-quiesce")).mode & 0o777, 0o755);
        const unit = fs.readFileSync(path.join(run.dir, "systemd", QUIESCE_UNIT_NAME), "utf8");
        assert.equal(unit, quiesceUnit({ tierName: "t" }).replace(/\/usr\/local\/sbin/g, path.join(run.dir, "sbin")));
        assert.match(unit, /^Restart=on-failure$/m);
        assert.match(unit, /^WantedBy=multi-user\.target$/m);
    });

    it("never mounts or starts the app once the watcher has begun quiescing (a launch terminated mid-boot)", () => {
        const run = runUserData({}, { blkidProbe: 2, quiescing: true });
        assert.notEqual(run.status, 0);
        assert.match(run.output, /being terminated \(quiesced\); not mounting/);
        assert.equal(run.calls.filter((c) => c.startsWith("mkfs") || c.startsWith("mount") || c === "systemctl enable --now app.service").length, 0, run.calls.join("\n"));
    });

    it("stays well within EC2's 16 KB user data limit", () => {
        const script = serverUserData({ tierName: "prod-a-rather-long-tier-name-of-40-chars", deviceName: "/dev/sdf", mountPoint: "/srv/data", filesystem: "ext4", systemdUnit: "nginx.service", packages: Array.from({ length: 20 }, (_, i) => `package-${i}`), waitSeconds: 1020 });
        assert.ok(Buffer.byteLength(script, "utf8") < 10 * 1024, `${Buffer.byteLength(script, "utf8")} bytes`);
    });

    it("quotes every configured value for the shell", () => {
        assert.equal(shellQuote("a'b"), `'a'\\''b'`);
        const out = spawnSync("bash", ["-c", `printf %s ${shellQuote("it's $(whoami) `x`")}`], { encoding: "utf8" }).stdout;
        assert.equal(out, "it's $(whoami) `x`");
    });
});
