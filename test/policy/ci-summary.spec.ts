import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planSummaryMarkdown, readPlans } from "../../policy/ci-summary";

describe("CI summary", () => {
    it("renders cost against the cap, violations (mandatory first) and IPv6 share per stack", () => {
        const md = planSummaryMarkdown([
            {
                file: "plan-dev.json",
                doc: {
                    stack: "dev",
                    cost: { currency: "USD", monthly: 420, cap: 400, items: [{ type: "aws:ec2/natGateway:NatGateway", name: "nat", monthly: 32.85, basis: "730 h × $0.045" }] },
                    policies: { violations: [
                        { policy: "ipv6-ingress-parity", level: "advisory", resource: null, message: "cannot check yet: x" },
                        { policy: "cost-no-nat-gateway", level: "mandatory", resource: "urn:pulumi:dev::landing-zone::landing-zone:aws:DualStackVpc$aws:ec2/natGateway:NatGateway::dev-nat", message: "NAT | gateways\nare not allowed" },
                    ] },
                    ipv6: { internetFacing: { total: 4, reachableOverIpv6: 3, share: 0.75 } },
                },
            },
            { file: "plan-prod.json", error: "the plan wrote nothing" },
        ]);
        assert.match(md, /### Stack `dev` :x:/);
        assert.match(md, /\*\*Monthly estimate:\*\* \$420\.00 — cap \$400\.00 \(\*\*over\*\*\)/);
        assert.ok(md.indexOf("cost-no-nat-gateway") < md.indexOf("ipv6-ingress-parity"), "mandatory first");
        assert.match(md, /`dev-nat` \(NatGateway\) \| NAT \\\| gateways<br>are not allowed/);
        assert.match(md, /75% of internet-facing endpoints reachable over IPv6 \(3\/4\)/);
        assert.match(md, /### plan-prod\.json\n\n:x: No plan report: the plan wrote nothing/);
    });

    it("reads plan files, tolerating a banner before the JSON and reporting missing or broken ones", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lz-summary-"));
        fs.writeFileSync(path.join(dir, "ok.json"), `> landing-zone plan\n${JSON.stringify({ stack: "dev" })}`);
        fs.writeFileSync(path.join(dir, "bad.json"), "{ nope");
        const [ok, bad, missing] = readPlans([path.join(dir, "ok.json"), path.join(dir, "bad.json"), path.join(dir, "none.json")]);
        assert.ok("doc" in ok && ok.doc.stack === "dev");
        assert.ok("error" in bad && /not JSON/.test(bad.error));
        assert.ok("error" in missing && missing.error === "file not found");
    });
});
