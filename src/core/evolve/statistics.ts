/** Small exact statistics the gate and the report need; no library does these few lines better. */

function logBinomialCoefficients(n: number): number[] {
  const logs = [0];
  for (let k = 1; k <= n; k++) logs.push(logs[k - 1] + Math.log(n - k + 1) - Math.log(k));
  return logs;
}

/** Exact one-sided binomial sign test: P(X ≥ wins) with X ~ Bin(wins + losses, 1/2). */
export function signTestPValue(wins: number, losses: number): number {
  const n = wins + losses;
  if (n === 0) return 1;
  const logs = logBinomialCoefficients(n);
  let tail = 0;
  for (let k = wins; k <= n; k++) tail += Math.exp(logs[k] - n * Math.LN2);
  return Math.min(1, tail);
}

/**
 * Exact two-sided sign test (McNemar's exact test on the discordant pairs): `up` pairs moved one way, `down` the other.
 * p = min(1, 2·P(X ≤ min(up, down))) with X ~ Bin(up + down, 1/2).
 */
export function twoSidedSignTestPValue(up: number, down: number): number {
  const n = up + down;
  if (n === 0) return 1;
  const logs = logBinomialCoefficients(n);
  let tail = 0;
  for (let k = 0; k <= Math.min(up, down); k++) tail += Math.exp(logs[k] - n * Math.LN2);
  return Math.min(1, 2 * tail);
}

/** Regularized incomplete beta I_x(a, b) by Lentz's continued fraction (Numerical Recipes 6.4). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logGamma = (z: number): number => {
    // Lanczos approximation, accurate to ~1e-13 for z > 0.
    const g = 7;
    const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
    if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
    const shifted = z - 1;
    let sum = c[0];
    for (let i = 1; i < g + 2; i++) sum += c[i] / (shifted + i);
    const t = shifted + g + 0.5;
    return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
  };
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  const fraction = (xx: number, aa: number, bb: number) => {
    const tiny = 1e-300;
    let c = 1;
    let d = 1 - ((aa + bb) * xx) / (aa + 1);
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    let h = d;
    for (let m = 1; m <= 300; m++) {
      const m2 = 2 * m;
      let term = (m * (bb - m) * xx) / ((aa + m2 - 1) * (aa + m2));
      d = 1 + term * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + term / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      h *= d * c;
      term = (-(aa + m) * (aa + bb + m) * xx) / ((aa + m2) * (aa + m2 + 1));
      d = 1 + term * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + term / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      const delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < 1e-14) break;
    }
    return h;
  };
  return x < (a + 1) / (a + b + 2) ? (front * fraction(x, a, b)) / a : 1 - (front * fraction(1 - x, b, a)) / b;
}

/** P(T ≤ t) for Student's t with `degrees` degrees of freedom. */
export function studentTCdf(t: number, degrees: number): number {
  const x = degrees / (degrees + t * t);
  const tail = 0.5 * incompleteBeta(x, degrees / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The t quantile: the t with P(T ≤ t) = probability, by bisection. */
export function studentTQuantile(probability: number, degrees: number): number {
  let low = -1e3;
  let high = 1e3;
  for (let step = 0; step < 200; step++) {
    const middle = (low + high) / 2;
    if (studentTCdf(middle, degrees) < probability) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** Mean of paired differences with its two-sided confidence interval (t interval); undefined bounds for fewer than 2 pairs. */
export function pairedMeanInterval(differences: readonly number[], confidence = 0.95): { mean: number; low?: number; high?: number } {
  const n = differences.length;
  if (n === 0) return { mean: 0 };
  const mean = differences.reduce((sum, value) => sum + value, 0) / n;
  if (n < 2) return { mean };
  const variance = differences.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  const half = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * Math.sqrt(variance / n);
  return { mean, low: mean - half, high: mean + half };
}
