/**
 * Collaborators of the organizer API: the store and pipeline (same as the handlers), the intake
 * queue every change goes through, the SES client for test sends, and what composing needs.
 */
import type { SESClient } from '@aws-sdk/client-ses';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { PipelineDeps } from '../mailing/plan.js';
import type { ComposeEnv } from '../sending/compose.js';

export interface ApiDeps {
  pipeline: PipelineDeps;
  sqs: SQSClient;
  ses: SESClient;
  intakeQueueUrl: string;
  sendQueueUrl: string;
  /** For messages: "the local stack" or "stack communique". */
  label: string;
  compose: ComposeEnv;
  /** How long a change may wait for the intake to apply its event (default 20 s: under API Gateway's 30 s). */
  waitMs?: number;
  /** Above this many recipients, confirming asks for the count to be typed (default 50). */
  typeCountAbove?: number;
}
