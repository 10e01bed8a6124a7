/** membership: enumerations shared by the entities and the GraphQL contract. */

/** What an account holds. */
export enum AccountKind {
  /** 储值: money, principal (本金) and bonus (赠送) kept apart, in 分. */
  STORED_VALUE = 'STORED_VALUE',
  /** 积分 */
  POINTS = 'POINTS',
  /** 计次卡 / 疗程卡: a number of uses of listed services. */
  PUNCH_CARD = 'PUNCH_CARD',
  /** 优惠券: one use, an amount off a checkout. */
  COUPON = 'COUPON',
}

export enum AccountStatus {
  ACTIVE = 'ACTIVE',
  /** 冻结: nothing can be taken from it until unfrozen (e.g. a course paused while travelling). */
  FROZEN = 'FROZEN',
}

/** Why a ledger entry was posted. */
export enum LedgerEntryKind {
  /** 充值 / 售卡: stored value credited. */
  TOP_UP = 'TOP_UP',
  /** 消费: stored value debited. */
  CHARGE = 'CHARGE',
  /** A punch card issued with its uses. */
  ISSUE = 'ISSUE',
  /** 核销 one use of a punch card. */
  PUNCH = 'PUNCH',
  /** 积分 earned. */
  EARN = 'EARN',
  /** 积分 redeemed. */
  REDEEM = 'REDEEM',
  /** Points that reached their expiry date. */
  EXPIRE = 'EXPIRE',
  /** 冲正 / 退款: undoes another entry, linked to it. */
  REVERSAL = 'REVERSAL',
  /** 退卡: the remaining principal paid back, the remaining bonus forfeited. */
  REFUND = 'REFUND',
  /**
   * 期初余额: a balance brought over from the previous system by a customer import (建档导入), tied
   * to it by the import's id as `operationId`. No money moves (no amountPaid): it is not revenue.
   */
  OPENING_BALANCE = 'OPENING_BALANCE',
  /**
   * 合并客户: a balance moved from a merged duplicate to the survivor (mergeCustomers), one entry
   * out of the merged one's account and one into the survivor's, under one operation id. No money
   * moves (no amountPaid): it is not revenue, and the two entries of a transfer sum to zero.
   */
  TRANSFER = 'TRANSFER',
}

/** What a sellable card gives. */
export enum CardProductKind {
  STORED_VALUE = 'STORED_VALUE',
  PUNCH_CARD = 'PUNCH_CARD',
  COUPON = 'COUPON',
}

/** Money taken outside the ledger, recorded by the POS. */
export enum PaymentMethod {
  CASH = 'CASH',
  WECHAT_PAY = 'WECHAT_PAY',
  ALIPAY = 'ALIPAY',
  BANK_CARD = 'BANK_CARD',
  OTHER = 'OTHER',
}

/** In which order stored value is spent. */
export enum SpendingOrder {
  /** 先本金后赠送 (default): bonus is spent last. */
  BONUS_LAST = 'BONUS_LAST',
  /** 先赠送后本金. */
  BONUS_FIRST = 'BONUS_FIRST',
  /** In proportion to the balances (按比例). */
  PROPORTIONAL = 'PROPORTIONAL',
}
