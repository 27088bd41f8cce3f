/**
 * PutInsightSelectors validation for trails (reference §2.11): known Insight types and event
 * categories, and the management events each type needs the trail to log. Duplicate types are
 * merged (first position kept, categories unioned) so the stored set has one entry per type.
 */
import { AwsError } from '../aws/errors.js';
import type { InsightSelector, InsightType, SourceEventCategory } from '../services/cloudtrail/generated/model.js';
import { logsManagementEvents, type TrailSelectors } from './selectors.js';

const INSIGHT_TYPES: readonly string[] = ['ApiCallRateInsight', 'ApiErrorRateInsight'] satisfies InsightType[];
const EVENT_CATEGORIES: readonly string[] = ['Management', 'Data'] satisfies SourceEventCategory[];

const invalid = (message: string) => new AwsError('InvalidInsightSelectorsException', message);

export function validateInsightSelectors(selectors: InsightSelector[], trailSelectors: TrailSelectors): InsightSelector[] {
  const byType = new Map<string, InsightSelector>();
  for (const s of selectors) {
    const type = s.InsightType;
    if (type === undefined || !INSIGHT_TYPES.includes(type)) {
      throw invalid(`InsightType ${type ?? '(missing)'} is not valid. Valid values are ${INSIGHT_TYPES.join(', ')}.`);
    }
    for (const c of s.EventCategories ?? []) {
      if (!EVENT_CATEGORIES.includes(c)) {
        throw invalid(`EventCategories value ${c} is not valid. Valid values are ${EVENT_CATEGORIES.join(', ')}.`);
      }
    }
    const seen = byType.get(type);
    const categories = seen ? mergeCategories(seen.EventCategories, s.EventCategories) : s.EventCategories;
    byType.set(type, categories ? { InsightType: type, EventCategories: [...new Set(categories)] } : { InsightType: type });
  }
  const out = [...byType.values()];
  for (const s of out) checkManagementLogging(s, trailSelectors);
  return out;
}

/** Union of two category lists, where an absent list means management events only. */
function mergeCategories(a?: SourceEventCategory[], b?: SourceEventCategory[]): SourceEventCategory[] | undefined {
  if (!a && !b) return undefined;
  return [...(a ?? ['Management' as const]), ...(b ?? ['Management' as const])];
}

/** Insights on management events need the trail to log the events the baseline is built from. */
function checkManagementLogging(s: InsightSelector, trailSelectors: TrailSelectors): void {
  const categories = s.EventCategories ?? ['Management'];
  if (!categories.includes('Management')) return;
  const { read, write } = logsManagementEvents(trailSelectors);
  if (s.InsightType === 'ApiCallRateInsight' && !write) {
    throw invalid('ApiCallRateInsight requires the trail to log write management events. Update the event selectors to include them, then try again.');
  }
  if (s.InsightType === 'ApiErrorRateInsight' && !read && !write) {
    throw invalid('ApiErrorRateInsight requires the trail to log read or write management events. Update the event selectors to include them, then try again.');
  }
}
