import type { MeasureSpec } from './custom-catalogue';

/** 自定义报表 measures: each an aggregate over the rows of one fact (custom-facts.ts). */
export const MEASURES: Record<string, MeasureSpec> = {
  customers: {
    label: '客户数',
    description: 'Live (not archived) customers now; not cut by the period.',
    fact: 'customers',
    type: 'COUNT',
    sql: 'count(*)',
  },
  newCustomers: {
    label: '新增客户',
    description: 'Customer records created in the period (archived ones left out).',
    fact: 'newCustomers',
    type: 'COUNT',
    sql: 'count(*)',
  },
  visits: {
    label: '到店次数',
    description: 'Visits in the period.',
    fact: 'visits',
    type: 'COUNT',
    sql: 'count(*)',
  },
  distinctCustomers: {
    label: '到店客户数',
    description: 'Distinct customers with a visit in the period.',
    fact: 'visits',
    type: 'COUNT',
    sql: 'count(distinct f.customer_id)',
  },
  servicesGiven: {
    label: '服务项次',
    description: 'Visit lines (services given) in the period.',
    fact: 'lines',
    type: 'COUNT',
    sql: 'count(*)',
  },
  listPriceValue: {
    label: '项目原价金额',
    description: 'Those lines at list price, before tier discounts and coupons, settled or not.',
    fact: 'lines',
    type: 'MONEY',
    sql: 'sum(f.amount)',
  },
  settlements: {
    label: '结账单数',
    description: 'Settled visits (by settlement time).',
    fact: 'settlements',
    type: 'COUNT',
    sql: 'count(*)',
  },
  servicesConsumed: {
    label: '消耗',
    description:
      "revenueReport's servicesConsumed: settled lines at list price less tier discounts and coupons.",
    fact: 'settlements',
    type: 'MONEY',
    sql: 'sum(f.amount)',
  },
  averageTicket: {
    label: '客单价',
    description: 'servicesConsumed / settlements, rounded down.',
    fact: 'settlements',
    type: 'MONEY',
    sql: 'floor(sum(f.amount)::numeric / count(*))',
  },
  punchesUsed: {
    label: '次卡核销次数',
    description: 'Punch-card uses at checkout.',
    fact: 'settlements',
    type: 'COUNT',
    sql: 'sum(f.quantity)',
  },
  cashReceived: {
    label: '收款',
    description: "revenueReport's cashReceived: card sales (less refunds) plus checkouts' external payments.",
    fact: 'cash',
    type: 'MONEY',
    sql: 'sum(f.amount)',
  },
  cardSales: {
    label: '售卡收款',
    description: 'Money taken for cards, less refunds and reversed sales.',
    fact: 'cash',
    type: 'MONEY',
    sql: 'sum(f.amount2)',
  },
  productUses: {
    label: '产品使用次数',
    description: 'Times a product was recorded as used on a visit line (耗材).',
    fact: 'productUse',
    type: 'COUNT',
    sql: 'count(*)',
  },
  productQuantity: {
    label: '产品用量',
    description: "Units used (the product's own unit: ml, 片 …).",
    fact: 'productUse',
    type: 'COUNT',
    sql: 'sum(f.quantity)',
  },
  productValue: {
    label: '产品用量金额',
    description:
      "Units used × the product's 售价 today: a value, not money taken (products are not sold here).",
    fact: 'productUse',
    type: 'MONEY',
    sql: 'sum(f.amount)',
  },
};
