/** The cost model: price catalogue (data with provenance), regional derivation, estimator. */
export { CATALOGUE, findLine, lineKey, parseCatalogue } from "./catalogue";
export type { Catalogue, Cloud, DerivedFrom, PriceLine, PriceSource } from "./catalogue";
export { REGION_DERIVATIONS, deriveLines, rederive, regionalFactor } from "./derive";
export { AMI_ROOT_VOLUME, PRICED_TYPES, SNAPSHOT_ASSUMPTIONS, dearestInstanceType, dollars, estimateMonthlyCost, isSkipped } from "./estimator";
export type { CostEstimate, CostItem, EstimateOptions, ResourceLike, SnapshotAssumptions } from "./estimator";
export { compareConventionalHa, conventionalHaResources } from "./conventional-ha";
export type { ConventionalHaOptions } from "./conventional-ha";
export { compareServerTier } from "./server-tier";
export type { ServerTierComparison, ServerTierRun } from "./server-tier";
