// The service's answers and requests, by the names of its OpenAPI document (openapi.json, turned
// into api-schema.d.ts by `npm run gen:api`): one short alias per schema the dashboards use.
// A few fields the document leaves open (`type: object`: the engine's explanations and reports,
// kept as JSON by the service) are refined below to what the dashboards read of them.
import type { components } from './api-schema';

type Schemas = components['schemas'];

// Errors and sessions
export type ErrorBody = Schemas['ErrorBody'];
export type LoginRequest = Schemas['LoginRequest'];
export type Tokens = Schemas['Tokens'];
export type Me = Schemas['Me'];
export type SignInActivity = Schemas['SignInActivity'];
export type UserView = Schemas['UserView'];
export type OrganisationView = Schemas['OrganisationView'];

// Enterprise
export type PatentPage = Schemas['PatentPage'];
export type ImportReport = Schemas['ImportReport'];
export type RowProblem = Schemas['RowProblem'];
export type ValuationRequest = Schemas['ValuationRequest'];
export type ValuationReport = Omit<Schemas['ValuationReport'], 'patents'> & { patents: PatentValuation[] };
export type PatentValuation = Omit<Schemas['PatentValuation'], 'explanation'> & { explanation: ValuationExplanation };
export type ApplicationView = Schemas['ApplicationView'];
export type Readiness = Schemas['Readiness'];
export type FailedGround = Schemas['FailedGround'];
export type LoanView = Schemas['LoanView'];
export type AlertsView = Schemas['AlertsView'];
export type AlertView = Schemas['AlertView'];
export type MarkedRead = Schemas['MarkedRead'];
export type PatentView = Schemas['PatentView'];
export type ChangeRequestView = Omit<Schemas['ChangeRequestView'], 'before' | 'after'> & {
  before: Record<string, string | number | boolean | null>;
  after: Record<string, string | number | boolean | null>;
};
export type CollateralValue = Schemas['CollateralValue'];

// Bank
export type QueuePage = Schemas['QueuePage'];
export type ApplicationDetail = Schemas['ApplicationDetail'];
export type PledgeView = Schemas['PledgeView'];
export type RegistrationRequest = Schemas['RegistrationRequest'];
export type EvaluationReport = Omit<Schemas['EvaluationReport'], 'patents' | 'risk'> & { patents: EvaluatedPatent[]; risk: RiskProfile };
export type EvaluatedPatent = Omit<Schemas['EvaluatedPatent'], 'explanation'> & { explanation: ValuationExplanation };
export type RiskProfile = Omit<Schemas['RiskProfile'], 'events'> & { events: RiskContribution[] };
export type Proposal = Schemas['Proposal'];
export type PortfolioLoan = Schemas['PortfolioLoan'];
export type BankAlert = Schemas['BankAlert'];
export type MonitoringRun = Schemas['MonitoringRun'];
export type ServicingRun = Schemas['ServicingRun'];
export type AlertAction = Schemas['AlertAction'];
export type DisposalView = Schemas['DisposalView'];
export type OpenDisposal = Schemas['OpenDisposal'];
export type ClaimView = Schemas['ClaimView'];
export type FiledClaim = Schemas['FiledClaim'];

// Government
export type PoolView = Schemas['PoolView'];
export type ClaimDetail = Schemas['ClaimDetail'];
export type ClaimDecisionRequest = Schemas['ClaimDecisionRequest'];
export type DisputeView = Schemas['DisputeView'];
export type DisputeDetail = Schemas['DisputeDetail'];
export type Decision = Schemas['Decision'];
export type SimulationRequest = Schemas['SimulationRequest'];
export type SimulationView = Omit<Schemas['SimulationView'], 'params' | 'result'> & {
  params: SimulationParams;
  result?: SimulationReport | null;
};
export type Whitelist = Schemas['Whitelist'];
export type FinancingReport = Schemas['FinancingReport'];
export type ReportRow = Schemas['ReportRow'];

// ---- The open fields, as the engine writes them ----

/** A patent's valuation explanation (engine/src/valuation/explain.rs, `Explanation`): the parts
 * the waterfall draws. */
export interface ValuationExplanation {
  pvd?: number;
  indicators?: {
    degree: string;
    indicator: string;
    value: number;
    score: number;
    pvd_points: number;
  }[];
  income?: {
    appraised_fen?: number;
    stream?: { year: number; present_value: number }[];
  };
  collateral?: {
    legal_factor?: number;
    fee?: { fee_factor?: number };
    pledge_rate?: number;
    eligible?: boolean;
  };
}

/** One counted risk event with its decayed contribution (engine/src/risk/explain.rs,
 * `Contribution`). */
export interface RiskContribution {
  event_type: string;
  dimension: string;
  reference: string;
  occurred_on: string;
  age_days: number;
  weight: number;
  contribution: number;
  share_of_evidence: number;
}

/** What a simulation was started with (services/gov/simulations.rs writes it); `scenarios` at
 * the top is the older form. */
export interface SimulationParams {
  request?: SimulationRequest;
  scenarios?: number;
  rule_version?: number;
  balance_fen?: number;
  loans?: number;
  as_of?: string;
  pd?: { pd_source?: { enterprise_model_on_statements?: number; model_training_default_rate?: number } };
}

/** The depletion simulation's report (engine/src/pool/explain.rs, `SimulationReport` with its
 * figures flattened in): the parts the dashboards show. */
export interface SimulationReport {
  scenarios?: number;
  seed?: number;
  loans?: number;
  balance_fen?: number;
  mean_payout_fen: number;
  sd_payout_fen: number;
  quantiles: Record<string, number>;
  depletion_probability: number;
  expected_shortfall_fen: number;
  balance_99_fen: number;
  mean_claims_fen: number;
  claims_quantiles: Record<string, number>;
}
