/**
 * Security baseline: instance metadata v2, encrypted volumes, no admin
 * ports open to the internet, VPN tunnels that meet a cryptographic floor
 * with a real secret key, and failover IAM that cannot wreck the account.
 */
import * as ebs from "@pulumi/aws/ebs";
import * as ec2 from "@pulumi/aws/ec2";
import * as iam from "@pulumi/aws/iam";
import * as network from "@pulumi/azure-native/network";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { asArray, configOf, isTrue, offlineHints, policyStatements, PropsOf, reportCannotCheck, SECRET_PLACEHOLDER } from "./lib";
import { internetInboundRules, portText, RULE_TYPES } from "./rules";

// ---------------------------------------------------------------------------

function checkImds(options: { httpTokens?: string; httpEndpoint?: string } | undefined, report: ReportViolation) {
    if (options?.httpEndpoint === "disabled") return;
    if (options?.httpTokens !== "required") {
        report(`Instance metadata allows IMDSv1 (httpTokens is ${options?.httpTokens === undefined ? "not set, which defaults to optional" : `"${options.httpTokens}"`}). Set metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 }.`);
    }
}

export const imdsv2Required: ResourceValidationPolicy = {
    name: "security-imdsv2",
    description: "Instances require IMDSv2 session tokens for the instance metadata service (blocks SSRF credential theft).",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(ec2.LaunchTemplate, (lt, _args, report) => checkImds(lt.metadataOptions, report)),
        validateResourceOfType(ec2.Instance, (instance, _args, report) => checkImds(instance.metadataOptions, report)),
    ],
};

// ---------------------------------------------------------------------------

export const ebsEncrypted: ResourceValidationPolicy = {
    name: "security-ebs-encrypted",
    description: "EBS volumes, launch template block devices and instance root volumes are encrypted.",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(ebs.Volume, (volume, _args, report) => {
            if (!isTrue(volume.encrypted)) report("The volume is not encrypted. Set encrypted: true (and kmsKeyId for a customer-managed key).");
        }),
        validateResourceOfType(ec2.LaunchTemplate, (lt, _args, report) => {
            const mappings = asArray(lt.blockDeviceMappings).filter((m) => m.ebs !== undefined);
            if (mappings.length === 0) {
                report("The launch template declares no EBS block device, so the root volume takes the AMI's (unencrypted) default. Add blockDeviceMappings for the root device with ebs: { encrypted: \"true\", volumeType: \"gp3\" }.");
            }
            mappings.forEach((m, i) => {
                if (!isTrue(m.ebs?.encrypted)) report(`blockDeviceMappings[${i}] (${m.deviceName ?? "?"}) is not encrypted. Set ebs.encrypted: "true".`);
            });
        }),
        validateResourceOfType(ec2.Instance, (instance, _args, report) => {
            if (!isTrue(instance.rootBlockDevice?.encrypted)) report("The root volume is not encrypted. Set rootBlockDevice: { encrypted: true }.");
            asArray(instance.ebsBlockDevices).forEach((d, i) => {
                if (!isTrue(d.encrypted)) report(`ebsBlockDevices[${i}] (${d.deviceName}) is not encrypted. Set encrypted: true.`);
            });
        }),
    ],
};

// ---------------------------------------------------------------------------

export interface AdminPortsConfig {
    /** TCP ports that must never be open to the internet (default SSH, Telnet, RDP, WinRM, VNC). */
    adminPorts: number[];
}
const adminDefaults: AdminPortsConfig = { adminPorts: [22, 23, 3389, 5985, 5986, 5900] };

export const noOpenAdminPorts: ResourceValidationPolicy = {
    name: "security-no-open-admin-ports",
    description: "No SSH, RDP or other administration port is open to 0.0.0.0/0 or ::/0 (security groups, their rules, NSGs and NSG rules).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { adminPorts: { type: "array", items: { type: "integer", minimum: 0, maximum: 65535 }, description: "Ports never open to the internet." } },
    },
    validateResource: (args, report) => {
        if (!(RULE_TYPES as readonly string[]).includes(args.type)) return;
        const { adminPorts } = configOf(args, adminDefaults);
        for (const rule of internetInboundRules(args.type, args.props)) {
            if (rule.protocol !== "tcp" && rule.protocol !== "all" && rule.protocol !== "udp") continue;
            const open = adminPorts.filter((p) => p >= rule.from && p <= rule.to);
            if (open.length === 0) continue;
            const sources = [rule.ipv4Internet ? "0.0.0.0/0" : "", rule.ipv6Internet ? "::/0" : ""].filter(Boolean).join(" and ");
            report(`${rule.where} opens ${portText(rule)} (admin port${open.length > 1 ? "s" : ""} ${open.join(", ")}) to ${sources}. Remove it; reach the server through SSM Session Manager or the VPN, or allow only your office prefixes.`);
        }
    },
};

// ---------------------------------------------------------------------------

export interface VpnConfig {
    /** Shortest pre-shared key (default 20). */
    minPskLength: number;
    /** Azure IPsec/IKE encryption allowed (default AES256, GCMAES256). */
    allowedEncryption: string[];
    /** Azure IPsec/IKE integrity allowed (default SHA256, SHA384, GCMAES256). */
    allowedIntegrity: string[];
    /** Azure IKE DH groups allowed (default DHGroup14, DHGroup2048 (= group 14), ECP256, ECP384, DHGroup24). */
    allowedDhGroups: string[];
    /** Azure PFS groups allowed (default PFS2048, PFS14, ECP256, ECP384, PFS24, PFSMM; never None). */
    allowedPfsGroups: string[];
    /** AWS tunnel encryption algorithms allowed (default AES256, AES256-GCM-16). */
    awsEncryption: string[];
    /** AWS tunnel integrity algorithms allowed (default SHA2-256, SHA2-384, SHA2-512). */
    awsIntegrity: string[];
    /** AWS tunnel DH group numbers allowed (default 14–21, 24). */
    awsDhGroups: number[];
}

export const vpnDefaults: VpnConfig = {
    minPskLength: 20,
    allowedEncryption: ["AES256", "GCMAES256"],
    allowedIntegrity: ["SHA256", "SHA384", "GCMAES256"],
    allowedDhGroups: ["DHGroup14", "DHGroup2048", "ECP256", "ECP384", "DHGroup24"],
    allowedPfsGroups: ["PFS2048", "PFS14", "ECP256", "ECP384", "PFS24", "PFSMM"],
    awsEncryption: ["AES256", "AES256-GCM-16"],
    awsIntegrity: ["SHA2-256", "SHA2-384", "SHA2-512"],
    awsDhGroups: [14, 15, 16, 17, 18, 19, 20, 21, 24],
};

type IpsecPolicy = NonNullable<PropsOf<network.VpnConnectionArgs>["ipsecPolicies"]>[number];

function checkPsk(value: unknown, path: string, config: VpnConfig, args: ResourceValidationArgs, report: ReportViolation, required: boolean) {
    const hints = offlineHints(args);
    if (value === undefined || value === null || value === "") {
        if (required) report(`${path} is not set, so Azure generates a key the branch router must be told out of band. Set it from a Pulumi secret (pulumi config set --secret --path 'landing-zone:vpnPreSharedKeys.<site>').`);
        return;
    }
    if (value === SECRET_PLACEHOLDER) {
        // Offline: the plan redacted a secret; its length comes from a hint when the caller knows it.
        const length = hints?.secretLength(path);
        if (length === undefined) reportCannotCheck(report, `${path} is a secret whose length the offline plan cannot see; CrossGuard checks it at preview`);
        else if (length < config.minPskLength) report(`${path} is ${length} characters; use at least ${config.minPskLength} random characters.`);
        return;
    }
    if (typeof value !== "string") return;
    if (hints?.secretsRedacted) {
        // The offline plan replaces every secret with "[secret]", so clear text here was never a secret.
        report(`${path} is in clear text in the program. Read it as a Pulumi secret (config.requireSecret / getSecretObject) so it never lands in state or logs unencrypted.`);
    }
    if (value.length < config.minPskLength) report(`${path} is ${value.length} characters; use at least ${config.minPskLength} random characters.`);
}

function checkAzureIpsec(policies: IpsecPolicy[] | undefined, path: string, config: VpnConfig, report: ReportViolation) {
    if (!policies || policies.length === 0) {
        report(`${path} has no custom IPsec policy, so Azure's default proposals (which include weaker ones) apply. Set ipsecPolicies with AES256/GCMAES256, SHA256+, DHGroup14/ECP256/ECP384/DHGroup24 and a PFS group other than None.`);
        return;
    }
    policies.forEach((p, i) => {
        const where = `${path}[${i}]`;
        const bad: string[] = [];
        if (!config.allowedEncryption.includes(String(p.ikeEncryption))) bad.push(`ikeEncryption ${p.ikeEncryption}`);
        if (!config.allowedEncryption.includes(String(p.ipsecEncryption))) bad.push(`ipsecEncryption ${p.ipsecEncryption}`);
        if (!config.allowedIntegrity.includes(String(p.ikeIntegrity))) bad.push(`ikeIntegrity ${p.ikeIntegrity}`);
        if (!config.allowedIntegrity.includes(String(p.ipsecIntegrity))) bad.push(`ipsecIntegrity ${p.ipsecIntegrity}`);
        if (!config.allowedDhGroups.includes(String(p.dhGroup))) bad.push(`dhGroup ${p.dhGroup}`);
        if (!config.allowedPfsGroups.includes(String(p.pfsGroup))) bad.push(`pfsGroup ${p.pfsGroup}`);
        if (bad.length > 0) {
            report(`${where} is below the floor: ${bad.join(", ")}. Use encryption ${config.allowedEncryption.join("/")}, integrity ${config.allowedIntegrity.join("/")}, DH ${config.allowedDhGroups.join("/")}, PFS ${config.allowedPfsGroups.join("/")}.`);
        }
    });
}

function checkAwsTunnel(vpn: PropsOf<ec2.VpnConnectionArgs>, n: 1 | 2, config: VpnConfig, args: ResourceValidationArgs, report: ReportViolation) {
    const t = `tunnel${n}` as const;
    const ike = vpn[`${t}IkeVersions`];
    if (!ike || ike.length === 0 || ike.some((v) => v !== "ikev2")) report(`${t}IkeVersions is ${ike ? JSON.stringify(ike) : "not set (ikev1 and ikev2)"}. Set ["ikev2"].`);
    for (const phase of ["Phase1", "Phase2"] as const) {
        const enc = vpn[`${t}${phase}EncryptionAlgorithms`];
        const integ = vpn[`${t}${phase}IntegrityAlgorithms`];
        const dh = vpn[`${t}${phase}DhGroupNumbers`];
        const problems: string[] = [];
        if (!enc || enc.length === 0 || enc.some((a) => !config.awsEncryption.includes(a))) problems.push(`EncryptionAlgorithms ${enc ? JSON.stringify(enc) : "(AWS default, includes AES128)"}`);
        if (!integ || integ.length === 0 || integ.some((a) => !config.awsIntegrity.includes(a))) problems.push(`IntegrityAlgorithms ${integ ? JSON.stringify(integ) : "(AWS default, includes SHA1)"}`);
        if (!dh || dh.length === 0 || dh.some((g) => !config.awsDhGroups.includes(g))) problems.push(`DhGroupNumbers ${dh ? JSON.stringify(dh) : "(AWS default, includes group 2)"}`);
        if (problems.length > 0) report(`${t}${phase}: ${problems.join(", ")} below the floor. Allow only ${config.awsEncryption.join("/")}, ${config.awsIntegrity.join("/")}, DH groups ${config.awsDhGroups.join("/")}.`);
    }
    // Without a key AWS generates a random 32-character one, kept secret by the provider.
    checkPsk(vpn[`${t}PresharedKey`], `${t}PresharedKey`, config, args, report, false);
}

export const vpnCrypto: ResourceValidationPolicy = {
    name: "security-vpn-ipsec",
    description: "Site-to-site VPN connections use IKEv2, a custom IPsec policy at or above the floor (AES256/GCMAES256, SHA256+, DH 14/ECP256/ECP384/24, PFS on), and a secret pre-shared key of at least 20 characters.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            minPskLength: { type: "integer", minimum: 8, default: 20, description: "Shortest pre-shared key." },
            allowedEncryption: { type: "array", items: { type: "string" }, description: "Azure IKE/IPsec encryption values allowed." },
            allowedIntegrity: { type: "array", items: { type: "string" }, description: "Azure IKE/IPsec integrity values allowed." },
            allowedDhGroups: { type: "array", items: { type: "string" }, description: "Azure IKE DH groups allowed." },
            allowedPfsGroups: { type: "array", items: { type: "string" }, description: "Azure PFS groups allowed." },
            awsEncryption: { type: "array", items: { type: "string" }, description: "AWS tunnel encryption algorithms allowed." },
            awsIntegrity: { type: "array", items: { type: "string" }, description: "AWS tunnel integrity algorithms allowed." },
            awsDhGroups: { type: "array", items: { type: "integer" }, description: "AWS tunnel DH group numbers allowed." },
        },
    },
    validateResource: [
        validateResourceOfType(network.VpnConnection, (conn, args, report) => {
            const config = configOf(args, vpnDefaults);
            const links = asArray(conn.vpnLinkConnections);
            const targets = links.length > 0
                ? links.map((l, i) => ({ path: `vpnLinkConnections[${i}]`, protocol: l.vpnConnectionProtocolType ?? conn.vpnConnectionProtocolType, ipsec: l.ipsecPolicies ?? conn.ipsecPolicies, key: l.sharedKey, keyPath: l.sharedKey !== undefined ? `vpnLinkConnections[${i}].sharedKey` : "sharedKey", fallbackKey: conn.sharedKey }))
                : [{ path: "connection", protocol: conn.vpnConnectionProtocolType, ipsec: conn.ipsecPolicies, key: conn.sharedKey, keyPath: "sharedKey", fallbackKey: undefined }];
            for (const t of targets) {
                if (t.protocol !== "IKEv2") report(`${t.path}: vpnConnectionProtocolType is ${t.protocol === undefined ? "not set" : `"${t.protocol}"`}. Set "IKEv2".`);
                checkAzureIpsec(t.ipsec, `${t.path === "connection" ? "" : `${t.path}.`}ipsecPolicies`, config, report);
                checkPsk(t.key ?? t.fallbackKey, t.keyPath, config, args, report, true);
            }
        }),
        validateResourceOfType(ec2.VpnConnection, (vpn, args, report) => {
            const config = configOf(args, vpnDefaults);
            checkAwsTunnel(vpn, 1, config, args, report);
            checkAwsTunnel(vpn, 2, config, args, report);
        }),
    ],
};

// ---------------------------------------------------------------------------

export interface IamConfig {
    /**
     * Action name globs (without the service prefix) that must not be
     * allowed on Resource "*". Default: Delete*, Detach*, Attach*,
     * Associate*, Disassociate*, Terminate*, CreateVolume, CreateSnapshot(s),
     * ChangeResourceRecordSets, CompleteLifecycleAction.
     */
    destructiveActions: string[];
}

export const iamDefaults: IamConfig = {
    destructiveActions: ["Delete*", "Detach*", "Attach*", "Associate*", "Disassociate*", "Terminate*", "CreateVolume", "CreateSnapshot", "CreateSnapshots", "ChangeResourceRecordSets", "CompleteLifecycleAction"],
};

interface Statement {
    Effect?: string;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
    Sid?: string;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Whether an action pattern (may hold * and ?) can match a destructive action name. */
export function destructiveMatches(actionPattern: string, destructive: readonly string[]): string[] {
    const name = actionPattern.includes(":") ? actionPattern.slice(actionPattern.indexOf(":") + 1) : actionPattern;
    const lower = name.toLowerCase();
    const hits: string[] = [];
    for (const d of destructive) {
        const dl = d.toLowerCase();
        const dPrefix = dl.endsWith("*") ? dl.slice(0, -1) : undefined;
        const wildAt = lower.search(/[*?]/);
        if (wildAt < 0) {
            // A concrete action: match it against the destructive glob.
            if (dPrefix !== undefined ? lower.startsWith(dPrefix) : lower === dl) hits.push(d);
        } else {
            // A wildcard action: destructive if its literal prefix is compatible with the destructive name.
            const literal = lower.slice(0, wildAt);
            const target = dPrefix ?? dl;
            if (target.startsWith(literal) || (dPrefix !== undefined && literal.startsWith(dPrefix))) hits.push(d);
        }
    }
    return hits;
}

function checkPolicyDocument(document: unknown, config: IamConfig, report: ReportViolation) {
    const statements = policyStatements(document) as Statement[] | undefined;
    if (statements === undefined) {
        report("The policy document is not valid JSON, so it cannot be checked. Build it with JSON.stringify or aws.iam.getPolicyDocument.");
        return;
    }
    statements.forEach((s, i) => {
        if (s.Effect !== "Allow") return;
        const resources = s.NotResource !== undefined ? ["*"] : list(s.Resource);
        if (!resources.includes("*")) return;
        const actions = s.NotAction !== undefined ? ["*"] : list(s.Action);
        const bad = actions.filter((a) => destructiveMatches(a, config.destructiveActions).length > 0);
        if (bad.length > 0) {
            report(`Statement ${s.Sid ? `"${s.Sid}"` : i} allows ${bad.join(", ")} on Resource "*"${s.NotResource !== undefined ? " (via NotResource)" : ""}. Scope each destructive action to ARNs (e.g. arn:aws:ec2:<region>:<account>:volume/*, the Auto Scaling group's ARN, the hosted zone's ARN) and add a tag condition such as aws:ResourceTag/landing-zone:tier.`);
        }
    });
}

export const iamNoWildcardDestructive: ResourceValidationPolicy = {
    name: "security-iam-no-wildcard-destructive",
    description: "IAM policies (notably the failover handler's) never allow destructive actions (Delete*, Detach*, Attach*, Associate*, Terminate*, CreateVolume/Snapshot, ChangeResourceRecordSets, CompleteLifecycleAction) on Resource \"*\".",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { destructiveActions: { type: "array", items: { type: "string" }, description: "Action name globs (no service prefix) treated as destructive." } },
    },
    validateResource: [
        validateResourceOfType(iam.Policy, (p, args, report) => checkPolicyDocument(p.policy, configOf(args, iamDefaults), report)),
        validateResourceOfType(iam.RolePolicy, (p, args, report) => checkPolicyDocument(p.policy, configOf(args, iamDefaults), report)),
    ],
};

export const securityPolicies = [imdsv2Required, ebsEncrypted, noOpenAdminPorts, vpnCrypto, iamNoWildcardDestructive];
