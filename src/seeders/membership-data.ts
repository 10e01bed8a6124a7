/** Demo membership configuration of 悦心养生馆 (Chinese, as a salon would set it up). */

export const TIERS = [
  {
    name: '普通会员',
    rank: 0,
    discountBasisPoints: 0,
    pointsMultiplierPercent: 100,
    minSpend: 0,
    minVisits: 0,
    benefits: '生日当月赠送肩颈放松15分钟',
  },
  {
    name: '银卡会员',
    rank: 1,
    discountBasisPoints: 500,
    pointsMultiplierPercent: 120,
    minSpend: 60_000,
    minVisits: 2,
    benefits: '项目9.5折, 积分1.2倍',
  },
  {
    name: '金卡会员',
    rank: 2,
    discountBasisPoints: 1200,
    pointsMultiplierPercent: 150,
    minSpend: 100_000,
    minVisits: 4,
    benefits: '项目8.8折, 积分1.5倍, 每季度免费足疗一次',
  },
  {
    name: '白金会员',
    rank: 3,
    discountBasisPoints: 2000,
    pointsMultiplierPercent: 200,
    minSpend: 300_000,
    minVisits: 8,
    benefits: '项目8折, 积分2倍, 专属顾问, 优先预约',
  },
] as const;

export const STORED_VALUE_CARDS = [
  { code: 'SV1000', name: '充1000送100', price: 100_000, bonus: 10_000 },
  { code: 'SV3000', name: '充3000送500', price: 300_000, bonus: 50_000 },
  { code: 'SV5000', name: '充5000送1000', price: 500_000, bonus: 100_000 },
] as const;

export const PUNCH_CARDS = [
  {
    code: 'PC-TN10',
    name: '10次肩颈推拿卡',
    price: 168_000,
    uses: 10,
    service: 'TN01',
    validityDays: 365,
    startsOnFirstUse: false,
  },
  {
    code: 'PC-AJ12',
    name: '艾灸调理疗程卡(12次)',
    price: 258_000,
    uses: 12,
    service: 'AJ01',
    validityDays: 180,
    startsOnFirstUse: true,
  },
] as const;

export const EXTERNAL_METHODS = ['WECHAT_PAY', 'WECHAT_PAY', 'ALIPAY', 'CASH', 'BANK_CARD'] as const;

/** Given away at the front desk: 满200减30, valid 30 days. */
export const COUPON = {
  code: 'CP-200-30',
  name: '满200减30',
  value: 3_000,
  minSpend: 20_000,
  validityDays: 30,
} as const;
