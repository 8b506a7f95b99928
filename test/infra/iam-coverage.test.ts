import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
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

/** AWS SDK command names imported by a source file. */
function commandsIn(file: string): string[] {
  const source = readFileSync(path.join(root, file), 'utf8');
  const names: string[] = [];
  for (const match of source.matchAll(
    /import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]@aws-sdk\/[^'"]+['"]/g,
  )) {
    for (const part of (match[1] ?? '').split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0];
      if (name?.endsWith('Command') && !part.trim().startsWith('type ')) names.push(name);
    }
  }
  return names;
}

/** The repository's own source files that end up in a function's bundle (packages stay external). */
async function sourcesOf(entry: string): Promise<string[]> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/'));
}

describe('IAM covers what the handlers call', () => {
  let s: Synthesized;
  const used = new Map<string, Map<string, string>>();

  beforeAll(async () => {
    s = synthesize();
    for (const entry of Object.values(ENTRIES)) {
      const commands = new Map<string, string>();
      for (const file of await sourcesOf(entry)) for (const c of commandsIn(file)) commands.set(c, file);
      used.set(entry, commands);
    }
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
          .map((a) => `${a} (${command} in ${file})`),
      );
    expect(missing).toEqual([]);
  });
});
