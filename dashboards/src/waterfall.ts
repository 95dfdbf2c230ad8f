// A patent's valuation waterfall (the engine's explanation) as steps in fen that add up:
// the discounted royalty of each year builds the appraised value, then the legal factor,
// the fee factor and the pledge rate take it down to the collateral value.
import type { ValuationExplanation } from './api-types';

export interface Step {
  key: string; // message key of the step
  params?: Record<string, unknown>;
  delta: number; // fen added (positive) or taken (negative); totals carry the level in `total`
  total?: number;
  factor?: number;
}

export function valueSteps(explanation: ValuationExplanation | null | undefined, collateralFen: number): Step[] {
  const income = explanation?.income ?? {};
  const coll = explanation?.collateral ?? {};
  const stream = income.stream ?? [];
  const appraised = Number(income.appraised_fen ?? 0);
  const steps: Step[] = [];
  // Years' present values rounded to fen; the last one takes the rounding so they add up.
  let sum = 0;
  stream.forEach((y, i) => {
    const pv = i === stream.length - 1 ? appraised - sum : Math.round(Number(y.present_value ?? 0));
    sum += pv;
    steps.push({ key: 'wf.year', params: { year: y.year }, delta: pv });
  });
  if (!stream.length && appraised) steps.push({ key: 'wf.income', delta: appraised });
  steps.push({ key: 'wf.appraised', delta: 0, total: appraised });
  const legal = Number(coll.legal_factor ?? 1);
  const fee = Number(coll.fee?.fee_factor ?? 1);
  const pledge = Number(coll.pledge_rate ?? 1);
  const afterLegal = Math.round(appraised * legal);
  const afterFee = Math.round(afterLegal * fee);
  steps.push({ key: 'wf.legal', delta: afterLegal - appraised, factor: legal });
  steps.push({ key: 'wf.fee', delta: afterFee - afterLegal, factor: fee });
  if (coll.eligible === false) {
    steps.push({ key: 'wf.ineligible', delta: collateralFen - afterFee });
  } else {
    steps.push({ key: 'wf.pledge', delta: collateralFen - afterFee, factor: pledge });
  }
  steps.push({ key: 'wf.collateral', delta: 0, total: collateralFen });
  return steps;
}

/** Invisible base and visible bar for a floating waterfall. */
export function floating(steps: Step[]): { base: number; up: number; down: number; total: number }[] {
  let level = 0;
  return steps.map((s) => {
    if (s.total !== undefined) {
      level = s.total;
      return { base: 0, up: 0, down: 0, total: s.total };
    }
    const from = level;
    level += s.delta;
    return s.delta >= 0
      ? { base: from, up: s.delta, down: 0, total: 0 }
      : { base: level, up: 0, down: -s.delta, total: 0 };
  });
}
