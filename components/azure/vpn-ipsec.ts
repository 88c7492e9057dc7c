/**
 * The one IPsec/IKE policy every site-to-site tunnel uses, and how it reads
 * on each side: Azure's IpsecPolicy, AWS's tunnel options and the plain words
 * a branch router administrator types in. Pure: no Pulumi imports.
 *
 * Modern suites only: IKEv2, AES-256 (CBC or GCM), SHA-256, DH group 14 or
 * an elliptic-curve group, and PFS with the same group as IKE.
 */

/** ESP/IKE encryption: AES-256-CBC with SHA-256, or AES-256-GCM (integrity built in). */
export type IpsecEncryption = "AES256" | "GCMAES256";
/** Diffie-Hellman group for IKE (and, matched, for PFS). */
export type IpsecDhGroup = "DHGroup14" | "ECP256" | "ECP384" | "DHGroup24";

export interface IpsecSettings {
    /** ESP (and IKE) encryption. Default GCMAES256. */
    encryption: IpsecEncryption;
    /** IKE DH group; PFS uses the matching group. Default ECP256. */
    dhGroup: IpsecDhGroup;
    /** IPsec (child/quick-mode) SA lifetime in seconds. Default 3600. */
    saLifeTimeSeconds: number;
    /** IPsec SA lifetime in kilobytes. Default 102400000. */
    saDataSizeKilobytes: number;
}

export const DEFAULT_IPSEC: IpsecSettings = {
    encryption: "GCMAES256",
    dhGroup: "ECP256",
    saLifeTimeSeconds: 3600,
    saDataSizeKilobytes: 102400000,
};

/** Virtual WAN VPN gateways fix the IKE (phase 1) SA lifetime at 8 hours; AWS allows up to the same. */
export const IKE_SA_LIFETIME_SECONDS = 28800;

/** AWS's bounds for a tunnel's phase 2 lifetime. */
export const AWS_PHASE2_LIFETIME = { min: 900, max: 3600 } as const;

/** PFS group that matches each DH group (Azure's names: DHGroup14 ↔ PFS2048). */
const PFS_FOR: Record<IpsecDhGroup, "PFS2048" | "ECP256" | "ECP384" | "PFS24"> = {
    DHGroup14: "PFS2048",
    ECP256: "ECP256",
    ECP384: "ECP384",
    DHGroup24: "PFS24",
};

/** IANA group numbers, which AWS and router UIs use. */
const GROUP_NUMBER: Record<IpsecDhGroup, number> = { DHGroup14: 14, ECP256: 19, ECP384: 20, DHGroup24: 24 };

/** Azure's IpsecPolicy fields (string enums as azure-native accepts them). */
export interface AzureIpsecPolicy {
    ikeEncryption: IpsecEncryption;
    ikeIntegrity: "SHA256";
    dhGroup: IpsecDhGroup;
    ipsecEncryption: IpsecEncryption;
    /** Azure requires GCM integrity to match GCM encryption. */
    ipsecIntegrity: "SHA256" | "GCMAES256";
    pfsGroup: "PFS2048" | "ECP256" | "ECP384" | "PFS24";
    saLifeTimeSeconds: number;
    saDataSizeKilobytes: number;
}

export function azureIpsecPolicy(settings: IpsecSettings): AzureIpsecPolicy {
    return {
        ikeEncryption: settings.encryption,
        ikeIntegrity: "SHA256",
        dhGroup: settings.dhGroup,
        ipsecEncryption: settings.encryption,
        ipsecIntegrity: settings.encryption === "GCMAES256" ? "GCMAES256" : "SHA256",
        pfsGroup: PFS_FOR[settings.dhGroup],
        saLifeTimeSeconds: settings.saLifeTimeSeconds,
        saDataSizeKilobytes: settings.saDataSizeKilobytes,
    };
}

/** The same policy as AWS tunnel options (one value each, so nothing weaker can be negotiated). */
export interface AwsTunnelIpsec {
    ikeVersions: string[];
    phase1EncryptionAlgorithms: string[];
    phase1IntegrityAlgorithms: string[];
    phase1DhGroupNumbers: number[];
    phase1LifetimeSeconds: number;
    phase2EncryptionAlgorithms: string[];
    phase2IntegrityAlgorithms: string[];
    phase2DhGroupNumbers: number[];
    phase2LifetimeSeconds: number;
}

export function awsTunnelIpsec(settings: IpsecSettings): AwsTunnelIpsec {
    const cipher = settings.encryption === "GCMAES256" ? "AES256-GCM-16" : "AES256";
    const group = GROUP_NUMBER[settings.dhGroup];
    if (settings.saLifeTimeSeconds < AWS_PHASE2_LIFETIME.min || settings.saLifeTimeSeconds > AWS_PHASE2_LIFETIME.max) {
        throw new Error(`an IPsec SA lifetime of ${settings.saLifeTimeSeconds} s is outside the ${AWS_PHASE2_LIFETIME.min}–${AWS_PHASE2_LIFETIME.max} s AWS allows for phase 2`);
    }
    return {
        ikeVersions: ["ikev2"],
        phase1EncryptionAlgorithms: [cipher],
        phase1IntegrityAlgorithms: ["SHA2-256"],
        phase1DhGroupNumbers: [group],
        phase1LifetimeSeconds: IKE_SA_LIFETIME_SECONDS,
        phase2EncryptionAlgorithms: [cipher],
        // AWS wants an integrity algorithm listed even for GCM, where it goes unused.
        phase2IntegrityAlgorithms: ["SHA2-256"],
        phase2DhGroupNumbers: [group],
        phase2LifetimeSeconds: settings.saLifeTimeSeconds,
    };
}

/** What the branch router must be set to, in vendor-neutral words. */
export interface RouterIpsecSheet {
    ikeVersion: "IKEv2";
    authentication: "pre-shared key";
    phase1: { encryption: string; integrity: string; dhGroup: string; lifetimeSeconds: number };
    phase2: { protocol: "ESP"; encryption: string; integrity: string; pfsGroup: string; lifetimeSeconds: number; lifetimeKilobytes: number };
}

export function routerIpsecSheet(settings: IpsecSettings): RouterIpsecSheet {
    const gcm = settings.encryption === "GCMAES256";
    const group = `${settings.dhGroup} (group ${GROUP_NUMBER[settings.dhGroup]})`;
    return {
        ikeVersion: "IKEv2",
        authentication: "pre-shared key",
        phase1: { encryption: gcm ? "AES-256-GCM" : "AES-256-CBC", integrity: "SHA-256", dhGroup: group, lifetimeSeconds: IKE_SA_LIFETIME_SECONDS },
        phase2: {
            protocol: "ESP",
            encryption: gcm ? "AES-256-GCM" : "AES-256-CBC",
            integrity: gcm ? "none (GCM authenticates)" : "SHA-256",
            pfsGroup: group,
            lifetimeSeconds: settings.saLifeTimeSeconds,
            lifetimeKilobytes: settings.saDataSizeKilobytes,
        },
    };
}
