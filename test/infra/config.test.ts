import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import cdkJson from '../../cdk.json' with { type: 'json' };
import { ConfigError, parseStackConfig, senderPacing } from '../../infra/config.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const base = cdkJson.context.communique;

/** The error message `parseStackConfig` throws for a value, or undefined when it parses. */
function failureOf(raw: unknown): string | undefined {
  try {
    parseStackConfig(raw);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe('stack configuration', () => {
  it('accepts the configuration in cdk.json and fills the defaults', () => {
    const config = parseStackConfig(base);
    expect(config.senderDomain).toBe(base.senderDomain);
    expect(config.logRetentionDays).toBe(30);
  });

  it('accepts the JSON text that `-c communique=…` passes', () => {
    expect(parseStackConfig(JSON.stringify(base)).alarmEmail).toBe(base.alarmEmail);
  });

  it.each([
    ['alarmEmail', { alarmEmail: 'operators' }],
    ['senderDomain', { senderDomain: 'not a domain' }],
    ['fromAddress', { fromAddress: 'someone@elsewhere.example.net' }],
    ['configurationSetName', { configurationSetName: 'has spaces' }],
    ['sesMaxSendRate', { sesMaxSendRate: 0 }],
    ['sesMaxSendRate', { sesMaxSendRate: '14' }],
    ['retentionDays', { retentionDays: 1.5 }],
    ['reminderOffsets.conference.0', { reminderOffsets: { conference: ['7 days'], session: [] } }],
    ['reminderOffsets.session.0', { reminderOffsets: { conference: [], session: ['P1M'] } }],
    ['unsubscribeBaseUrl', { unsubscribeBaseUrl: 'http://plain.example.org/u' }],
    ['unsubscribeKeyParameter', { unsubscribeKeyParameter: 'no-leading-slash' }],
    ['logRetentionDays', { logRetentionDays: 31 }],
  ])('names communique.%s when it is malformed', (field, override) => {
    const message = failureOf({ ...base, ...override });
    expect(message).toContain(`communique.${field}:`);
  });

  it('names a missing field', () => {
    const { alarmEmail: _omitted, ...rest } = base;
    expect(failureOf(rest)).toMatch(/communique\.alarmEmail: /);
  });

  it('names a field it does not know (a typo would otherwise be ignored)', () => {
    expect(failureOf({ ...base, perSenderRat: 3 })).toContain('perSenderRat');
  });

  it('names every bad field at once', () => {
    const message = failureOf({ ...base, alarmEmail: 'x', retentionDays: -1 }) ?? '';
    expect(message).toContain('communique.alarmEmail');
    expect(message).toContain('communique.retentionDays');
  });

  it('says so when the context is missing or is not JSON', () => {
    expect(failureOf(undefined)).toMatch(/"communique": it is missing/);
    expect(failureOf('{not json')).toMatch(/not JSON/);
  });

  it('fails synthesis of the app with the name of the malformed value', () => {
    // As `cdk synth` runs it: the CLI hands the context to the app in CDK_CONTEXT_JSON.
    const context = { ...cdkJson.context, communique: { ...base, sesMaxSendRate: -3 } };
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      cwd: root,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context) },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('communique.sesMaxSendRate:');
  });
});

describe('sender pacing', () => {
  it('never lets the senders together exceed the SES rate', () => {
    for (const sesMaxSendRate of [1, 3, 14, 50, 200, 5000]) {
      for (const perSenderRate of [1, 5, 10]) {
        const { maxConcurrency, perInvocationRate } = senderPacing({ sesMaxSendRate, perSenderRate });
        expect(maxConcurrency).toBeGreaterThanOrEqual(2);
        expect(maxConcurrency).toBeLessThanOrEqual(1000);
        expect(maxConcurrency * perInvocationRate).toBeLessThanOrEqual(sesMaxSendRate + 1e-9);
      }
    }
  });
});
