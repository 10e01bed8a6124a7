import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { masterKeyId, newDataKey, wrapKey } from '../src/core/crypto/envelope';
import { keyRing } from '../src/core/crypto/key-ring';
import { EncryptedJson, EncryptedText } from '../src/entities/encrypted.type';

/**
 * What encryption at rest costs a read (issue 17: "reads stay within the read-path budget, measure
 * it"): the sealed values a page carries, opened as the read path opens them (EncryptedText /
 * EncryptedJson.convertToJSValue: format check, key lookup, the organization check, AES-256-GCM, and
 * JSON.parse for json values), timed in process, per page. The counts follow the pages benchmark's
 * data (bench/pages-dataset.ts): 30 % of customers with allergies (1.5 each), 15 % with a condition.
 * `npm run bench:encryption` (ROUNDS, default 20,000 pages).
 */
const ROUNDS = Number(process.env.ROUNDS ?? 20_000);
const organizationId = randomUUID();
const master = newDataKey();
const keyId = randomUUID();
keyRing.useMasterKeys([master]);
keyRing.load(organizationId, [
  {
    id: keyId,
    organizationId,
    wrappedKey: wrapKey(master, keyId, newDataKey()),
    masterKeyId: masterKeyId(master),
    createdAt: new Date(0),
    retiredAt: null,
  },
]);
// As in a request: values open only under the organization at work's keys (the check is timed too).
keyRing.confineTo(() => organizationId);
const text = new EncryptedText();
const json = new EncryptedJson();
const platform = undefined as never;
const sealText = (value: string) => keyRing.seal(organizationId, value);

/** One page's sealed values: [type, stored value]. */
type Sealed = [EncryptedText | EncryptedJson, string];
const constitution: Sealed = [text, sealText('气虚质')];
const notes: Sealed = [text, sealText('久坐办公，肩颈僵硬，睡眠浅；按摩力度宜轻，避开腰部旧伤。')];
const substance: Sealed = [text, sealText('芒果')];
const condition: Sealed = [text, sealText('高血压（服药控制中）')];
const lifestyle: Sealed = [
  json,
  sealText(JSON.stringify({ sleep: '浅眠', exercise: '每周一次', diet: '偏辣' })),
];
const list: Sealed = [json, sealText(JSON.stringify(['肩颈酸痛', '失眠']))];
const reaction: Sealed = [text, sealText('皮疹、瘙痒')];

const PAGES: Record<string, Sealed[]> = {
  // 20 customers: constitution and notes each, 9 allergy substances, 3 conditions.
  'list page (customers first: 20)': [
    ...Array.from({ length: 20 }, () => [constitution, notes]).flat(),
    ...Array.from({ length: 9 }, () => substance),
    ...Array.from({ length: 3 }, () => condition),
  ],
  // One customer, every health section: 7 profile fields, 3 allergies (substance, reaction, note),
  // 2 conditions and 2 special conditions (text and note), 20 visits' condition notes.
  'customer-360 page': [
    constitution,
    list,
    lifestyle,
    lifestyle,
    list,
    list,
    notes,
    ...Array.from({ length: 3 }, () => [substance, reaction, notes]).flat(),
    ...Array.from({ length: 4 }, () => [condition, notes]).flat(),
    ...Array.from({ length: 20 }, () => notes),
  ],
};

function openPage(values: Sealed[]): number {
  let length = 0;
  for (const [type, stored] of values) {
    const opened = type.convertToJSValue(stored, platform);
    length += typeof opened === 'string' ? opened.length : 1;
  }
  return length;
}

for (const [page, values] of Object.entries(PAGES)) {
  for (let warm = 0; warm < 2_000; warm++) openPage(values);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let characters = 0;
  for (let round = 0; round < ROUNDS; round++) characters += openPage(values);
  const wallMs = (performance.now() - started) / ROUNDS;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000 / ROUNDS;
  console.log(
    `${page}: ${values.length} sealed values, opened in ${(cpuMs * 1000).toFixed(1)} µs CPU ` +
      `(${(wallMs * 1000).toFixed(1)} µs wall) per page, ${((cpuMs * 1000) / values.length).toFixed(2)} µs per value ` +
      `(${characters / ROUNDS} characters of plaintext per page)`,
  );
}
