import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SESClient, type SESClientConfig } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One client per service per module scope, created on first use and reused
 * across invocations. Endpoints come from the SDK's own variables
 * (AWS_ENDPOINT_URL_DYNAMODB, …), which the local stack sets. Every client a
 * function uses comes from here, so the local fault layer (local/faults.ts) reaches
 * every AWS call; test/chaos/faults.test.ts fails if one is made elsewhere.
 */
let db: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;
let ses: SESClient | undefined;
let ssm: SSMClient | undefined;
let sns: SNSClient | undefined;

/**
 * How long a DynamoDB request may take (ms). Without a limit, a request on a connection that died
 * without a reset waits for the Lambda timeout — a claim then runs out into `uncertain`. Timed out,
 * it is a lost answer like any other, which the chaos runs inject: the SDK tries again, and the
 * delivery moves recognise their own earlier effect (store/deliveries.ts). Two writes do not, at
 * no cost to a guarantee: a resent claim of send slots wastes its first block (the schedule runs
 * later, it never sends faster), and a resent move whose row moved on meanwhile leaves the
 * counters to the clock's recount. In Lambda the runtime's own AWS SDK (the bundle leaves
 * `@aws-sdk/*` out) reads these options; one that predates `throwOnRequestTimeout` only warns.
 */
export const DYNAMODB_HTTP = { connectionTimeout: 1_000, requestTimeout: 5_000, throwOnRequestTimeout: true };

export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ requestHandler: DYNAMODB_HTTP, ...config }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function documentClient(): DynamoDBDocumentClient {
  db ??= createDocumentClient();
  return db;
}

export function sqsClient(): SQSClient {
  // The configured endpoint, not the queue URL's host: the same in AWS, and locally the
  // emulator's queue URLs carry a host name that is not resolvable.
  sqs ??= new SQSClient({ useQueueUrlAsEndpoint: false });
  return sqs;
}

/**
 * An SES client that makes exactly one attempt per call. The SDK's standard retry would resend a
 * SendRawEmail whose answer was lost (a reset connection counts as transient), and SES may have
 * taken the first copy: every retry of a send is the pipeline's decision (see
 * sending/ses-errors.ts), made only where SES certainly did not take the mail.
 */
export function createSesClient(config: SESClientConfig = {}): SESClient {
  return new SESClient({ ...config, maxAttempts: 1 });
}

export function sesClient(): SESClient {
  ses ??= createSesClient();
  return ses;
}

export function ssmClient(): SSMClient {
  ssm ??= new SSMClient({});
  return ssm;
}

/** The client the RSVP endpoint publishes the outbound answer events with. */
export function snsClient(): SNSClient {
  sns ??= new SNSClient({});
  return sns;
}
