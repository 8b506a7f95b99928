/**
 * `npm run bench:pipeline`: a 10,000-recipient mailing through the embedded
 * stack, then a paced run against an SES emulator limited to a set rate. Each
 * phase runs in its own process. Figures are reported against baselines
 * measured in the same run: dynalite's raw conditional-put rate, and the
 * configured SES rate.
 */
import { execFileSync } from 'node:child_process';

const recipients = Number(process.env.BENCH_RECIPIENTS ?? 10_000);
const pacedRecipients = Number(process.env.BENCH_PACED_RECIPIENTS ?? 800);
const sesRate = Number(process.env.BENCH_SES_RATE ?? 20);

function phase(args: string[]): Record<string, number | string | undefined | Record<string, number>> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/pipeline-phase.ts', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = out
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (!line) throw new Error(`phase ${args[0]} printed no result`);
  return JSON.parse(line);
}

const fmt = (n: unknown, digits = 1) => (typeof n === 'number' ? n.toFixed(digits) : String(n));

console.log(
  `pipeline benchmark — ${recipients} recipients, then ${pacedRecipients} at a configured ${sesRate}/s\n`,
);
const t = phase(['throughput', String(recipients)]);
const ratio = Number(t.deliveriesPerSecond) / Number(t.baselinePutsPerSecond);
console.log('throughput (sender unpaced, SES emulator unlimited)');
console.log(`  deliveries/s                       ${fmt(t.deliveriesPerSecond)}`);
console.log(
  `  dynalite raw conditional puts/s    ${fmt(t.baselinePutsPerSecond)}   (baseline, same run, 8 concurrent)`,
);
console.log(`  ratio deliveries / raw puts        ${fmt(ratio, 2)}   (target ≥ 0.30)`);
console.log(`  DynamoDB calls per delivery        ${fmt(t.dynamodbCallsPerDelivery, 2)}`);
console.log(`  SQS calls per delivery             ${fmt(t.sqsCallsPerDelivery, 2)}`);
console.log(
  `  SNS calls per delivery             ${fmt(t.snsCallsPerDelivery, 2)}   (local SES events; SES publishes these in AWS)`,
);
console.log(`  per operation                      ${JSON.stringify(t.operations)}`);
console.log(`  failed                             ${t.failed}`);

const p = phase(['paced', String(pacedRecipients), String(sesRate)]);
const deviation = Math.abs(Number(p.achievedSendRate) / sesRate - 1);
console.log(
  '\npaced (SES emulator limited to the configured rate; sender concurrency and pace derived from it)',
);
console.log(`  configured SES rate                ${sesRate}/s`);
console.log(
  `  achieved send rate                 ${fmt(p.achievedSendRate)}/s   (${fmt(Number(p.achievedSendRate) / sesRate, 3)} of configured; target within 5%)`,
);
console.log(`  deviation                          ${fmt(deviation * 100, 1)}%`);
console.log(`  throttled by SES (retried)         ${p.throttledBySes}`);
console.log(`  failed                             ${p.failed}   (target 0)`);
console.log(`  sent                               ${p.sent} / ${pacedRecipients}`);
