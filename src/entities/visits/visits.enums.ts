/** visits: enumerations shared by the entities and the GraphQL contract. */

/** 服务效果: how the customer felt after the service. */
export enum VisitEffect {
  /** 症状缓解 */
  SYMPTOM_RELIEF = 'SYMPTOM_RELIEF',
  /** 舒适 */
  COMFORTABLE = 'COMFORTABLE',
  /** 无明显变化 */
  NO_NOTICEABLE_CHANGE = 'NO_NOTICEABLE_CHANGE',
  /** 不适 */
  DISCOMFORT = 'DISCOMFORT',
}
