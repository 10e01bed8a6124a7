/** imports: enumerations shared by the entities and the GraphQL contract (建档导入). */

/** The file's format, from its name or content type at upload. */
export enum ImportFormat {
  CSV = 'CSV',
  XLSX = 'XLSX',
}

/** How a CSV's bytes are read; XLSX is always UTF-8 inside. */
export enum ImportEncoding {
  UTF8 = 'UTF8',
  /** GBK and GB18030 (what Chinese Excel writes): GB18030 is a superset of GBK, so one decoder reads both. */
  GB18030 = 'GB18030',
}

/** Where an import stands. A real run needs a finished dry run (DRY_RUN_DONE) of the same options. */
export enum ImportStatus {
  /** The file is stored; nothing was read yet. */
  UPLOADED = 'UPLOADED',
  /** Waiting for the job runner (large files). */
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  /** The dry run's row report is ready; nothing was written. */
  DRY_RUN_DONE = 'DRY_RUN_DONE',
  /** The real run wrote what the dry run promised; the file's bytes are deleted. */
  IMPORTED = 'IMPORTED',
  /** The real run found that the data changed since the dry run: nothing was written, dry-run again. */
  CONFLICT = 'CONFLICT',
  /** The file could not be read (see `error`): nothing was written. */
  FAILED = 'FAILED',
}

/** Which run an import is doing or did last. */
export enum ImportMode {
  DRY_RUN = 'DRY_RUN',
  IMPORT = 'IMPORT',
}

/** What became of one row of the file. */
export enum ImportRowOutcome {
  /** Valid and new: a customer is (or, on a dry run, would be) created. */
  OK = 'OK',
  /** Not imported: `problems` name the column and the rule. */
  ERROR = 'ERROR',
  /** Not imported: the customer exists already, or an earlier row of the file is them. */
  DUPLICATE = 'DUPLICATE',
}

/** Why a row is a duplicate. */
export enum ImportDuplicateReason {
  /** An existing customer, or an earlier row, has the same phone number. */
  PHONE = 'PHONE',
  /** An existing customer, or an earlier row, has the same 会员卡号 (externalId). */
  CARD_NUMBER = 'CARD_NUMBER',
  /** This row of the same file (same SHA-256) was imported before. */
  SAME_FILE_ROW = 'SAME_FILE_ROW',
}

/** What a column of the file fills. */
export enum ImportField {
  NAME = 'NAME',
  GENDER = 'GENDER',
  PHONE = 'PHONE',
  BIRTHDAY = 'BIRTHDAY',
  EMAIL = 'EMAIL',
  ADDRESS = 'ADDRESS',
  OCCUPATION = 'OCCUPATION',
  SOURCE = 'SOURCE',
  /** 专属顾问, by display name. */
  CONSULTANT = 'CONSULTANT',
  /** 标签, separated by , ， 、 ; or spaces. */
  TAGS = 'TAGS',
  /** 会员卡号 of the previous system: stored as the customer's externalId. */
  CARD_NUMBER = 'CARD_NUMBER',
  /** 储值余额 in 元 (two decimals): an OPENING_BALANCE entry of principal. */
  STORED_VALUE = 'STORED_VALUE',
  /** 赠送余额 in 元: an OPENING_BALANCE entry of bonus. */
  STORED_VALUE_BONUS = 'STORED_VALUE_BONUS',
  /** 积分: an OPENING_BALANCE entry on the points account. */
  POINTS = 'POINTS',
  /** 剩余次数 of a punch card: a new punch card with an OPENING_BALANCE entry. */
  PUNCHES_LEFT = 'PUNCHES_LEFT',
  /** 卡项: the punch-card product (name or code) the remaining uses are of. */
  PUNCH_CARD = 'PUNCH_CARD',
  /** 过敏史: allergies (health data, only with the import's health consent). */
  ALLERGIES = 'ALLERGIES',
  /** 既往病史: medical history (health data, only with the import's health consent). */
  MEDICAL_HISTORY = 'MEDICAL_HISTORY',
  NOTES = 'NOTES',
  /** Read nothing from this column (and do not report it as unknown). */
  IGNORE = 'IGNORE',
}

/** How the health-data consent of the customers in a file was obtained (PIPL art. 29). */
export enum HealthConsentMethod {
  /** 纸质知情同意书 signed in the shop. */
  PAPER_FORM = 'PAPER_FORM',
  /** An electronic form or mini-program the customer signed. */
  ELECTRONIC_FORM = 'ELECTRONIC_FORM',
  /** Given orally and recorded (call recording, witnessed). */
  VERBAL_RECORDED = 'VERBAL_RECORDED',
}
