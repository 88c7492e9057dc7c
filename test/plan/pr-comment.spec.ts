import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { diffPlans } from "../../stacks/plan/diff";
import { COMMENT_MARKER, prCommentMarkdown } from "../../stacks/plan/pr-comment";
import { PlanDocument } from "../../stacks/plan/report";

/** `UPDATE_GOLDEN=1 npx mocha test/plan/pr-comment.spec.ts` rewrites the golden file after a deliberate change. */
const GOLDEN = path.join(__dirname, "golden", "pr-comment.md");

type R = PlanDocument["resources"][number];
const res = (type: string, name: string, inputs: Record<string, unknown>, parent: string | null = null): R => ({ type, name, parent, inputs });

/** A small prod-like stack: VPC, one subnet, the server, a VGW, a hub with one site. */
function prodLike(asn: string, sites: string[]): PlanDocument {
    const resources: R[] = [
        res("pulumi:providers:aws", "aws", { region: "ap-southeast-2" }),
        res("landing-zone:aws:DualStackVpc", "p", {}),
        res("aws:ec2/vpc:Vpc", "p-vpc", { cidrBlock: "10.40.0.0/16", assignGeneratedIpv6CidrBlock: true }, "p"),
        res("aws:ec2/internetGateway:InternetGateway", "p-igw", {}, "p"),
        res("aws:ec2/subnet:Subnet", "p-public-a", { availabilityZone: "ap-southeast-2a", cidrBlock: "10.40.0.0/24", ipv6CidrBlock: "2001:db8:100::/64", tags: { "landing-zone:tier": "public" } }, "p"),
        res("landing-zone:aws:MultiAzServer", "p-app", {}),
        res("aws:autoscaling/group:Group", "p-app-asg", { maxSize: 1 }, "p-app"),
        res("aws:ec2/vpnGateway:VpnGateway", "p-vgw", { amazonSideAsn: asn, tunnelKey: "[secret]" }),
        res("aws:ec2/vpnConnection:VpnConnection", "p-vpn-0", { tunnel1PresharedKey: "[secret]" }),
        res("landing-zone:azure:WanHub", "p-wan", {}),
        res("landing-zone:azure:CrossCloudSite", "p-aws", {}),
        res("azure-native:network:VirtualNetwork", "p-spoke-vnet", { location: "australiaeast", addressSpace: { addressPrefixes: ["10.51.0.0/16"] } }),
        res("azure-native:network:VirtualHub", "p-wan-hub", { addressPrefix: "10.200.0.0/23", sku: "Standard" }, "p-wan"),
        res("azure-native:network:VpnGateway", "p-wan-vpngw", { vpnGatewayScaleUnit: 1, bgpSettings: { asn: 65515 } }, "p-wan"),
        res("azure-native:network:VpnSite", "p-aws-site", { vpnSiteLinks: [{ bgpProperties: { asn: Number(asn) } }] }, "p-aws"),
        ...sites.map((s, i) => res("azure-native:network:VpnSite", `p-wan-site-${s}`, { addressSpace: { addressPrefixes: [`192.168.${i}.0/24`] } }, "p-wan")),
    ];
    const items = sites.map((s) => ({ type: "azure-native:network:VpnSite", name: `p-wan-site-${s}`, monthly: 46.06, basis: "1 × S2S connection unit, 730 h × $0.063095" }));
    return {
        stack: "prod",
        resources,
        addressing: undefined as unknown as PlanDocument["addressing"],
        cost: { currency: "USD", monthly: 500 + items.length * 46.06, cap: 1200, items: [{ type: "aws:autoscaling/group:Group", name: "p-app-asg", monthly: 38.04, basis: "1 × m7g.medium on-demand | 730 h" }, ...items] },
        policies: { violations: sites.length > 2 ? [{ policy: "cost-max-vpn-scale-units", level: "advisory", resource: "urn:pulumi:prod::landing-zone::landing-zone:azure:WanHub$azure-native:network:VpnGateway::p-wan-vpngw", message: "3 sites | consider 2 scale units" }] : [] },
        ipv6: { internetFacing: { total: 4, reachableOverIpv6: 1, share: 0.25 }, items: [{ kind: "network", type: "azure-native:network:VirtualNetwork", name: "p-spoke-vnet", stack: "ipv4-only" }] },
        outputs: { server: { subnetTier: "public", instanceTypes: ["t4g.medium"], market: "on-demand" } },
    };
}

function devLike(): PlanDocument {
    const doc = prodLike("64512", []);
    return { ...doc, stack: "dev", resources: doc.resources.filter((r) => !r.type.includes("vpn") && !r.type.includes("Vpn")), cost: { ...doc.cost, monthly: 307.11, cap: 400 } };
}

function comment(): string {
    const prodBase = prodLike("64512", ["melbourne", "brisbane"]);
    const prodHead: PlanDocument = prodLike("64600", ["melbourne", "brisbane", "perth"]);
    prodHead.diff = diffPlans(prodBase, prodHead);
    const dev = devLike();
    dev.diff = diffPlans(devLike(), dev);
    return prCommentMarkdown([{ file: "plan-dev.json", doc: dev }, { file: "plan-prod.json", doc: prodHead }, { file: "plan-test.json", error: "the plan wrote nothing" }]);
}

/** Markdown that GitHub renders as intended: fences and details balanced, every table row as wide as its header. */
function checkStructure(markdown: string): void {
    const lines = markdown.split("\n");
    assert.equal(lines.filter((l) => l.startsWith("```")).length % 2, 0, "unbalanced code fences");
    assert.equal(lines.filter((l) => l.startsWith("<details>")).length, lines.filter((l) => l === "</details>").length, "unbalanced <details>");
    let inFence = false;
    let columns = 0;
    for (const line of lines) {
        if (line.startsWith("```")) inFence = !inFence;
        if (inFence) continue;
        if (!line.startsWith("|")) {
            columns = 0;
            continue;
        }
        const cells = line.replace(/\\\|/g, "").split("|").length - 2;
        if (columns === 0) columns = cells;
        else assert.equal(cells, columns, `table row with ${cells} cells under a header of ${columns}: ${line}`);
    }
}

describe("pull-request comment", () => {
    it("matches the golden file", () => {
        const markdown = comment();
        if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN, markdown);
        assert.equal(markdown, fs.readFileSync(GOLDEN, "utf8"));
    });

    it("renders as intended: the sticky marker first, balanced blocks, tables with escaped pipes, replacement called out", () => {
        const markdown = comment();
        assert.ok(markdown.startsWith(`${COMMENT_MARKER}\n`));
        checkStructure(markdown);
        assert.match(markdown, /^- :warning: Replaces the virtual private gateway: .*\(`p-vgw`, VpnGateway; replace-on-change: `amazonSideAsn`\)$/m);
        assert.match(markdown, /\| VpnSite `p-wan-site-perth` \| \$0\.00 \| \$46\.06 \| \+\$46\.06 \|/);
        assert.match(markdown, /3 sites \\\| consider 2 scale units/);
        assert.ok(!markdown.includes("[secret]") || !/-\s+\S*[Kk]ey: (?!\[secret\])/.test(markdown));
        assert.match(markdown, /^```mermaid$/m);
    });

    it("stays under GitHub's comment size for 500 changed sites: diagrams go first, the full diff is cut", () => {
        const names = Array.from({ length: 500 }, (_, i) => `branch-${i}`);
        const head = prodLike("64512", names);
        head.diff = diffPlans(prodLike("64512", []), head);
        const markdown = prCommentMarkdown([{ file: "a", doc: head }, { file: "b", doc: head }, { file: "c", doc: head }]);
        assert.ok(markdown.length <= 60_100, String(markdown.length));
        checkStructure(markdown.includes("… cut at") ? markdown.slice(0, markdown.lastIndexOf("\n```")) + "\n```\n</details>" : markdown);
        assert.match(markdown, /more lines in the plan document/);
    });
});
