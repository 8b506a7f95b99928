import { createHash } from 'node:crypto';
import type { AcceptedMail } from './ses.js';

/**
 * SES-shaped event records for mail the local SES accepted, as a configuration
 * set's SNS event destination would publish them, so the real feedback handler
 * runs locally. Recipients behave like the SES mailbox simulator
 * (`<scenario>[+label]@simulator.amazonses.com`); every other address delivers:
 *
 * | recipient | events |
 * |---|---|
 * | `success@` | Send, Delivery |
 * | `bounce@` | Send, Bounce (Permanent/General, 550 5.1.1 user unknown) |
 * | `ooto@` | Send, Delivery (the auto-reply goes to the envelope sender; SES publishes no event for it) |
 * | `complaint@` | Send, Delivery, Complaint (abuse) |
 * | `suppressionlist@` | Send, Bounce (Permanent/Suppressed): SES answers as if the address were on its suppression list; this is a bounce, not a Reject event |
 * | anyone else | Send, Delivery |
 *
 * Like SES, nothing is published for mail sent without a configuration set.
 * One Send per message; then one Delivery listing every delivered recipient,
 * one Bounce per bounce subtype (SES combines simulator bounces of one
 * request), one Complaint per complaining recipient.
 */
export function sesEventsFor(mail: AcceptedMail): unknown[] {
  const headers = topHeaders(mail.raw);
  const configurationSet = mail.configurationSet ?? headerValue(headers, 'X-SES-CONFIGURATION-SET');
  if (!configurationSet) return [];

  const sendTime = mail.timestamp.getTime();
  const at = (ms: number) => new Date(sendTime + ms).toISOString();
  const source = mail.source ?? headerValue(headers, 'From') ?? 'sender@localhost';
  const fromDomain = domainOf(addressOf(source)) ?? 'localhost';
  const tags: Record<string, string[]> = {
    'ses:configuration-set': [configurationSet],
    'ses:source-ip': ['127.0.0.1'],
    'ses:from-domain': [fromDomain],
    'ses:caller-identity': ['local'],
  };
  for (const [name, value] of Object.entries(messageTags(mail, headers))) tags[name] = [value];
  const mailObject = (extraTags: Record<string, string[]> = {}) => ({
    timestamp: at(0),
    source,
    sourceArn: `arn:aws:ses:us-east-1:000000000000:identity/${fromDomain}`,
    sendingAccountId: '000000000000',
    messageId: mail.messageId,
    destination: mail.destinations,
    headersTruncated: false,
    headers: headers.map(([name, value]) => ({ name, value })),
    commonHeaders: commonHeaders(headers, mail.messageId),
    tags: { ...tags, ...extraTags },
  });

  const delivered: string[] = [];
  const bounces = new Map<string, { recipient: string; status: string; diagnosticCode: string }[]>();
  const complaints: string[] = [];
  for (const recipient of mail.destinations) {
    switch (simulatorScenario(recipient)) {
      case 'bounce':
        pushTo(bounces, 'General', {
          recipient,
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        });
        break;
      case 'suppressionlist':
        pushTo(bounces, 'Suppressed', {
          recipient,
          status: '5.1.1',
          diagnosticCode:
            'Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.',
        });
        break;
      case 'complaint':
        delivered.push(recipient);
        complaints.push(recipient);
        break;
      default:
        // success@, ooto@ and every ordinary address are delivered.
        delivered.push(recipient);
    }
  }

  const events: unknown[] = [{ eventType: 'Send', mail: mailObject(), send: {} }];
  if (delivered.length > 0) {
    events.push({
      eventType: 'Delivery',
      mail: mailObject({ 'ses:outgoing-ip': ['127.0.0.1'] }),
      delivery: {
        timestamp: at(800),
        processingTimeMillis: 800,
        recipients: delivered.map(addressOf),
        smtpResponse: '250 2.6.0 Message received',
        reportingMTA: 'a0-0.smtp-out.local.amazonses.com',
      },
    });
  }
  for (const [subType, recipients] of bounces) {
    events.push({
      eventType: 'Bounce',
      mail: mailObject(),
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: subType,
        bouncedRecipients: recipients.map((r) => ({
          emailAddress: addressOf(r.recipient),
          action: 'failed',
          status: r.status,
          diagnosticCode: r.diagnosticCode,
        })),
        timestamp: at(1000),
        feedbackId: feedbackId(mail.messageId, `bounce:${subType}`),
        reportingMTA: subType === 'Suppressed' ? 'dns; amazonses.com' : 'dsn; simulator.amazonses.com',
      },
    });
  }
  for (const recipient of complaints) {
    events.push({
      eventType: 'Complaint',
      mail: mailObject(),
      complaint: {
        complainedRecipients: [{ emailAddress: addressOf(recipient) }],
        timestamp: at(2000),
        feedbackId: feedbackId(mail.messageId, `complaint:${recipient}`),
        userAgent: 'Amazon SES Mailbox Simulator',
        complaintFeedbackType: 'abuse',
        arrivalDate: at(1500),
      },
    });
  }
  return events;
}

type Scenario = 'success' | 'bounce' | 'ooto' | 'complaint' | 'suppressionlist';
const SCENARIOS = new Set<string>(['success', 'bounce', 'ooto', 'complaint', 'suppressionlist']);

/** The simulator scenario of an address; labels (`bounce+label1@…`) are allowed, as in SES. */
export function simulatorScenario(recipient: string): Scenario | undefined {
  const address = addressOf(recipient).toLowerCase();
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1) !== 'simulator.amazonses.com') return undefined;
  const local = address.slice(0, at).split('+', 1)[0] ?? '';
  return SCENARIOS.has(local) ? (local as Scenario) : undefined;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** SES feedback ids look like `0100018…-…-000000`; derived from the message so repeats match. */
function feedbackId(messageId: string, what: string): string {
  const hash = createHash('sha256').update(`${messageId}\n${what}`).digest('hex');
  return `0100${hash.slice(0, 12)}-${hash.slice(12, 20)}-${hash.slice(20, 24)}-${hash.slice(24, 28)}-${hash.slice(28, 40)}-000000`;
}

/** `"Name" <a@b>` → `a@b`. */
function addressOf(value: string): string {
  return (/<([^<>]+)>\s*$/.exec(value)?.[1] ?? value).trim();
}

function domainOf(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  return at < 0 ? undefined : address.slice(at + 1).toLowerCase();
}

/** The top-level headers of a raw message, unfolded, in order. */
function topHeaders(raw: Buffer): [string, string][] {
  const text = raw.toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const out: [string, string][] = [];
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return out;
}

function headerValue(headers: [string, string][], name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

/** Tags from the API call, or from the X-SES-MESSAGE-TAGS header (`a=1, b=2`) when sent that way. */
function messageTags(mail: AcceptedMail, headers: [string, string][]): Record<string, string> {
  if (Object.keys(mail.tags).length > 0) return mail.tags;
  const header = headerValue(headers, 'X-SES-MESSAGE-TAGS');
  if (!header) return {};
  const tags: Record<string, string> = {};
  for (const pair of header.split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) tags[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return tags;
}

function commonHeaders(headers: [string, string][], messageId: string): Record<string, unknown> {
  const list = (name: string) => {
    const value = headerValue(headers, name);
    return value ? value.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((s) => s.trim()) : undefined;
  };
  const common: Record<string, unknown> = { messageId };
  const from = list('From');
  const to = list('To');
  const date = headerValue(headers, 'Date');
  const subject = headerValue(headers, 'Subject');
  if (from) common.from = from;
  if (to) common.to = to;
  if (date) common.date = date;
  if (subject) common.subject = subject;
  return common;
}
