import churnWarnings from '../../rules/churn-warnings.json';
import followUps from '../../rules/follow-ups.json';
import importantDates from '../../rules/important-dates.json';
import lifecycle from '../../rules/lifecycle.json';
import memberLadder from '../../rules/member-ladder.json';
import rfmSegments from '../../rules/rfm-segments.json';
import valueMatrix from '../../rules/value-matrix.json';
import touchpoints from '../../rules/touchpoints.json';
import vipTreatment from '../../rules/vip-treatment.json';
import winBack from '../../rules/win-back.json';
import type { RuleFile } from './rule-file';

/** The shipped rule files by file name, in the order they are shown. A meta-test checks every file in rules/ is here. */
export const DEFAULT_RULE_FILES: Readonly<Record<string, RuleFile>> = {
  'member-ladder.json': memberLadder as RuleFile,
  'rfm-segments.json': rfmSegments as RuleFile,
  'vip-treatment.json': vipTreatment as RuleFile,
  'lifecycle.json': lifecycle as RuleFile,
  'value-matrix.json': valueMatrix as RuleFile,
  'churn-warnings.json': churnWarnings as RuleFile,
  'follow-ups.json': followUps as RuleFile,
  'touchpoints.json': touchpoints as RuleFile,
  'important-dates.json': importantDates as RuleFile,
  'win-back.json': winBack as RuleFile,
};
