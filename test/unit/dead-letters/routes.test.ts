import { describe, expect, it } from 'vitest';
import { parseRoutes } from '../../../functions/dead-letters/process.js';

describe('dead-letter routes', () => {
  it('reads each queue’s name, receives, DLQ and URL from the variable the stack writes', () => {
    const routes = parseRoutes(
      'intake,5,arn:aws:sqs:eu-west-1:111122223333:intake-dlq,https://sqs.eu-west-1.amazonaws.com/111122223333/intake send,3,arn:aws:sqs:eu-west-1:111122223333:send-dlq,https://sqs.eu-west-1.amazonaws.com/111122223333/send',
    );
    expect(routes).toEqual([
      {
        name: 'intake',
        maxReceiveCount: 5,
        dlqArn: 'arn:aws:sqs:eu-west-1:111122223333:intake-dlq',
        queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/intake',
      },
      {
        name: 'send',
        maxReceiveCount: 3,
        dlqArn: 'arn:aws:sqs:eu-west-1:111122223333:send-dlq',
        queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/send',
      },
    ]);
  });

  it.each(['intake,5,arn-only', 'intake,zero,arn,url', 'intake,0,arn,url'])(
    'refuses "%s" with the format it expects',
    (text) => {
      expect(() => parseRoutes(text)).toThrow(
        /not a dead-letter route: .*name,maxReceiveCount,dlqArn,queueUrl/,
      );
    },
  );
});
