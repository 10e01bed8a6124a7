/** catalogue: enumerations shared by the entities and the GraphQL contract. */

/** How strongly a contraindication speaks against a service: 禁用 (avoid) or 慎用 (caution). */
export enum ContraindicationSeverity {
  AVOID = 'AVOID',
  CAUTION = 'CAUTION',
}

/** Why stock moved. */
export enum StockMovementReason {
  /** 入库 */
  RECEIPT = 'RECEIPT',
  /** Used in a visit (服务耗材). */
  VISIT_USE = 'VISIT_USE',
  /** 盘点 / correction. */
  ADJUSTMENT = 'ADJUSTMENT',
}
