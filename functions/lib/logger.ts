import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Structured JSON logs; addresses are masked before they reach a log line. */
export const logger = new Logger({ serviceName: 'communique' });

/** EMF metrics: sent, failed, throttled, bounced, complained… */
export const metrics = new Metrics({ namespace: 'Communique', serviceName: 'communique' });

/** `jane.doe@example.org` → `j***@example.org`: enough to tell deliveries apart, not enough to mail. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address[0]}***${address.slice(at)}`;
}
