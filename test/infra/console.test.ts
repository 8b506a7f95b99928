import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { GROUPS } from '../../functions/api/http.js';
import { CONSOLE_GROUPS } from '../../infra/console.js';
import { type Resource, type Synthesized, synthesize } from './support.js';

let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

const one = (type: string): [string, Resource] => {
  const found = s.ofType(type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
};

describe('organizer console infrastructure', () => {
  it('puts every route of the HTTP API behind the Cognito JWT authorizer', () => {
    const [authorizerId, authorizer] = one('AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    expect(authorizer.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
    const [clientId] = one('AWS::Cognito::UserPoolClient');
    expect(authorizer.Properties.JwtConfiguration).toMatchObject({ Audience: [{ Ref: clientId }] });
    expect(JSON.stringify(authorizer.Properties.JwtConfiguration)).toContain('cognito-idp');
    const routes = s.ofType('AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThan(0);
    for (const [id, route] of routes) {
      expect(route.Properties.AuthorizationType, id).toBe('JWT');
      expect(route.Properties.AuthorizerId, id).toEqual({ Ref: authorizerId });
      expect(String(route.Properties.RouteKey), id).not.toMatch(/\$default/);
    }
  });

  it('keeps the bucket private: all public access blocked, TLS only, readable by this distribution alone', () => {
    const buckets = s.ofType('AWS::S3::Bucket');
    expect(buckets).toHaveLength(1);
    const [bucketId, bucket] = buckets[0] as [string, Resource];
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption).toBeDefined();
    const [, policy] = one('AWS::S3::BucketPolicy');
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    const allows = statements.filter((st) => st.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]?.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(JSON.stringify(allows[0]?.Condition)).toContain('AWS:SourceArn');
    expect(
      statements.some(
        (st) => st.Effect === 'Deny' && JSON.stringify(st.Condition).includes('aws:SecureTransport'),
      ),
    ).toBe(true);
    expect(JSON.stringify(policy.Properties.Bucket)).toContain(bucketId);
  });

  it('serves it through CloudFront with origin access control, HTTPS and strict security headers', () => {
    const [oacId, oac] = one('AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
    });
    const [, dist] = one('AWS::CloudFront::Distribution');
    const config = dist.Properties.DistributionConfig as Record<string, unknown> & {
      Origins: { OriginAccessControlId?: unknown }[];
      DefaultCacheBehavior: Record<string, unknown>;
    };
    expect(config.Origins[0]?.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultRootObject).toBe('index.html');
    const [headersId, headers] = one('AWS::CloudFront::ResponseHeadersPolicy');
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: headersId });
    const security = (
      headers.Properties.ResponseHeadersPolicyConfig as {
        SecurityHeadersConfig: Record<string, Record<string, unknown>>;
      }
    ).SecurityHeadersConfig;
    const csp = JSON.stringify(security.ContentSecurityPolicy?.ContentSecurityPolicy);
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(security.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
    expect(security.ContentTypeOptions).toMatchObject({ Override: true });
    expect(security.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31536000 });
    expect(security.ReferrerPolicy).toMatchObject({ ReferrerPolicy: 'no-referrer' });
  });

  it('has a user pool without self sign-up, with MFA available and the three groups the API checks', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
    const groups = s.ofType('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect(groups.sort()).toEqual([...GROUPS].sort());
    expect(Object.keys(CONSOLE_GROUPS).sort()).toEqual([...GROUPS].sort());
    s.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: Match.arrayWith(['openid', 'email']),
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('runs the API on the one function construct, sending only to the intake queue', () => {
    const [id] = s.functionByEntry('functions/api.ts');
    const statements = s.roleStatements(id);
    const sqsResources = statements
      .filter((st) => JSON.stringify(st.Action).includes('sqs:SendMessage'))
      .map((st) => JSON.stringify(st.Resource));
    expect(sqsResources).toHaveLength(1);
    expect(sqsResources[0]).toMatch(/intake/i);
    expect(sqsResources[0]).not.toMatch(/dlq/i);
  });
});
