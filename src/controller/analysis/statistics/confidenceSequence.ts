/**
 * Anytime-valid confidence sequences for a rate (failed / processed records, slow / all records),
 * from Robbins' beta-binomial mixture martingale.
 *
 * For a true rate p, M_n(p) = ∫ q^f (1 − q)^(n − f) dBeta(q; a, b) / (p^f (1 − p)^(n − f)) is a
 * nonnegative martingale with M_0 = 1 as records arrive, so by Ville's inequality
 * P(∃ n: M_n(p) ≥ 1/α) ≤ α. The set {p : M_n(p) < 1/α} therefore covers the true rate at *every*
 * n at once with probability ≥ 1 − α: a verdict may be taken at every scrape, or continuously,
 * without the error inflation of re-running a fixed-sample test (Robbins 1970; Howard, Ramdas,
 * McAuliffe & Sekhon, "Time-uniform, nonparametric, nonasymptotic confidence sequences", Ann.
 * Statist. 2021). The counts must be cumulative from a fixed start (the release or the step), not
 * a sliding window.
 */
import { logBeta } from "./special.ts";

/** `events` out of `trials`: failed out of processed, or slow out of all records. */
export interface Proportion {
  events: number;
  trials: number;
}

/** A closed interval of rates in [0, 1]. */
export interface RateBounds {
  lower: number;
  upper: number;
}

/**
 * The mixing distribution Beta(a, b) over alternative rates. It decides where the sequence is
 * tightest: mass near the rates a release cares about (around 1 %) buys the fastest verdicts there.
 */
export interface MixingPrior {
  a: number;
  b: number;
}

/**
 * Beta(0.5, 25): mean ≈ 2 %, a long tail up to 30 % and beyond, so it pays off both for a canary
 * near a 1 % threshold and for one failing a third of its records.
 * @default { a: 0.5, b: 25 }
 */
export const DEFAULT_PRIOR: MixingPrior = { a: 0.5, b: 25 };

/** ln M_n(p) of the beta-binomial mixture martingale, for a rate 0 < p < 1. */
export function logMixtureMartingale(x: Proportion, p: number, prior: MixingPrior = DEFAULT_PRIOR): number {
  return logMixture(x, prior) - logLikelihood(x, p);
}

/** ln of the mixture's marginal likelihood ∫ q^f (1 − q)^(n − f) dBeta(q; a, b); free of p. */
function logMixture(x: Proportion, prior: MixingPrior): number {
  return logBeta(prior.a + x.events, prior.b + x.trials - x.events) - logBeta(prior.a, prior.b);
}

function logLikelihood(x: Proportion, p: number): number {
  const { events: f, trials: n } = x;
  return (f > 0 ? f * Math.log(p) : 0) + (n - f > 0 ? (n - f) * Math.log1p(-p) : 0);
}

const BISECTIONS = 60;

/** The p in (low, high) where `f` crosses `level`, `f` being monotone on the interval. */
function crossing(f: (p: number) => number, low: number, high: number, level: number): number {
  const rising = f(high) > f(low);
  let a = low;
  let b = high;
  for (let i = 0; i < BISECTIONS; i++) {
    const mid = (a + b) / 2;
    if (f(mid) >= level === rising) b = mid;
    else a = mid;
  }
  return rising ? a : b;
}

/**
 * The rates not yet ruled out at confidence 1 − alpha, valid at every look. ln M_n(p) is convex
 * in p with its minimum at the observed rate, so the set is an interval found by bisection on
 * each side. With no trials it is [0, 1]: no data, no information.
 */
export function confidenceBounds(
  x: Proportion,
  alpha: number,
  prior: MixingPrior = DEFAULT_PRIOR,
): RateBounds {
  const { events, trials } = normalise(x);
  if (trials === 0) return { lower: 0, upper: 1 };
  const level = Math.log(1 / alpha);
  const mixture = logMixture({ events, trials }, prior);
  const logM = (p: number) => mixture - logLikelihood({ events, trials }, p);
  const observed = Math.min(Math.max(events / trials, 1e-12), 1 - 1e-12);
  if (logM(observed) >= level) return { lower: observed, upper: observed };
  const lower = events === 0 ? 0 : crossing(logM, 1e-15, observed, level);
  const upper = events === trials ? 1 : crossing(logM, observed, 1 - 1e-15, level);
  return { lower, upper };
}

/**
 * Counts as Prometheus returns them: `increase()` extrapolates, so they are reals and the failed
 * count may overshoot the processed one by a fraction; negative or NaN values mean no data.
 */
export function normalise(x: Proportion): Proportion {
  const trials = Number.isFinite(x.trials) && x.trials > 0 ? x.trials : 0;
  const events = Number.isFinite(x.events) && x.events > 0 ? Math.min(x.events, trials) : 0;
  return { events, trials };
}
