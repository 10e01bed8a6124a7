/** reports: enumerations shared by the report services and the GraphQL contract. */

/** How a report period is cut into buckets: days, weeks starting on Monday, calendar months. */
export enum ReportGrain {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}

/** What the customer growth report breaks its series down by. */
export enum CustomerGrowthGrouping {
  /** 客户来源 */
  SOURCE = 'SOURCE',
  /** The customer's home store (所属门店). */
  STORE = 'STORE',
}

/** The eight RFM segments (services/reports/rfm-scoring.ts names and computes them). */
export enum RfmSegment {
  IMPORTANT_VALUE = 'IMPORTANT_VALUE',
  IMPORTANT_DEVELOPMENT = 'IMPORTANT_DEVELOPMENT',
  IMPORTANT_RETENTION = 'IMPORTANT_RETENTION',
  IMPORTANT_WINBACK = 'IMPORTANT_WINBACK',
  GENERAL_VALUE = 'GENERAL_VALUE',
  GENERAL_DEVELOPMENT = 'GENERAL_DEVELOPMENT',
  GENERAL_RETENTION = 'GENERAL_RETENTION',
  GENERAL_WINBACK = 'GENERAL_WINBACK',
}
