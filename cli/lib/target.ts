/**
 * Which stack the CLI talks to, and the AWS clients pointed at it.
 *
 * - The local stack (default): the endpoints and outputs `npm start` writes to `.local/stack.json`
 *   (or the file named by `--local-stack` / `COMMUNIQUE_STACK_FILE`), with dummy credentials.
 * - A deployed stack (`--stack NAME`): its outputs from CloudFormation DescribeStacks, with the
 *   caller's own credentials and region — the CLI never holds credentials of its own.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { createSesClient } from '../../functions/lib/clients.js';
import type { PipelineDeps } from '../../functions/mailing/plan.js';
import type { StoreDeps } from '../../functions/store/store.js';
import { isCredentialsError, isNetworkError, RefusedError, UnreachableError } from './errors.js';

/** The repository root (this file lives in `cli/lib/`). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const LOCAL_REGION = 'us-east-1';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
/** Retention used for rows the CLI writes (suppression lifts); the stack's own default. */
const RETENTION_DAYS = 400;

/** What `npm start` writes; tests write the same shape for their own stack. */
export const stackFileSchema = z.object({
  endpoints: z.object({
    sqs: z.string().url(),
    dynamodb: z.string().url(),
    ses: z.string().url(),
    unsubscribe: z.string().optional(),
    rsvp: z.string().optional(),
  }),
  outputs: z.record(z.string(), z.string()),
  outbox: z.string().optional(),
  pid: z.number().int().optional(),
});
export type StackFile = z.infer<typeof stackFileSchema>;

/** How the person asked to reach a stack (global options). */
export interface TargetOptions {
  /** Deployed CloudFormation stack name. */
  stack?: string;
  /** AWS region of the deployed stack (default: the SDK's usual resolution). */
  region?: string;
  /** Local stack file. */
  localStack?: string;
}

/** A resolved stack and clients for it. */
export interface Target {
  kind: 'local' | 'deployed';
  /** For messages: "the local stack at http://127.0.0.1:4566" or "stack communique (eu-west-1)". */
  label: string;
  outputs: {
    IntakeQueueUrl: string;
    TableName: string;
    SendQueueUrl: string;
    IntakeDlqUrl?: string;
    UnsubscribeUrl?: string;
    ConfigurationSetName?: string;
  } & Record<string, string | undefined>;
  /** Local only: the emulators' endpoints and the folder of raw `.eml` files. */
  endpoints?: StackFile['endpoints'];
  outbox?: string;
  sqs: SQSClient;
  db: DynamoDBDocumentClient;
  ses: SESClient;
  store: StoreDeps;
  pipeline: PipelineDeps;
  /** Turns a failure to connect into the error a person can act on. */
  unreachable(error: unknown): UnreachableError;
  close(): void;
}

/** The stack file the CLI reads when no deployed stack is named. */
export function defaultStackFile(options: TargetOptions = {}): string {
  if (options.localStack) return path.resolve(options.localStack);
  if (process.env.COMMUNIQUE_STACK_FILE) return path.resolve(process.env.COMMUNIQUE_STACK_FILE);
  const stateDir = process.env.COMMUNIQUE_STATE_DIR ?? path.join(repoRoot, '.local');
  return path.resolve(stateDir, 'stack.json');
}

function requireOutputs(outputs: Record<string, string | undefined>, where: string): Target['outputs'] {
  const missing = ['IntakeQueueUrl', 'TableName', 'SendQueueUrl'].filter((k) => !outputs[k]);
  if (missing.length > 0) {
    throw new UnreachableError(
      `${where} has no ${missing.join(', ')} output${missing.length > 1 ? 's' : ''}; is it a communiqué stack?`,
    );
  }
  return outputs as Target['outputs'];
}

/** Reads and checks a local stack file; an absent or stale file means `npm start` is not running. */
export function readStackFile(file: string): StackFile {
  if (!existsSync(file)) {
    throw new UnreachableError(
      `No local stack found (${path.relative(process.cwd(), file) || file} does not exist) — is \`npm start\` running? ` +
        'Start it in another terminal, or target a deployed stack with --stack NAME.',
    );
  }
  let parsed: StackFile;
  try {
    parsed = stackFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new UnreachableError(
      `${file} is not a stack file written by \`npm start\` (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); restart \`npm start\`.`,
    );
  }
  if (parsed.pid !== undefined && !processAlive(parsed.pid)) {
    throw new UnreachableError(
      `No local stack found: ${file} names process ${parsed.pid}, which has exited — is \`npm start\` running?`,
    );
  }
  return parsed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, which still means it runs.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function build(
  kind: Target['kind'],
  label: string,
  outputs: Target['outputs'],
  clients: { sqs: SQSClient; dynamodb: DynamoDBClient; ses: SESClient },
  unreachable: (error: unknown) => UnreachableError,
  extra: Pick<Target, 'endpoints' | 'outbox'> = {},
): Target {
  const db = DynamoDBDocumentClient.from(clients.dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const store: StoreDeps = {
    db,
    table: outputs.TableName,
    now: () => new Date(),
    retentionDays: RETENTION_DAYS,
  };
  return {
    kind,
    label,
    outputs,
    ...extra,
    sqs: clients.sqs,
    db,
    ses: clients.ses,
    store,
    pipeline: {
      ...store,
      sqs: clients.sqs,
      sendQueueUrl: outputs.SendQueueUrl,
      intakeQueueUrl: outputs.IntakeQueueUrl,
    },
    unreachable,
    close: () => {
      clients.sqs.destroy();
      clients.dynamodb.destroy();
      clients.ses.destroy();
    },
  };
}

/** Clients for the local stack described by a stack file. */
export function localTarget(file: string, stackFile: StackFile = readStackFile(file)): Target {
  const outputs = requireOutputs(stackFile.outputs, file);
  // Fail fast: a stopped stack should be reported in a second, not after the SDK's retries.
  const common = {
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 30_000 },
  };
  const clients = {
    // The emulator's queue URLs carry a host name that does not resolve: use the endpoint.
    sqs: new SQSClient({ ...common, endpoint: stackFile.endpoints.sqs, useQueueUrlAsEndpoint: false }),
    dynamodb: new DynamoDBClient({ ...common, endpoint: stackFile.endpoints.dynamodb }),
    ses: createSesClient({ ...common, endpoint: stackFile.endpoints.ses }),
  };
  const label = `the local stack at ${hostOf(stackFile.endpoints.sqs)}`;
  return build(
    'local',
    label,
    outputs,
    clients,
    (error) =>
      new UnreachableError(
        `No local stack found at ${hostOf(stackFile.endpoints.sqs)} — is \`npm start\` running? (${file} may be left over from an earlier run.)`,
        { cause: error },
      ),
    { endpoints: stackFile.endpoints, ...(stackFile.outbox ? { outbox: stackFile.outbox } : {}) },
  );
}

/** Clients for a deployed stack, with the outputs DescribeStacks reports. */
export async function deployedTarget(name: string, region?: string): Promise<Target> {
  const config = region ? { region } : {};
  // A blocked network should be reported in seconds, not after the SDK's default patience.
  const cfn = new CloudFormationClient({
    ...config,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
  });
  let outputs: Record<string, string> = {};
  let resolvedRegion = region ?? '';
  try {
    resolvedRegion = await cfn.config.region();
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    const stack = Stacks?.[0];
    if (!stack) throw new UnreachableError(`No stack named "${name}" in ${resolvedRegion}.`);
    for (const o of stack.Outputs ?? [])
      if (o.OutputKey && o.OutputValue) outputs[o.OutputKey] = o.OutputValue;
  } catch (error) {
    if (error instanceof UnreachableError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (isCredentialsError(error)) {
      throw new UnreachableError(
        `No usable AWS credentials to read stack "${name}" (${message}). Sign in (e.g. \`aws sso login\`) or set AWS_PROFILE.`,
        { cause: error },
      );
    }
    if (/does not exist/i.test(message)) {
      throw new UnreachableError(
        `No stack named "${name}" in region ${resolvedRegion || '(none set)'}; check --stack and --region (or AWS_REGION).`,
        { cause: error },
      );
    }
    if (/region/i.test(message) && !resolvedRegion) {
      throw new UnreachableError(`No AWS region set: pass --region or set AWS_REGION.`, { cause: error });
    }
    if (isNetworkError(error)) {
      throw new UnreachableError(
        `Could not reach CloudFormation in ${resolvedRegion} to read stack "${name}": ${message}`,
        {
          cause: error,
        },
      );
    }
    throw new UnreachableError(`Could not describe stack "${name}": ${message}`, { cause: error });
  } finally {
    cfn.destroy();
  }
  outputs = { ...outputs };
  const checked = requireOutputs(outputs, `stack "${name}"`);
  const timeouts = { ...config, requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 } };
  const clients = {
    sqs: new SQSClient(timeouts),
    dynamodb: new DynamoDBClient(timeouts),
    ses: createSesClient(timeouts),
  };
  const label = `stack ${name} (${resolvedRegion})`;
  return build('deployed', label, checked, clients, (error) => {
    const message = error instanceof Error ? error.message : String(error);
    return new UnreachableError(`Could not reach AWS for ${label}: ${message}`, { cause: error });
  });
}

/** Resolves the target the global options name. */
export async function resolveTarget(options: TargetOptions): Promise<Target> {
  if (options.stack && options.localStack) {
    throw new RefusedError(
      'Pass either --stack (a deployed stack) or --local-stack (a local stack file), not both.',
    );
  }
  if (options.stack) return deployedTarget(options.stack, options.region);
  return localTarget(defaultStackFile(options));
}

/** Maps connection and credential failures of a command to an UnreachableError for its target. */
export function asUnreachable(target: Target | undefined, error: unknown): UnreachableError | undefined {
  if (error instanceof UnreachableError) return error;
  if (!target) return undefined;
  if (isNetworkError(error)) return target.unreachable(error);
  if (isCredentialsError(error)) {
    return new UnreachableError(
      `AWS refused the credentials for ${target.label}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const name = (error as { name?: unknown })?.name;
  if (
    name === 'ResourceNotFoundException' ||
    name === 'AWS.SimpleQueueService.NonExistentQueue' ||
    name === 'QueueDoesNotExist'
  ) {
    return new UnreachableError(
      `${target.label} does not have the table or queue its stack file names (${(error as Error).message}); was it restarted? Re-run \`npm start\` or check --stack.`,
      { cause: error },
    );
  }
  return undefined;
}
