/**
 * Who reaches what, for the dev and prod topologies and for dev with the
 * cross-cloud link turned on, computed from the real plans.
 */
import { strict as assert } from "assert";
import { reachability, Reachability, ReachPair, renderReachability } from "../../stacks/plan/reachability";
import { runPlan } from "../../stacks/plan/run";
import { readStackFile } from "../../stacks/plan/stack-file";
import { editedStackFile, planOfStack } from "../helpers/stacks";

const PLACEHOLDER = "v1:Zm9vYmFyYmF6cXV4:c2VlZC1wbGFjZWhvbGRlci1jaXBoZXJ0ZXh0LWZvci10ZXN0cw==";

function pair(r: Reachability, from: string, to: string): ReachPair {
    const found = r.pairs.find((p) => p.from === from && p.to === to);
    assert.ok(found, `no pair ${from} → ${to}`);
    return found;
}
const families = (p: ReachPair) => [p.ipv4?.reachable ? "4" : "", p.ipv6?.reachable ? "6" : ""].join("");

describe("reachability", function () {
    this.timeout(30000);

    it("dev: IPv4-only offices cannot reach the IPv6-only server, nor the VPC; both are warned with the key to change", async () => {
        const run = await planOfStack("dev");
        const r = reachability(run.config, run.resources);
        assert.deepEqual(r.endpoints.map((e) => e.id), ["site:head-office", "vnet:workload", "vpc", "server", "internet:ipv4", "internet:ipv6"]);
        const toServer = pair(r, "site:head-office", "server");
        assert.equal(families(toServer), "");
        assert.match(toServer.ipv4!.why!, /cross-cloud link .* is off.*no public IPv4/);
        assert.equal(toServer.ipv4!.key, "landing-zone:server.elasticIp");
        assert.match(toServer.ipv6!.why!, /IPv4-only/);
        assert.equal(families(pair(r, "site:head-office", "vpc")), "");
        assert.equal(pair(r, "site:head-office", "vpc").ipv4!.key, "landing-zone:wan.crossCloudLink");
        // The server: IPv6 from the internet only, on its ingress ports; no IPv4 at all.
        assert.equal(families(pair(r, "internet:ipv6", "server")), "6");
        assert.match(pair(r, "internet:ipv6", "server").ipv6!.path.join(" "), /TCP port 443/);
        assert.equal(pair(r, "internet:ipv4", "server").ipv4!.reachable, false);
        assert.equal(pair(r, "internet:ipv4", "server").ipv6, null, "the IPv4 internet has no IPv6 side");
        assert.deepEqual(r.warnings.map((w) => w.key), ["landing-zone:server.elasticIp", "landing-zone:wan.crossCloudLink"]);
        assert.match(r.warnings[0].message, /cannot be reached from any branch office/);
    });

    it("prod: branches reach each other, the spoke, the VPC and the server over the hub and the cross-cloud tunnel, IPv4 only", async () => {
        const run = await planOfStack("prod");
        const r = reachability(run.config, run.resources);
        for (const site of ["sydney-hq", "melbourne", "brisbane"]) {
            const toServer = pair(r, `site:${site}`, "server");
            assert.deepEqual(toServer.ipv4!.path.slice(0, 2), ["Virtual WAN hub", "cross-cloud tunnel"]);
            assert.equal(toServer.ipv6!.reachable, false);
            assert.equal(families(pair(r, `site:${site}`, "vpc")), "4");
        }
        assert.deepEqual(pair(r, "site:sydney-hq", "site:melbourne").ipv4!.path, ["Virtual WAN hub"]);
        assert.equal(families(pair(r, "internet:ipv4", "server")), "4");
        assert.match(pair(r, "internet:ipv4", "server").ipv4!.path.join(" "), /Elastic IP/);
        assert.equal(families(pair(r, "internet:ipv6", "server")), "6");
        assert.equal(families(pair(r, "server", "internet:ipv4")), "4");
        // The dual-stack workload VNet is attached to nothing: no private path from anywhere.
        assert.equal(families(pair(r, "site:sydney-hq", "vnet:workload")), "");
        assert.deepEqual(r.warnings, []);
    });

    it("dev with the cross-cloud link on: the office reaches the VPC and the server privately, and the warnings go", async () => {
        const file = editedStackFile("dev", (c) => {
            c["landing-zone:wan"].crossCloudLink = true;
            c["landing-zone:crossCloudTunnelKeySeed"] = { secure: PLACEHOLDER };
        });
        const result = await runPlan("dev", readStackFile(file, undefined));
        assert.ok(result.ok, result.ok ? "" : result.problems.join("\n"));
        const r = reachability(result.run.config, result.run.resources);
        assert.deepEqual(pair(r, "site:head-office", "server").ipv4!.path, ["Virtual WAN hub", "cross-cloud tunnel", "security group (TCP port 80, TCP port 443)"]);
        assert.equal(families(pair(r, "site:head-office", "vpc")), "4");
        assert.equal(families(pair(r, "server", "site:head-office")), "4");
        assert.deepEqual(r.warnings, []);
    });

    it("stands one endpoint for all sites past a handful, so a thousand sites stay a small matrix", async () => {
        const run = await planOfStack("prod");
        const sites = Array.from({ length: 1000 }, (_, i) => ({ ...run.config.sites[1], name: `branch-${i}` }));
        const r = reachability({ ...run.config, sites }, run.resources);
        assert.deepEqual(r.endpoints.filter((e) => e.kind === "site").map((e) => e.id), ["site:*"]);
        assert.deepEqual(pair(r, "site:*", "site:*").ipv4!.path, ["Virtual WAN hub"]);
        assert.ok(r.pairs.length < 60, String(r.pairs.length));
    });

    it("renders a matrix, the paths, the reasons once each and the warnings", async () => {
        const run = await planOfStack("dev");
        const text = renderReachability(reachability(run.config, run.resources)).join("\n");
        assert.match(text, /^ {2}head-office +· +- +- +- +4 +-$/m);
        assert.match(text, /^ {4}inet-ipv6 → server: IPv6 via internet → the instance's IPv6 address/m);
        assert.match(text, /^ {2}WARNING landing-zone:server\.elasticIp: /m);
        assert.equal(text.match(/the cross-cloud link \(AWS VPC ↔ hub\) is off \[landing-zone:wan\.crossCloudLink\]:/g)?.length, 1);
    });
});
