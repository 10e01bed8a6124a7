import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import pino from 'pino';
import { Organization, Store, User } from '../src/entities';
import { Role } from '../src/entities/access/access.enums';
import { StaffRole } from '../src/entities/staff/staff.enums';
import { runQueuedImports } from '../src/jobs/customer-import.job';
import { projectRoot } from '../src/mikro-orm.config';
import { createContext } from '../src/server/context';
import { inRequestScope } from '../src/services/tenancy';
import { ensureDatabase, migrateAndOpen } from '../src/server/database';
import { startEmbeddedPostgres } from '../src/server/embedded-postgres';
import { createBenchApp, execute, type BenchApp } from './graphql';

/**
 * 建档导入 at scale (`npm run bench:import`): a 10,000-row XLSX through a dry run and a real run
 * (goal: the 10,000 rows in under a minute), then a 100,000-row GB18030 CSV (what Chinese Excel
 * saves) through a dry run while the process's RSS is sampled, next to a 10,000-row CSV's dry run:
 * a streamed import's peak does not grow with the file. Files are generated on disk (streamed too),
 * uploaded through CustomerImportService.upload as the HTTP endpoint hands them over, run through
 * GraphQL `startCustomerImport` as OWNER, and the queued ones by the job's own `runQueuedImports`.
 *   BENCH_IMPORT_ROWS (100000), BENCH_IMPORT_XLSX_ROWS (10000), BENCH_OUTPUT (docs/benchmarks.md; "-": none)
 */
const BIG_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const XLSX_ROWS = Number(process.env.BENCH_IMPORT_XLSX_ROWS ?? 10_000);
const OUTPUT = process.env.BENCH_OUTPUT ?? path.join(projectRoot, 'docs', 'benchmarks.md');
const GOAL_SECONDS = 60;
const HEADER = ['姓名', '性别', '手机', '生日', '来源', '标签', '会员卡号', '储值余额', '积分', '备注'];
const SOURCES = ['朋友推荐', '大众点评', '美团', '小红书', '路过'];
const silent = pino({ level: 'silent' });
const log = (message: string) => process.stderr.write(`[import bench] ${message}\n`);

/** Row `index` of a generated archive; `prefix` keeps the phones and card numbers of two files apart. */
function row(index: number, prefix: string): string[] {
  return [
    `客户${prefix}${index}`,
    index % 3 ? '女' : '男',
    `${prefix}${String(index).padStart(8, '0')}`,
    `19${50 + (index % 50)}-0${1 + (index % 9)}-1${index % 10}`,
    SOURCES[index % SOURCES.length],
    index % 2 ? '老客户' : '',
    `K${prefix}${index}`,
    index % 4 ? `${(index % 7) * 100}.50` : '',
    String(index % 500),
    '纸质档案录入，偏好安静的包间',
  ];
}

/** A CSV in GB18030 written as a stream: the generator's lines, encoded on the way. */
async function writeGb18030Csv(file: string, rows: number, prefix: string): Promise<void> {
  async function* lines() {
    yield `${HEADER.join(',')}\r\n`;
    let batch: string[] = [];
    for (let index = 1; index <= rows; index++) {
      batch.push(row(index, prefix).join(','));
      if (batch.length === 1000) {
        yield `${batch.join('\r\n')}\r\n`;
        batch = [];
      }
    }
    if (batch.length) yield `${batch.join('\r\n')}\r\n`;
  }
  await pipeline(Readable.from(lines()), iconv.encodeStream('gb18030'), createWriteStream(file));
}

/** An XLSX through exceljs's streaming writer (rows committed as they are added). */
async function writeXlsx(file: string, rows: number, prefix: string): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
  const sheet = workbook.addWorksheet('客户档案');
  sheet.addRow(HEADER).commit();
  for (let index = 1; index <= rows; index++) sheet.addRow(row(index, prefix)).commit();
  sheet.commit();
  await workbook.commit();
}

/** The process's RSS sampled every 20 ms while `work` runs: its peak, and the RSS before. */
async function sampled<T>(work: () => Promise<T>): Promise<{ result: T; beforeMb: number; peakMb: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, beforeMb: before / 2 ** 20, peakMb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

const IMPORT_FIELDS = `id status totalRows processedRows error
  summary { totalRows ok errors duplicates created storedValue { minorUnits } points }`;

interface ImportState {
  id: string;
  status: string;
  totalRows: number | null;
  error: string | null;
  summary: { totalRows: number; ok: number; errors: number; duplicates: number; created: number } | null;
}

async function main() {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'import-bench-'));
  const postgres = await startEmbeddedPostgres(directory, undefined, { removeOnStop: true });
  const filesDirectory = path.join(directory, 'files');
  await mkdir(filesDirectory);
  let app: BenchApp | undefined;
  try {
    const url = await ensureDatabase(postgres.url, 'import_bench');
    const { orm } = await migrateAndOpen(url, 10);
    const em = orm.em.fork();
    const organization = em.create(Organization, { name: '悦心养生馆' });
    const store = em.create(Store, { organization, name: '总店', code: 'HQ' });
    const owner = em.create(User, {
      organization,
      role: StaffRole.OWNER,
      email: `owner-${randomBytes(4).toString('hex')}@bench.cn`,
      displayName: '老板',
      passwordHash: 'not-a-login',
    });
    owner.stores.add(store);
    await em.flush();

    const files = {
      xlsx: path.join(filesDirectory, `archive-${XLSX_ROWS}.xlsx`),
      smallCsv: path.join(filesDirectory, `archive-${XLSX_ROWS}-gb18030.csv`),
      bigCsv: path.join(filesDirectory, `archive-${BIG_ROWS}-gb18030.csv`),
    };
    let started = performance.now();
    await writeXlsx(files.xlsx, XLSX_ROWS, '137');
    await writeGb18030Csv(files.smallCsv, XLSX_ROWS, '138');
    await writeGb18030Csv(files.bigCsv, BIG_ROWS, '139');
    const sizes = Object.fromEntries(
      await Promise.all(Object.entries(files).map(async ([key, file]) => [key, (await stat(file)).size])),
    ) as Record<keyof typeof files, number>;
    log(`generated the files in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    app = await createBenchApp(orm, directory);
    const bearer = (
      await app.tokens.issue({ userId: owner.id, organizationId: organization.id, role: Role.OWNER })
    ).token;
    // Each upload in a request's tenancy scope, as the HTTP route runs it (services/tenancy.ts).
    const upload = (file: string): Promise<string> => inRequestScope(() => uploadInScope(file));
    const uploadInScope = async (file: string): Promise<string> => {
      const context = await createContext(
        { orm, tokens: app!.tokens },
        { headers: { authorization: `Bearer ${bearer}` }, requestId: 'import-bench', logger: silent },
      );
      const stored = await context.services.customerImports.upload({
        fileName: path.basename(file),
        mimeType: 'application/octet-stream',
        content: createReadStream(file, { highWaterMark: 64 * 1024 }),
      });
      return stored.id;
    };
    /** A run through GraphQL; a file past the inline limit is queued and run by the job's function. */
    const run = async (importId: string, dryRun: boolean): Promise<ImportState> => {
      const startedRun = await execute<{ startCustomerImport: ImportState }>(
        app!,
        bearer,
        `mutation($input: StartCustomerImportInput!) { startCustomerImport(input: $input) { ${IMPORT_FIELDS} } }`,
        { input: { importId, dryRun } },
      );
      if (startedRun.errors) throw new Error(JSON.stringify(startedRun.errors));
      let state = startedRun.data!.startCustomerImport;
      if (state.status === 'QUEUED') {
        await runQueuedImports(orm, silent);
        const polled = await execute<{ customerImport: ImportState }>(
          app!,
          bearer,
          `query($id: ID!) { customerImport(id: $id) { ${IMPORT_FIELDS} } }`,
          { id: importId },
        );
        state = polled.data!.customerImport;
      }
      const expected = dryRun ? 'DRY_RUN_DONE' : 'IMPORTED';
      if (state.status !== expected) throw new Error(`expected ${expected}: ${JSON.stringify(state)}`);
      return state;
    };
    const timed = async <T>(work: () => Promise<T>) => {
      const at = performance.now();
      const result = await work();
      return { result, seconds: (performance.now() - at) / 1000 };
    };

    // 1. The 10,000-row XLSX: upload, dry run, real run.
    const xlsxUpload = await timed(() => upload(files.xlsx));
    const xlsxDry = await timed(() => run(xlsxUpload.result, true));
    const xlsxReal = await timed(() => run(xlsxUpload.result, false));
    const xlsxTotal = xlsxUpload.seconds + xlsxDry.seconds + xlsxReal.seconds;
    log(
      `xlsx ${XLSX_ROWS}: upload ${xlsxUpload.seconds.toFixed(1)} s, dry run ${xlsxDry.seconds.toFixed(1)} s, real run ${xlsxReal.seconds.toFixed(1)} s (created ${xlsxReal.result.summary?.created})`,
    );

    // 2. Dry runs of a 10,000-row and a 100,000-row GB18030 CSV, RSS sampled during each.
    const smallId = await upload(files.smallCsv);
    const smallDry = await sampled(() => timed(() => run(smallId, true)));
    log(
      `csv ${XLSX_ROWS} dry run: ${smallDry.result.seconds.toFixed(1)} s, peak RSS ${smallDry.peakMb.toFixed(0)} MB`,
    );
    started = performance.now();
    const bigId = await upload(files.bigCsv);
    const bigUploadSeconds = (performance.now() - started) / 1000;
    const bigDry = await sampled(() => timed(() => run(bigId, true)));
    log(
      `csv ${BIG_ROWS} dry run: ${bigDry.result.seconds.toFixed(1)} s, peak RSS ${bigDry.peakMb.toFixed(0)} MB`,
    );
    const maxRssMb = process.resourceUsage().maxRSS / 1024;

    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    const rate = (rows: number, seconds: number) => Math.round(rows / seconds).toLocaleString('en');
    const section = [
      '<!-- bench:import start -->',
      `### Customer import (建档导入), ${XLSX_ROWS.toLocaleString('en')} and ${BIG_ROWS.toLocaleString('en')} rows`,
      '',
      `- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; machine: ${os.cpus().length} cores, Node ${process.version}, embedded PostgreSQL`,
      `- Files (bench/import.bench.ts): generated archives with Chinese headers (${HEADER.join(', ')}), distinct phones, opening balances on three rows in four; the XLSX ${mb(sizes.xlsx)} MB, the GB18030 CSVs ${mb(sizes.smallCsv)} MB and ${mb(sizes.bigCsv)} MB`,
      "- Upload through CustomerImportService.upload (what POST /imports/customers streams into), runs through GraphQL `startCustomerImport` as OWNER in process; files past the inline limit run by the `customer-import` job's `runQueuedImports`",
      '',
      '| Step | Rows | Seconds | Rows/s | Peak RSS MB |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| XLSX upload | ${XLSX_ROWS} | ${xlsxUpload.seconds.toFixed(1)} | | |`,
      `| XLSX dry run | ${XLSX_ROWS} | ${xlsxDry.seconds.toFixed(1)} | ${rate(XLSX_ROWS, xlsxDry.seconds)} | |`,
      `| XLSX real run (${xlsxReal.result.summary?.created ?? 0} customers created) | ${XLSX_ROWS} | ${xlsxReal.seconds.toFixed(1)} | ${rate(XLSX_ROWS, xlsxReal.seconds)} | |`,
      `| CSV GB18030 dry run | ${XLSX_ROWS} | ${smallDry.result.seconds.toFixed(1)} | ${rate(XLSX_ROWS, smallDry.result.seconds)} | ${smallDry.peakMb.toFixed(0)} (before: ${smallDry.beforeMb.toFixed(0)}) |`,
      `| CSV GB18030 upload | ${BIG_ROWS} | ${bigUploadSeconds.toFixed(1)} | | |`,
      `| CSV GB18030 dry run | ${BIG_ROWS} | ${bigDry.result.seconds.toFixed(1)} | ${rate(BIG_ROWS, bigDry.result.seconds)} | ${bigDry.peakMb.toFixed(0)} (before: ${bigDry.beforeMb.toFixed(0)}) |`,
      '',
      `- Goal, ${XLSX_ROWS.toLocaleString('en')} rows (upload, dry run and real run) in under ${GOAL_SECONDS} s: ${xlsxTotal.toFixed(1)} s, ${xlsxTotal < GOAL_SECONDS ? 'met' : '**missed**'}`,
      `- Streaming: the ${BIG_ROWS.toLocaleString('en')}-row dry run peaked at ${bigDry.peakMb.toFixed(0)} MB RSS against ${smallDry.peakMb.toFixed(0)} MB for ${XLSX_ROWS.toLocaleString('en')} rows (${(bigDry.peakMb - smallDry.peakMb).toFixed(0)} MB more for ${(sizes.bigCsv / sizes.smallCsv).toFixed(0)}× the file); the process's lifetime maximum RSS ${maxRssMb.toFixed(0)} MB`,
      '<!-- bench:import end -->',
    ].join('\n');
    process.stdout.write(`${section}\n`);
    if (OUTPUT !== '-') {
      const current = await readFile(OUTPUT, 'utf8');
      const pattern = /<!-- bench:import start -->[\s\S]*?<!-- bench:import end -->/;
      await writeFile(
        OUTPUT,
        pattern.test(current)
          ? current.replace(pattern, section)
          : current.replace('## Results\n', `## Results\n\n${section}\n`),
      );
      log(`wrote ${OUTPUT}`);
    }
    await app.apollo.stop();
    await orm.close(true);
  } finally {
    await postgres.stop();
    await rm(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
