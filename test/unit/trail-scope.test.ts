import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudTrailRecord } from '../../src/recorder/record.js';
import { GLOBAL_EVENT_REGION, isGlobalServiceEvent, trailCoversRecord, type TrailScope } from '../../src/trails/scope.js';
import type { GlobalServiceSources } from '../../src/trails/global-services.js';
import { record } from '../helpers/records.js';

const at = (eventSource: string, awsRegion: string, host?: string): CloudTrailRecord =>
  record({ eventSource, awsRegion, ...(host ? { tlsDetails: { clientProvidedHostHeader: host } } : {}) });

describe('isGlobalServiceEvent', () => {
  const cases: [string, CloudTrailRecord, boolean][] = [
    ['IAM', at('iam.amazonaws.com', 'us-east-1'), true],
    ['CloudFront', at('cloudfront.amazonaws.com', 'us-east-1'), true],
    ['Route 53', at('route53.amazonaws.com', 'us-east-1'), true],
    ['WAF Classic', at('waf.amazonaws.com', 'us-east-1'), true],
    ['Organizations', at('organizations.amazonaws.com', 'us-east-1'), true],
    ['IAM signed for another region', at('iam.amazonaws.com', 'eu-west-1'), true],
    ['STS global endpoint', at('sts.amazonaws.com', 'us-east-1'), true],
    ['STS global endpoint, host header', at('sts.amazonaws.com', 'us-east-1', 'sts.amazonaws.com'), true],
    ['STS regional endpoint in us-east-1', at('sts.amazonaws.com', 'us-east-1', 'sts.us-east-1.amazonaws.com'), false],
    ['STS regional endpoint elsewhere', at('sts.amazonaws.com', 'eu-west-1'), false],
    ['console sign-in', at('signin.amazonaws.com', 'us-east-1'), true],
    ['regional sign-in', at('signin.amazonaws.com', 'eu-west-1'), false],
    ['EC2', at('ec2.amazonaws.com', 'us-east-1'), false],
  ];
  for (const [name, r, want] of cases) test(name, () => assert.equal(isGlobalServiceEvent(r), want));

  test('the set of sources is configurable', () => {
    const sources: GlobalServiceSources = { global: new Set(['ec2.amazonaws.com']), globalInLeaderRegion: new Set() };
    assert.equal(isGlobalServiceEvent(at('ec2.amazonaws.com', 'eu-west-1'), sources), true);
    assert.equal(isGlobalServiceEvent(at('iam.amazonaws.com', 'us-east-1'), sources), false);
    assert.equal(GLOBAL_EVENT_REGION, 'us-east-1');
  });
});

describe('trailCoversRecord', () => {
  const trail = (homeRegion: string, isMultiRegionTrail: boolean, includeGlobalServiceEvents: boolean): TrailScope => ({
    homeRegion, isMultiRegionTrail, includeGlobalServiceEvents,
  });
  const euEvent = at('ec2.amazonaws.com', 'eu-west-1');
  const usEvent = at('ec2.amazonaws.com', 'us-east-1');
  const iamEvent = at('iam.amazonaws.com', 'us-east-1');
  const cases: [string, TrailScope, CloudTrailRecord, boolean][] = [
    ['single-region: own region', trail('eu-west-1', false, true), euEvent, true],
    ['single-region: other region', trail('eu-west-1', false, true), usEvent, false],
    ['multi-region: every region', trail('eu-west-1', true, true), usEvent, true],
    ['multi-region: home region too', trail('eu-west-1', true, true), euEvent, true],
    ['global: multi-region with flag', trail('eu-west-1', true, true), iamEvent, true],
    ['global: us-east-1 single-region with flag', trail('us-east-1', false, true), iamEvent, true],
    ['global: us-east-1 single-region without flag', trail('us-east-1', false, false), iamEvent, false],
    ['global: single-region elsewhere even with flag', trail('eu-west-1', false, true), iamEvent, false],
    ['global: multi-region without flag', trail('eu-west-1', true, false), iamEvent, false],
    ['regional STS in us-east-1 without flag', trail('us-east-1', false, false), at('sts.amazonaws.com', 'us-east-1', 'sts.us-east-1.amazonaws.com'), true],
    ['regional STS elsewhere', trail('eu-west-1', false, false), at('sts.amazonaws.com', 'eu-west-1'), true],
  ];
  for (const [name, t, r, want] of cases) test(name, () => assert.equal(trailCoversRecord(t, r), want));
});
