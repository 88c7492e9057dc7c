import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { planDocument } from "../../stacks/plan-cli";
import { renderDiagram } from "../../stacks/plan/diagram";
import { PlanDocument } from "../../stacks/plan/report";
import { diagramBlock, DIAGRAM_STACK } from "../../scripts/docs";
import { planOfStack, ROOT } from "../helpers/stacks";

let prod: Promise<PlanDocument> | undefined;
const prodDocument = () => (prod ??= planOfStack("prod").then(async (run) => (await planDocument(run)).doc));

/** The label of the node whose label contains `text`, and whether it is marked IPv4-only. */
function nodeWith(mermaid: string, text: string): { line: string; ipv4Only: boolean } {
    const line = mermaid.split("\n").find((l) => l.includes(text) && /\[|\(/.test(l) && !l.includes("-->") && !l.includes("---"));
    assert.ok(line, `no node with ${text}:\n${mermaid}`);
    return { line, ipv4Only: line.endsWith(":::ipv4only") };
}

describe("topology diagram (--diagram)", () => {
    it("draws prod from its planned resources: VPC tiers and AZs, the server, VNets, hub, sites with ranges, cross-cloud tunnels, IPv4-only parts marked", async () => {
        const doc = await prodDocument();
        const m = renderDiagram(doc);
        assert.match(m, /^flowchart LR\n/);
        for (const tier of ["public", "private", "data"]) assert.match(m, new RegExp(`subgraph \\S+\\["${tier} subnets"\\]`));
        // Each subnet with its AZ, IPv4 and IPv6 range, from the subnet resources.
        for (const s of doc.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet")) {
            assert.ok(m.includes([s.inputs.availabilityZone, s.inputs.cidrBlock, s.inputs.ipv6CidrBlock].join("<br/>")), s.name);
        }
        assert.match(nodeWith(m, "Auto Scaling group prod-app-asg").line, /t4g\.medium, m7g\.medium, on-demand.*in any of 3 AZs/);
        assert.equal(nodeWith(m, "VNet prod-spoke-vnet").ipv4Only, true);
        assert.equal(nodeWith(m, "VNet prod-workloads-vnet").ipv4Only, false);
        assert.equal(nodeWith(m, "Virtual WAN hub prod-wan-hub").ipv4Only, true);
        for (const site of doc.addressing.sites) {
            const node = nodeWith(m, `branch ${site.name}<br/>`);
            assert.ok(node.line.includes(site.addressSpaces.join(", ")), node.line);
            assert.equal(node.ipv4Only, true);
        }
        assert.match(m, /vgw\S* == "2 × 2 IPsec IKEv2 tunnels, BGP" ==> \S*hub/);
        assert.match(m, /hub_prod_wan_hub --- \S*prod_spoke_vnet/);
    });

    it("is the README's architecture diagram (npm run docs regenerates it)", async () => {
        assert.equal(DIAGRAM_STACK, "prod");
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const block = readme.slice(readme.indexOf("<!-- generated:architecture -->") + "<!-- generated:architecture -->".length, readme.indexOf("<!-- /generated:architecture -->")).trim();
        assert.equal(block, diagramBlock(renderDiagram(await prodDocument())), "README.md's diagram is stale: run npm run docs");
    });

    it("collapses 500 branch sites into one node per 25 sites", async () => {
        const doc = await prodDocument();
        const hub = doc.resources.find((r) => r.type === "azure-native:network:VirtualHub")!;
        const sites = Array.from({ length: 500 }, (_, i) => ({
            type: "azure-native:network:VpnSite",
            name: `${hub.parent}-site-b${String(i).padStart(3, "0")}`,
            parent: hub.parent,
            inputs: { addressSpace: { addressPrefixes: [`172.${16 + (i >> 8)}.${i & 255}.0/24`] } },
        }));
        const m = renderDiagram({ ...doc, resources: [...doc.resources.filter((r) => !/VpnSite$/.test(r.type) || !r.name.includes("-wan-site-")), ...sites] });
        const groups = m.split("\n").filter((l) => l.includes("sites, "));
        assert.equal(groups.length, 20);
        assert.match(groups[0], /branches b000 … b024<br\/>25 sites, 25 ranges<br\/>172\.16\.0\.0\/24 … 172\.16\.24\.0\/24/);
        assert.equal(m.split("\n").filter((l) => l.includes('"25 × IPsec IKEv2"')).length, 20);
        assert.ok(!m.includes("branch b001"), "no per-site node once collapsed");
    });
});
