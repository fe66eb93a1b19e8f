/**
 * Everything a command file in commands/ needs, in one place: defining a command, the reply markup and wording,
 * the subscription rules, and the query language's description. Command files import this module only (eslint
 * refuses deeper imports), so the framework's inside can change without touching them.
 */
export { defineCommand, SUBSCRIPTION_ID_OPTION, type OptionDefinition } from './definition.js';
export { SCHEDULE_OPTIONS, scheduleInput } from './schedule-options.js';
export { describeSchedule } from '../core/delivery-schedule.js';
export { changeSchedule, scheduleFrom, scheduleGiven } from '../subscriptions/schedule.js';
export { formatExample, usageLine } from './usage.js';
export { UserError } from '../replies/errors.js';
export { bold, code, esc, link } from '../replies/markup.js';
export { feedLine, feedName, plural, relativeTime, subscriptionEntry } from '../replies/format.js';
export { describeQuery, MAX_QUERY_CHARS } from '../matcher/index.js';
export { resolveFeedSource } from '../subscriptions/feed-source.js';
export { formatItem, formatSample, matchItems } from '../subscriptions/item-matches.js';
export { loadFeed, throughHostLimiter } from '../subscriptions/load-feed.js';
export { readOpml, styleAttributes, writeOpml } from '../subscriptions/opml.js';
export { compileQuery } from '../subscriptions/query.js';
export {
  addSubscription,
  changeQuery,
  checkQuota,
  ownSubscription,
  pauseSubscription,
  removeSubscription,
  resumeSubscription,
} from '../subscriptions/rules.js';
export { STYLE_OPTIONS, readStyleOptions } from './style-options.js';
export {
  applyStyle,
  changeStyle,
  checkTemplate,
  describeStyle,
  readStyle,
  type StyleChange,
} from '../subscriptions/alert-style.js';
export { backfill, parseBackfill, MAX_BACKFILL } from '../subscriptions/backfill.js';
export { renderAlertPreview } from '../subscriptions/alert-preview.js';
export { changeScopeTemplate, readScopeTemplate } from '../subscriptions/scope-template.js';
