import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../functions/lib/errors.js';
import {
  loadUnsubscribeKeys,
  parseUnsubscribeKeys,
  signUnsubscribeToken,
  type UnsubscribeKeys,
  unsubscribeUrl,
  verifyUnsubscribeToken,
} from '../../../functions/unsubscribe/token.js';

const key = () => randomBytes(32).toString('base64');
const keys: UnsubscribeKeys = { current: 'k1', keys: { k1: key() } };
const claims = { conferenceId: 'dushanbe-2022', contactKey: 'f.karimov@example.org', scope: 'bulk' as const };

const claimsArb = fc.record({
  conferenceId: fc.string({ minLength: 1, maxLength: 40 }),
  contactKey: fc.string({ minLength: 1, maxLength: 80 }),
  scope: fc.constant('bulk' as const),
});
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';

describe('unsubscribe tokens', () => {
  it('verify to the claims they were signed with', () => {
    fc.assert(
      fc.property(claimsArb, (c) => {
        expect(verifyUnsubscribeToken(keys, signUnsubscribeToken(keys, c))).toEqual(c);
      }),
    );
  });

  it('carry the key id, so a rotated-out key still verifies its tokens while new ones use the new key', () => {
    const old = signUnsubscribeToken(keys, claims);
    const rotated: UnsubscribeKeys = { current: 'k2', keys: { ...keys.keys, k2: key() } };
    const fresh = signUnsubscribeToken(rotated, claims);
    expect(old.startsWith('k1.')).toBe(true);
    expect(fresh.startsWith('k2.')).toBe(true);
    expect(verifyUnsubscribeToken(rotated, old)).toEqual(claims);
    expect(verifyUnsubscribeToken(rotated, fresh)).toEqual(claims);
    // Once the old key is dropped, its tokens stop working.
    expect(
      verifyUnsubscribeToken({ current: 'k2', keys: { k2: rotated.keys.k2 as string } }, old),
    ).toBeUndefined();
  });

  it('are URL-safe and fit in a link', () => {
    const token = signUnsubscribeToken(keys, claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const url = new URL(unsubscribeUrl('https://unsubscribe.example.org/', keys, claims));
    expect(url.origin + url.pathname).toBe('https://unsubscribe.example.org/');
    expect(verifyUnsubscribeToken(keys, url.searchParams.get('token') ?? '')).toEqual(claims);
  });

  it('keep the base URL path and query when building the link', () => {
    const url = new URL(unsubscribeUrl('http://127.0.0.1:4567/u?x=1', keys, claims));
    expect(url.pathname).toBe('/u');
    expect(url.searchParams.get('x')).toBe('1');
    expect(url.searchParams.get('token')).toBe(signUnsubscribeToken(keys, claims));
  });

  it('never verify when signed with another key under the same key id', () => {
    fc.assert(
      fc.property(claimsArb, (c) => {
        const forger: UnsubscribeKeys = { current: 'k1', keys: { k1: key() } };
        expect(verifyUnsubscribeToken(keys, signUnsubscribeToken(forger, c))).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('never verify random strings, random three-part strings, or well-formed parts with a made-up MAC', () => {
    const part = fc.string({ unit: fc.constantFrom(...BASE64URL.slice(0, -1)), maxLength: 60 });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.tuple(part, part, part).map((p) => p.join('.')),
          fc
            .tuple(claimsArb, fc.uint8Array({ minLength: 32, maxLength: 32 }))
            .map(
              ([c, mac]) =>
                `k1.${Buffer.from(JSON.stringify([c.conferenceId, c.contactKey, c.scope])).toString('base64url')}.${Buffer.from(mac).toString('base64url')}`,
            ),
        ),
        (candidate) => {
          expect(verifyUnsubscribeToken(keys, candidate)).toBeUndefined();
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never verify after any change: a character replaced, inserted or deleted, or the token cut short', () => {
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('replace' as const), at: fc.nat(), ch: fc.constantFrom(...BASE64URL) }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), ch: fc.constantFrom(...BASE64URL) }),
      fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(claimsArb, fc.array(mutation, { minLength: 1, maxLength: 3 }), (c, mutations) => {
        const genuine = signUnsubscribeToken(keys, c);
        let token = genuine;
        for (const m of mutations) {
          const at = m.at % (token.length + 1);
          if (m.op === 'replace') token = token.slice(0, at) + m.ch + token.slice(at + 1);
          if (m.op === 'insert') token = token.slice(0, at) + m.ch + token.slice(at);
          if (m.op === 'delete') token = token.slice(0, at) + token.slice(at + 1);
          if (m.op === 'truncate') token = token.slice(0, at);
        }
        fc.pre(token !== genuine);
        expect(verifyUnsubscribeToken(keys, token)).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });

  it('never verify with the claims of one token and the MAC of another', () => {
    fc.assert(
      fc.property(claimsArb, claimsArb, (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        const [kid, claimsA] = signUnsubscribeToken(keys, a).split('.');
        const macB = signUnsubscribeToken(keys, b).split('.')[2];
        expect(verifyUnsubscribeToken(keys, `${kid}.${claimsA}.${macB}`)).toBeUndefined();
      }),
    );
  });

  it('do not verify a MAC spelled differently (padding, standard base64) even if it decodes to the same bytes', () => {
    const [kid, encoded, mac] = signUnsubscribeToken(keys, claims).split('.') as [string, string, string];
    const bytes = Buffer.from(mac, 'base64url');
    expect(verifyUnsubscribeToken(keys, `${kid}.${encoded}.${mac}=`)).toBeUndefined();
    expect(verifyUnsubscribeToken(keys, `${kid}.${encoded}.${bytes.toString('base64')}`)).toBeUndefined();
    // The last character of 43 carries two unused bits: flip them and the bytes stay the same.
    const last = mac.at(-1) as string;
    const index = BASE64URL.indexOf(last);
    const twin = BASE64URL[(index & ~3) + ((index + 1) & 3)] as string;
    expect(Buffer.from(mac.slice(0, -1) + twin, 'base64url').equals(bytes)).toBe(true);
    expect(verifyUnsubscribeToken(keys, `${kid}.${encoded}.${mac.slice(0, -1)}${twin}`)).toBeUndefined();
  });

  it('do not treat object prototype names as key ids', () => {
    for (const kid of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const token = signUnsubscribeToken(keys, claims).replace(/^k1/, kid);
      expect(verifyUnsubscribeToken(keys, token)).toBeUndefined();
    }
  });

  it('do not verify a genuine MAC over claims that are not ours (wrong scope, wrong shape)', () => {
    // The documented token format, computed here by hand so that well-signed nonsense can be built.
    const sign = (payload: unknown) => {
      const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
      const mac = createHmac('sha256', Buffer.from(keys.keys.k1 as string, 'base64'))
        .update(`communique/unsubscribe/v1\nk1\n${encoded}`)
        .digest('base64url');
      return `k1.${encoded}.${mac}`;
    };
    expect(sign([claims.conferenceId, claims.contactKey, 'bulk'])).toBe(signUnsubscribeToken(keys, claims));
    for (const payload of [
      ['dushanbe-2022', 'f.karimov@example.org', 'all'],
      ['dushanbe-2022', 'f.karimov@example.org'],
      ['', 'f.karimov@example.org', 'bulk'],
      ['dushanbe-2022', '', 'bulk'],
      ['dushanbe-2022', 42, 'bulk'],
      { conferenceId: 'dushanbe-2022', contactKey: 'f.karimov@example.org', scope: 'bulk' },
      'bulk',
    ]) {
      expect(verifyUnsubscribeToken(keys, sign(payload))).toBeUndefined();
    }
  });

  it('do not verify empty, overlong or extra-part tokens', () => {
    expect(verifyUnsubscribeToken(keys, '')).toBeUndefined();
    expect(verifyUnsubscribeToken(keys, 'k1..')).toBeUndefined();
    expect(verifyUnsubscribeToken(keys, `${signUnsubscribeToken(keys, claims)}.extra`)).toBeUndefined();
    expect(verifyUnsubscribeToken(keys, 'x'.repeat(5000))).toBeUndefined();
  });
});

describe('unsubscribe keys', () => {
  it('load inline JSON, as the local stack provides it', async () => {
    const json = JSON.stringify(keys);
    await expect(loadUnsubscribeKeys({ UNSUBSCRIBE_KEYS: json })).resolves.toEqual(keys);
  });

  it('refuse a configuration with no keys at all', async () => {
    await expect(loadUnsubscribeKeys({})).rejects.toBeInstanceOf(ConfigurationError);
  });

  it.each([
    ['not JSON', '{'],
    ['current not among the keys', JSON.stringify({ current: 'k9', keys: { k1: key() } })],
    [
      'a key shorter than 32 bytes',
      JSON.stringify({ current: 'k1', keys: { k1: randomBytes(16).toString('base64') } }),
    ],
    ['a key id with a dot', JSON.stringify({ current: 'k.1', keys: { 'k.1': key() } })],
  ])('reject %s, naming the source', (_what, json) => {
    expect(() => parseUnsubscribeKeys(json, 'UNSUBSCRIBE_KEYS')).toThrow(/UNSUBSCRIBE_KEYS/);
  });

  it('refuse to sign when the current key is missing', () => {
    expect(() => signUnsubscribeToken({ current: 'k2', keys: {} }, claims)).toThrow(ConfigurationError);
  });
});
