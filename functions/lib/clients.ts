import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
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

export function documentClient(): DynamoDBDocumentClient {
  db ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
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
