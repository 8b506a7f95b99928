/**
 * `npm run bench:pipeline`: a mailing through the embedded stack unpaced (deliveries/s against
 * dynalite's raw conditional-put rate in the same run, DynamoDB calls per delivery end to end,
 * planning rate, and the harness's bound: the same calls bare, with no handler code), then paced runs with 1, 3 and 10 concurrent senders against an SES emulator
 * that enforces the configured rate over a rolling one-second window, as SES does. Each phase
 * runs in its own process. `npm run bench:scale` runs the throughput phase at 100,000.
 */
import { execFileSync } from 'node:child_process';

const scale = process.argv[2] === 'scale';
const recipients = Number(process.env.BENCH_RECIPIENTS ?? (scale ? 100_000 : 3_000));
const pacedRecipients = Number(process.env.BENCH_PACED_RECIPIENTS ?? 400);
const sesRate = Number(process.env.BENCH_SES_RATE ?? 10);
const concurrencies = (process.env.BENCH_SENDERS ?? '1,3,10').split(',').map(Number);

type Result = Record<string, number | string | undefined | Record<string, number>>;

function phase(args: string[]): Result {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/pipeline-phase.ts', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 256 * 1024 * 1024,
  });
  const line = out
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (!line) throw new Error(`phase ${args[0]} printed no result`);
  return JSON.parse(line) as Result;
}

const fmt = (n: unknown, digits = 1) => (typeof n === 'number' ? n.toFixed(digits) : String(n));
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
const row = (what: string, figure: string, target: string) =>
  console.log(`  ${what.padEnd(44)} ${figure.padEnd(30)} ${target}`);

console.log(
  `pipeline benchmark — ${recipients} recipients unpaced${scale ? '' : `, then ${pacedRecipients} at a configured ${sesRate}/s with ${concurrencies.join(', ')} senders`}`,
);
console.log('the machine is shared: absolute rates are low and noisy; the ratios are the figures\n');

const t = phase([scale ? 'scale' : 'throughput', String(recipients)]);
const ratio = Number(t.deliveriesPerSecond) / Number(t.baselinePutsPerSecond);
const planningRatio = Number(t.planningRowsPerSecond) / Number(t.baselinePutsPerSecond);
const calls = Number(t.dynamodbCallsPerDelivery);
console.log('throughput (sender unpaced, SES emulator unlimited)');
row('dynalite raw conditional puts/s', fmt(t.baselinePutsPerSecond), 'baseline, same run, 8 concurrent');
row('deliveries/s', fmt(t.deliveriesPerSecond), '');
row('ratio deliveries / raw puts', fmt(ratio, 3), `target ≥ 0.30  ${verdict(ratio >= 0.3)}`);
const bound = Number(t.harnessBoundDeliveriesPerSecond);
row(
  'harness bound: deliveries/s as bare calls',
  fmt(bound),
  '3 DynamoDB + 1 SES call, no handler code, 8 concurrent',
);
row(
  'ratio harness bound / raw puts',
  fmt(bound / Number(t.baselinePutsPerSecond), 3),
  '(the most any pipeline reaches here)',
);
row(
  'ratio deliveries / harness bound',
  fmt(Number(t.deliveriesPerSecond) / bound, 3),
  "(the pipeline's own overhead)",
);
row('DynamoDB calls per delivery, end to end', fmt(calls, 2), `target ≤ 4.0  ${verdict(calls <= 4)}`);
row('planning rows/s (while senders run)', fmt(t.planningRowsPerSecond), '');
row('ratio planning rows / raw puts', fmt(planningRatio, 3), '(one conditional put per row: ≤ 1)');
row('peak RSS of the whole stack process', `${fmt(t.peakRssMb, 0)} MB`, '');
row('SQS calls per delivery', fmt(t.sqsCallsPerDelivery, 2), '');
row(
  'SNS publishes per delivery',
  fmt(t.snsCallsPerDelivery, 2),
  '(local SES events; SES publishes these in AWS)',
);
row('failed', String(t.failed), 'target 0');
console.log(`  per operation: ${JSON.stringify(t.operations)}`);

if (!scale) {
  console.log(
    '\npaced (SES emulator enforcing the configured rate over a rolling second; fleet-wide slots in DynamoDB)',
  );
  for (const senders of concurrencies) {
    const p = phase(['paced', String(pacedRecipients), String(sesRate), String(senders)]);
    const achieved = Number(p.backloggedSendRate) / sesRate;
    const throttled = Number(p.throttledShare);
    row(
      `${senders} sender${senders === 1 ? '' : 's'}: achieved ÷ configured`,
      `${fmt(achieved, 3)} (${fmt(p.backloggedSendRate, 2)}/s over ${p.backloggedSends})`,
      `target 0.98–1.00  ${verdict(achieved >= 0.98 && achieved <= 1.0)}`,
    );
    row(
      `${senders} sender${senders === 1 ? '' : 's'}: throttled attempts`,
      `${fmt(throttled * 100, 2)} % (${p.throttledBySes})`,
      `target ≤ 1 %  ${verdict(throttled <= 0.01)}`,
    );
    row(
      `${senders} sender${senders === 1 ? '' : 's'}: whole run incl. planning`,
      `${fmt(Number(p.achievedSendRate) / sesRate, 3)}`,
      '(senders wait for planning early on)',
    );
    row(
      `${senders} sender${senders === 1 ? '' : 's'}: sent, failed`,
      `${p.sent} / ${pacedRecipients}, ${p.failed}`,
      '',
    );
    row(
      `${senders} sender${senders === 1 ? '' : 's'}: DynamoDB calls per delivery`,
      fmt(p.dynamodbCallsPerDelivery, 2),
      '(includes the slot claims)',
    );
  }
}
