import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TAG } from "../../components/aws/failover/contract";
import { QUIESCE_PATHS, QuiesceOptions, quiesceWatcherScript } from "../../components/aws/server-quiesce";

interface World {
    /** What IMDS answers for the target lifecycle state, poll by poll (the last repeats); "404": none yet. */
    states: string[];
    mounted?: boolean;
    /** umount (not lazy) fails this many times before it works; Infinity: always busy. */
    busyUnmounts?: number;
    /** aws ec2 create-tags fails this many times first. */
    tagFailures?: number;
}

/** Every call of every run in this file, for the last test. */
const everyCall: string[] = [];

interface Run { status: number | null; calls: string[]; output: string; polls: number; marker: string | undefined; mounted: boolean }

/**
 * Runs the real watcher with the lock and marker moved into a temp dir and
 * IMDS (curl), systemctl, sync, mountpoint, umount, fuser and the AWS CLI
 * replaced by bash functions that log their calls.
 */
function runWatcher(opts: Partial<QuiesceOptions>, world: World): Run {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lz-quiesce-"));
    if (world.mounted ?? true) fs.writeFileSync(path.join(dir, "mounted"), "");
    const script = quiesceWatcherScript({ tierName: "t", mountPoint: "/srv/data", systemdUnit: "app.service", ...opts })
        .replace(/\/run\/landing-zone-/g, path.join(dir, "landing-zone-"));
    fs.writeFileSync(path.join(dir, "watcher.sh"), script);
    const stubs = `
        called() { echo "$*" >> "$LZ_DIR/calls"; }
        count() { local n; n=$(cat "$LZ_DIR/$1" 2>/dev/null || echo 0); echo $((n + 1)) > "$LZ_DIR/$1"; echo "$n"; }
        curl() {
            case "$*" in
                *api/token*) echo token ;;
                *autoscaling/target-lifecycle-state*)
                    n=$(count polls)
                    IFS=, read -ra states <<< "$LZ_STATES"
                    (( n < \${#states[@]} )) || n=$(( \${#states[@]} - 1 ))
                    [ "\${states[$n]}" = 404 ] && return 22
                    echo "\${states[$n]}" ;;
                *meta-data/instance-id*) echo i-0123456789abcdef0 ;;
                *meta-data/placement/region*) echo ap-southeast-2 ;;
                *) return 22 ;;
            esac
        }
        systemctl() { called "systemctl $*"; }
        sync() { called "sync"; }
        mountpoint() { [ -e "$LZ_DIR/mounted" ]; }
        umount() {
            called "umount $*"
            if [ "$1" = -l ]; then rm -f "$LZ_DIR/mounted"; return 0; fi
            n=$(count umounts)
            (( n < LZ_BUSY )) && return 32
            rm -f "$LZ_DIR/mounted"
        }
        fuser() { called "fuser $*"; echo "/srv/data: root 1234 ..c.. app"; }
        aws() { called "aws $*"; n=$(count tags); (( n >= LZ_TAG_FAILURES )); }
        sleep() { :; }
        export -f called count curl systemctl sync mountpoint umount fuser aws sleep
        bash "$LZ_DIR/watcher.sh"
    `;
    const result = spawnSync("bash", ["-c", stubs], {
        env: {
            PATH: process.env.PATH,
            LZ_DIR: dir,
            LZ_STATES: world.states.join(","),
            LZ_BUSY: String(world.busyUnmounts === Infinity ? 1000 : world.busyUnmounts ?? 0),
            LZ_TAG_FAILURES: String(world.tagFailures ?? 0),
        },
        encoding: "utf8",
        timeout: 10000,
        // No stdin: bash with a socket for stdin (Node's default pipe) and no SHLVL takes itself for an
        // ssh session and sources ~/.bashrc (Debian), which would run the developer's own rc file here.
        stdio: ["ignore", "pipe", "pipe"],
    });
    const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : undefined);
    const calls = (read("calls") ?? "").split("\n").filter(Boolean);
    everyCall.push(...calls);
    return {
        status: result.status,
        calls,
        output: `${result.stdout}${result.stderr}`,
        polls: Number(read("polls") ?? 0),
        marker: read("landing-zone-quiesced"),
        mounted: fs.existsSync(path.join(dir, "mounted")),
    };
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const TAG_CALL = /^aws ec2 create-tags --region ap-southeast-2 --resources i-0123456789abcdef0 --tags Key=landing-zone:quiesced,Value=(\S+)$/;

/** Everything the watcher may do: stop the unit, flush, unmount, list holders, tag itself. Nothing that writes data. */
const ALLOWED = [/^systemctl stop app\.service$/, /^sync$/, /^umount (-l )?\/srv\/data$/, /^fuser -vm \/srv\/data$/, TAG_CALL];

describe("server quiesce watcher", () => {
    it("is valid bash, polls the target lifecycle state over IMDSv2 every 5 s, and uses the contract's tag key", () => {
        const script = quiesceWatcherScript({ tierName: "t", mountPoint: "/srv/data" });
        const check = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
        assert.equal(check.status, 0, check.stderr);
        assert.match(script, /autoscaling\/target-lifecycle-state/);
        assert.match(script, /X-aws-ec2-metadata-token/);
        assert.match(script, /^POLL_SECONDS=5$/m);
        assert.ok(script.includes(`TAG_KEY='${TAG.quiesced}'`));
        assert.ok(script.includes(QUIESCE_PATHS.lock) && script.includes(QUIESCE_PATHS.marker));
        // Nothing that could format, overwrite or delete data, whatever the path.
        assert.doesNotMatch(script, /\b(mkfs|wipefs|dd|rm|shred|truncate|fsck|blkdiscard)\b/);
    });

    it("waits for Terminated, then stops the app, flushes, unmounts and tags its own instance, in that order", () => {
        const run = runWatcher({}, { states: ["404", "InService", "InService", "Terminated"] });
        assert.equal(run.status, 0, run.output);
        assert.equal(run.polls, 4, "keeps polling through 404 and InService");
        assert.deepEqual(run.calls.slice(0, 3), ["systemctl stop app.service", "sync", "umount /srv/data"]);
        assert.equal(run.calls.length, 4, run.calls.join("\n"));
        const tag = TAG_CALL.exec(run.calls[3]);
        assert.ok(tag, run.calls[3]);
        assert.match(tag[1], ISO);
        assert.equal(run.mounted, false);
        assert.match(run.marker!.trim(), ISO, "the user data's marker is left");
        assert.match(run.output, /unmounted \/srv\/data/);
    });

    it("retries a busy unmount, and only then unmounts lazily, naming the holders in its log", () => {
        const retried = runWatcher({}, { states: ["Terminated"], busyUnmounts: 2 });
        assert.equal(retried.status, 0, retried.output);
        assert.deepEqual(retried.calls.filter((c) => c.startsWith("umount")), ["umount /srv/data", "umount /srv/data", "umount /srv/data"]);
        assert.doesNotMatch(retried.output, /lazy/);

        const stuck = runWatcher({}, { states: ["Terminated"], busyUnmounts: Infinity });
        assert.equal(stuck.status, 0, stuck.output);
        const umounts = stuck.calls.filter((c) => c.startsWith("umount"));
        assert.equal(umounts.length, 6);
        assert.equal(umounts[5], "umount -l /srv/data", "lazy only after 5 plain attempts");
        assert.ok(stuck.calls.indexOf("fuser -vm /srv/data") < stuck.calls.indexOf("umount -l /srv/data"));
        assert.match(stuck.output, /WARNING: lazy unmount of \/srv\/data/);
        assert.match(stuck.output, /holder: \/srv\/data: root 1234/);
        assert.ok(stuck.calls.some((c) => TAG_CALL.test(c)), "still tags: the handler should not wait out its whole bound");
    });

    it("without an app unit or a mounted volume, only flushes and tags", () => {
        const run = runWatcher({ systemdUnit: undefined }, { states: ["Terminated"], mounted: false });
        assert.equal(run.status, 0, run.output);
        assert.equal(run.calls[0], "sync");
        assert.equal(run.calls.length, 2, run.calls.join("\n"));
        assert.match(run.calls[1], TAG_CALL);
        assert.match(run.output, /not mounted/);
    });

    it("retries the tag, and exits non-zero (systemd runs it again) when it cannot; a rerun is harmless", () => {
        const flaky = runWatcher({}, { states: ["Terminated"], tagFailures: 2 });
        assert.equal(flaky.status, 0, flaky.output);
        assert.equal(flaky.calls.filter((c) => c.startsWith("aws")).length, 3);

        const failing = runWatcher({}, { states: ["Terminated"], tagFailures: 99 });
        assert.notEqual(failing.status, 0);
        assert.equal(failing.calls.filter((c) => c.startsWith("aws")).length, 5);
        // The rerun: already unmounted, the unit already stopped; it stops (a no-op), flushes and tags.
        const rerun = runWatcher({}, { states: ["Terminated"], mounted: false });
        assert.equal(rerun.status, 0);
        assert.ok(!rerun.calls.some((c) => c.startsWith("umount")));
    });

    it("does nothing else, in any of the worlds above", () => {
        assert.ok(everyCall.length > 20, "the runs above logged their calls");
        for (const call of everyCall) assert.ok(ALLOWED.some((re) => re.test(call)), `unexpected call: ${call}`);
    });
});
