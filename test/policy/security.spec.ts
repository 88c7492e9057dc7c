import { strict as assert } from "assert";
import * as ebs from "@pulumi/aws/ebs";
import * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import * as vpc from "@pulumi/aws/vpc";
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { destructiveMatches, ebsEncrypted, iamDefaults, iamNoWildcardDestructive, imdsv2Required, noOpenAdminPorts, vpnCrypto } from "../../policy/security";
import { advisory, check, declare, mandatory } from "./helpers";

const names = (vs: Array<{ resource: string | null }>) => vs.map((v) => v.resource?.split("::").pop()).sort();

const strongIpsec = { ikeEncryption: "GCMAES256", ikeIntegrity: "SHA384", ipsecEncryption: "GCMAES256", ipsecIntegrity: "GCMAES256", dhGroup: "ECP384", pfsGroup: "ECP384", saLifeTimeSeconds: 3600, saDataSizeKilobytes: 102400000 };

describe("policy: security", () => {
    describe("security-imdsv2", () => {
        it("passes launch templates and instances that require tokens", async () => {
            const r = await declare(() => {
                new ec2.LaunchTemplate("lt", { metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 } });
                new ec2.Instance("i", { ami: "ami-1", instanceType: "t4g.micro", metadataOptions: { httpTokens: "required" } });
            });
            assert.deepEqual((await check(imdsv2Required, r)).violations, []);
        });
        it("fails IMDSv1 (optional tokens, or not set)", async () => {
            const r = await declare(() => {
                new ec2.LaunchTemplate("optional", { metadataOptions: { httpTokens: "optional" } });
                new ec2.LaunchTemplate("unset", { instanceType: "t4g.micro" });
            });
            const v = mandatory(await check(imdsv2Required, r));
            assert.deepEqual(names(v), ["optional", "unset"]);
            assert.ok(v.every((x) => /httpTokens: "required"/.test(x.message)));
        });
    });

    describe("security-ebs-encrypted", () => {
        it("passes encrypted volumes and template disks", async () => {
            const r = await declare(() => {
                new ebs.Volume("v", { availabilityZone: "us-east-1a", size: 10, encrypted: true });
                new ec2.LaunchTemplate("lt", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 8, volumeType: "gp3" } }] });
                new ec2.Instance("i", { ami: "ami-1", rootBlockDevice: { encrypted: true } });
            });
            assert.deepEqual((await check(ebsEncrypted, r)).violations, []);
        });
        it("fails unencrypted volumes, template disks, templates without a root mapping and instance roots", async () => {
            const r = await declare(() => {
                new ebs.Volume("v", { availabilityZone: "us-east-1a", size: 10 });
                new ec2.LaunchTemplate("plain", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] });
                new ec2.LaunchTemplate("nomap", { instanceType: "t4g.micro" });
                new ec2.Instance("i", { ami: "ami-1" });
            });
            assert.deepEqual(names(mandatory(await check(ebsEncrypted, r))), ["i", "nomap", "plain", "v"]);
        });
    });

    describe("security-no-open-admin-ports", () => {
        it("passes HTTPS from anywhere and SSH from an office prefix", async () => {
            const r = await declare(() => {
                new ec2.SecurityGroup("web", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }, { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["203.0.113.0/24"] }] });
                new network.NetworkSecurityGroup("nsg", { resourceGroupName: "rg", securityRules: [{ name: "deny", priority: 4000, direction: "Inbound", access: "Deny", protocol: "*", sourceAddressPrefix: "Internet", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*" }] });
            });
            assert.deepEqual((await check(noOpenAdminPorts, r)).violations, []);
        });
        it("fails SSH to ::/0, RDP to Internet, all traffic to 0.0.0.0/0 and a rule resource opening WinRM", async () => {
            const r = await declare(() => {
                new ec2.SecurityGroup("ssh6", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["::/0"] }] });
                new ec2.SecurityGroupRule("all", { type: "ingress", securityGroupId: "sg-1", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] });
                new vpc.SecurityGroupIngressRule("winrm", { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 5985, toPort: 5986, cidrIpv6: "::/0" });
                new network.NetworkSecurityGroup("rdp", { resourceGroupName: "rg", securityRules: [{ name: "rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "Internet", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRanges: ["3389"] }] });
                new network.SecurityRule("ssh-rule", { resourceGroupName: "rg", networkSecurityGroupName: "nsg", priority: 110, direction: "Inbound", access: "Allow", protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "20-25" });
            });
            const v = mandatory(await check(noOpenAdminPorts, r));
            assert.deepEqual(names(v), ["all", "rdp", "ssh-rule", "ssh6", "winrm"]);
            assert.match(v.find((x) => x.resource?.endsWith("ssh6"))!.message, /TCP port 22 \(admin port 22\) to ::\/0/);
            assert.match(v.find((x) => x.resource?.endsWith("ssh-rule"))!.message, /admin ports 22, 23\b.*0\.0\.0\.0\/0 and ::\/0/);
        });
    });

    describe("security-vpn-ipsec", () => {
        const connection = (overrides: Partial<network.VpnConnectionArgs> = {}, link: Record<string, unknown> = {}) =>
            declare(() => new network.VpnConnection("site-a", {
                resourceGroupName: "rg",
                gatewayName: "vpngw",
                remoteVpnSite: { id: "/subscriptions/x/vpnSites/site-a" },
                vpnLinkConnections: [{ name: "link-1", vpnSiteLink: { id: "/x/links/1" }, vpnConnectionProtocolType: "IKEv2", ipsecPolicies: [strongIpsec], sharedKey: pulumi.secret("0123456789abcdefghijklmnop"), ...link }],
                ...overrides,
            }));

        it("passes IKEv2, a strong custom policy and a secret key of sufficient length", async () => {
            const r = await connection();
            assert.equal((r[0].inputs.vpnLinkConnections as Array<{ sharedKey: string }>)[0].sharedKey, "[secret]", "the secret arrives redacted, as in the plan");
            const result = await check(vpnCrypto, r, {}, { secretLength: (_res, path) => (path === "vpnLinkConnections[0].sharedKey" ? 26 : undefined) });
            assert.deepEqual(result.violations, []);
        });

        it("says 'cannot check yet' for a redacted key whose length the plan does not know", async () => {
            const result = await check(vpnCrypto, await connection());
            assert.equal(mandatory(result).length, 0);
            assert.match(advisory(result)[0].message, /^cannot check yet: vpnLinkConnections\[0\]\.sharedKey is a secret/);
        });

        it("fails IKEv1, a weak policy, a missing policy and a short or clear-text key", async () => {
            const weak = { ...strongIpsec, ikeEncryption: "AES128", dhGroup: "DHGroup2", pfsGroup: "None" };
            const ikev1 = mandatory(await check(vpnCrypto, await connection({}, { vpnConnectionProtocolType: "IKEv1" }), {}, { secretLength: () => 26 }));
            assert.match(ikev1[0].message, /vpnConnectionProtocolType is "IKEv1". Set "IKEv2"/);
            const floor = mandatory(await check(vpnCrypto, await connection({}, { ipsecPolicies: [weak] }), {}, { secretLength: () => 26 }));
            assert.match(floor[0].message, /ipsecPolicies\[0\] is below the floor: ikeEncryption AES128, dhGroup DHGroup2, pfsGroup None/);
            const none = mandatory(await check(vpnCrypto, await connection({}, { ipsecPolicies: undefined }), {}, { secretLength: () => 26 }));
            assert.match(none[0].message, /no custom IPsec policy/);
            const short = mandatory(await check(vpnCrypto, await connection(), {}, { secretLength: () => 12 }));
            assert.match(short[0].message, /sharedKey is 12 characters; use at least 20/);
            const clear = mandatory(await check(vpnCrypto, await connection({}, { sharedKey: "short-clear-key" })));
            assert.deepEqual(clear.map((v) => v.message.split(". ")[0]), ["vpnLinkConnections[0].sharedKey is in clear text in the program", "vpnLinkConnections[0].sharedKey is 15 characters; use at least 20 random characters."]);
            const missing = mandatory(await check(vpnCrypto, await connection({}, { sharedKey: undefined })));
            assert.match(missing[0].message, /sharedKey is not set/);
        });

        it("checks AWS VPN tunnels: IKEv2 and the algorithm floor", async () => {
            const strong = { ikeVersions: ["ikev2"], enc: ["AES256-GCM-16"], integ: ["SHA2-384"], dh: [20] };
            const tunnels = (t: typeof strong) => ({
                tunnel1IkeVersions: t.ikeVersions, tunnel2IkeVersions: t.ikeVersions,
                tunnel1Phase1EncryptionAlgorithms: t.enc, tunnel1Phase2EncryptionAlgorithms: t.enc, tunnel2Phase1EncryptionAlgorithms: t.enc, tunnel2Phase2EncryptionAlgorithms: t.enc,
                tunnel1Phase1IntegrityAlgorithms: t.integ, tunnel1Phase2IntegrityAlgorithms: t.integ, tunnel2Phase1IntegrityAlgorithms: t.integ, tunnel2Phase2IntegrityAlgorithms: t.integ,
                tunnel1Phase1DhGroupNumbers: t.dh, tunnel1Phase2DhGroupNumbers: t.dh, tunnel2Phase1DhGroupNumbers: t.dh, tunnel2Phase2DhGroupNumbers: t.dh,
            });
            const good = await declare(() => new ec2.VpnConnection("aws-vpn", { customerGatewayId: "cgw-1", vpnGatewayId: "vgw-1", type: "ipsec.1", ...tunnels(strong) }));
            assert.deepEqual((await check(vpnCrypto, good)).violations, []);
            const bad = await declare(() => new ec2.VpnConnection("aws-vpn", { customerGatewayId: "cgw-1", vpnGatewayId: "vgw-1", type: "ipsec.1", ...tunnels({ ...strong, ikeVersions: ["ikev1", "ikev2"], dh: [2, 14] }) }));
            const v = mandatory(await check(vpnCrypto, bad));
            assert.ok(v.some((x) => /tunnel1IkeVersions is \["ikev1","ikev2"\]/.test(x.message)));
            assert.ok(v.some((x) => /tunnel2Phase1: DhGroupNumbers \[2,14\]/.test(x.message)));
        });
    });

    describe("security-iam-no-wildcard-destructive", () => {
        const doc = (statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
        it("passes scoped destructive actions and read-only wildcards", async () => {
            const r = await declare(() => new iam.RolePolicy("failover", {
                role: "failover-role",
                policy: doc([
                    { Effect: "Allow", Action: ["ec2:Describe*", "autoscaling:DescribeAutoScalingGroups"], Resource: "*" },
                    { Effect: "Allow", Action: ["ec2:CreateVolume", "ec2:AttachVolume", "ec2:DeleteVolume"], Resource: "arn:aws:ec2:us-east-1:123456789012:volume/*", Condition: { StringEquals: { "aws:ResourceTag/landing-zone:tier": "app" } } },
                    { Effect: "Allow", Action: "autoscaling:CompleteLifecycleAction", Resource: "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:*:autoScalingGroupName/app" },
                    { Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
                ]),
            }));
            assert.deepEqual((await check(iamNoWildcardDestructive, r)).violations, []);
        });
        it("fails destructive actions on Resource \"*\" (named, wildcards, NotResource) in policies and role policies", async () => {
            const r = await declare(() => {
                new iam.RolePolicy("failover", { role: "failover-role", policy: doc([{ Sid: "Volumes", Effect: "Allow", Action: ["ec2:AttachVolume", "ec2:DescribeVolumes"], Resource: "*" }]) });
                new iam.Policy("broad", { policy: doc([{ Effect: "Allow", Action: "ec2:*", Resource: ["*"] }, { Effect: "Allow", Action: "route53:ChangeResourceRecordSets", NotResource: "arn:aws:route53:::hostedzone/Z1" }]) });
            });
            const v = mandatory(await check(iamNoWildcardDestructive, r));
            assert.deepEqual(names(v), ["broad", "broad", "failover"]);
            assert.match(v.find((x) => x.resource?.endsWith("failover"))!.message, /Statement "Volumes" allows ec2:AttachVolume on Resource "\*"/);
        });
        it("matches action patterns against the destructive list", () => {
            const d = iamDefaults.destructiveActions;
            assert.deepEqual(destructiveMatches("ec2:De*", d), ["Delete*", "Detach*"]);
            assert.deepEqual(destructiveMatches("ec2:Describe*", d), []);
            assert.deepEqual(destructiveMatches("ec2:CreateTags", d), []);
            assert.deepEqual(destructiveMatches("ec2:create*", d), ["CreateVolume", "CreateSnapshot", "CreateSnapshots"]);
            assert.ok(destructiveMatches("*", d).length === d.length);
        });
    });
});
