import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { CommuniqueFunction } from '../../infra/function.js';
import { actionsOf, ENTRIES, type Synthesized, synthesize } from './support.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The IAM action each AWS SDK command needs. The local stack does not enforce IAM,
 * so a command a handler starts using without its grant would only fail in AWS;
 * this table (and the test below) make that a test failure instead. A command that
 * is not here fails the test until it is added.
 */
const COMMAND_ACTIONS: Record<string, string[]> = {
  // @aws-sdk/lib-dynamodb and @aws-sdk/client-dynamodb
  GetCommand: ['dynamodb:GetItem'],
  GetItemCommand: ['dynamodb:GetItem'],
  BatchGetCommand: ['dynamodb:BatchGetItem'],
  BatchGetItemCommand: ['dynamodb:BatchGetItem'],
  QueryCommand: ['dynamodb:Query'],
  ScanCommand: ['dynamodb:Scan'],
  PutCommand: ['dynamodb:PutItem'],
  PutItemCommand: ['dynamodb:PutItem'],
  UpdateCommand: ['dynamodb:UpdateItem'],
  UpdateItemCommand: ['dynamodb:UpdateItem'],
  DeleteCommand: ['dynamodb:DeleteItem'],
  DeleteItemCommand: ['dynamodb:DeleteItem'],
  BatchWriteCommand: ['dynamodb:BatchWriteItem'],
  BatchWriteItemCommand: ['dynamodb:BatchWriteItem'],
  TransactGetCommand: ['dynamodb:GetItem'],
  TransactGetItemsCommand: ['dynamodb:GetItem'],
  TransactWriteCommand: [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:ConditionCheckItem',
  ],
  TransactWriteItemsCommand: [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:ConditionCheckItem',
  ],
  DescribeTableCommand: ['dynamodb:DescribeTable'],
  // @aws-sdk/client-sqs (the batch forms are authorized by the single-message action)
  SendMessageCommand: ['sqs:SendMessage'],
  SendMessageBatchCommand: ['sqs:SendMessage'],
  ReceiveMessageCommand: ['sqs:ReceiveMessage'],
  DeleteMessageCommand: ['sqs:DeleteMessage'],
  DeleteMessageBatchCommand: ['sqs:DeleteMessage'],
  ChangeMessageVisibilityCommand: ['sqs:ChangeMessageVisibility'],
  ChangeMessageVisibilityBatchCommand: ['sqs:ChangeMessageVisibility'],
  GetQueueAttributesCommand: ['sqs:GetQueueAttributes'],
  GetQueueUrlCommand: ['sqs:GetQueueUrl'],
  // @aws-sdk/client-ses, client-sesv2, client-ssm, client-sns, client-cloudwatch
  SendRawEmailCommand: ['ses:SendRawEmail'],
  SendEmailCommand: ['ses:SendEmail'],
  GetParameterCommand: ['ssm:GetParameter'],
  GetParametersCommand: ['ssm:GetParameters'],
  PublishCommand: ['sns:Publish'],
  PutMetricDataCommand: ['cloudwatch:PutMetricData'],
};

/**
 * Commands a function's bundle contains but never sends, with the reason. Static
 * imports over-approximate: a shared module may hold a command only one function
 * uses. An entry here is a decision, not a shortcut — granting the action instead
 * would hand mail-sending rights to a function that sends no mail.
 */
const IMPORTED_NOT_SENT: Partial<Record<keyof typeof ENTRIES, Record<string, string>>> = {};

/**
 * AWS SDK commands a function's code sends: esbuild bundles the entry as the
 * deployment does (packages external, tree-shaken), so a shared module's code
 * this function never reaches is dropped; every `new XCommand(` left in the
 * bundle is a command it sends, and the bundle's imports say from which package
 * (esbuild may suffix a renamed binding with a digit).
 */
async function commandsOf(entry: string): Promise<Map<string, string>> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  const text = result.outputFiles?.[0]?.text ?? '';
  const packageOf = new Map<string, string>();
  for (const match of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*["'](@aws-sdk\/[^"']+)["']/g)) {
    for (const part of (match[1] ?? '').split(',')) {
      const [name, alias] = part.trim().split(/\s+as\s+/);
      if (name) packageOf.set(alias ?? name, `${match[2]} (${name})`);
    }
  }
  const commands = new Map<string, string>();
  for (const match of text.matchAll(/new\s+(\w+Command)(\d*)\s*\(/g)) {
    const binding = `${match[1]}${match[2]}`;
    const from = packageOf.get(binding);
    if (from) commands.set(match[1] ?? binding, from);
  }
  return commands;
}

/**
 * Actions a role holds for the platform rather than for the function's code:
 * the log group its logs go to, X-Ray's trace upload, and the queue actions the
 * Lambda event source mapping uses to poll on the function's behalf.
 */
const PLATFORM_ACTIONS: Record<string, string> = {
  'logs:CreateLogStream': 'Lambda writes the function log group',
  'logs:PutLogEvents': 'Lambda writes the function log group',
  'xray:PutTraceSegments': 'active tracing',
  'xray:PutTelemetryRecords': 'active tracing',
  'sqs:ReceiveMessage': 'the event source mapping polls the queue',
  'sqs:ChangeMessageVisibility': 'the event source mapping returns failed records',
  'sqs:GetQueueUrl': 'the event source mapping resolves the queue',
  'sqs:DeleteMessage': 'the event source mapping deletes handled records',
  'sqs:GetQueueAttributes': 'the event source mapping reads the queue',
  'kms:GenerateDataKey': 'the key of an encrypted topic or queue the function sends to (granted with it)',
  'kms:Decrypt': 'the key of an encrypted topic or queue the function sends to (granted with it)',
};

/** The stack's functions with the calls each declares beside its definition (infra/stack.ts). */
function declaredCalls(s: Synthesized): Map<string, readonly string[] | undefined> {
  return new Map(
    s.stack.node
      .findAll()
      .filter((c): c is CommuniqueFunction => c instanceof CommuniqueFunction)
      .map((fn) => [fn.entry, fn.calls]),
  );
}

describe('IAM covers what the handlers call', () => {
  let s: Synthesized;
  const used = new Map<string, Map<string, string>>();

  beforeAll(async () => {
    s = synthesize();
    for (const entry of Object.values(ENTRIES)) used.set(entry, await commandsOf(entry));
  }, 120_000);

  it('exempts only commands the function really bundles', () => {
    for (const [name, exempt] of Object.entries(IMPORTED_NOT_SENT)) {
      const bundled = used.get(ENTRIES[name as keyof typeof ENTRIES]) ?? new Map<string, string>();
      for (const command of Object.keys(exempt))
        expect(bundled.has(command), `${name}: ${command}`).toBe(true);
    }
  });

  it('knows the IAM action of every AWS SDK command the handlers import', () => {
    const unknown = [...used.values()].flatMap((m) => [...m.keys()]).filter((c) => !(c in COMMAND_ACTIONS));
    expect(unknown).toEqual([]);
  });

  it.each(Object.entries(ENTRIES))('grants %s every action its code needs', (name, entry) => {
    const [fnId] = s.functionByEntry(entry);
    const granted = new Set(s.roleStatements(fnId).flatMap(actionsOf));
    const exempt = IMPORTED_NOT_SENT[name as keyof typeof ENTRIES] ?? {};
    const missing = [...(used.get(entry) ?? new Map<string, string>())]
      .filter(([command]) => !(command in exempt))
      .flatMap(([command, file]) =>
        (COMMAND_ACTIONS[command] ?? [])
          .filter((a) => !granted.has(a))
          .map((a) => `${a} (${command} from ${file})`),
      );
    expect(missing).toEqual([]);
  });

  it('declares, beside every function, the AWS actions its code calls', () => {
    const declared = declaredCalls(s);
    for (const entry of Object.values(ENTRIES)) expect(declared.has(entry), entry).toBe(true);
    for (const [entry, calls] of declared) expect(calls, entry).toBeDefined();
  });

  it.each(Object.entries(ENTRIES))('declares for %s only actions its code calls', (_name, entry) => {
    const called = new Set(
      [...(used.get(entry) ?? new Map<string, string>()).keys()].flatMap((c) => COMMAND_ACTIONS[c] ?? []),
    );
    const declared = declaredCalls(s).get(entry) ?? [];
    expect(declared.filter((a) => !called.has(a))).toEqual([]);
  });

  it.each(Object.entries(ENTRIES))('gives %s no action its function never calls', (_name, entry) => {
    const [fnId] = s.functionByEntry(entry);
    const declared = new Set(declaredCalls(s).get(entry) ?? []);
    const extra = s
      .roleStatements(fnId)
      .flatMap(actionsOf)
      .filter((a) => !declared.has(a) && !(a in PLATFORM_ACTIONS));
    expect([...new Set(extra)]).toEqual([]);
  });

  it.each([
    ['unsubscribe', ENTRIES.unsubscribe, 'SUPPRESSION#*'],
    ['dead-letters', ENTRIES.deadLetters, 'REJECTION#*'],
  ])('lets the %s function write its own rows only', (_name, entry, keys) => {
    const [fnId] = s.functionByEntry(entry);
    const writes = s
      .roleStatements(fnId)
      .filter((st) => actionsOf(st).some((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a)));
    expect(writes.length).toBeGreaterThan(0);
    for (const st of writes) {
      expect(st.Condition).toEqual({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [keys] },
      });
    }
  });
});
