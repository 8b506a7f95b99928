/**
 * The organizer console in AWS: the built single-page app in a private S3 bucket behind
 * CloudFront (origin access control, security headers, a strict Content-Security-Policy), a
 * Cognito user pool (no self sign-up, MFA available) with the groups the API checks, an app
 * client for the console (authorization code with PKCE, no secret), and an API Gateway HTTP API
 * whose every route is behind a JWT authorizer on that pool, in front of one thin Lambda
 * (functions/api.ts) that checks the group claim for every action (functions/api/access.ts).
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { consoleContentSecurityPolicy } from './console-policy.js';
import type { CommuniqueFunction } from './function.js';

/** The groups of the user pool; functions/api/http.ts GROUPS must list the same. */
export const CONSOLE_GROUPS = {
  organizers: 'Everything: compose, send, cancel, resend any mailing; suppressions',
  'press-office': 'Media advisories and the press list only',
  viewers: 'Read only',
} as const;

export interface ConsoleProps {
  /** The API function (functions/api.ts), built with the stack's one function construct. */
  api: CommuniqueFunction;
}

export class OrganizerConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly httpApi: apigw.HttpApi;
  /** What the console's /config.json holds (written at deploy, docs/deploy.md). */
  readonly configJson: Record<string, string>;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.bucket = new s3.Bucket(this, 'site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds the built console only (the same files for everyone, rebuilt from git at each deploy), read by CloudFront through origin access control; no data of any person is in it. S3 access logging would need an ACL-enabled log bucket, which this project keeps disabled.',
    });

    this.userPool = new cognito.UserPool(this, 'users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is offered (TOTP) and every organizer is asked to enrol (docs/deploy.md); the issue asks for MFA to be available, not forced on a press officer who signs in once a year.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus feature plan (threat protection) is paid per active user; see COG3. The pool has no self sign-up, so the accounts are the ones an administrator created.',
      },
      {
        id: 'AwsSolutions-COG3',
        reason:
          'Threat protection (advanced security) is a paid feature plan; the pool has no self sign-up, a strong password policy and optional TOTP. Turn it on with featurePlan PLUS where the budget allows.',
      },
    );
    for (const [name, description] of Object.entries(CONSOLE_GROUPS)) {
      new cognito.CfnUserPoolGroup(this, `group-${name}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: name,
        description,
      });
    }
    const domain = this.userPool.addDomain('domain', {
      cognitoDomain: { domainPrefix: `communique-${stack.account}` },
    });

    const authorizerIssuer = `https://cognito-idp.${stack.region}.amazonaws.com/${this.userPool.userPoolId}`;

    const integration = new HttpLambdaIntegration('api-integration', props.api);
    // The client needs the distribution's address, and the API's CORS too: both are set below.
    this.distribution = undefined as unknown as cloudfront.Distribution;

    const securityHeaders = (apiHosts: string) =>
      new cloudfront.ResponseHeadersPolicy(this, 'headers', {
        comment: 'communique console: CSP and security headers',
        securityHeadersBehavior: {
          contentSecurityPolicy: {
            contentSecurityPolicy: consoleContentSecurityPolicy([apiHosts, domain.baseUrl()]),
            override: true,
          },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
          referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
          strictTransportSecurity: {
            accessControlMaxAge: Duration.days(365),
            includeSubdomains: true,
            preload: false,
            override: true,
          },
          xssProtection: { protection: true, modeBlock: true, override: true },
        },
      });

    this.httpApi = new apigw.HttpApi(this, 'api', {
      description: 'communiqué organizer API (console)',
      createDefaultStage: true,
    });
    const apiUrl = `https://${this.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;

    this.distribution = new cloudfront.Distribution(this, 'cdn', {
      comment: 'communique organizer console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        // The API's own address would make a cycle (its CORS names this distribution): its region's execute-api hosts.
        responseHeadersPolicy: securityHeaders(`https://*.execute-api.${stack.region}.${stack.urlSuffix}`),
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'Organizers travel to the conference and work from many countries; a geo restriction would lock them out. Sign-in guards the data.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The distribution serves a static app only; the data sits behind Cognito sign-in and an API that verifies every token. Attach a WAF web ACL where the operator runs one.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'The distribution serves the same few static files to every organizer; CloudFront standard logging needs bucket ACLs, which this project keeps disabled. Every API call is logged (and traced) by the API function.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'On the default *.cloudfront.net certificate CloudFront negotiates TLSv1 at minimum whatever the policy says; with a custom domain and ACM certificate, set minimumProtocolVersion TLS_V1_2_2021.',
      },
    );
    const consoleUrl = `https://${this.distribution.distributionDomainName}`;

    this.client = this.userPool.addClient('console', {
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${consoleUrl}/`],
        logoutUrls: [`${consoleUrl}/`],
      },
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    // Every route is behind the authorizer: it verifies the ID token (issuer, audience = this client, expiry).
    const authorizer = new HttpJwtAuthorizer('cognito', authorizerIssuer, {
      jwtAudience: [this.client.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });
    this.httpApi.addRoutes({
      path: '/api/{proxy+}',
      methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST],
      integration,
      authorizer,
    });
    const cfnApi = this.httpApi.node.defaultChild as apigw.CfnApi;
    cfnApi.corsConfiguration = {
      allowOrigins: [consoleUrl],
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['authorization', 'content-type'],
      maxAge: 600,
    };
    const stage = this.httpApi.defaultStage?.node.defaultChild as apigw.CfnStage | undefined;
    if (stage) {
      stage.defaultRouteSettings = { throttlingBurstLimit: 50, throttlingRateLimit: 20 };
    }
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG1',
      reason:
        'The API function logs every failed request with its path (functions/api.ts) and X-Ray traces every call; an access-log group per stage adds cost without information the function logs lack.',
    });

    // The built app is uploaded by `docs/deploy.md` step 6 (aws s3 sync, then config.json from
    // these outputs): a BucketDeployment would add a CDK-managed function whose role carries an AWS
    // managed policy and wildcards, which this stack has none of.
    this.configJson = {
      mode: 'cognito',
      apiBase: apiUrl,
      authDomain: domain.baseUrl(),
      clientId: this.client.userPoolClientId,
    };

    new CfnOutput(stack, 'ConsoleUrl', { value: consoleUrl });
    new CfnOutput(stack, 'ConsoleApiUrl', { value: apiUrl });
    new CfnOutput(stack, 'ConsoleUserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(stack, 'ConsoleClientId', { value: this.client.userPoolClientId });
    new CfnOutput(stack, 'ConsoleBucketName', { value: this.bucket.bucketName });
    new CfnOutput(stack, 'ConsoleDistributionId', { value: this.distribution.distributionId });
    new CfnOutput(stack, 'ConsoleAuthDomain', { value: domain.baseUrl() });
  }
}
