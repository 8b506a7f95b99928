import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifySesError, type SesErrorClass } from '../../functions/sending/ses-errors.js';

/**
 * The classifier on errors as the real SDK raises them: a loopback server answers each
 * SendRawEmail the way SES (or the network) would, and the client's error is classified.
 */
type Answer = { status: number; body: string } | 'reset';

function sesError(status: number, code: string, message: string): Answer {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return {
    status,
    body: `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>test</RequestId></ErrorResponse>`,
  };
}

describe('classifySesError on real SDK errors', () => {
  let next: Answer = 'reset';
  let server: http.Server;
  let url = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (next === 'reset') req.socket.destroy();
        else res.writeHead(next.status, { 'content-type': 'text/xml' }).end(next.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const client = (endpoint: string) =>
    new SESClient({
      endpoint,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });

  async function classOf(answer: Answer, endpoint = url): Promise<SesErrorClass> {
    next = answer;
    const error = await client(endpoint)
      .send(
        new SendRawEmailCommand({
          RawMessage: { Data: Buffer.from('Subject: x\r\n\r\nx') },
          Destinations: ['jane@example.org'],
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    if (error === undefined) throw new Error('the call succeeded');
    return classifySesError(error).class;
  }

  it.each([
    ['throttling', sesError(400, 'Throttling', 'Maximum sending rate exceeded.'), 'throttled'],
    ['429', sesError(429, 'TooManyRequestsException', 'Too many requests'), 'throttled'],
    ['daily quota', sesError(400, 'Throttling', 'Daily message quota exceeded.'), 'account'],
    ['account paused', sesError(400, 'AccountSendingPausedException', 'paused'), 'account'],
    [
      'configuration set paused',
      sesError(400, 'ConfigurationSetSendingPausedException', 'paused'),
      'account',
    ],
    ['access denied', sesError(403, 'AccessDenied', 'not authorized to perform ses:SendRawEmail'), 'account'],
    ['bad credentials', sesError(403, 'InvalidClientTokenId', 'The security token is invalid'), 'account'],
    ['message rejected', sesError(400, 'MessageRejected', 'Email address is not verified.'), 'permanent'],
    ['unknown 4xx', sesError(400, 'SomethingNewException', 'a code nobody listed'), 'permanent'],
    ['5xx', sesError(503, 'ServiceUnavailable', 'Service unavailable'), 'not-sent'],
    ['500', sesError(500, 'InternalFailure', 'internal error'), 'not-sent'],
    ['reset after the request', 'reset', 'may-have-been-sent'],
    [
      '2xx with a body that does not parse',
      { status: 200, body: '<SendRawEmailResponse' },
      'may-have-been-sent',
    ],
  ] as [string, Answer, SesErrorClass][])('%s → %s', async (_, answer, expected) => {
    expect(await classOf(answer)).toBe(expected);
  });

  it('a refused connection → not-sent', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await classOf('reset', `http://127.0.0.1:${port}`)).toBe('not-sent');
  });

  it('keeps the name and message as the reason', () => {
    const verdict = classifySesError(
      Object.assign(new Error('Email address is not verified.'), {
        name: 'MessageRejected',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    expect(verdict).toEqual({
      class: 'permanent',
      reason: 'MessageRejected: Email address is not verified.',
    });
  });

  it('an AggregateError of refused addresses (happy eyeballs) → not-sent; an unknown error → may-have-been-sent', () => {
    const refused = (address: string) =>
      Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });
    expect(classifySesError(new AggregateError([refused('::1:443'), refused('127.0.0.1:443')])).class).toBe(
      'not-sent',
    );
    expect(classifySesError(new TypeError('something odd')).class).toBe('may-have-been-sent');
    expect(classifySesError('a string').class).toBe('may-have-been-sent');
  });
});
